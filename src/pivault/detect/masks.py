"""Masking in the customary Chinese style, one rule per entity.

``138****5678``, ``110105********002X``, ``张*``, ``z***@example.com``,
``192.168.*.*``. Separators and country codes are kept so the masked text
still reads naturally; only the identifying characters become ``*``.

The one masking implementation: redaction (:func:`mask`), scan reports and the
privacy center (:func:`mask_value`, :func:`mask_text`) all use these rules.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from pivault.detect.gazetteer import COMPOUND_SURNAMES
from pivault.detect.model import Entity, Finding

STAR = "*"


def mask_alnum(value: str, keep_head: int, keep_tail: int) -> str:
    """Mask letters/digits of ``value`` except the first ``keep_head`` and last ``keep_tail``.

    Separators (spaces, dashes, dots) are kept in place. When too few
    characters remain to hide anything, everything is masked.
    """
    positions = [i for i, ch in enumerate(value) if ch.isalnum()]
    if len(positions) <= keep_head + keep_tail:
        keep_head = keep_tail = 0
    hidden = set(positions[keep_head : len(positions) - keep_tail])
    return "".join(STAR if i in hidden else ch for i, ch in enumerate(value))


def _mobile(value: str) -> str:
    digits = [i for i, ch in enumerate(value) if ch.isdigit()]
    national = digits[-11:]  # a country code before the 11 digits stays readable
    hidden = set(national[3:-4])
    if not hidden:  # too short for 3 + 4 digits to stay: never show a number whole
        return mask_alnum(value, 2, 2)
    return "".join(STAR if i in hidden else ch for i, ch in enumerate(value))


def _landline(value: str) -> str:
    return mask_alnum(value, keep_head=3 if value.startswith("01") else 4, keep_tail=4)


def _email(value: str) -> str:
    local, _, domain = value.rpartition("@")
    return f"{local[:1]}***@{domain}"


def _ipv4(value: str) -> str:
    octets = value.split(".")
    return ".".join([*octets[:2], STAR, STAR])


def _ipv6(value: str) -> str:
    groups = [g for g in value.split(":") if g]
    return ":".join(groups[:2]) + ":*:*"


def _url(value: str) -> str:
    match = re.match(r"(?:https?://)?[^/?#]+", value)
    head = match.group() if match else ""
    return head + "/***" if len(value) > len(head) else head


def _gps(value: str) -> str:
    # Keep two decimals (~1 km): the area stays, the position goes.
    return re.sub(r"(\.\d{2})(\d+)", lambda m: m.group(1) + STAR * len(m.group(2)), value)


def _mac(value: str) -> str:
    return mask_alnum(value, keep_head=6, keep_tail=0)  # the OUI names the vendor only


def _person_name(value: str) -> str:
    """The surname stays (both characters of a compound one: 欧阳**), the given name goes;
    a name no longer than its surname is masked whole, so it is never shown in full."""
    if value.isascii():
        return " ".join(w[:1] + STAR * (len(w) - 1) for w in value.split(" "))
    keep = 2 if value[:2] in COMPOUND_SURNAMES else 1
    if len(value) <= keep:
        keep = 0
    return value[:keep] + STAR * (len(value) - keep)


_ADMIN_PREFIX = re.compile(r"^(?:.{1,8}?(?:省|自治区))?(?:.{1,8}?市)?(?:.{1,6}?(?:区|县|旗))?")


def _address(value: str) -> str:
    if value.isascii():
        return re.sub(r"\d", STAR, value)
    prefix = _ADMIN_PREFIX.match(value)
    keep = prefix.end() if prefix else 0
    return value[:keep] + STAR * (len(value) - keep)


def _plate(value: str) -> str:
    return value[:2] + mask_alnum(value[2:], keep_head=0, keep_tail=2)


_MASKERS: dict[Entity, Callable[[str], str]] = {
    Entity.CN_MOBILE: _mobile,
    Entity.CN_LANDLINE: _landline,
    Entity.CN_RESIDENT_ID: lambda v: mask_alnum(v, 6, 4),
    Entity.BANK_CARD: lambda v: mask_alnum(v, 4, 4),
    Entity.CN_USCC: lambda v: mask_alnum(v, 2, 4),
    Entity.CN_PASSPORT: lambda v: mask_alnum(v, 1, 3),
    Entity.CN_TRAVEL_PERMIT: lambda v: mask_alnum(v, 1, 3),
    Entity.CN_LICENSE_PLATE: _plate,
    Entity.EMAIL: _email,
    Entity.IPV4: _ipv4,
    Entity.IPV6: _ipv6,
    Entity.URL: _url,
    Entity.GPS: _gps,
    Entity.IMEI: lambda v: mask_alnum(v, 2, 4),
    Entity.MAC_ADDRESS: _mac,
    Entity.ANDROID_ID: lambda v: mask_alnum(v, 2, 4),
    Entity.ADVERTISING_ID: lambda v: mask_alnum(v, 2, 4),
    Entity.CN_PERSON_NAME: _person_name,
    Entity.PERSON_NAME: _person_name,
    Entity.CN_ADDRESS: _address,
}


def _default(value: str) -> str:
    return mask_alnum(value, 1, 1)


def mask_value(entity: Entity, value: str) -> str:
    """The masked form of ``value`` read as an ``entity`` (138****5678, 欧阳**)."""
    return _MASKERS.get(entity, _default)(value)


def mask(finding: Finding) -> str:
    """The masked form of ``finding.value`` for its entity."""
    return mask_value(finding.entity, finding.value)


#: Stars shown at most for free text, so the mask does not tell its length.
_TEXT_STARS = 8


def mask_text(value: str) -> str:
    """Free text of no known kind: its first quarter stays (at least one character),
    then at most eight stars."""
    if len(value) <= 2:
        return value[:1] + STAR
    shown = max(1, len(value) // 4)
    return value[:shown] + STAR * min(len(value) - shown, _TEXT_STARS)
