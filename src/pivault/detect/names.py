"""Recognizers for personal names: Chinese (Hanzi or pinyin) and Latin-script.

Chinese names have no spaces around them, so the hard part is where a name
ends. The rules, cheapest first:

1. **Cue words** (姓名, 我叫, 联系人, 收货人, 户名, name=, …) followed by a
   surname from the list (compound surnames first) and one or two given-name
   characters. The second given character is dropped when it is a stop
   character or starts a frequent dictionary word (``张伟反馈`` -> ``张伟``).
2. **Title suffixes** (先生, 女士, 老师, …) after surname + given name.
3. **Isolated clauses**: a surname + 1-2 characters standing alone between
   punctuation (``…挂个号，张伟，身份证…``).
4. **jieba.posseg with HMM** (opt-in, ``deep=True``): person tags (nr*) that
   start with a known surname, for free text without cues. It costs about a
   millisecond per sentence, so the default path uses only rules 1-3.

In all rules a candidate that is itself a common dictionary word
(``明天``, ``江苏``) is rejected, using jieba's dictionary (loaded lazily).
Latin-script names are found after cues (``Name:``, ``Customer``, ``hi``,
``Mr``); if a token is a pinyin surname and the rest is pinyin, the name is
Chinese, otherwise it is reported as :attr:`Entity.PERSON_NAME`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from pivault.detect import _lexicon
from pivault.detect.base import TextProfile, trie_regex
from pivault.detect.gazetteer import COMPOUND_SURNAMES, PINYIN_SURNAMES, SINGLE_SURNAMES, words
from pivault.detect.model import Entity, Finding

_HAN = "\u4e00-\u9fff"
_SURNAME = (
    "(?:" + "|".join(sorted(COMPOUND_SURNAMES)) + "|[" + "".join(sorted(SINGLE_SURNAMES)) + "])"
)
# Characters that end a name: particles, verbs and pronouns that commonly follow one.
_STOP_AFTER = frozenset(
    "的了在是说和与及或等要已把被给对从向到去来也都还就又很吗呢吧啊呀您你我他她们"
)
#: Frequent words the dictionary tags like names but that are not names.
_NOT_NAMES = frozenset(("谢谢", "谢谢你", "江湖", "高兴", "安全", "方便", "明白", "白天", "钟点"))

_HAN_CUES = words(
    "姓名 名字 名字是 名字叫 我叫 我是 叫做 名叫 联系人 收货人 收件人 寄件人 户名 开户名 "
    "持卡人 用户 客户 顾客 患者 申请人 经办人 负责人 业主 本人 乘客 签名"
)
#: Cues after which a name is near certain, so even a word like 韩国 or 王国 is taken.
_STRONG_CUES = frozenset(
    words("姓名 名字 名字是 名字叫 我叫 名叫 联系人 收货人 收件人 寄件人 户名 开户名 持卡人")
)
_LATIN_KEYS = words("name username user_name real_name realname contact")
_AFTER_CUE = r"\s*[:=]?\s*(" + _SURNAME + ")(?=[" + _HAN + "])"
_CUE = re.compile(trie_regex(_HAN_CUES) + _AFTER_CUE)
_KEY_CUE = re.compile("(?<![A-Za-z])(?i:" + trie_regex(_LATIN_KEYS) + ")" + _AFTER_CUE)
_TITLES = ("先生", "女士", "小姐", "同学", "老师", "师傅", "医生", "经理", "阿姨")
_TITLE = re.compile("(" + _SURNAME + ")([" + _HAN + "]{1,2}?)(?:" + "|".join(_TITLES) + ")")
_CLAUSE_EDGE = r"[\s,;:|()\[\]。、！？!?【】“”\"']"
# Starts with the separator (a character class) so `re` can scan by first
# character; a clause at the very start of the text is tried separately.
_CLAUSE_BODY = "(" + _SURNAME + ")([" + _HAN + "]{1,2})(?=" + _CLAUSE_EDGE + "|$)"
_CLAUSE = re.compile(_CLAUSE_EDGE + _CLAUSE_BODY)
_CLAUSE_AT_START = re.compile(_CLAUSE_BODY)


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _given_name_length(text: str, pos: int) -> int:
    """How many of the (up to two) Han characters at ``pos`` belong to the given name."""
    available = 0
    while available < 2 and pos + available < len(text) and _is_han(text[pos + available]):
        available += 1
    if available < 2:
        return available
    second = text[pos + 1]
    if second in _STOP_AFTER:
        return 1
    after = text[pos + 1 : pos + 3]
    if len(after) == 2 and _is_han(after[1]) and _lexicon.is_common_word(after):
        return 1
    return 2


def _plausible(name: str, surname_len: int) -> bool:
    if name in _NOT_NAMES or _lexicon.is_common_word(name):
        return False
    # "用户信息" -> surname 信 + 息: reject when surname + first given char is a word
    head = name[: surname_len + 1]
    return len(name) == surname_len + 1 or not _lexicon.is_common_word(head)


@dataclass(frozen=True)
class ChineseNameRecognizer:
    """Hanzi names by cue words, title suffixes, isolated clauses and (opt-in) jieba."""

    name: str = "cn_person_name"
    deep: bool = False

    @property
    def entities(self) -> frozenset[Entity]:
        """Reports Chinese names only."""
        return frozenset((Entity.CN_PERSON_NAME,))

    def _make(self, text: str, start: int, end: int, score: float, rule: str) -> Finding:
        return Finding(
            Entity.CN_PERSON_NAME, start, end, score, f"{self.name}:{rule}", text[start:end]
        )

    def may_match(self, profile: TextProfile) -> bool:
        """Only texts with Han characters can hold a Hanzi name."""
        return profile.has_han

    def find(self, text: str) -> Iterator[Finding]:
        """Yield name candidates in ``text``."""
        lowered = text.lower()
        keyed = "name" in lowered or "contact" in lowered
        cues = [*_CUE.finditer(text), *(_KEY_CUE.finditer(text) if keyed else ())]
        for match in cues:
            start, surname_end = match.span(1)
            cue = match.group()[: start - match.start()].rstrip(" :=")
            strong = cue in _STRONG_CUES or cue.isascii()
            end = surname_end + _given_name_length(text, surname_end)
            if end > surname_end and (strong or _plausible(text[start:end], surname_end - start)):
                yield self._make(text, start, end, 0.85 if strong else 0.7, "cue")
        titled = any(title in text for title in _TITLES)
        for match in _TITLE.finditer(text) if titled else ():
            start, end = match.start(1), match.end(2)
            if _plausible(text[start:end], len(match.group(1))):
                yield self._make(text, start, end, 0.75, "title")
        at_start = _CLAUSE_AT_START.match(text)
        for match in [*([at_start] if at_start else []), *_CLAUSE.finditer(text)]:
            start, end = match.start(1), match.end(2)
            if _plausible(text[start:end], len(match.group(1))):
                yield self._make(text, start, end, 0.6, "clause")
        if self.deep:
            yield from self._jieba(text)

    def _jieba(self, text: str) -> Iterator[Finding]:
        for run in re.finditer(f"[{_HAN}]{{2,}}", text):
            for start, end in _lexicon.person_spans(run.group()):
                word = run.group()[start:end]
                surname_len = 2 if word[:2] in COMPOUND_SURNAMES else 1
                if (
                    2 <= len(word) <= 4
                    and (word[:2] in COMPOUND_SURNAMES or word[0] in SINGLE_SURNAMES)
                    and _plausible(word, surname_len)
                ):
                    offset = run.start()
                    yield self._make(text, offset + start, offset + end, 0.55, "jieba")


# --- names in Latin letters -------------------------------------------------

_PINYIN_SYLLABLE = (
    "(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    "(?:iang|iong|uang|ang|eng|ing|ong|ian|iao|uai|uan|ai|ei|ao|ou|an|en|in|un|ia|ie|iu|ua|uo|ue|ui"
    "|er|a|o|e|i|u|v)"
)
_PINYIN_WORD = re.compile(f"(?:{_PINYIN_SYLLABLE}){{1,3}}")
_LATIN_CUE_WORDS = (
    *words("name customer client user contact hi hello hey dear mr mr. mrs mrs. ms ms. miss"),
    *words("dr dr. 姓名 联系人 客户 用户 收货人"),
    "full name",
)
# Cues are searched in the lower-cased text (a case-sensitive trie lets `re`
# scan by first character); the name itself is matched, case-sensitively, in
# the original text right after the cue.
_LATIN_CUE = re.compile(trie_regex(_LATIN_CUE_WORDS) + r"(?![a-z])")
_LATIN_NAME_AFTER_CUE = re.compile(
    r"\s*[:=,]?\s*((?:[A-Z][a-z]+|[A-Z]{2,})(?:[ \-](?:[A-Z][a-z]+|[A-Z]{2,})){1,2})(?![A-Za-z])"
)
_NOT_NAME_WORDS = frozenset(
    words(
        "the a an and or of to for in on at by with from is are was be this that it its my your "
        "our road street avenue lane district building room no city province team support "
        "service customer user feedback phone email name thanks thank please ticket order"
    )
)


def _is_pinyin(word: str) -> bool:
    return _PINYIN_WORD.fullmatch(word.lower().replace("'", "")) is not None


@dataclass(frozen=True)
class LatinNameRecognizer:
    """Two- or three-word capitalised names after a cue (pinyin -> Chinese name)."""

    name: str = "latin_person_name"

    @property
    def entities(self) -> frozenset[Entity]:
        """Reports pinyin Chinese names and other Latin-script names."""
        return frozenset((Entity.CN_PERSON_NAME, Entity.PERSON_NAME))

    def may_match(self, profile: TextProfile) -> bool:
        """Needs a capital letter and one of the cue words."""
        return profile.has_upper and any(cue in profile.lowered for cue in _LATIN_CUE_WORDS)

    def find(self, text: str) -> Iterator[Finding]:
        """Yield names that follow a cue word."""
        lowered = text.lower()  # same length: offsets agree with ``text``
        for cue in _LATIN_CUE.finditer(lowered):
            before = lowered[cue.start() - 1] if cue.start() else " "
            if "a" <= before <= "z":
                continue  # "hi" inside "this"
            match = _LATIN_NAME_AFTER_CUE.match(text, cue.end())
            if match is None:
                continue
            value = match.group(1)
            tokens = re.split(r"[ \-]", value)
            if any(t.lower() in _NOT_NAME_WORDS for t in tokens):
                continue
            start, end = match.span(1)
            if any(t.lower() in PINYIN_SURNAMES for t in tokens) and all(map(_is_pinyin, tokens)):
                yield Finding(Entity.CN_PERSON_NAME, start, end, 0.8, self.name, value)
            else:
                yield Finding(Entity.PERSON_NAME, start, end, 0.65, self.name, value)
