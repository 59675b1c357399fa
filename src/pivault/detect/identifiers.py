"""Recognizers for Chinese government and financial identifiers.

Resident ID (18 and legacy 15 digits), unified social credit code, passport,
Hong Kong/Macau/Taiwan permits, licence plates and bank cards. Each is a row
of :data:`IDENTIFIER_RECOGNIZERS`: a shape, a validator, context words.
"""

from __future__ import annotations

import re

from pivault.detect import checks
from pivault.detect.base import PatternRecognizer, context_words, digits_of
from pivault.detect.model import Entity

# Look-arounds instead of \b: Han characters are \w, so \b fails beside them.
_NO_ALNUM_BEFORE = r"(?<![0-9A-Za-z])"
_NO_ALNUM_AFTER = r"(?![0-9A-Za-z])"
#: A first digit not preceded by a digit. The look-behind sits AFTER the first
#: character so that `re` can use its fast first-character scan.
_DIGIT_START = r"[0-9](?<![0-9].)"

_ID_CONTEXT = context_words(
    "身份证", "证件号", "身份号", "id_no", "idcard", "id card", "id number", "公民身份"
)


def _resident_id(value: str, _text: str, _start: int) -> float | None:
    return checks.resident_id_score(value)


def _legacy_id(value: str, _text: str, _start: int) -> float | None:
    return checks.legacy_resident_id_score(value)


def _uscc(value: str, _text: str, _start: int) -> float | None:
    return checks.uscc_score(value)


def _bank_card(value: str, _text: str, _start: int) -> float | None:
    return checks.bank_card_score(digits_of(value))


_PLATE_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_PLATE_LETTER = "A-HJ-NP-Z"  # plates never use I or O

IDENTIFIER_RECOGNIZERS: tuple[PatternRecognizer, ...] = (
    PatternRecognizer(
        name="cn_resident_id",
        entity=Entity.CN_RESIDENT_ID,
        gate=lambda p: p.longest_digit_run >= 17,
        pattern=re.compile(_DIGIT_START + r"[0-9]{16}[0-9Xx]" + _NO_ALNUM_AFTER),
        validate=_resident_id,
        context=_ID_CONTEXT,
        boost=0.05,
    ),
    PatternRecognizer(
        name="cn_resident_id_legacy",
        entity=Entity.CN_RESIDENT_ID,
        gate=lambda p: p.longest_digit_run >= 15,
        pattern=re.compile(_DIGIT_START + r"[0-9]{14}(?![0-9])"),
        validate=_legacy_id,
        context=_ID_CONTEXT,
        boost=0.4,
    ),
    PatternRecognizer(
        name="cn_uscc",
        entity=Entity.CN_USCC,
        gate=lambda p: (p.has_upper and p.longest_digit_run >= 6) or p.longest_digit_run >= 18,
        pattern=re.compile(
            _NO_ALNUM_BEFORE
            + r"[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}"
            + _NO_ALNUM_AFTER
        ),
        validate=_uscc,
        context=context_words(
            "信用代码", "社会信用", "税号", "纳税人识别号", "uscc", "credit code"
        ),
        boost=0.4,
        window=24,
    ),
    PatternRecognizer(
        name="cn_passport",
        entity=Entity.CN_PASSPORT,
        gate=lambda p: p.has_upper and p.longest_digit_run >= 7,
        pattern=re.compile(
            _NO_ALNUM_BEFORE
            + r"(?:[EG][0-9]{8}|E[A-HJ-NP-Z][0-9]{7}|[DSP]E?[0-9]{7})"
            + _NO_ALNUM_AFTER
        ),
        validate=lambda v, _t, _s: 0.55 if v[0] in "EG" else 0.3,
        context=context_words("护照", "passport"),
        boost=0.4,
    ),
    PatternRecognizer(
        name="cn_travel_permit",
        entity=Entity.CN_TRAVEL_PERMIT,
        gate=lambda p: p.has_upper and p.longest_digit_run >= 7,
        # C: HK/Macau permit; H/M: home-return permit; L: Taiwan permit; T: Taiwan compatriot
        pattern=re.compile(
            _NO_ALNUM_BEFORE
            + r"(?:C[0-9A-HJ-NP-Z][0-9]{7}|[HM][0-9]{8}(?:[0-9]{2})?|[LT][0-9]{8})"
            + _NO_ALNUM_AFTER
        ),
        validate=lambda _v, _t, _s: 0.4,
        context=context_words("通行证", "回乡证", "港澳", "台胞", "台湾", "permit"),
        boost=0.45,
    ),
    PatternRecognizer(
        name="cn_license_plate",
        entity=Entity.CN_LICENSE_PLATE,
        gate=lambda p: p.has_han and p.has_upper and p.longest_digit_run >= 1,
        pattern=re.compile(
            f"[{_PLATE_PROVINCES}][{_PLATE_LETTER}][·• ]?"
            f"(?:[DF][{_PLATE_LETTER}0-9][0-9]{{4}}|[0-9]{{5}}[DF]|[{_PLATE_LETTER}0-9]{{5}})"
            + _NO_ALNUM_AFTER
        ),
        validate=lambda v, _t, _s: 0.75 if any(c.isdigit() for c in v) else None,
        context=context_words("车牌", "牌照", "plate", "车辆"),
        boost=0.2,
        window=12,
    ),
    PatternRecognizer(
        name="bank_card",
        entity=Entity.BANK_CARD,
        gate=lambda p: p.longest_digit_run >= 16 or p.digit_runs.count(4) >= 4,
        pattern=re.compile(
            _DIGIT_START + r"(?:[0-9]{15,18}|[0-9]{3}([ -])[0-9]{4}\1[0-9]{4}\1[0-9]{4}"
            r"(?:\1[0-9]{1,3})?)(?![0-9])"
        ),
        validate=_bank_card,
        context=context_words(
            "卡号", "银行卡", "信用卡", "储蓄卡", "借记卡", "card", "账号", "转账"
        ),
        boost=0.1,
        window=24,
    ),
)
