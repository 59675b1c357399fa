"""Recognizers for mainland mobile and fixed-line numbers.

Shapes accepted: plain ``13812345678``, ``+86``/``0086``/``(+86)`` prefixes,
spaced or dashed groups; full-width digits arrive already folded by
:mod:`pivault.detect.normalize`. phonenumbers' metadata decides which
prefixes are allocated.
"""

from __future__ import annotations

import re

from pivault.detect import checks
from pivault.detect.base import PatternRecognizer, digits_of, words
from pivault.detect.model import Entity

_PHONE_CONTEXT = words(
    "手机", "电话", "联系", "致电", "来电", "号码", "mobile", "phone", "tel", "call", "whatsapp"
)
_COUNTRY_CODE = r"(?:(?:\+|00)86[ -]?|\(\+?86\)[ -]?|86[ -])?"


def _mobile(value: str, _text: str, _start: int) -> float | None:
    national = digits_of(value)[-11:]
    return 0.85 if checks.is_cn_mobile(national) else None


def _landline(value: str, _text: str, _start: int) -> float | None:
    digits = digits_of(value.split("转")[0].split("ext")[0])
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and value.lstrip().startswith(("+", "(+", "(86")):
        digits = digits[2:]
    digits = digits.lstrip("0")
    if not checks.is_cn_landline(digits[:12]):
        return None
    # A separator or parentheses after the area code makes it much likelier.
    separated = any(sep in value for sep in "-() ")
    return 0.7 if separated else 0.35


PHONE_RECOGNIZERS: tuple[PatternRecognizer, ...] = (
    PatternRecognizer(
        name="cn_mobile",
        gate=lambda p: p.longest_digit_run >= 11 or p.digit_runs.count(4) >= 2,
        entity=Entity.CN_MOBILE,
        pattern=re.compile(r"(?<![0-9+])" + _COUNTRY_CODE + r"1[3-9]\d(?:[ -]?\d{4}){2}(?![0-9])"),
        validate=_mobile,
        context=_PHONE_CONTEXT,
        boost=0.1,
    ),
    PatternRecognizer(
        name="cn_landline",
        gate=lambda p: p.longest_digit_run >= 10 or 7 in p.digit_runs or 8 in p.digit_runs,
        entity=Entity.CN_LANDLINE,
        pattern=re.compile(
            r"(?<![0-9+])(?:(?:\+|00)86[ -]?)?(?:\(0\d{2,3}\)|0\d{2,3})[ -]?[2-9]\d{6,7}"
            r"(?:[ -]?(?:转|ext\.?)\s?\d{1,5})?(?![0-9])"
        ),
        validate=_landline,
        context=words("电话", "座机", "固话", "联系", "tel", "phone", "fax", "传真"),
        boost=0.3,
    ),
)
