"""Recognizers for mainland postal addresses (Chinese, and English transliteration).

A Chinese address is found from an *anchor* (a province, municipality or
prefecture-level city from the gazetteer, or a cue such as 地址/住在) and
then extended one component at a time with small anchored regexes: district,
town, village, road + number, estate, building, unit, floor, room, rural
group. It is reported only when it reaches a numbered or estate component;
"北京市朝阳区" alone is a city-level location, not a postal address.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from pivault.detect.base import TextProfile, trie_regex
from pivault.detect.gazetteer import CITIES, PINYIN_PLACES, PROVINCES
from pivault.detect.model import Entity, Finding

_H = "[\u4e00-\u9fff]"
_NUM = r"(?:[0-9]{1,5}|[一二三四五六七八九十百零]{1,4})"

_PROVINCE = trie_regex(PROVINCES)
_CITY = trie_regex(CITIES)
_ANCHOR = re.compile(f"{_PROVINCE}(?:{_CITY}市?)?|{_CITY}市?")
# A flat alternation of ~350 names is slow to scan in `re`; scanning for their
# first characters and then matching at those positions only is ~5x faster.
_ANCHOR_FIRST = re.compile("[" + "".join(sorted({w[0] for w in (*PROVINCES, *CITIES)})) + "]")
#: Every postal address has one of these; texts without any skip the anchor search.
# One character class (a superset of the marker words' first characters) scans
# much faster than an alternation of the words themselves.
_MARKER = re.compile("[号栋幢室村组苑园城厦寓府湾座楼单小天国中广社宿]")
_CUE = re.compile(
    r"(?:收货地址|收件地址|家庭住址|居住地址|联系地址|详细地址|常住地址|工作单位地址|地址|住址"
    r"|住在|现住|送到|寄到|送至|配送至|邮寄到|寄往|(?i:address))\s*[:=]?\s*",
)

#: (component kind, anchored regex). Kinds in _DETAIL make the match a postal address.
_COMPONENTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("building", re.compile(rf"{_NUM}(?:号楼|栋|幢|座|号院|号门|期)|[A-Z](?:栋|座|区|塔)")),
    ("unit", re.compile(rf"{_NUM}单元")),
    # "36楼3608" is floor 36, room 3608; "6号楼" is a building (matched above).
    ("floor", re.compile(rf"{_NUM}(?:层|楼)")),
    ("room", re.compile(rf"{_NUM}(?:室|房|户)|[0-9]{{2,5}}(?![0-9号])")),
    ("group", re.compile(rf"{_NUM}组")),
    ("number", re.compile(r"[0-9]{1,5}(?:-[0-9]{1,5})?号院?")),
    ("district", re.compile(f"{_H}{{1,5}}?(?:新区|区|县|旗|市)")),
    ("town", re.compile(f"{_H}{{1,6}}?(?:街道|镇|乡)")),
    ("village", re.compile(f"{_H}{{1,6}}?村")),
    (
        "road",
        re.compile(
            rf"{_H}{{1,10}}?(?:大道|大街|路|街|巷|弄|胡同|道)(?:[东西南北中]段|{_NUM}段)?"
            r"(?:[0-9]{1,5}(?:-[0-9]{1,5})?(?:号院?|弄))?"
        ),
    ),
    (
        "estate",
        re.compile(
            f"{_H}{{1,10}}?(?:小区|花园|花苑|苑|园|城|天地|国际|中心|大厦|广场|公寓|家园|新村|山庄|"
            f"府|湾|公馆|名邸|大楼|宿舍|社区|写字楼|科学园|产业园|工业园|园区|仓库|里)"
        ),
    ),
    # a second estate word right after the first: 金鹰国际 + 公寓, 科兴科学园 + B栋
    ("estate", re.compile("(?:公寓|大厦|大楼|中心|广场|花园|小区|写字楼|商务楼|宿舍|仓库|底商)")),
)
#: Words after which an address may start, but so may anything else: stricter checks apply.
_WEAK_CUE = re.compile(
    r"(?:请到|来到|前往|位于|到|在)(?=[\u4e00-\u9fff]{1,12}?(?:区|县|镇|路|街|道|巷|弄))"
)
_BUILDING_START = re.compile(
    r"[0-9一二三四五六七八九十百零](?<![0-9A-Za-z\-一二三四五六七八九十百零].)"
    r"[0-9一二三四五六七八九十百零]{0,4}(?:号楼|栋|幢)"
)
_DETAIL = frozenset(("building", "unit", "room", "group", "number", "estate", "road_number"))


_MAX_ADDRESS_LENGTH = 80


def _extend(text: str, pos: int) -> tuple[int, set[str]]:
    """Consume address components from ``pos``; return the end and the kinds seen."""
    kinds: set[str] = set()
    # No postal address is longer than this; the bound keeps a text full of
    # address-like pieces linear (every start extends at most this far).
    limit = min(len(text), pos + _MAX_ADDRESS_LENGTH)
    while pos < limit:
        for kind, pattern in _COMPONENTS:
            match = pattern.match(text, pos)
            if match is None or match.end() == pos:
                continue
            if kind == "room" and not kinds & {"building", "unit", "floor", "number", "estate"}:
                continue  # bare digits are a room only after a building, floor or number
            if kind == "road" and match.group().endswith("号"):
                kind = "road_number"
            kinds.add(kind)
            pos = match.end()
            break
        else:
            break
    return pos, kinds


@dataclass(frozen=True)
class ChineseAddressRecognizer:
    """Hanzi postal addresses anchored on a place name or an address cue."""

    name: str = "cn_address"

    @property
    def entities(self) -> frozenset[Entity]:
        """Reports Chinese addresses."""
        return frozenset((Entity.CN_ADDRESS,))

    def may_match(self, profile: TextProfile) -> bool:
        """Only texts with Han characters can hold a Hanzi address."""
        return profile.has_han

    def find(self, text: str) -> Iterator[Finding]:
        """Yield addresses in ``text``."""
        if _MARKER.search(text) is None:
            return
        taken_until = -1
        starts: list[tuple[int, int, float]] = []
        for first in _ANCHOR_FIRST.finditer(text):
            match = _ANCHOR.match(text, first.start())
            if match is not None:
                starts.append((match.start(), match.end(), 0.85))
        for match in _CUE.finditer(text):
            starts.append((match.end(), match.end(), 0.7))
        for match in _WEAK_CUE.finditer(text):
            starts.append((match.end(), match.end(), 0.65))
        # "3栋2单元602" with no place name or cue: building + unit/floor/room is enough.
        for match in _BUILDING_START.finditer(text):
            starts.append((match.start(), match.start(), 0.6))
        for start, pos, score in sorted(starts, key=lambda s: (s[0], -s[2])):
            if start < taken_until:
                continue
            end, kinds = _extend(text, pos)
            if score == 0.6 and not (kinds >= {"building"} and kinds & {"unit", "floor", "room"}):
                continue
            if score == 0.65 and not (
                kinds & {"district", "road", "road_number"} and kinds & _DETAIL
            ):
                continue  # after 到/在 only a district or road + a number makes an address
            if kinds & _DETAIL and end - start >= 6:
                taken_until = end
                yield Finding(Entity.CN_ADDRESS, start, end, score, self.name, text[start:end])


_EN_STREET = (
    r"(?:Road|Rd\.?|Street|St\.?|Avenue|Ave\.?|Lane|Ln\.?|Boulevard|Blvd\.?|Highway|Hutong)"
)
_EN_STREET_WORD = re.compile(_EN_STREET + "(?![A-Za-z])")
_EN_ADDRESS = re.compile(
    r"(?<![A-Za-z])"
    r"(?:(?:Room|Rm\.?|Flat|Unit|Apt\.?|Suite)\s*[A-Z]?[0-9]{1,5}[A-Z]?,?\s+)?"
    r"(?:(?:Building|Bldg\.?|Block|Tower)\s*[A-Z0-9]{1,3},?\s+)?"
    r"(?:No\.\s*)?[0-9]{1,5}[A-Z]?,?\s+(?:[A-Z][a-z']+\s){1,3}" + _EN_STREET + r"(?![A-Za-z])"
    r"(?:,\s*(?:[A-Z][a-z']+\s){1,2}(?:District|New\sArea|County|Town|Village))?"
    r"(?:,\s*([A-Z][a-z']+)(?:\s(?:City|Province))?(?![A-Za-z]))?"
)


@dataclass(frozen=True)
class EnglishAddressRecognizer:
    """Chinese addresses written in English: 'No. 8 Jianguo Road, Chaoyang District, Beijing'."""

    name: str = "cn_address_english"

    @property
    def entities(self) -> frozenset[Entity]:
        """Reports Chinese addresses."""
        return frozenset((Entity.CN_ADDRESS,))

    def may_match(self, profile: TextProfile) -> bool:
        """Needs capitalised words and a house number."""
        return profile.has_upper and profile.longest_digit_run >= 1

    def find(self, text: str) -> Iterator[Finding]:
        """Yield English-language addresses in ``text``."""
        if _EN_STREET_WORD.search(text) is None:
            return
        for match in _EN_ADDRESS.finditer(text):
            start, end = match.span()
            city = match.group(1)
            if city is not None and city.lower() not in PINYIN_PLACES:
                end = match.start(1) - 1  # drop a trailing word that is not a known place
                while text[end - 1] in ", ":
                    end -= 1
            score = (
                0.8
                if text[start:end].startswith(("Room", "Rm", "Flat", "Unit", "Apt", "No."))
                else 0.65
            )
            yield Finding(Entity.CN_ADDRESS, start, end, score, self.name, text[start:end])
