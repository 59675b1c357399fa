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
from pivault.detect.base import TextProfile, context_words, digits_of
from pivault.detect.model import Entity, Finding

_CANDIDATE = re.compile(
    r"(?<![0-9A-Za-z+/#.\-_])(?:\+ ?|00(?=[1-9]))?(?:\([0-9]{1,4}\) ?)?[0-9]"
    # bounded: a phone is at most ~25 characters, and a bound keeps a long run
    # of "1 1 1 …" linear instead of rescanning it from every start
    r"(?:[0-9]|[ .\-](?=[0-9(])|\) ?(?=[0-9])| ?\((?=[0-9]{2,4}\))){0,24}[0-9]"
    r"(?![0-9A-Za-z]|[.\-][0-9]|\([0-9])"
)
_PHONE_WORDS = context_words(
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
_REGION_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("HK", context_words("香港", "港岛", "九龙", "新界", "hong kong", "hk", "852")),
    ("MO", context_words("澳门", "澳門", "macau", "macao", "853")),
    (
        "TW",
        context_words(
            "台湾",
            "台灣",
            "臺灣",
            "台北",
            "臺北",
            "台中",
            "臺中",
            "高雄",
            "台南",
            "taiwan",
            "886",
            "tw",
        ),
    ),
    ("JP", context_words("日本", "japan", "japanese", "jp")),
    ("GB", context_words("英国", "uk", "united kingdom", "britain", "london", "british")),
    ("SG", context_words("新加坡", "singapore", "sg")),
    ("IL", context_words("以色列", "israel", "israeli")),
    ("KR", context_words("韩国", "korea", "korean")),
)
#: Regions tried for a national-format number next to a phone word but no region word.
_COMMON_REGIONS = ("US", "GB", "IL", "DE", "FR", "JP", "IN", "AU", "SG", "BR")
_GREATER_CHINA = frozenset(("HK", "MO", "TW"))
_GREATER_CHINA_ORDER = ("HK", "TW", "MO")
_GREATER_CHINA_PREFIX = re.compile(r"\(?85[23]\)?[ \-]|\(?886\)?[ \-]")
_HAN = re.compile("[\u4e00-\u9fff]")
_NANP = re.compile(r"\(?[2-9][0-9]{2}\)? ?[-.]?[0-9]{3}[-.][0-9]{4}")
_DATE = re.compile(r"(?:19|20)[0-9]{2}[-./ ][0-9]{1,2}[-./ ][0-9]{1,2}")
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
        """A phone needs at least seven digits (maybe in groups)."""
        return sum(profile.digit_runs) >= 7 and (
            profile.longest_digit_run >= 3 or len(profile.digit_runs) >= 3
        )

    def find(self, text: str) -> Iterator[Finding]:
        """Yield validated phone numbers in ``text``."""
        for match in _CANDIDATE.finditer(text):
            value = match.group()
            digits = digits_of(value)
            if not 7 <= len(digits) <= 15:
                continue
            finding = self._classify(text, match.start(), match.end(), value, digits)
            if finding is not None:
                yield finding

    def _classify(self, text: str, start: int, end: int, value: str, digits: str) -> Finding | None:
        before = text[max(0, start - _WINDOW) : start]
        phone_word = _PHONE_WORDS.search(before) is not None
        if _GREATER_CHINA_PREFIX.match(value):
            # "(852) 3456 7890", "852-6123-8899": the country code without a plus
            value = "+" + value.replace("(", "").replace(")", "")
        if value.startswith(("+", "00")):
            number = _valid("+" + value.lstrip("+ ")[2 if value.startswith("00") else 0 :], None)
            if number is None or number.country_code == 86:
                return None
            return self._finding(text, start, end, _region_of(number), 0.8, phone_word)
        if _DATE.fullmatch(value) or (checks.is_cn_mobile(digits[-11:]) and len(digits) == 11):
            return None
        regions = [code for code, words in _REGION_WORDS if words.search(before)]
        if phone_word or regions:
            # In Chinese text an unmarked national number is likelier from Hong Kong,
            # Macau or Taiwan than from Singapore, which shares the 8-digit shape.
            common = (
                (*_GREATER_CHINA_ORDER, *_COMMON_REGIONS)
                if _HAN.search(before)
                else _COMMON_REGIONS
            )
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


INTL_PHONE_RECOGNIZERS: tuple[InternationalPhoneRecognizer, ...] = (InternationalPhoneRecognizer(),)
