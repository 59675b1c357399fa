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
from pivault.detect.gazetteer import (
    COMPOUND_SURNAMES,
    PINYIN_SURNAMES,
    SINGLE_SURNAMES,
    TRADITIONAL_COMPOUND_SURNAMES,
    TRADITIONAL_SURNAMES,
    words,
)
from pivault.detect.model import Entity, Finding

_HAN = "\u4e00-\u9fff"
_SINGLE = SINGLE_SURNAMES | TRADITIONAL_SURNAMES
_COMPOUND = COMPOUND_SURNAMES | TRADITIONAL_COMPOUND_SURNAMES
_SURNAME = "(?:" + "|".join(sorted(_COMPOUND)) + "|[" + "".join(sorted(_SINGLE)) + "])"
# Characters that end a name: particles, verbs and pronouns that commonly follow one.
_STOP_AFTER = frozenset(
    "的了在是说和与及或等要已把被给对从向到去来也都还就又很吗呢吧啊呀您你我他她们"
    "打讲问找让请叫告发回说那这"
)
#: Characters that are surnames but, right after another Han character, are
#: far more often a preposition or verb (已由王师傅: 由 is "by", 王 the surname).
_FUNCTION_SURNAMES = frozenset("由和向于从同是在给叫让请找问对把被到及与为")
#: Frequent words the dictionary tags like names but that are not names.
_NOT_NAMES = frozenset(
    words(
        "谢谢 谢谢你 江湖 高兴 安全 方便 明白 白天 钟点 顾客 老公 顾问 单价 时间 金额 常规 "
        "来电 来信 来自 来访 沙田 元朗 屯门 荃湾 葵涌 大埔 北角 柴湾 观塘 旺角 湾仔 中环 金钟 上环 "
        "尖沙咀 铜锣湾 将军澳"
    )
)

_HAN_CUES = words(
    "姓名 名字 名字是 名字叫 我叫 我是 叫做 名叫 联系人 收货人 收件人 寄件人 户名 开户名 "
    "持卡人 用户 客户 顾客 患者 申请人 经办人 负责人 业主 本人 乘客 签名 反馈人 受访者 处理人 "
    "客戶 聯絡人 聯繫人 持證人 會員 負責人 店長 店长 经理 經理 主管 同事 朋友 同学 老公 老婆 丈夫 "
    "妻子 儿子 女儿 母亲 父亲 介绍 转给 告诉 通知 叫上 给 找 跟 让 请 交给 联系 "
    "致电 打给 见到 遇到 碰到 还有"
)
#: Cues after which a name is near certain, so even a word like 韩国 or 王国 is taken.
_STRONG_CUES = frozenset(
    words(
        "姓名 名字 名字是 名字叫 我叫 名叫 联系人 收货人 收件人 寄件人 户名 开户名 持卡人 "
        "聯絡人 聯繫人 持證人"
    )
)
#: Characters after which a bare surname + title can start (给王老师, 是李总, 找张经理).
_NAME_CAN_FOLLOW = frozenset("给找问跟和让请派由是叫见向对把被与及同到去来看陪带员的")
#: One-character cues: common everywhere, so their candidates must look like names.
_WEAK_CUES = frozenset("给找跟让请")
_LATIN_KEYS = words(
    "name username user_name real_name realname contact receiver recipient consignee sender "
    "buyer payer holder owner"
)
_AFTER_CUE = r"\s*[\"']?\s*[:=]?\s*[\"']?\s*(" + _SURNAME + ")(?=[" + _HAN + "])"
_CUE = re.compile(trie_regex(_HAN_CUES) + _AFTER_CUE)
_KEY_PRESENT = re.compile(trie_regex(_LATIN_KEYS))
_AFTER_KEY = re.compile(_AFTER_CUE)
_TITLES = words(
    "先生 女士 小姐 同学 老师 师傅 医生 经理 阿姨 叔叔 大爷 大姐 大哥 律师 主任 院长 校长 教授 "
    "博士 警官 老板 总监 董事长 局长 处长 科长 护士 太太 总 工 姐 哥 "
    "經理 醫生 師傅 老師 律師 護士 總"
)
_TITLE = re.compile(trie_regex(_TITLES))
_TITLE_FIRST = frozenset(t[0] for t in _TITLES)
#: 老张, 小王: a familiar prefix + surname is a name by itself.
_FAMILIAR = re.compile("(?<![" + _HAN + "])[老小](" + _SURNAME + ")")
_CLAUSE_EDGE = r"[\s,;:|()\[\]。、！？!?【】“”\"'「」]"
# Starts with the separator (a character class) so `re` can scan by first
# character; a clause at the very start of the text is tried separately.
_CLAUSE_BODY = (
    "("
    + _SURNAME
    + ")(["
    + _HAN
    + "]{1,2}?)(?="
    + _CLAUSE_EDGE
    + "|$|[你您和与跟及]|(?:妈妈|爸爸|家长))"
)
_CLAUSE = re.compile(_CLAUSE_EDGE + _CLAUSE_BODY)
_CLAUSE_AT_START = re.compile(_CLAUSE_BODY)
#: A name right after a listed name: 杨洋、徐静、马丽三位
_LIST_NEXT = re.compile("[、和及与]\\s*(" + _SURNAME + ")(?=[" + _HAN + "])")


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
    if second in _STOP_AFTER or (second in _TITLE_FIRST and _TITLE.match(text, pos + 1)):
        return 1
    for size in (3, 2):  # "周杰打电话": 打电话 is a word, so the name is 周杰
        after = text[pos + 1 : pos + 1 + size]
        if len(after) == size and all(map(_is_han, after)) and _lexicon.is_common_word(after):
            return 1
    return 2


