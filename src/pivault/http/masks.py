"""How values are shown in the privacy center: masked by default, in full on request.

Simple masks by value type: a mainland mobile number keeps its first three and
last four digits (138****5678), a name its first character (张*), other text
its first quarter; coordinates keep whole degrees, IP addresses their first
two parts. Binary values (photos, voiceprint templates) are never shown, only
described; the download has them in full.
"""

from __future__ import annotations

import json
from typing import Any

from pivault.core.codec import binary_json_size
from pivault.http.i18n import tr

_NAME_KEYS = ("name", "nickname")


def _phone(value: str) -> str:
    digits = value[3:] if value.startswith("+86") else value.lstrip("+")
    if len(digits) >= 11:
        return digits[:3] + "****" + digits[-4:]
    return digits[:2] + "*" * max(len(digits) - 4, 2) + digits[-2:]


def _name(value: str) -> str:
    return value[0] + "*" * max(len(value) - 1, 1)


def _text(value: str) -> str:
    if len(value) <= 2:
        return value[0] + "*"
    shown = max(1, len(value) // 4)
    return value[:shown] + "*" * min(len(value) - shown, 8)


def _email(value: str) -> str:
    local, _, domain = value.partition("@")
    return f"{local[:1]}***@{domain}"


def _ip(value: str) -> str:
    if ":" in value:
        return value.split(":", 1)[0] + ":****"
    parts = value.split(".")
    return ".".join([*parts[:2], "*", "*"])


def _geo(value: Any) -> str:
    if not isinstance(value, dict):
        return "**"
    return f"{int(float(value.get('lat', 0)))}.*, {int(float(value.get('lon', 0)))}.*"


def describe_binary(value: Any, type_name: str, lang: str) -> str:
    size = len(value) if isinstance(value, bytes | bytearray) else binary_json_size(value)
    if type_name == "image":
        return tr(lang, "bytes_image", kb=max(1, round(size / 1024)))
    return tr(lang, "bytes_template", n=size)


def masked(value: Any, type_name: str, category: str, lang: str) -> str:
    """``value`` partly hidden, for display."""
    if type_name in ("image", "biometric_template"):
        return describe_binary(value, type_name, lang)
    if type_name == "blinded_tokens":
        return tr(lang, "tokens", n=len(value) if isinstance(value, list) else 0)
    if type_name == "json":
        n = len(value) if isinstance(value, list | dict) else 1
        return tr(lang, "json_items", n=n)
    if type_name == "geo_point":
        return _geo(value)
    if type_name in ("enum", "boolean"):
        return str(value)
    text = str(value)
    if not text:
        return ""
    if type_name == "phone":
        return _phone(text)
    if type_name == "email":
        return _email(text)
    if type_name == "ip":
        return _ip(text)
    if type_name == "datetime":
        return text[:10] + " **:**"
    if type_name == "integer":
        return text[0] + "*" * (len(text) - 1) if len(text) > 1 else "*"
    if category.rsplit(".", 1)[-1] in _NAME_KEYS:
        return _name(text)
    return _text(text)


def full(value: Any, type_name: str, lang: str) -> str:
    """``value`` in full, for display after the person asked to see it."""
    if type_name in ("image", "biometric_template"):
        return describe_binary(value, type_name, lang)
    if type_name == "phone" and isinstance(value, str) and value.startswith("+86"):
        return value[3:]
    if type_name == "geo_point" and isinstance(value, dict):
        return f"{value.get('lat')}, {value.get('lon')}"
    if isinstance(value, str):
        return value
    text = json.dumps(value, ensure_ascii=False, indent=1)
    return text if len(text) <= 4000 else text[:4000] + " …"


def revealable(type_name: str) -> bool:
    return type_name not in ("image", "biometric_template")
