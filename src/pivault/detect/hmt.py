"""Recognizers for Hong Kong, Macau and Taiwan identity cards and travel permits.

* Hong Kong identity card: 1-2 letters + 6 digits + check character, usually
  written ``A123456(3)``; the mod-11 check is verified.
* Macau resident identity card: 8 digits, first 1, 5 or 7, written
  ``1234567(8)`` or ``1/234567/8``; without that punctuation only next to a
  label (no public checksum to verify).
* Taiwan national ID / resident certificate: a letter + 1/2 (8/9 for the
  new-style resident certificates) + 8 digits; the mod-10 checksum is verified.
* Travel permits (mainland-issued): 往来港澳通行证 ``C`` + 8 (or ``C`` + letter
  + 7), 港澳居民来往内地通行证 (回乡证) ``H``/``M`` + 8 or 10 digits, 大陆居民往来台湾通行证
  ``L`` + 8 (older ``T`` + 8), 台湾居民来往大陆通行证 (台胞证) 8 digits or 10 digits
  with a letter in brackets: the bare-digit forms only next to a label.
  Residence permits (居住证) are 18-digit resident IDs (areas 81/82/83).
"""

from __future__ import annotations

import re

from pivault.detect import checks_intl
from pivault.detect.base import PatternRecognizer, context_words
from pivault.detect.model import Entity

_NO_ALNUM_AFTER = r"(?![0-9A-Za-z])"
#: The look-behind after a pattern's first character, so `re` can scan by that class.
_NO_ALNUM_BEFORE_FIRST = r"(?<![0-9A-Za-z].)"


def _hk_id(value: str, _text: str, _start: int) -> float | None:
    match = _HK_ID_PARTS.fullmatch(value)
    if match is None or not checks_intl.hk_id_ok(match[1], match[2], match[3]):
        return None
    return 0.85 if "(" in value else 0.55


_HK_ID_PARTS = re.compile(r"([A-Z]{1,2})([0-9]{6}) ?\(?([0-9A])\)?")


def _looks_like_date(digits: str) -> bool:
    """True for yyyymmdd runs (2024 + 0916…), which order and batch numbers are full of."""
    return (
        digits[:2] in ("19", "20") and "01" <= digits[4:6] <= "12" and "01" <= digits[6:8] <= "31"
    )


def _permit(value: str, _text: str, _start: int) -> float | None:
    digits = value[1:] if value[1].isdigit() else value[2:]
    if _looks_like_date(digits[:8]):
        return 0.3
    return 0.5


_PERMIT_CONTEXT = context_words(
    "通行证",
    "回乡证",
    "回乡卡",
    "港澳证",
    "台胞证",
    "台胞",
    "入台证",
    "港澳",
    "台湾",
    "permit",
    "证件号",
    "证件号码",
    "home return",
    "eep",
    "mtp",
)

HMT_RECOGNIZERS: tuple[PatternRecognizer, ...] = (
    PatternRecognizer(
        name="hk_id",
        entity=Entity.HK_ID,
        gate=lambda p: p.has_upper_digit and (6 in p.digit_runs or 7 in p.digit_runs),
        pattern=re.compile(
            r"[A-Z]"
            + _NO_ALNUM_BEFORE_FIRST
            + r"[A-Z]?[0-9]{6}(?: ?\([0-9A]\)|[0-9A])"
            + _NO_ALNUM_AFTER
        ),
        validate=_hk_id,
        context=context_words(
            "香港身份证", "身份证", "hkid", "hong kong id", "identity card", "id card"
        ),
        boost=0.3,
    ),
    PatternRecognizer(
        name="macau_id_punctuated",
        entity=Entity.MACAU_ID,
        gate=lambda p: (
            (6 in p.digit_runs or 7 in p.digit_runs) and ("(" in p.lowered or "/" in p.lowered)
        ),
        pattern=re.compile(r"[157](?<![0-9/].)(?:[0-9]{6}\([0-9]\)|/[0-9]{6}/[0-9])(?![0-9/])"),
        validate=lambda _v, _t, _s: 0.75,
        context=context_words(
            "澳门身份证", "澳門身份證", "身份证", "bir", "macau id", "identity card"
        ),
        boost=0.15,
    ),
    PatternRecognizer(
        name="macau_id_labelled",
        entity=Entity.MACAU_ID,
        gate=lambda p: 8 in p.digit_runs,
        triggers=("澳门", "澳門", "macau", "macao"),
        pattern=re.compile(
            r"(?i:澳门身份证|澳門身份證|澳门居民身份证|macau id(?: card)?|bir)\s*(?:号码|号|no\.?)?"
            r"\s*[:=]?\s*([157][0-9]{7})(?![0-9])"
        ),
        validate=lambda _v, _t, _s: 0.8,
        group=1,
    ),
    PatternRecognizer(
        name="taiwan_id",
        entity=Entity.TAIWAN_ID,
        gate=lambda p: p.has_upper_digit and 9 in p.digit_runs,
        pattern=re.compile(r"[A-Z]" + _NO_ALNUM_BEFORE_FIRST + r"[1289][0-9]{8}" + _NO_ALNUM_AFTER),
        validate=lambda v, _t, _s: 0.8 if checks_intl.taiwan_id_ok(v) else None,
        context=context_words(
            "身份证", "身分證", "身分证", "统一编号", "統一編號", "taiwan id", "id no"
        ),
        boost=0.15,
    ),
    PatternRecognizer(
        name="cn_travel_permit",
        entity=Entity.CN_TRAVEL_PERMIT,
        gate=lambda p: p.has_upper_digit and p.longest_digit_run >= 7,
        # C: HK/Macau permit; H/M: home-return permit; L: Taiwan permit (T: older booklets)
        pattern=re.compile(
            r"[CHMLT]"
            + _NO_ALNUM_BEFORE_FIRST
            + r"(?:(?<=C)[0-9A-HJ-NP-Z][0-9]{7}|(?<=[HM])[0-9]{8}(?:[0-9]{2})?|(?<=[LT])[0-9]{8})"
            + _NO_ALNUM_AFTER
        ),
        validate=_permit,
        context=_PERMIT_CONTEXT,
        boost=0.4,
        window=24,
    ),
    PatternRecognizer(
        name="taiwan_compatriot_permit",
        entity=Entity.CN_TRAVEL_PERMIT,
        gate=lambda p: p.longest_digit_run >= 8,
        triggers=("台胞", "台湾居民来往", "台灣居民來往", "mtp"),
        # 8-digit card numbers, or older 10 digits with an issue letter: (B), (C)…
        pattern=re.compile(
            r"(?i:台胞[证證]|台[湾灣]居民[来來]往大[陆陸]通行[证證]|mtp)\s*(?:[号號]碼|号码|[号號]|no\.?)?"
            r"\s*[:=]?\s*"
            r"([0-9]{8}(?:[0-9]{2}\([A-Z]\))?)(?![0-9])"
        ),
        validate=lambda _v, _t, _s: 0.85,
        group=1,
    ),
)