def _plausible(name: str, surname_len: int) -> bool:
    if name in _NOT_NAMES or _lexicon.is_common_word(name):
        return False
    # "用户信息" -> surname 信 + 息: reject when surname + first given char is a word
    head = name[: surname_len + 1]
    return len(name) == surname_len + 1 or not _lexicon.is_common_word(head)


def _surname_length(text: str, start: int) -> int:
    return 2 if text[start : start + 2] in _COMPOUND else 1


@dataclass(frozen=True)
class ChineseNameRecognizer:
    """Hanzi names by cue words, titles, isolated clauses, lists and (opt-in) jieba."""

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
        found = [*self._cued(text), *self._titled(text), *self._clauses(text)]
        found += self._familiar(text)
        found += self._listed(text, found)
        yield from found
        if self.deep:
            yield from self._jieba(text)

    def _cued(self, text: str) -> Iterator[Finding]:
        cues = [
            (m.group()[: m.start(1) - m.start()].rstrip(" :=\"'"), *m.span(1))
            for m in _CUE.finditer(text)
        ]
        lowered = text.lower()
        if len(lowered) == len(text):  # offsets agree (true unless exotic case folding)
            # Latin keys (name=, "receiver":) are found by a plain scan of the lower-cased
            # text, then checked for a letter before and a surname after: a pattern
            # that starts with a look-behind would be tried at every position.
            for key in _KEY_PRESENT.finditer(lowered):
                if key.start() and "a" <= lowered[key.start() - 1] <= "z":
                    continue
                after = _AFTER_KEY.match(text, key.end())
                if after is not None:
                    cues.append((key.group(), *after.span(1)))
        for cue, start, surname_end in cues:
            strong = cue in _STRONG_CUES or cue.isascii()
            end = surname_end + _given_name_length(text, surname_end)
            if end == surname_end:
                continue
            if cue in _WEAK_CUES and (end - start < 2 or not _free_after(text, end)):
                continue
            title = _TITLE.match(text, end)
            if (
                title is not None
                and end - start == surname_end - start + 1
                and (text[surname_end] in _TITLE_FIRST and _TITLE.match(text, surname_end))
            ):
                continue  # "客户王先生": the titled rule reports 王先生
            if strong or _plausible(text[start:end], surname_end - start):
                yield self._make(text, start, end, 0.85 if strong else 0.7, "cue")

    def _titled(self, text: str) -> Iterator[Finding]:
        for title in _TITLE.finditer(text):
            t = title.start()
            single_char_title = len(title.group()) == 1
            if t == 0 or not _is_han(text[t - 1]):
                continue
            if single_char_title and _lexicon.is_common_word(text[t : t + 2]):
                continue  # 总结, 工作: the "title" starts a word
            best: tuple[int, int] | None = None  # (start, end of the name)
            for k in (3, 2, 1):  # surname + 2, + 1, + 0 given characters before the title
                start = t - k
                if start < 0 or not all(map(_is_han, text[start:t])):
                    continue
                surname_len = _surname_length(text, start)
                if text[start] not in _SINGLE and surname_len == 1:
                    continue
                if k < surname_len:
                    continue
                if (
                    text[start] in _FUNCTION_SURNAMES
                    and start > 0
                    and _is_han(text[start - 1])
                    and k > surname_len
                ):
                    continue  # 已由王师傅: 由 is "by"
                if k > surname_len and not _plausible(text[start:t], surname_len):
                    continue
                best = (start, t)
                break
            if best is None:
                continue
            start, end = best
            if end - start == _surname_length(text, start):
                # Surname + title only (王老师, 李总): the title is part of the name.
                if (
                    start > 0
                    and _is_han(text[start - 1])
                    and text[start - 1] not in _NAME_CAN_FOLLOW
                ):
                    continue  # 三位同学: 位 is a measure word here, not a surname
                yield self._make(text, start, title.end(), 0.7, "title")
            elif not single_char_title:
                yield self._make(text, start, end, 0.75, "title")

    def _clauses(self, text: str) -> Iterator[Finding]:
        at_start = _CLAUSE_AT_START.match(text)
        for match in [*([at_start] if at_start else []), *_CLAUSE.finditer(text)]:
            start = match.start(1)
            end = match.end(1) + _given_name_length(text, match.end(1))
            surname_len = len(match.group(1))
            given = text[start + surname_len : end]
            if end - start < surname_len + 1 or end < match.end(2):
                continue
            if len(given) == 2 and _lexicon.is_common_word(given):
                continue  # 时提示: 提示 is a word, not a given name
            if _plausible(text[start:end], surname_len):
                yield self._make(text, start, end, 0.6, "clause")

    def _familiar(self, text: str) -> Iterator[Finding]:
        if "老" not in text and "小" not in text:
            return
        for match in _FAMILIAR.finditer(text):
            start, end = match.start(), match.end()
            if end - start != 2 or _lexicon.is_common_word(text[start:end]):
                continue
            if _free_after(text, end):
                yield self._make(text, start, end, 0.6, "familiar")

    def _listed(self, text: str, found: list[Finding]) -> list[Finding]:
        more: list[Finding] = []
        ends = {f.end for f in found}
        for match in _LIST_NEXT.finditer(text):
            if match.start() not in ends:
                continue
            start, surname_end = match.span(1)
            end = surname_end + _given_name_length(text, surname_end)
            if end > surname_end and _plausible(text[start:end], surname_end - start):
                more.append(self._make(text, start, end, 0.6, "list"))
                ends.add(end)
        return more

    def _jieba(self, text: str) -> Iterator[Finding]:
        for run in re.finditer(f"[{_HAN}]{{2,}}", text):
            for start, end in _lexicon.person_spans(run.group()):
                word = run.group()[start:end]
                surname_len = 2 if word[:2] in _COMPOUND else 1
                if (
                    2 <= len(word) <= 4
                    and (word[:2] in _COMPOUND or word[0] in _SINGLE)
                    and _plausible(word, surname_len)
                ):
                    offset = run.start()
                    yield self._make(text, offset + start, offset + end, 0.55, "jieba")


