"""Recognizers for mainland mobile and fixed-line numbers.

Shapes accepted: plain ``13812345678``, ``+86``/``0086``/``(+86)`` prefixes,
spaced or dashed groups; full-width digits arrive already folded by
:mod:`pivault.detect.normalize`. phonenumbers' metadata decides which
prefixes are allocated.
"""

from __future__ import annotations

import re

from pivault.detect import checks
from pivault.detect.base import PatternRecognizer, context_words, digits_of
from pivault.detect.model import Entity

_PHONE_CONTEXT = context_words(
    "手机", "电话", "联系", "致电", "来电", "号码", "mobile", "phone", "tel", "call", "whatsapp"
)
# Each branch starts with a literal (so `re` scans fast) followed by a look-behind
# that keeps the match from starting inside a longer number.
_NOT_AFTER = r"(?<![0-9+].)"
_MOBILE = (
    rf"(?:\+{_NOT_AFTER}86[ -]?1|0{_NOT_AFTER}086[ -]?1|\({_NOT_AFTER}\+?86\)[ -]?1"
    rf"|8{_NOT_AFTER}6[ -]1|1{_NOT_AFTER})[3-9][0-9](?:[ -]?[0-9]{{4}}){{2}}(?![0-9])"
)


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
        entity=Entity.CN_MOBILE,
        gate=lambda p: p.longest_digit_run >= 11 or p.digit_runs.count(4) >= 2,
        pattern=re.compile(_MOBILE),
        validate=_mobile,
        context=_PHONE_CONTEXT,
        boost=0.1,
    ),
    PatternRecognizer(
        name="cn_landline",
        entity=Entity.CN_LANDLINE,
        gate=lambda p: (
            p.has_zero_led_run
            and (p.longest_digit_run >= 10 or 7 in p.digit_runs or 8 in p.digit_runs)
        ),
        # First character consumed by a class, look-behind after it (fast scan);
        # then: +86 / 0086 + area, (0xx), or 0xx.
        pattern=re.compile(
            r"[+0(](?<![0-9+].)(?:(?<=\+)86[ -]?(?:\(0[0-9]{2,3}\)|0[0-9]{2,3})"
            r"|(?<=0)086[ -]?(?:\(0[0-9]{2,3}\)|0[0-9]{2,3})|(?<=\()0[0-9]{2,3}\)|(?<=0)[0-9]{2,3})"
            r"[ -]?[2-9][0-9]{6,7}(?:[ -]?(?:转|ext\.?)\s?[0-9]{1,5})?(?![0-9])"
        ),
        validate=_landline,
        context=context_words("电话", "座机", "固话", "联系", "tel", "phone", "fax", "传真"),
        boost=0.3,
    ),
)
