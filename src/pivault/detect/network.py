"""Recognizers for e-mail addresses, URLs, IPv4/IPv6 and MAC addresses."""

from __future__ import annotations

import ipaddress
import re

from pivault.detect.base import PatternRecognizer, context_words
from pivault.detect.gazetteer import words
from pivault.detect.model import Entity

_HEX = "0-9A-Fa-f"


def _email(value: str, _text: str, _start: int) -> float | None:
    local, _, domain = value.rpartition("@")
    if local.startswith(".") or local.endswith(".") or ".." in value:
        return None
    if "." not in domain:
        return None
    # Role and system senders (noreply@, postmaster@) are not a person's address.
    return 0.35 if _SYSTEM_SENDER.fullmatch(local.lower()) else 0.9


_SYSTEM_SENDER = re.compile(r"no-?reply|do-?not-?reply|mailer-daemon|postmaster|bounces?")


#: Top-level domains accepted for bare domains and ``www.`` hosts. Only common
#: ones: file names (``main.py``, ``README.md``) and Java packages
#: (``com.example.app.Main``) must not read as domains.
COMMON_TLDS = frozenset(
    words(
        "com net org edu gov mil int io co cn hk tw mo jp kr sg uk de fr it es nl se ch at be "
        "il in ru br au ca us nz ie info biz site top xyz dev me tv cc vip shop online tech "
        "ai cloud link live store club fun wang ltd asia eu"
    )
)
_CISCO_GATE = re.compile(r"\.[0-9a-f]{4}\.")
#: A dot followed by a common TLD somewhere in the text (literal first: a fast scan).
_TLD_GATE = re.compile(r"\.(?:" + "|".join(sorted(COMMON_TLDS)) + ")(?![a-z0-9])")
_HOST = re.compile(r"(?:https?://)?(?:[^/?#@]*@)?(\[[0-9A-Fa-f:.]+\]|[^/?#:]+)")


def _url(value: str, _text: str, _start: int) -> float | None:
    host_match = _HOST.match(value)
    if host_match is None:
        return None
    host = host_match.group(1)
    if host.startswith("["):
        return 0.85
    labels = host.split(".")
    tld = labels[-1].lower()
    if len(labels) < 2 or not all(labels):
        return None
    if value.startswith("www.") and (tld not in COMMON_TLDS or len(labels) < 3):
        return None
    if host.replace(".", "").isdigit():
        return 0.85 if len(labels) == 4 else None
    if not (tld.isalpha() and len(tld) >= 2) and not tld.startswith("xn--"):
        return None
    return 0.85


#: First labels of reverse-DNS names (Java/Android packages: com.example.app).
_PACKAGE_ROOTS = frozenset(words("com org net cn io android java javax kotlin androidx"))


def _domain(value: str, _text: str, _start: int) -> float | None:
    host = value.split("/", 1)[0]
    labels = host.lower().split(".")
    if labels[0] in _PACKAGE_ROOTS and len(labels) >= 3:
        return None  # com.acme.app is an application id, not a host
    return 0.5 if labels[-1] in COMMON_TLDS else None


#: A dotted quad after one of these (``版本 1.2.3.4``, ``Chrome/120.0.1.2``) is a version.
_VERSION_BEFORE = re.compile(
    r"(?:版本号?|固件|(?<![A-Za-z])(?:ver|version|build|v|rev|firmware|sdk|os|app|android|ios"
    r"|patch|release|kernel))\s*[=:]?\s*$|/$|[A-Za-z]$",
    re.I,
)
_VERSION_AFTER = re.compile(r"[-_+](?:beta|alpha|rc|release|snapshot|build|dev)|[.\-][0-9]", re.I)
_IP_WORDS = re.compile(
    r"(?<![A-Za-z])(?:ip|ipv4|addr|address|host|client|remote|server|from|src|dst|peer|proxy"
    r"|forwarded|gateway|dns|nat|subnet|route|mask|登录|地址|网关|来源|访问)",
    re.I,
)


def _split_prefix(value: str) -> tuple[str, int | None]:
    address, slash, bits = value.partition("/")
    return address, (int(bits) if slash else None)


def _ipv4(value: str, text: str, start: int) -> float | None:
    address, bits = _split_prefix(value)
    octets = address.split(".")
    if any(int(o) > 255 or (len(o) > 1 and o[0] == "0") for o in octets):
        return None
    if bits is not None and bits > 32:
        return None
    before = text[max(0, start - 12) : start]
    if before.endswith(("ip", "IP", "Ip")):
        return 0.8  # "IP192.168.1.1": a label glued on
    if _VERSION_BEFORE.search(before) or _VERSION_AFTER.match(text, start + len(value)):
        return None
    # Small leading octets with no address word nearby are version numbers
    # (``4.2.1.3``), except the well-known resolver forms (1.1.1.1, 8.8.8.8).
    if int(octets[0]) < 10 and len(set(octets)) > 1 and _IP_WORDS.search(before) is None:
        return 0.35
    return 0.8


