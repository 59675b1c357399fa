"""Recognizers for Chinese government and financial identifiers.

Resident ID (18 and legacy 15 digits), unified social credit code, passport,
licence plates and payment cards of every brand (Hong Kong/Macau/Taiwan
permits and IDs are in :mod:`pivault.detect.hmt`). Each is a row
of :data:`IDENTIFIER_RECOGNIZERS`: a shape, a validator, context words.
"""

from __future__ import annotations

import re

from pivault.detect import checks
from pivault.detect.base import PatternRecognizer, context_words, digits_of
from pivault.detect.model import Entity

# Look-arounds instead of \b: Han characters are \w, so \b fails beside them.
_NO_ALNUM_AFTER = r"(?![0-9A-Za-z])"
#: The same look-behind placed AFTER a pattern's first character (a class):
#: a pattern that starts with a class lets `re` skip ahead at C speed, one that
#: starts with a look-behind is tried at every position (~2.5x slower here).
_NO_ALNUM_BEFORE_FIRST = r"(?<![0-9A-Za-z].)"
#: A first digit not preceded by a digit. The look-behind sits AFTER the first
#: character so that `re` can use its fast first-character scan.
_DIGIT_START = r"[0-9](?<![0-9].)"

_ID_CONTEXT = context_words(
    "身份证", "证件号", "身份号", "id_no", "idcard", "id card", "id number", "公民身份"
)


#: A digit run right after one of these labels is an order, waybill or transaction number.
_ORDER_NUMBER_BEFORE = re.compile(
    r"(?:订单|单号|运单|快递|流水|交易号|商户号|批次|工单|order|tracking|waybill|txn|trade|sku|batch)"
    r"\s*(?:号|编号|id|no\.?)?\s*[:=#：]?\s*$",
    re.I,
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
        gate=lambda p: 18 in p.digit_runs or 17 in p.digit_runs,
        pattern=re.compile(_DIGIT_START + r"[0-9]{16}[0-9Xx]" + _NO_ALNUM_AFTER),
        validate=_resident_id,
        context=_ID_CONTEXT,
        boost=0.05,
    ),
    PatternRecognizer(
        name="cn_resident_id_legacy",
        entity=Entity.CN_RESIDENT_ID,
        gate=lambda p: 15 in p.digit_runs,
        pattern=re.compile(_DIGIT_START + r"[0-9]{14}(?![0-9])"),
        validate=_legacy_id,
        context=_ID_CONTEXT,
        boost=0.4,
    ),
    PatternRecognizer(
        name="cn_uscc",
        entity=Entity.CN_USCC,
        gate=lambda p: (
            (p.has_upper_digit and p.longest_digit_run >= 6) or p.longest_digit_run >= 18
        ),
        pattern=re.compile(
            r"[0-9A-HJ-NPQRTUWXY]"
            + _NO_ALNUM_BEFORE_FIRST
            + r"[0-9A-HJ-NPQRTUWXY][0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}"
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
        gate=lambda p: p.has_upper_digit and p.longest_digit_run >= 7,
        pattern=re.compile(
            r"[EGDSP]"
            + _NO_ALNUM_BEFORE_FIRST
            + r"(?:(?<=[EG])[0-9]{8}|(?<=E)[A-HJ-NP-Z][0-9]{7}|(?<=[DSP])E?[0-9]{7})"
            + _NO_ALNUM_AFTER
        ),
        validate=lambda v, _t, _s: 0.55 if v[0] in "EG" else 0.3,
        context=context_words("护照", "passport"),
        boost=0.4,
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
        gate=lambda p: (
            p.longest_digit_run >= 14
            or p.digit_runs.count(4) >= 3
            or (6 in p.digit_runs and 4 in p.digit_runs)
        ),
        # 14-19 plain digits; 4-4-4-4(-1..3) groups; Amex/Diners 4-6-5 / 4-6-4 groups.
        pattern=re.compile(
            _DIGIT_START + r"(?:[0-9]{13,18}|[0-9]{3}([ -])[0-9]{4}\1[0-9]{4}\1[0-9]{4}"
            r"(?:\1[0-9]{1,3})?|[0-9]{3}([ -])[0-9]{6}\2[0-9]{4,5})(?![0-9])"
        ),
        validate=_bank_card,
        veto=_ORDER_NUMBER_BEFORE,
        context=context_words(
            "卡号", "银行卡", "信用卡", "储蓄卡", "借记卡", "card", "账号", "转账"
        ),
        boost=0.1,
        window=24,
    ),
)
