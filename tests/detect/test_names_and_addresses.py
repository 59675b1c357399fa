"""Chinese and Latin-script names; Chinese addresses (Hanzi and English)."""

from __future__ import annotations

import pytest

from pivault.detect import Entity, analyze

NAMES = [Entity.CN_PERSON_NAME, Entity.PERSON_NAME]


def names(text: str, deep: bool = False) -> list[str]:
    return [f.value for f in analyze(text, NAMES, deep=deep)]


def addresses(text: str) -> list[str]:
    return [f.value for f in analyze(text, [Entity.CN_ADDRESS])]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我叫杨海雪，住在北京", ["杨海雪"]),
        ("用户丁磊超反馈：订单", ["丁磊超"]),
        ("用户张伟反馈：订单", ["张伟"]),  # 反馈 is a word: the name stops before it
        ("联系人任娜 186 8923 5206", ["任娜"]),
        ("姓名：欧阳娜娜；身份证", ["欧阳娜娜"]),  # compound surname
        ("户名韩国，备注房租", ["韩国"]),  # a strong cue wins over the dictionary
        ("收货人苏杰洋 电话", ["苏杰洋"]),
        ("name=周怡强 ip", ["周怡强"]),
        ("帮我妈挂个号，张伟，身份证", ["张伟"]),  # isolated clause
        ("请王小明先生到前台", ["王小明"]),
        ("hi XIAO Xin, 文件发你", ["XIAO Xin"]),
        ("Name: Yixuan Zhu | Phone", ["Yixuan Zhu"]),
        ("Customer Zhuge Xiaxin (a@b.com)", ["Zhuge Xiaxin"]),
        ("Dear John Smith, thanks", ["John Smith"]),
    ],
)
def test_names_after_cues(text: str, expected: list[str]) -> None:
    assert names(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "用户反馈广告推送过多",
        "用户信息已更新",  # 信 is a surname, 信息 is a word
        "明天见，谢谢，好的",
        "江苏省今天下雨",
        "hi there, Thanks Team",
    ],
)
def test_name_hard_negatives(text: str) -> None:
    assert names(text) == []


def test_pinyin_name_is_chinese_other_latin_name_is_person_name() -> None:
    (pinyin,) = analyze("Name: Yixuan Zhu", NAMES)
    (english,) = analyze("Dear John Smith,", NAMES)
    assert pinyin.entity is Entity.CN_PERSON_NAME
    assert english.entity is Entity.PERSON_NAME
    assert pinyin.policy_category == english.policy_category == "survey.name"


def test_deep_mode_uses_jieba_for_names_without_cues() -> None:
    assert names("昨天和王小明一起吃饭") == []
    assert names("昨天和王小明一起吃饭", deep=True) == ["王小明"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("住在江苏省南京市淮海路564号6号楼2206，快递", "江苏省南京市淮海路564号6号楼2206"),
        ("住在北京市科技园街254号金地名苑，快递", "北京市科技园街254号金地名苑"),
        ("地址杭州市拱墅区学院大道921号5号楼104", "杭州市拱墅区学院大道921号5号楼104"),
        (
            "收货地址：上海市浦东新区张江路88号翠湖天地12栋3单元1502室。",
            "上海市浦东新区张江路88号翠湖天地12栋3单元1502室",
        ),
        ("老家河南省周口市郸城县李楼乡王庄村3组", "河南省周口市郸城县李楼乡王庄村3组"),
        ("地址：中山路5号阳光花园，", "中山路5号阳光花园"),  # cue, no province
        (
            "new address: Room 2742, Building A, No. 953 Zhangjiang Road, Central District, "
            "Suzhou, ok",
            "Room 2742, Building A, No. 953 Zhangjiang Road, Central District, Suzhou",
        ),
    ],
)
def test_addresses(text: str, expected: str) -> None:
    assert addresses(text) == [expected]


@pytest.mark.parametrize("text", ["我在北京市出差", "上海市天气不错", "北京时间2024年"])
def test_city_alone_is_not_a_postal_address(text: str) -> None:
    assert addresses(text) == []


def test_address_maps_to_home_address_policy_key() -> None:
    (finding,) = analyze("地址杭州市拱墅区学院大道921号", [Entity.CN_ADDRESS])
    assert finding.policy_category == "survey.home_address"
    assert finding.fides_category == "user.contact.address"
