"""Resident ID, USCC, passport, permits, licence plates and bank cards."""

from __future__ import annotations

import pytest
from stdnum import luhn
from stdnum.cn import ric

from pivault.detect import Entity, analyze


def make_id(body17: str) -> str:
    return body17 + ric.calc_check_digit(body17 + "0")


def make_card(body: str) -> str:
    return body + luhn.calc_check_digit(body)


VALID_ID = make_id("11010519491231002")  # 11010519491231002X
VALID_ID_2 = make_id("37020220030108401")
FULL_WIDTH = {ord(c): ord(c) + 0xFEE0 for c in "0123456789X"}
VALID_CARD_UNIONPAY = make_card("622202123456789012")  # 19 digits
VALID_CARD_VISA = make_card("411111111111111")  # 16 digits


def found(text: str, entity: Entity) -> list[str]:
    return [f.value for f in analyze(text) if f.entity is entity]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        (f"身份证{VALID_ID}，电话", VALID_ID),
        (f"id_no={VALID_ID_2} name", VALID_ID_2),
        (f"证件号：{VALID_ID.lower()}", VALID_ID.lower()),  # lower-case x
        (f"挂号{VALID_ID}请", VALID_ID),  # Han characters on both sides
        (f"身份证{VALID_ID.translate(FULL_WIDTH)}", VALID_ID.translate(FULL_WIDTH)),
    ],
)
def test_resident_id_with_valid_checksum_and_date(text: str, value: str) -> None:
    assert found(text, Entity.CN_RESIDENT_ID) == [value]


@pytest.mark.parametrize(
    "text",
    [
        "订单号" + VALID_ID[:17] + ("0" if VALID_ID[17] != "0" else "1"),  # bad checksum
        "订单号" + make_id("11010519491331002"),  # month 13
        "订单号" + make_id("99010519491231002"),  # no province 99
        "订单" + VALID_ID + "7",  # inside a 19-digit run
        "20240916220121637046",  # 20-digit order id
    ],
)
def test_resident_id_hard_negatives(text: str) -> None:
    assert found(text, Entity.CN_RESIDENT_ID) == []


def test_legacy_15_digit_id_needs_context() -> None:
    legacy = "110105491231002"
    assert found(f"身份证号{legacy}", Entity.CN_RESIDENT_ID) == [legacy]
    assert found(f"编号{legacy}", Entity.CN_RESIDENT_ID) == []


def test_hk_macau_taiwan_residence_permit_uses_same_checksum() -> None:
    permit = make_id("81000019900101123")
    assert found(f"居住证{permit}", Entity.CN_RESIDENT_ID) == [permit]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("统一社会信用代码：91350100M000100Y43。", "91350100M000100Y43"),
        ("税号91110000600037341L", "91110000600037341L"),
    ],
)
def test_unified_social_credit_code(text: str, value: str) -> None:
    assert found(text, Entity.CN_USCC) == [value]


def test_uscc_shape_with_impossible_type_is_rejected() -> None:
    assert found("编码90350100M000100Y43", Entity.CN_USCC) == []


@pytest.mark.parametrize(
    ("text", "entity", "value"),
    [
        ("护照号E12345678，", Entity.CN_PASSPORT, "E12345678"),
        ("passport: EA1234567", Entity.CN_PASSPORT, "EA1234567"),
        ("港澳通行证C12345678", Entity.CN_TRAVEL_PERMIT, "C12345678"),
        ("回乡证H12345678", Entity.CN_TRAVEL_PERMIT, "H12345678"),
        ("车牌京A12345违章", Entity.CN_LICENSE_PLATE, "京A12345"),
        ("新能源粤BD12345停车", Entity.CN_LICENSE_PLATE, "粤BD12345"),
        ("车辆沪A·D1234", Entity.CN_LICENSE_PLATE, "沪A·D1234"),
    ],
)
def test_travel_documents_and_plates(text: str, entity: Entity, value: str) -> None:
    assert found(text, entity) == [value]


def test_plate_letters_exclude_i_and_o() -> None:
    assert found("京I12345", Entity.CN_LICENSE_PLATE) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        (f"转账到这张卡{VALID_CARD_UNIONPAY}，户名", VALID_CARD_UNIONPAY),
        (f"card={VALID_CARD_VISA} ", VALID_CARD_VISA),
        (
            "卡号 " + " ".join(VALID_CARD_VISA[i : i + 4] for i in range(0, 16, 4)),
            " ".join(VALID_CARD_VISA[i : i + 4] for i in range(0, 16, 4)),
        ),
    ],
)
def test_bank_cards_with_luhn(text: str, value: str) -> None:
    assert found(text, Entity.BANK_CARD) == [value]


@pytest.mark.parametrize(
    "text",
    [
        "流水号" + VALID_CARD_VISA[:15] + str((int(VALID_CARD_VISA[15]) + 1) % 10),  # bad Luhn
        "订单2023011051963881124",  # 202x is no issuer range
        "x" + VALID_CARD_VISA + "7",  # inside a longer run
    ],
)
def test_bank_card_hard_negatives(text: str) -> None:
    assert found(text, Entity.BANK_CARD) == []
