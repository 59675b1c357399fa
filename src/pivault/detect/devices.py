"""Recognizers for device identifiers: IMEI, Android ID, IDFA/OAID."""

from __future__ import annotations

import re

from pivault.detect import checks
from pivault.detect.base import PatternRecognizer, context_words
from pivault.detect.model import Entity

_AD_CONTEXT = context_words(
    "idfa", "oaid", "gaid", "aaid", "广告标识", "广告id", "advertising", "ad_id"
)


def _imei(value: str, _text: str, _start: int) -> float | None:
    return 0.7 if checks.luhn_ok(value) else None


def _android_id(value: str, _text: str, _start: int) -> float | None:
    # Bare 16-hex strings are also hashes and ids of every kind: without
    # context words the score stays below the default threshold.
    has_letter = any("a" <= ch <= "f" for ch in value)
    has_digit = any(ch.isdigit() for ch in value)
    return 0.45 if has_letter and has_digit else None


def _uuid_ad_id(value: str, _text: str, _start: int) -> float | None:
    if value.strip("0-") == "":
        return None  # all-zero IDFA means "limit ad tracking": not an identifier
    # IDFA is an upper-case version-4 UUID; lower-case UUIDs are usually request ids.
    if value.isupper() and value[14] == "4":
        return 0.6
    return 0.3


DEVICE_RECOGNIZERS: tuple[PatternRecognizer, ...] = (
    PatternRecognizer(
        name="imei",
        entity=Entity.IMEI,
        gate=lambda p: 15 in p.digit_runs,
        # IMEI often follows its label with no separator ("IMEI356..."): only digits frame it.
        pattern=re.compile(r"[0-9](?<![0-9].)[0-9]{14}(?![0-9])"),
        validate=_imei,
        context=context_words("imei", "设备号", "串号", "device"),
        boost=0.25,
    ),
    PatternRecognizer(
        name="android_id",
        gate=lambda p: p.length >= 16 and p.longest_digit_run >= 1,
        # Bare 16-hex strings are hashes as often as Android IDs: only look near a label.
        triggers=("android", "ssaid", "安卓", "设备", "device_id", "deviceid"),
        entity=Entity.ANDROID_ID,
        pattern=re.compile(r"(?<![0-9A-Za-z])[0-9a-f]{16}(?![0-9A-Za-z])"),
        validate=_android_id,
        context=context_words(
            "android_id", "androidid", "android id", "ssaid", "安卓", "device_id", "deviceid"
        ),
        boost=0.45,
    ),
    PatternRecognizer(
        name="advertising_id_uuid",
        entity=Entity.ADVERTISING_ID,
        gate=lambda p: p.dashes >= 4,
        pattern=re.compile(
            r"(?<![0-9A-Za-z\-])[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}"
            r"-[0-9A-Fa-f]{12}(?![0-9A-Za-z\-])"
        ),
        validate=_uuid_ad_id,
        context=_AD_CONTEXT,
        boost=0.35,
        # Upper-case v4 UUIDs are also vendor ids, crash-report and request ids.
        veto=context_words(
            "idfv", "vendor", "incident", "request", "trace", "session", "uuid", "guid", "crash"
        ),
        window=24,
    ),
    PatternRecognizer(
        name="oaid_hex64",
        gate=lambda p: p.length >= 64,
        triggers=("oaid", "广告"),
        entity=Entity.ADVERTISING_ID,
        pattern=re.compile(r"(?<![0-9A-Za-z])[0-9a-f]{64}(?![0-9A-Za-z])"),
        validate=lambda _v, _t, _s: 0.3,
        context=_AD_CONTEXT,
        boost=0.55,
    ),
)
