"""Phone numbers outside the mainland: every region, and Hong Kong/Macau/Taiwan apart.

phonenumbers' own matcher tries every region's patterns at every position
and is far too slow here. Instead a cheap regex finds *candidates* (a digit
sequence of phone length with the usual separators), and only those are
parsed and validated by phonenumbers:

* ``+``/``00`` + country code: parsed as international; valid in its region.
* national format: tried in the regions the context suggests (香港/HK → HK,
  台湾/Taiwan → TW, …) and, next to a phone word (电话, tel, call, number…),
  in a short list of common regions. NANP shapes (``(415) 555-0132``,
  ``415-555-0132``) need no phone word.

+86 and mainland-shaped numbers are left to :mod:`pivault.detect.phones`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import phonenumbers

from pivault.detect import checks
from pivault.detect.base import TextProfile, digits_of, trie_regex
from pivault.detect.model import Entity, Finding

# A loose first pass (it starts with a character class, so `re` skips ahead
# quickly); shape rules the regex cannot express cheaply are checked in Python.
_CANDIDATE = re.compile(r"[+(0-9][0-9 ().\-]{5,24}[0-9]")
_BAD_SEPARATORS = re.compile(r"[ .\-]{2}|[.\-] |\( |[0-9]\(|\)\(|[.\-]\(")
_PHONE_WORD_LIST = (
    "电话",
    "手机",
    "联系",
    "致电",
    "来电",
    "号码",
    "座机",
    "热线",
    "tel",
    "phone",
    "mobile",
    "cell",
    "call",
    "number",
    "fax",
    "whatsapp",
    "contact",
    "電話",
    "手機",
    "聯絡",
    "聯繫",
)
#: Words that point at a region (matched in the lower-cased text before a number).
_REGION_OF_WORD = {
    **dict.fromkeys(("香港", "港岛", "九龙", "新界", "hong kong", "hk", "852"), "HK"),
    **dict.fromkeys(("澳门", "澳門", "macau", "macao", "853"), "MO"),
    **dict.fromkeys(
        ("台湾", "台灣", "臺灣", "台北", "臺北", "台中", "臺中", "高雄", "台南", "taiwan", "886"),
        "TW",
    ),
    **dict.fromkeys(("日本", "japan", "japanese"), "JP"),
    **dict.fromkeys(("英国", "uk", "united kingdom", "britain", "london", "british"), "GB"),
    **dict.fromkeys(("新加坡", "singapore"), "SG"),
    **dict.fromkeys(("以色列", "israel", "israeli"), "IL"),
    **dict.fromkeys(("韩国", "korea", "korean"), "KR"),
}
# Latin words must stand alone ("hk" not inside "check"); Han words need no boundary.
_PHONE_WORDS = re.compile("(?<![a-z])(?:" + trie_regex(_PHONE_WORD_LIST) + ")")
_REGION_WORDS = re.compile("(?<![a-z])(?:" + trie_regex(_REGION_OF_WORD) + ")(?![a-z])")
# Gates: cheap tests that some candidate could be reported. Each regex starts
# with a literal or a character class, so `re` scans for it at C speed.
_ANY_WORD = re.compile(trie_regex((*_PHONE_WORD_LIST, *_REGION_OF_WORD)))
_PLUS_NOT_MAINLAND = re.compile(r"\+ ?(?!86)[1-9]")
_INTERNATIONAL_00 = re.compile(r"00(?<![0-9]00)[1-9]")
_PLAIN_PHONE_RUNS = frozenset((7, 8, 9, 10, 12, 13, 14))
_GROUPED = re.compile(r"[0-9]{2}[ .\-)][0-9]{3}")
_NANP_TAIL = re.compile(r"[0-9]{3}[-.][0-9]{4}(?![0-9])")
#: Regions tried for a national-format number next to a phone word but no region word.
_COMMON_REGIONS = ("US", "GB", "IL", "DE", "FR", "JP", "IN", "AU", "SG", "BR")
_GREATER_CHINA = frozenset(("HK", "MO", "TW"))
_GREATER_CHINA_ORDER = ("HK", "TW", "MO")
_GREATER_CHINA_PREFIX = re.compile(r"\(?85[23]\)?[ \-]|\(?886\)?[ \-]")
_HAN = re.compile("[\u4e00-\u9fff]")
_NANP = re.compile(r"\(?[2-9][0-9]{2}\)? ?[-.]?[0-9]{3}[-.][0-9]{4}")
_DOTTED_PHONE = re.compile(r"\+?[0-9]{1,4}(?:\.[0-9]{2,5}){2,4}")
_DATE = re.compile(r"(?:19|20)[0-9]{2}[-./ ][0-9]{1,2}[-./ ][0-9]{1,2}")
#: Characters written only in Traditional script (Hong Kong, Macau, Taiwan text).
_TRADITIONAL = re.compile("[們這個來時說對會國學門後當點電話號機區與灣臺陳張黃劉趙鄭聯絡輸據證]")
_MAINLAND_PREFIX = re.compile(r"\+ ?86|0086|\(\+?86\)")
_WINDOW = 32


def _region_of(number: phonenumbers.PhoneNumber) -> str | None:
    region = phonenumbers.region_code_for_number(number)
    return region if isinstance(region, str) else None


def _valid(value: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


@dataclass(frozen=True)
class InternationalPhoneRecognizer:
    """Phone numbers of every region except the mainland (which has its own recognizers)."""

    name: str = "phone_international"

    @property
    def entities(self) -> frozenset[Entity]:
        """Reports foreign and Hong Kong/Macau/Taiwan numbers."""
        return frozenset((Entity.PHONE_NUMBER, Entity.HK_MO_TW_PHONE))

    def may_match(self, profile: TextProfile) -> bool:
        """Seven digits or more, and a ``+``, a phone or region word, or a NANP shape."""
        runs = profile.digit_runs
        if profile.longest_digit_run < 3:
            return False
        # A plain run of 11 (a mainland mobile), 15 (IMEI) or 17-18 digits (ID) is
        # reported elsewhere; a phone is a plain run of 7-10 or 12-14 digits, or
        # digit groups (+55 11 98456…, 415-555…, (02) 2712…).
        lowered = profile.lowered
        if _PLAIN_PHONE_RUNS.isdisjoint(runs) and _GROUPED.search(lowered) is None:
            return False
        # Cheapest first; the word search (the whole text when there is none) last.
        return (
            ("+" in lowered and _PLUS_NOT_MAINLAND.search(lowered) is not None)
            or ("00" in lowered and _INTERNATIONAL_00.search(lowered) is not None)
            or (profile.dashes + profile.dots > 0 and _NANP_TAIL.search(lowered) is not None)
            or _ANY_WORD.search(lowered) is not None
        )

    def find(self, text: str) -> Iterator[Finding]:
        """Yield validated phone numbers in ``text``."""
        for match in _CANDIDATE.finditer(text):
            start, end = match.span()
            value = match.group()
            if value.startswith(("+86", "+ 86", "0086")) or (len(value) >= 11 and value.isdigit()):
                # Mainland mobiles (11 plain digits) are the mainland recognizers'; a
                # longer plain run is an ID, IMEI or order number, not a national number.
                continue
            if value[0] == "(" and ")" not in value:
                start, value = start + 1, value[1:]
            if value.count("(") != value.count(")") or _BAD_SEPARATORS.search(value):
                continue
            if "." in value and not _DOTTED_PHONE.fullmatch(value):
                continue  # decimals, coordinates, IPs and versions, not 415.555.0132
            if not _framed(text, start, end):
                continue
            digits = digits_of(value)
            if not 7 <= len(digits) <= 15:
                continue
            if len(digits) == 11 and value[0] != "+" and checks.is_cn_mobile(digits):
                continue  # a mainland mobile written in groups: 138 1234 5678
            finding = self._classify(text, start, end, value, digits)
            if finding is not None:
                yield finding

    def _classify(self, text: str, start: int, end: int, value: str, digits: str) -> Finding | None:
        if _MAINLAND_PREFIX.match(value):
            return None  # the mainland recognizers report these
        before = text[max(0, start - _WINDOW) : start].lower()
        phone_word = _PHONE_WORDS.search(before) is not None
        if _GREATER_CHINA_PREFIX.match(value):
            # "(852) 3456 7890", "852-6123-8899": the country code without a plus
            value = "+" + value.replace("(", "").replace(")", "")
        if value.startswith(("+", "00")):
            number = _valid("+" + value.lstrip("+ ")[2 if value.startswith("00") else 0 :], None)
            if number is None or number.country_code == 86:
                return None
            return self._finding(text, start, end, _region_of(number), 0.8, phone_word)
        if _DATE.match(value):
            return None
        regions = list(dict.fromkeys(_REGION_OF_WORD[w] for w in _REGION_WORDS.findall(before)))
        if (
            not regions
            and digits[0] == "0"
            and checks.is_cn_landline(digits.lstrip("0")[:12])
            and _TRADITIONAL.search(text) is None
        ):
            return None  # a mainland landline (Taiwan's share the shape: kept in Traditional text)
        if phone_word or regions:
            # In Chinese text an unmarked national number is from Hong Kong, Macau or
            # Taiwan far more often than from anywhere else (Singapore shares the
            # 8-digit shape); elsewhere try the common regions.
            common = _GREATER_CHINA_ORDER if _HAN.search(before) else _COMMON_REGIONS
            regions += [r for r in common if r not in regions]
        elif _NANP.fullmatch(value):
            regions = ["US", "CA"]
        else:
            return None
        for region in regions:
            number = _valid(value, region)
            if number is not None:
                score = 0.7 if phone_word or _NANP.fullmatch(value) else 0.6
                return self._finding(
                    text, start, end, _region_of(number) or region, score, phone_word
                )
        return None

    def _finding(
        self, text: str, start: int, end: int, region: str | None, score: float, boosted: bool
    ) -> Finding:
        entity = Entity.HK_MO_TW_PHONE if region in _GREATER_CHINA else Entity.PHONE_NUMBER
        score = min(1.0, score + (0.15 if boosted else 0.0))
        return Finding(entity, start, end, score, self.name, text[start:end])


def _framed(text: str, start: int, end: int) -> bool:
    """No letter, digit or joining character right before, and no letter or digit after."""
    if start > 0 and (
        text[start - 1].isascii() and (text[start - 1].isalnum() or text[start - 1] in "+/#.-_")
    ):
        return False
    if end < len(text):
        after = text[end]
        if after.isascii() and after.isalnum():
            return False
        if after in ".-(" and text[end + 1 : end + 2].isdigit():
            return False
    return True


INTL_PHONE_RECOGNIZERS: tuple[InternationalPhoneRecognizer, ...] = (InternationalPhoneRecognizer(),)
