"""Mainland mobile and landline numbers: formats, boundaries, hard negatives."""

from __future__ import annotations

import pytest

from pivault.detect import Entity, analyze

PHONE_ENTITIES = [Entity.CN_MOBILE, Entity.CN_LANDLINE]


def phones(text: str) -> list[tuple[str, str]]:
    return [(f.entity.value, f.value) for f in analyze(text, PHONE_ENTITIES)]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("手机13812345678", "13812345678"),
        ("call我+8615853386161。", "+8615853386161"),
        ("my number is +86 191 7937 2711, text me", "+86 191 7937 2711"),
        ("电话138-1234-5678谢谢", "138-1234-5678"),
        ("号码是132 4927 9131，有事", "132 4927 9131"),
        ("(+86)13912345678", "(+86)13912345678"),
        ("0086-13912345678", "0086-13912345678"),
        ("联系我１３８１２３４５６７８吧", "１３８１２３４５６７８"),  # full-width digits
        ("Tel13812345678", "13812345678"),
        ("电话19912345678。", "19912345678"),
    ],
)
def test_mobile_formats_are_found_with_exact_span(text: str, value: str) -> None:
    assert phones(text) == [("CN_MOBILE", value)]


@pytest.mark.parametrize(
    "text",
    [
        "交易号12138594984",  # 12x is not a mobile prefix
        "流水10012345678号",  # 10x neither
        "订单20240916213812345678",  # inside a longer digit run
        "id 813812345678",  # 12 digits
        "trace=9fba9ca075e9f411caa5e13651464524",  # digits at the end of a hex id
        "req_id=755d027322fdb87b13505267452ae8b1",  # digits inside a hex id
        "版本 1.3.8.12345678",
        "15412345678",  # 154 is not allocated
    ],
)
def test_mobile_hard_negatives_are_not_flagged(text: str) -> None:
    assert phones(text) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("座机010-62345678转", "010-62345678"),
        ("电话(0755)86012345", "(0755)86012345"),
        ("传真 021-54321234", "021-54321234"),
    ],
)
def test_landline_with_area_code_separator(text: str, value: str) -> None:
    assert phones(text) == [("CN_LANDLINE", value)]


def test_mobile_maps_to_fides_and_policy_categories() -> None:
    (finding,) = analyze("手机13812345678")
    assert finding.fides_category == "user.contact.phone_number"
    assert finding.policy_category == "account.phone"
