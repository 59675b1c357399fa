"""Validation rules for structured identifiers (checksums, dates, prefixes).

Thin wrappers over python-stdnum and phonenumbers, so the rules live in
well-kept libraries; what is here is only the glue that turns their answers
into confidences. No function here ever puts the value in an error message.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

import phonenumbers
from stdnum import luhn
from stdnum.cn import ric, uscc

from pivault.detect.gazetteer import words

#: First two digits of a mainland administrative division code (GB/T 2260),
#: plus 81/82/83 used by Hong Kong/Macau/Taiwan residence permits.
PROVINCE_CODES = frozenset(
    words(
        "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "
        "50 51 52 53 54 61 62 63 64 65 71 81 82 83"
    )
)
_PERMIT_AREAS = frozenset(("810000", "820000", "830000"))


def _national_pattern(kind: str) -> re.Pattern[str]:
    metadata = phonenumbers.PhoneMetadata.metadata_for_region("CN")
    if metadata is None:  # pragma: no cover - phonenumbers always ships CN
        raise RuntimeError("phonenumbers has no metadata for CN")
    desc = getattr(metadata, kind)
    return re.compile(desc.national_number_pattern)


# phonenumbers knows which mobile prefixes are allocated; matching its
# national-number regex directly is ~50x faster than parse() + is_valid().
_CN_MOBILE = _national_pattern("mobile")
_CN_FIXED = _national_pattern("fixed_line")


def is_cn_mobile(national: str) -> bool:
    """True if the 11 digits are an allocated mainland mobile number."""
    return _CN_MOBILE.fullmatch(national) is not None


def is_cn_landline(national: str) -> bool:
    """True if area code (without trunk 0) + subscriber number is a valid fixed line."""
    return _CN_FIXED.fullmatch(national) is not None


def luhn_ok(digits: str) -> bool:
    """The Luhn (mod 10) check used by payment cards and IMEIs."""
    return bool(luhn.is_valid(digits))


def _valid_date(year: int, month: int, day: int) -> bool:
    try:
        born = dt.date(year, month, day)
    except ValueError:
        return False
    return dt.date(1900, 1, 1) <= born <= dt.date.today()


@lru_cache(maxsize=8192)
def _area_known(area: str) -> bool:
    """True if GB/T 2260 (python-stdnum's table) has ever listed this area code."""
    if area in _PERMIT_AREAS:
        return True
    from stdnum import numdb

    return any(props for _part, props in numdb.get("cn/loc").info(area))


def resident_id_score(value: str) -> float | None:
    """Confidence for an 18-character resident ID; None when it cannot be one.

    Checksum (GB 11643-1999) and a real birth date are required; an area code
    that GB/T 2260 knows gives full confidence, a plausible province only less.
    """
    number = value.upper()
    if number[:2] not in PROVINCE_CODES:
        return None
    if ric.calc_check_digit(number) != number[17]:
        return None
    year, month, day = int(number[6:10]), int(number[10:12]), int(number[12:14])
    if not _valid_date(year, month, day):
        return None
    return 0.95 if _area_known(number[:6]) else 0.7


def legacy_resident_id_score(value: str) -> float | None:
    """Confidence for a 15-digit pre-1999 ID (no check digit: area + YYMMDD + seq)."""
    if value[:2] not in PROVINCE_CODES:
        return None
    year, month, day = 1900 + int(value[6:8]), int(value[8:10]), int(value[10:12])
    if not _valid_date(year, month, day):
        return None
    return 0.45


_USCC_AUTHORITY_TYPES = {
    "1": "1239",
    "2": "19",
    "3": "1239",
    "4": "19",
    "5": "1239",
    "6": "129",
    "7": "129",
    "8": "19",
    "9": "123",
    "A": "19",
    "N": "12349",
    "Y": "1",
}


def uscc_score(value: str) -> float | None:
    """Confidence for a unified social credit code (GB 32100-2015).

    The registration-authority/type pair and the area code must be plausible;
    a failing check character lowers confidence but does not reject, because
    some early codes were issued with wrong check characters.
    """
    code = value.upper()
    if code[1] not in _USCC_AUTHORITY_TYPES.get(code[0], ""):
        return None
    if not code[2:8].isdigit() or code[2:4] not in PROVINCE_CODES:
        return None
    return 0.85 if uscc.is_valid(code) else 0.4


def card_issuer_plausible(digits: str) -> bool:
    """True if the leading digits are a payment-card issuer range of that length.

    Ranges per brand (ISO/IEC 7812 issuer identification numbers): Visa 4,
    Mastercard 51-55/2221-2720, UnionPay 62/81, JCB 3528-3589, Discover
    6011/644-649/65, Amex 34/37 (15 digits), Diners 300-305/36/38/39 (14-19),
    UATP/AirPlus 1 (15), Maestro/Dankort 50/56-69 (12-19), Mir 2200-2204, RuPay 60/65/81/82/508.
    """
    n = len(digits)
    two, three, four = int(digits[:2]), int(digits[:3]), int(digits[:4])
    if digits[0] == "4":
        return n in (13, 16, 19)  # Visa
    if 51 <= two <= 55 or 2221 <= four <= 2720:
        return n == 16  # Mastercard
    if two in (34, 37):
        return n == 15  # American Express
    if digits[0] == "1":
        return n == 15  # UATP (AirPlus)
    if 300 <= three <= 305 or two in (36, 38, 39):
        return 14 <= n <= 19  # Diners Club
    if 2200 <= four <= 2204:
        return 16 <= n <= 19  # Mir
    if two in (62, 81, 82):
        return 16 <= n <= 19  # UnionPay, RuPay
    if 3528 <= four <= 3589:
        return 16 <= n <= 19  # JCB
    if two in (60, 64, 65) or three == 508:
        return 16 <= n <= 19  # Discover, RuPay
    return (two == 50 or 56 <= two <= 69) and 16 <= n <= 19  # Maestro, Dankort


def bank_card_score(digits: str) -> float | None:
    """Confidence for a 13-19 digit card number: issuer range + Luhn.

    UnionPay (62) numbers that fail Luhn are kept at low confidence: some
    domestic debit cards are not Luhn-checked. A 15-digit number that is
    also a plausible legacy resident ID stays low: the ID reading (with its
    context words) should win.
    """
    if not card_issuer_plausible(digits):
        return None
    if len(digits) == 15 and legacy_resident_id_score(digits) is not None:
        return 0.45 if luhn_ok(digits) else None
    if luhn_ok(digits):
        return 0.9 if digits.startswith("62") else 0.85
    return 0.4 if digits.startswith("62") else None
