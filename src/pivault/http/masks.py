"""How values are shown in the privacy center: masked by default, in full on request.

Each value type is masked by the rule of :mod:`pivault.detect.masks` for the
matching entity, so the center shows what redaction would: a mainland mobile
number keeps its first three and last four digits (138****5678), a name its
surname (张*, 欧阳**), an e-mail address its first letter and domain, an IP
address its network part, coordinates two decimals (about 1 km); a communication
session its counterpart's first four and last two characters and the duration; other
text its first quarter. Binary values (photos, voiceprint templates) are never shown,
only described; the download has them in full.
"""

from __future__ import annotations

import json
from typing import Any

from pivault.core.codec import binary_json_size
from pivault.detect.masks import STAR, mask_alnum, mask_text, mask_value
from pivault.detect.model import Entity
from pivault.http.i18n import tr

_NAME_KEYS = ("name", "nickname")


def _phone(value: str) -> str:
    # Shown as people write their own number: without +86.
    return mask_value(Entity.CN_MOBILE, value.removeprefix("+86").lstrip("+"))


def _ip(value: str) -> str:
    return mask_value(Entity.IPV6 if ":" in value else Entity.IPV4, value)


def _geo(value: Any) -> str:
    if not isinstance(value, dict):
        return STAR * 2
    return mask_value(Entity.GPS, f"{float(value.get('lat', 0))}, {float(value.get('lon', 0))}")


def duration(seconds: Any, lang: str) -> str:
    """'1 分 3 秒' / '1 min 3 s' (hours when there are some)."""
    total = int(seconds) if isinstance(seconds, int | float) else 0
    h, rest = divmod(max(total, 0), 3600)
    m, s = divmod(rest, 60)
    if h:
        return tr(lang, "duration.h", h=h, m=m, s=s)
    return tr(lang, "duration.m", m=m, s=s) if m else tr(lang, "duration.s", s=s)


def _session(value: Any, lang: str, *, hide: bool) -> str:
    if not isinstance(value, dict):
        return STAR * 2
    counterpart = str(value.get("counterpart", ""))
    shown = mask_alnum(counterpart, 4, 2) if hide else counterpart
    return tr(lang, "session", counterpart=shown, duration=duration(value.get("duration_s"), lang))


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
    if type_name == "comm_session":
        return _session(value, lang, hide=True)
    if type_name in ("enum", "boolean"):
        return str(value)
    text = str(value)
    if not text:
        return ""
    if type_name == "phone":
        return _phone(text)
    if type_name == "email":
        return mask_value(Entity.EMAIL, text)
    if type_name == "ip":
        return _ip(text)
    if type_name == "datetime":
        return text[:10] + " **:**"
    if type_name == "integer":
        return mask_alnum(text, 1, 0)
    if category.rsplit(".", 1)[-1] in _NAME_KEYS:
        return mask_value(Entity.PERSON_NAME, text)
    return mask_text(text)


def full(value: Any, type_name: str, lang: str) -> str:
    """``value`` in full, for display after the person asked to see it."""
    if type_name in ("image", "biometric_template"):
        return describe_binary(value, type_name, lang)
    if type_name == "phone" and isinstance(value, str) and value.startswith("+86"):
        return value[3:]
    if type_name == "geo_point" and isinstance(value, dict):
        return f"{value.get('lat')}, {value.get('lon')}"
    if type_name == "comm_session":
        return _session(value, lang, hide=False)
    if isinstance(value, str):
        return value
    text = json.dumps(value, ensure_ascii=False, indent=1)
    return text if len(text) <= 4000 else text[:4000] + " …"


def revealable(type_name: str) -> bool:
    return type_name not in ("image", "biometric_template")
