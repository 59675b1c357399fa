"""Recognizers for e-mail addresses, URLs, IPv4/IPv6 and MAC addresses."""

from __future__ import annotations

import ipaddress
import re

from pivault.detect.base import PatternRecognizer, context_words
from pivault.detect.model import Entity

_HEX = "0-9A-Fa-f"


def _email(value: str, _text: str, _start: int) -> float | None:
    local, _, domain = value.rpartition("@")
    if local.startswith(".") or local.endswith(".") or ".." in value:
        return None
    return 0.9 if "." in domain else None


def _url(value: str, _text: str, _start: int) -> float | None:
    return 0.85 if len(value) > len("https://") + 3 else None


def _ipv4(value: str, _text: str, _start: int) -> float | None:
    octets = value.split(".")
    if any(int(o) > 255 or (len(o) > 1 and o[0] == "0") for o in octets):
        return None
    if octets[0] == "0" or value == "255.255.255.255":
        return None
    return 0.8


def _ipv6(value: str, _text: str, _start: int) -> float | None:
    if sum(ch not in ":" for ch in value) < 3:
        return None
    try:
        ipaddress.IPv6Address(value)
    except ValueError:
        return None
    return 0.85


def _mac(value: str, _text: str, _start: int) -> float | None:
    flat = value.replace(":", "").replace("-", "").lower()
    return None if flat in ("000000000000", "ffffffffffff") else 0.8


NETWORK_RECOGNIZERS: tuple[PatternRecognizer, ...] = (
    PatternRecognizer(
        name="email",
        entity=Entity.EMAIL,
        pattern=re.compile(
            r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]{1,64}@"
            r"[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9\-]{1,63})*"
            r"\.[A-Za-z]{2,24}(?![A-Za-z0-9\-])"
        ),
        validate=_email,
        triggers=("@",),
    ),
    PatternRecognizer(
        name="url",
        entity=Entity.URL,
        gate=lambda p: p.has_url_start,
        # Stops at whitespace, quotes, brackets, commas (a folded "，") and any
        # non-ASCII character, so "链接https://x.cn/a打不开" ends before 打.
        pattern=re.compile(
            r"(?<![A-Za-z0-9.\-])(?:https?://|www\.)[A-Za-z0-9\-._~:/?#\[\]@!$&*+;=%]+"
            r"(?<![.;:!?\]])"
        ),
        validate=_url,
    ),
    PatternRecognizer(
        name="ipv4",
        entity=Entity.IPV4,
        gate=lambda p: p.dots >= 3 and len(p.digit_runs) >= 4,
        pattern=re.compile(r"[0-9](?<![0-9.].)[0-9]{0,2}(?:\.[0-9]{1,3}){3}(?![0-9])(?!\.[0-9])"),
        validate=_ipv4,
        context=context_words("ip", "地址", "addr", "host", "client", "登录"),
        boost=0.15,
        # A dotted quad right after a version word is a version, not an address.
        veto=re.compile(r"(?:版本号?|(?<![A-Za-z])(?:ver|version|build|v|rev))\s*[=:]?\s*$", re.I),
        window=12,
    ),
    PatternRecognizer(
        name="ipv6",
        entity=Entity.IPV6,
        gate=lambda p: p.has_double_colon or p.colons >= 7,
        pattern=re.compile(
            rf"(?<![{_HEX}:.])(?:[{_HEX}]{{0,4}}:){{2,7}}[{_HEX}]{{0,4}}(?![{_HEX}:])"
        ),
        validate=_ipv6,
        context=context_words("ip", "ipv6", "地址", "addr", "host"),
        boost=0.1,
    ),
    PatternRecognizer(
        name="mac_address",
        entity=Entity.MAC_ADDRESS,
        gate=lambda p: p.colons >= 5 or p.dashes >= 5,
        pattern=re.compile(
            rf"(?<![{_HEX}:\-])[{_HEX}]{{2}}([:\-])(?:[{_HEX}]{{2}}\1){{4}}[{_HEX}]{{2}}"
            rf"(?![{_HEX}:\-])"
        ),
        validate=_mac,
        context=context_words("mac", "wifi", "bssid", "蓝牙", "网卡"),
        boost=0.15,
    ),
)
