"""Value types: validation, canonical form and storage encoding. Pure.

Validation errors name the category and the problem, never the value.
Binary types (image, biometric_template) are bytes; everything else is stored
as canonical JSON.
"""

from __future__ import annotations

import ipaddress
import json
import math
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

import phonenumbers

from pivault.core.errors import ValueValidationError
from pivault.core.model import Category, ValueType

BINARY_TYPES = frozenset({"image", "biometric_template"})
_DEVICE_ID_RE = re.compile(r"^[A-Za-z0-9:_.\-]{4,128}$")
_EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)+$")
_TOKEN_RE = re.compile(r"^[0-9a-f]{64}$")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_IMAGE_MAGIC = (
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
)
_AUDIO_MAGIC = (b"ID3", b"OggS", b"fLaC", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2", b"#!AMR")


class _Invalid(Exception):
    pass


def _text(vt: ValueType, raw: Any, from_text: bool) -> str:
    if not isinstance(raw, str):
        raise _Invalid("expected text")
    if not raw.strip():
        raise _Invalid("must not be empty")
    if _CONTROL_RE.search(raw):
        raise _Invalid("contains control characters")
    if vt.max_length is not None and len(raw) > vt.max_length:
        raise _Invalid(f"longer than {vt.max_length} characters")
    return raw


_CN_MOBILE_RE = re.compile(r"^(?:\+?86)?(1[3-9]\d{9})$")


def _mobile_ranges() -> re.Pattern[str]:
    """phonenumbers' own pattern of assigned mainland mobile ranges (its published metadata)."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region("CN")
    assert metadata is not None and metadata.mobile is not None
    pattern = metadata.mobile.national_number_pattern
    assert isinstance(pattern, str)
    return re.compile(pattern)


_CN_MOBILE_RANGES = _mobile_ranges()
_PHONE_CHARS_RE = re.compile(r"^[0-9+\s\-().\u00a0]{3,32}$")
_SEPARATORS = str.maketrans("", "", " -()\u00a0")


def _phone(vt: ValueType, raw: Any, from_text: bool) -> str:
    if not isinstance(raw, str):
        raise _Invalid("expected a phone number as text")
    if not _PHONE_CHARS_RE.match(raw):
        # phonenumbers would extract a number from surrounding text; a field holds only one.
        raise _Invalid("a phone number holds only digits, spaces, + - ( ) and .")
    mobile = _CN_MOBILE_RE.match(raw.translate(_SEPARATORS))
    if mobile:  # the common case, without phonenumbers' general parser (~90 µs)
        if _CN_MOBILE_RANGES.fullmatch(mobile[1]):
            return "+86" + mobile[1]
        number = phonenumbers.PhoneNumber(country_code=86, national_number=int(mobile[1]))
        if not phonenumbers.is_valid_number(number):
            raise _Invalid("not a valid mainland mobile number (unassigned prefix)")
        return "+86" + mobile[1]
    try:
        number = phonenumbers.parse(raw, "CN")
    except phonenumbers.NumberParseException:
        raise _Invalid("not a phone number") from None
    if not phonenumbers.is_valid_number(number):
        raise _Invalid("not a valid phone number (mainland numbers: 11 digits starting 13–19)")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _email(vt: ValueType, raw: Any, from_text: bool) -> str:
    if not isinstance(raw, str) or not _EMAIL_RE.match(raw) or len(raw) > 254:
        raise _Invalid("not an email address")
    local, domain = raw.rsplit("@", 1)
    return f"{local}@{domain.lower()}"


def _binary(raw: Any, vt: ValueType) -> bytes:
    if not isinstance(raw, bytes | bytearray):
        raise _Invalid("expected bytes")
    data = bytes(raw)
    if not data:
        raise _Invalid("must not be empty")
    if vt.max_bytes is not None and len(data) > vt.max_bytes:
        raise _Invalid(f"larger than {vt.max_bytes} bytes")
    return data


def _image(vt: ValueType, raw: Any, from_text: bool) -> bytes:
    data = _binary(raw, vt)
    if image_format(data) is None:
        raise _Invalid("not a JPEG, PNG, WebP or GIF image")
    return data


def image_format(data: bytes) -> str | None:
    """The image format by its magic bytes, or None."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    for magic, name in _IMAGE_MAGIC:
        if data.startswith(magic):
            return name
    return None


def _template(vt: ValueType, raw: Any, from_text: bool) -> bytes:
    data = _binary(raw, vt)
    is_wave = data[:4] == b"RIFF" and data[8:12] == b"WAVE"
    if is_wave or data.startswith(_AUDIO_MAGIC) or data[4:8] == b"ftyp":
        raise _Invalid("raw audio is not accepted; send the extracted template only")
    return data


def _geo(vt: ValueType, raw: Any, from_text: bool) -> dict[str, float]:
    try:
        if isinstance(raw, str):
            lat_s, lon_s = raw.split(",")
            lat, lon = float(lat_s), float(lon_s)
        elif isinstance(raw, dict):
            lat, lon = float(raw["lat"]), float(raw["lon"])
        elif isinstance(raw, list | tuple):
            lat, lon = float(raw[0]), float(raw[1])
        else:
            raise _Invalid("expected 'lat,lon' or {lat, lon}")
    except (ValueError, KeyError, IndexError, TypeError):
        raise _Invalid("expected 'lat,lon' or {lat, lon}") from None
    if not (math.isfinite(lat) and math.isfinite(lon)) or abs(lat) > 90 or abs(lon) > 180:
        raise _Invalid("latitude must be within ±90 and longitude within ±180")
    return {"lat": lat, "lon": lon}


def _ip(vt: ValueType, raw: Any, from_text: bool) -> str:
    try:
        return str(ipaddress.ip_address(str(raw).strip()))
    except ValueError:
        raise _Invalid("not an IPv4 or IPv6 address") from None


def _enum(vt: ValueType, raw: Any, from_text: bool) -> str:
    if raw not in vt.choices:
        raise _Invalid(f"must be one of {', '.join(vt.choices)}")
    return str(raw)


def _json(vt: ValueType, raw: Any, from_text: bool) -> Any:
    if from_text:
        try:
            raw = json.loads(raw)
        except (TypeError, ValueError):
            raise _Invalid("not valid JSON") from None
    try:
        encoded = json.dumps(raw, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):
        raise _Invalid("not JSON-serialisable") from None
    if len(encoded) > 1_000_000:
        raise _Invalid("larger than 1 MB of JSON")
    return raw


def _integer(vt: ValueType, raw: Any, from_text: bool) -> int:
    if from_text and isinstance(raw, str):
        try:
            return int(raw)
        except ValueError:
            raise _Invalid("not an integer") from None
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise _Invalid("not an integer")
    return raw


def _boolean(vt: ValueType, raw: Any, from_text: bool) -> bool:
    if from_text and isinstance(raw, str) and raw.lower() in ("true", "false"):
        return raw.lower() == "true"
    if not isinstance(raw, bool):
        raise _Invalid("expected true or false")
    return raw


def _datetime(vt: ValueType, raw: Any, from_text: bool) -> str:
    try:
        dt = raw if isinstance(raw, datetime) else datetime.fromisoformat(str(raw))
    except ValueError:
        raise _Invalid("not an ISO-8601 date and time") from None
    if dt.tzinfo is None:
        raise _Invalid("a date and time needs a time zone (e.g. +08:00 or Z)")
    return dt.isoformat()


def _device_id(vt: ValueType, raw: Any, from_text: bool) -> str:
    if not isinstance(raw, str) or not _DEVICE_ID_RE.match(raw):
        raise _Invalid("a device identifier is 4–128 letters, digits or : _ . -")
    return raw


def _tokens(vt: ValueType, raw: Any, from_text: bool) -> list[str]:
    if from_text and isinstance(raw, str):
        raw = [t for t in raw.split(",") if t]
    if not isinstance(raw, list) or not raw:
        raise _Invalid("expected a non-empty list of blinded tokens")
    out = []
    for token in raw:
        if not isinstance(token, str) or not _TOKEN_RE.match(token.lower()):
            raise _Invalid(
                "each item must be a 32-byte keyed or OPRF-blinded token in hex; "
                "plain names or phone numbers are refused"
            )
        out.append(token.lower())
    return sorted(set(out))


#: An account reference: letters, digits and ``_ - . : @``; no spaces, no Han characters
#: (prose, names, addresses are not account ids). Detectors check it again at ingest.
_ACCOUNT_REF_RE = re.compile(r"^[A-Za-z0-9_.:@-]{1,128}$")
#: A communication session lasts at most a day (longer ones are logged as several).
_MAX_SESSION_S = 24 * 3600


def _comm_session(vt: ValueType, raw: Any, from_text: bool) -> dict[str, Any]:
    """A communication session (PIPL/Constitution Art. 40, communication secrecy): exactly
    the counterpart account and the duration; never content."""
    if from_text and isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raise _Invalid("a communication session is a JSON object") from None
    if not isinstance(raw, dict) or set(raw) != {"counterpart", "duration_s"}:
        raise _Invalid(
            'a communication session is exactly {"counterpart": "<account id>", '
            '"duration_s": <seconds>}; content is never stored'
        )
    counterpart, duration = raw["counterpart"], raw["duration_s"]
    if not isinstance(counterpart, str) or not _ACCOUNT_REF_RE.match(counterpart):
        raise _Invalid(
            "counterpart must be an account id (1–128 letters, digits or _ - . : @), "
            "not text or a contact detail"
        )
    if isinstance(duration, bool) or not isinstance(duration, int):
        raise _Invalid("duration_s must be a whole number of seconds")
    if not 0 <= duration <= _MAX_SESSION_S:
        raise _Invalid(f"duration_s must be between 0 and {_MAX_SESSION_S}")
    return {"counterpart": counterpart, "duration_s": duration}


_VALIDATORS: dict[str, Callable[[ValueType, Any, bool], Any]] = {
    "text": _text,
    "phone": _phone,
    "email": _email,
    "image": _image,
    "geo_point": _geo,
    "ip": _ip,
    "enum": _enum,
    "json": _json,
    "integer": _integer,
    "boolean": _boolean,
    "datetime": _datetime,
    "device_id": _device_id,
    "biometric_template": _template,
    "blinded_tokens": _tokens,
    "comm_session": _comm_session,
}


def validate(category: Category, raw: Any, *, from_text: bool = False) -> Any:
    """The canonical value for ``category``; :class:`ValueValidationError` if invalid.

    ``from_text`` says the value came as command-line text (JSON, integers and
    lists are parsed from it).
    """
    assert category.value_type is not None
    try:
        return _VALIDATORS[category.value_type.name](category.value_type, raw, from_text)
    except _Invalid as exc:
        raise ValueValidationError(category.key, str(exc)) from None


def encode(type_name: str, value: Any) -> bytes:
    """Plaintext bytes for sealing."""
    if type_name in BINARY_TYPES:
        return bytes(value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def decode(type_name: str, data: bytes) -> Any:
    if type_name in BINARY_TYPES:
        return data
    return json.loads(data)


def lookup_form(type_name: str, value: Any) -> str:
    """The normalised text a blind index is computed over."""
    if isinstance(value, str):
        return value.casefold() if type_name in ("email", "text") else value
    return json.dumps(value, sort_keys=True, separators=(",", ":"))
