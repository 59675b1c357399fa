"""E-mail, URL, IPv4/IPv6, MAC, IMEI, Android ID, IDFA/OAID and GPS coordinates."""

from __future__ import annotations

import pytest

from pivault.detect import Entity, analyze


def found(text: str, entity: Entity) -> list[str]:
    return [f.value for f in analyze(text) if f.entity is entity]


@pytest.mark.parametrize(
    ("text", "entity", "value"),
    [
        ("邮件发到zheng.xiao@foxmail.com吧", Entity.EMAIL, "zheng.xiao@foxmail.com"),
        ("邮箱:liu.lin@outlook.com也行", Entity.EMAIL, "liu.lin@outlook.com"),
        ("invoice to tianjing@163.com? thanks", Entity.EMAIL, "tianjing@163.com"),
        ("邮箱ｚｈａｎｇ＠ｑｑ．ｃｏｍ", Entity.EMAIL, "ｚｈａｎｇ＠ｑｑ．ｃｏｍ"),
        (
            "链接https://t.example.cn/order/detail?id=8083254&from=wx打不开",
            Entity.URL,
            "https://t.example.cn/order/detail?id=8083254&from=wx",
        ),
        ("打开www.example.cn/s/ab12。", Entity.URL, "www.example.cn/s/ab12"),
        ("最后登录IP 121.211.197.243，", Entity.IPV4, "121.211.197.243"),
        ("地址192.168.1.10登录异常", Entity.IPV4, "192.168.1.10"),
        ("from fe80:c704:2f70:9002:0000:0000:0000:a1bb", Entity.IPV6, None),
        ("ip=2001:db8:534b::4584 ", Entity.IPV6, "2001:db8:534b::4584"),
        ("mac=3c:22:fb:12:34:56 ", Entity.MAC_ADDRESS, "3c:22:fb:12:34:56"),
        ("设备IMEI356383692088495无法登录", Entity.IMEI, "356383692088495"),
        ("android_id=5509a0925a7a57b2，", Entity.ANDROID_ID, "5509a0925a7a57b2"),
        (
            "IDFA: 31662A9C-A96D-4890-A9FE-B6C469AE7673，手机",
            Entity.ADVERTISING_ID,
            "31662A9C-A96D-4890-A9FE-B6C469AE7673",
        ),
        ("定位发你了：27.4406,104.751932，到了", Entity.GPS, "27.4406,104.751932"),
        ("用户定位 纬度53.302994 经度117.99214", Entity.GPS, "53.302994"),
        ("lat=24.882986&lng=80.85378 from", Entity.GPS, "24.882986"),
    ],
)
def test_value_is_found_even_next_to_han_characters(
    text: str, entity: Entity, value: str | None
) -> None:
    values = found(text, entity)
    expected = value if value is not None else text.split("from ")[1]
    assert expected in values


@pytest.mark.parametrize(
    ("text", "entity"),
    [
        ("app版本8.14.2.138", Entity.IPV4),
        ("build=4.21.8.210 txn", Entity.IPV4),
        ("app_ver=12.16.2.140", Entity.IPV4),
        ("ip 256.1.1.1", Entity.IPV4),
        ("2024-04-17T01:42:40.337+08:00 WARN", Entity.IPV6),
        ("trace=9fba9ca075e9f411caa5e13651464524", Entity.ANDROID_ID),
        ("hash 5509a0925a7a57b2 of file", Entity.ANDROID_ID),  # bare 16-hex: no label
        ("request 3f2b1c9e-8a7d-4c1b-9e2f-0a1b2c3d4e5f", Entity.ADVERTISING_ID),
        ("IDFA 00000000-0000-0000-0000-000000000000", Entity.ADVERTISING_ID),
        ("序列号356383692088496", Entity.IMEI),  # Luhn fails
        ("退款¥15,306.69三个工作日", Entity.GPS),
        ("比分 3.14, 2.72", Entity.GPS),
        ("mac 00:00:00:00:00:00", Entity.MAC_ADDRESS),
    ],
)
def test_hard_negatives_are_not_flagged(text: str, entity: Entity) -> None:
    assert found(text, entity) == []


def test_personal_values_in_a_url_query_string_are_reported_too() -> None:
    text = "回调 https://x.example.cn/cb?mobile=13812345678&mail=a.b@qq.com 失败"
    entities = [f.entity for f in analyze(text)]
    assert entities == [Entity.URL, Entity.CN_MOBILE, Entity.EMAIL]


def test_device_and_network_categories_map_to_policy_keys() -> None:
    by_entity = {f.entity: f for f in analyze("imei=356383692088495 ip=10.1.2.3")}
    assert by_entity[Entity.IMEI].policy_category == "device.id"
    assert by_entity[Entity.IMEI].fides_category == "user.device.device_id"
    assert by_entity[Entity.IPV4].policy_category == "network.ip"
    assert by_entity[Entity.IPV4].fides_category == "user.device.ip_address"
