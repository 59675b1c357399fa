"""Hong Kong/Macau/Taiwan identifiers and phones, foreign IDs, every card brand, bad input."""

from __future__ import annotations

import pytest

from pivault.core.errors import DetectionError
from pivault.detect import Entity, analyze
from pivault.detect.checks_intl import hk_id_ok, taiwan_id_ok


def _found(text: str) -> list[tuple[Entity, str]]:
    return [(f.entity, f.value) for f in analyze(text)]


@pytest.mark.parametrize(
    ("text", "entity", "value"),
    [
        ("身份證 A123456(3)", Entity.HK_ID, "A123456(3)"),
        ("HKID G123456(A) ok", Entity.HK_ID, "G123456(A)"),
        ("澳門身份證 1234567(8)", Entity.MACAU_ID, "1234567(8)"),
        ("BIR 5/215874/3", Entity.MACAU_ID, "5/215874/3"),
        ("澳门身份证号码 12345678", Entity.MACAU_ID, "12345678"),
        ("身分證字號 A123456789", Entity.TAIWAN_ID, "A123456789"),
        ("往来港澳通行证 C60318274", Entity.CN_TRAVEL_PERMIT, "C60318274"),
        ("通行证 CA2938471", Entity.CN_TRAVEL_PERMIT, "CA2938471"),
        ("回乡证 H1029384701", Entity.CN_TRAVEL_PERMIT, "H1029384701"),
        ("回鄉證 M10293847", Entity.CN_TRAVEL_PERMIT, "M10293847"),
        ("入台证 L20394857", Entity.CN_TRAVEL_PERMIT, "L20394857"),
        ("台胞证 10293847", Entity.CN_TRAVEL_PERMIT, "10293847"),
        ("台湾居民来往大陆通行证：0123456789(B)", Entity.CN_TRAVEL_PERMIT, "0123456789(B)"),
        ("手机 +852 9123 4567", Entity.HK_MO_TW_PHONE, "+852 9123 4567"),
        ("tel (852) 2598 7890", Entity.HK_MO_TW_PHONE, "(852) 2598 7890"),
        ("香港电话 6123 4567", Entity.HK_MO_TW_PHONE, "6123 4567"),
        ("澳门 +853 6612 3456", Entity.HK_MO_TW_PHONE, "+853 6612 3456"),
        ("台灣手機 0912-345-678", Entity.HK_MO_TW_PHONE, "0912-345-678"),
        ("台北 (02) 2712-3456", Entity.HK_MO_TW_PHONE, "(02) 2712-3456"),
        ("call +44 20 7946 0321", Entity.PHONE_NUMBER, "+44 20 7946 0321"),
        ("US (415) 555-0132", Entity.PHONE_NUMBER, "(415) 555-0132"),
        ("Japan number 090-1234-5678", Entity.PHONE_NUMBER, "090-1234-5678"),
        ("IBAN DE89 3704 0044 0532 0130 00", Entity.IBAN, "DE89 3704 0044 0532 0130 00"),
        ("SSN 536-22-8871", Entity.US_SSN, "536-22-8871"),
        ("NINO AB 12 34 56 C", Entity.UK_NINO, "AB 12 34 56 C"),
        ("Amex 371449635398431", Entity.BANK_CARD, "371449635398431"),
        ("Diners 30569309025904", Entity.BANK_CARD, "30569309025904"),
        ("card 3714 496353 98431", Entity.BANK_CARD, "3714 496353 98431"),
    ],
)
def test_recognised(text: str, entity: Entity, value: str) -> None:
    assert (entity, value) in _found(text)


@pytest.mark.parametrize(
    "text",
    [
        "身份證 A123456(4)",  # wrong HK check character
        "A123456788",  # wrong Taiwan checksum
        "SSN 666-22-8871",  # area 666 is never issued
        "NINO QQ 12 34 56 C",  # QQ is not an allocated prefix
        "IBAN DE89 3704 0044 0532 0130 01",  # mod-97 fails
        "app 版本 5.12.3.1 发布",
        "okhttp/4.9.3.1",
        "订单号 6222021909378650",  # a Luhn-valid number labelled as an order number
        "at com.example.app.MainActivity.onCreate(MainActivity.java:42)",
        "Process com.acme.app (pid 12345)",
        "Incident Identifier: 58D50F1B-4540-4426-AD8A-D8C0AC127E93",
        "From: noreply@notify.example.com",
        "批次 C20241130 入库",
    ],
)
def test_not_reported(text: str) -> None:
    assert _found(text) == []


def test_check_characters() -> None:
    assert hk_id_ok("A", "123456", "3") and hk_id_ok("G", "123456", "A")
    assert not hk_id_ok("AB", "987654", "4")
    assert taiwan_id_ok("A123456789") and not taiwan_id_ok("Z123456789")


def test_mainland_numbers_keep_their_labels() -> None:
    assert _found("手机+86 138 1234 5678") == [(Entity.CN_MOBILE, "+86 138 1234 5678")]
    assert _found("电话 010-62334455") == [(Entity.CN_LANDLINE, "010-62334455")]


@pytest.mark.parametrize(
    "text",
    [
        "1 " * 50_000,
        "1栋" * 50_000,
        "\udcff\x00" * 50_000,  # lone surrogates (undecodable bytes) and NULs
        "DE89 " * 20_000,
        "王" * 100_000,
        "a." * 50_000,
    ],
)
def test_bad_input_is_handled(text: str) -> None:
    assert isinstance(analyze(text), list)


def test_non_text_is_refused_with_a_clear_error() -> None:
    with pytest.raises(DetectionError, match="needs a str"):
        analyze(b"\xff\xfe\x00")  # type: ignore[arg-type]