def _ipv6(value: str, _text: str, _start: int) -> float | None:
    address, bits = _split_prefix(value)
    if bits is not None and bits > 128:
        return None
    if sum(ch not in ":" for ch in address.partition("%")[0]) < 3 and address not in ("::1",):
        return 0.1 if address == "::" else None  # bare "::" is "any", rarely an address
    try:
        ipaddress.IPv6Address(address)
    except ValueError:
        return None
    return 0.85


def _mac(value: str, _text: str, _start: int) -> float | None:
    flat = value.replace(":", "").replace("-", "").replace(".", "").lower()
    return None if flat in ("000000000000", "ffffffffffff") else 0.8


NETWORK_RECOGNIZERS: tuple[PatternRecognizer, ...] = (
    PatternRecognizer(
        name="email",
        entity=Entity.EMAIL,
        pattern=re.compile(
            r"[A-Za-z0-9._%+\-](?<![A-Za-z0-9._%+\-].)[A-Za-z0-9._%+\-]{0,63}@"
            r"[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9\-]{1,63})*"
            r"\.(?:[A-Za-z]{2,24}|xn--[A-Za-z0-9]{1,59})(?![A-Za-z0-9\-])"
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
            r"[hw](?<![A-Za-z0-9.\-].)(?:(?<=h)ttps?://|(?<=w)ww\.)[A-Za-z0-9\-._~:/?#\[\]@!$&*+;=%]+"
            r"(?<![.;:!?\]])"
        ),
        validate=_url,
    ),
    PatternRecognizer(
        name="domain",
        entity=Entity.URL,
        gate=lambda p: p.dots >= 1 and _TLD_GATE.search(p.lowered) is not None,
        # A bare host name ending in a common TLD, optionally with a path; not
        # inside an e-mail address, a longer dotted name or a file path.
        pattern=re.compile(
            r"[A-Za-z0-9](?<![A-Za-z0-9.\-@/_].)(?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\."
            r"(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)*"
            r"[A-Za-z]{2,6}(?![A-Za-z0-9\-@_]|\.[A-Za-z0-9])"
            r"(?:/[A-Za-z0-9\-._~/?#\[\]@!$&*+;=%]*(?<![.;:!?\]]))?"
        ),
        validate=_domain,
    ),
    PatternRecognizer(
        name="ipv4",
        entity=Entity.IPV4,
        gate=lambda p: p.dots >= 3 and len(p.digit_runs) >= 4,
        pattern=re.compile(
            r"[0-9](?<![0-9.].)[0-9]{0,2}(?:\.[0-9]{1,3}){3}(?:/[0-9]{1,2})?(?![0-9])"
            r"(?!\.[0-9]{1,3}\.)(?![A-Za-z0-9_])"
        ),
        validate=_ipv4,
        context=context_words("ip", "地址", "addr", "host", "client", "登录"),
        boost=0.15,
        window=12,
    ),
    PatternRecognizer(
        name="ipv6",
        entity=Entity.IPV6,
        gate=lambda p: p.has_double_colon or p.colons >= 7 or (p.colons >= 6 and p.dots >= 3),
        # Hex groups, an optional embedded dotted quad, zone id and prefix length.
        pattern=re.compile(
            rf"(?<![{_HEX}A-Za-z:.])(?:[{_HEX}]{{0,4}}:){{2,7}}"
            rf"(?:[0-9]{{1,3}}(?:\.[0-9]{{1,3}}){{3}}|[{_HEX}]{{1,4}})?"
            r"(?:%[0-9A-Za-z_.\-]+)?(?:/[0-9]{1,3})?"
            rf"(?![0-9A-Za-z:]|\.[0-9])"
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
    PatternRecognizer(
        name="mac_address_cisco",
        entity=Entity.MAC_ADDRESS,
        gate=lambda p: p.dots >= 2 and _CISCO_GATE.search(p.lowered) is not None,
        # Cisco's three dotted groups of four hex digits (0012.3456.789a); at
        # least one hex letter, so dotted digit groups stay numbers.
        pattern=re.compile(
            rf"(?<![{_HEX}.])[{_HEX}]{{4}}\.[{_HEX}]{{4}}\.[{_HEX}]{{4}}(?![{_HEX}]|\.[{_HEX}])"
        ),
        validate=lambda v, t, s: _mac(v, t, s) if any(c.isalpha() for c in v) else None,
        context=context_words("mac", "wifi", "bssid", "网卡", "physical address"),
        boost=0.15,
    ),
)
