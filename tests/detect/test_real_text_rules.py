"""Rules added for real text: titled and listed names, address boundaries, hard negatives."""

from __future__ import annotations

import pytest

from pivault.detect import Entity, analyze


def _values(text: str, entity: Entity, *, deep: bool = False) -> list[str]:
    return [f.value for f in analyze(text, deep=deep) if f.entity is entity]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("刚跟李总确认了，你把报价单发给张经理就行", ["李总", "张经理"]),
        ("已由王师傅（15920384417）派送", ["王师傅"]),  # 由 is "by", not a surname
        ("刘老师好，我是陈子轩的家长", ["刘老师", "陈子轩"]),
        ("老张说他明天到", ["老张"]),
        ("杨洋、徐静、马丽三位同学请到教务处", ["杨洋", "徐静", "马丽"]),
        ("到了给周杰打电话", ["周杰"]),  # 打电话 is a word: the name is two characters
        ("香港分店經理 李嘉欣 電話", ["李嘉欣"]),
        ('{"real_name":"李建华","id_no":"x"}', ["李建华"]),
        ("诸葛明和司马懿然周五面试", ["诸葛明", "司马懿然"]),
        ("张伟先生您好", ["张伟"]),  # a full name without its title
    ],
)
def test_chinese_names(text: str, names: list[str]) -> None:
    assert _values(text, Entity.CN_PERSON_NAME) == names


@pytest.mark.parametrize(
    "text",
    ["顾客 唐先生", "库存 12 件，单价 99 元", "卡号 6225 8818 6252 7602 时提示错误", "三位同学"],
)
def test_words_that_are_not_names(text: str) -> None:
    found = _values(text, Entity.CN_PERSON_NAME)
    assert all(v in ("唐先生",) for v in found)


@pytest.mark.parametrize(
    ("text", "address"),
    [
        (
            "住在南京市鼓楼区汉中路88号金鹰国际公寓2栋1703，有事",
            "南京市鼓楼区汉中路88号金鹰国际公寓2栋1703",
        ),
        ("地址：天津市南开区鞍山西道326号\n电话", "天津市南开区鞍山西道326号"),
        (
            "现住河南省郑州市金水区花园路39号院6号楼3单元12号",
            "河南省郑州市金水区花园路39号院6号楼3单元12号",
        ),
        (
            "正确地址：深圳市福田区华强北路1002号赛格广场36楼3608",
            "深圳市福田区华强北路1002号赛格广场36楼3608",
        ),
        ("我住3栋2单元602，想报修", "3栋2单元602"),
        ("请到西湖区文一西路522号西溪科创园3号门取件", "西湖区文一西路522号西溪科创园3号门"),
    ],
)
def test_address_boundaries(text: str, address: str) -> None:
    assert _values(text, Entity.CN_ADDRESS) == [address]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Dear Ms. Garcia, thank you", ["Ms. Garcia"]),
        ("Best regards,\nLinda Park", ["Linda Park"]),
        ("Your case is assigned to Olivia Martin; she will call", ["Olivia Martin"]),
        ("From: Anna Schmidt <anna@example.de>", ["Anna Schmidt"]),
    ],
)
def test_english_names(text: str, names: list[str]) -> None:
    assert _values(text, Entity.PERSON_NAME) == names


@pytest.mark.parametrize(
    "text",
    [
        "v2.3.1.0 修复了若干问题，SDK 1.0.2.15，固件 4.2.1.3",
        "Chrome/120.0.6099.109 MicroMessenger/8.0.44.2502",
        "X-Request-Id: 0af7651916cd43dd8448eb211c80319c",
        "订单号：3120241130093712 物流单号：YT7501928374651",
        "时间戳 1701351234567，端口 8443，版本号 10.4.2.1",
        "SKU: HW-P60-BLK-256，批次 B20241130A，条码 6901234567892",
    ],
)
def test_hard_negatives_are_not_flagged(text: str) -> None:
    assert analyze(text) == []


def test_deep_mode_finds_names_without_cues() -> None:
    assert _values("周末唐婉过生日", Entity.CN_PERSON_NAME, deep=True) == ["唐婉"]