def _free_after(text: str, end: int) -> bool:
    """True if what follows ``end`` ends a name: not Han, a stop character, or a title."""
    if end >= len(text) or not _is_han(text[end]):
        return True
    return text[end] in _STOP_AFTER or _TITLE.match(text, end) is not None or text[end] in "说打"


# --- names in Latin letters -------------------------------------------------

_PINYIN_SYLLABLE = (
    "(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    "(?:iang|iong|uang|ang|eng|ing|ong|ian|iao|uai|uan|ai|ei|ao|ou|an|en|in|un|ia|ie|iu|ua|uo|ue|ui"
    "|er|a|o|e|i|u|v)"
)
_PINYIN_WORD = re.compile(f"(?:{_PINYIN_SYLLABLE}){{1,3}}")
_HONORIFICS = words("mr mr. mrs mrs. ms ms. miss dr dr. prof prof.")
_LATIN_CUE_WORDS = (
    *words("name customer client user contact hi hello hey dear"),
    *_HONORIFICS,
    *words("姓名 联系人 客户 用户 收货人 passenger applicant employee concierge supplier agent"),
    *words("manager staff from to attn regards thanks sincerely best cheers signed guest"),
    *words("patient traveller traveler member recipient sender"),
    "full name",
    "ship to",
    # "to" alone is everywhere in English; only as part of these does a name follow
    "assigned to",
    "send to",
    "deliver to",
    "speak to",
    "talk to",
    "forward to",
    "addressed to",
)
# Cues are searched in the lower-cased text (a case-sensitive trie lets `re`
# scan by first character); the name itself is matched, case-sensitively, in
# the original text right after the cue.
_LATIN_CUE = re.compile(trie_regex(_LATIN_CUE_WORDS) + r"(?![a-z])")
# At most a few spaces and one line break between cue and name: a long blank run
# is a blanked-out finding, and what follows it is not the cue's name.
_LATIN_NAME_AFTER_CUE = re.compile(
    r"[ \t]{0,3}[:=,]?[ \t]{0,3}\n?[ \t]{0,3}"
    r"((?:[A-Z][a-z]+|[A-Z]{2,})(?:[ \-](?:[A-Z][a-z]+|[A-Z]{2,})){1,2})(?![A-Za-z])"
)
_LATIN_NAME_AFTER_HONORIFIC = re.compile(
    r" ?((?:[A-Z][a-z]+|[A-Z]{2,})(?:[ \-](?:[A-Z][a-z]+|[A-Z]{2,})){0,2})(?![A-Za-z])"
)
_NOT_NAME_WORDS = frozenset(
    words(
        "the a an and or of to for in on at by with from is are was be this that it its my your "
        "our road street avenue lane district building room no city province team support "
        "service customer user feedback phone email name thanks thank please ticket order "
        "dear hi hello team all sir madam office support us uk hk"
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
        return profile.has_upper and _LATIN_CUE.search(profile.lowered) is not None

    def find(self, text: str) -> Iterator[Finding]:
        """Yield names that follow a cue word."""
        lowered = text.lower()  # same length: offsets agree with ``text``
        for cue in _LATIN_CUE.finditer(lowered):
            before = lowered[cue.start() - 1] if cue.start() else " "
            if "a" <= before <= "z":
                continue  # "hi" inside "this"
            honorific = cue.group() in _HONORIFICS
            after = _LATIN_NAME_AFTER_HONORIFIC if honorific else _LATIN_NAME_AFTER_CUE
            match = after.match(text, cue.end())
            if match is None:
                continue
            value = match.group(1)
            tokens = re.split(r"[ \-]", value)
            if any(t.lower() in _NOT_NAME_WORDS for t in tokens):
                continue
            start, end = match.span(1)
            if honorific and len(tokens) == 1:
                # "Ms. Garcia": a surname alone keeps its honorific, as 王老师 keeps 老师.
                start, value = cue.start(), text[cue.start() : end]
                yield Finding(Entity.PERSON_NAME, start, end, 0.65, self.name, value)
                continue
            if any(t.lower() in PINYIN_SURNAMES for t in tokens) and all(map(_is_pinyin, tokens)):
                yield Finding(Entity.CN_PERSON_NAME, start, end, 0.8, self.name, value)
            else:
                yield Finding(Entity.PERSON_NAME, start, end, 0.65, self.name, value)
