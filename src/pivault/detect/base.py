"""The recognizer contract and the table-driven pattern recognizer.

A recognizer turns a (normalised) text into candidate :class:`Finding` objects.
Most are a :class:`PatternRecognizer`: a precompiled regex for the shape, a
``validate`` hook that returns a confidence or ``None`` to reject (checksums,
dates, prefixes), and optional context words that raise the confidence when
they appear just before the value, or veto it (e.g. ``版本`` before an
IPv4-shaped version string).

Python's ``\\b`` fails next to Han characters (they are word characters), so
every pattern frames itself with explicit look-arounds on ASCII digits and
letters instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from pivault.detect.model import Entity, Finding

#: validate(value, text, start) -> confidence in (0, 1], or None to reject.
Validator = Callable[[str, str, int], "float | None"]


class Recognizer(Protocol):
    """Anything that finds one or more entities in a text."""

    @property
    def name(self) -> str:
        """A stable identifier, reported on every finding."""
        ...

    @property
    def entities(self) -> frozenset[Entity]:
        """The entities this recognizer can report."""
        ...

    def may_match(self, profile: TextProfile) -> bool:
        """False when the text cannot contain a match (lets the engine skip the work)."""
        ...

    def find(self, text: str) -> Iterator[Finding]:
        """Yield candidate findings in ``text`` (offsets index ``text``)."""
        ...


def context_words(*alternatives: str) -> re.Pattern[str]:
    """A case-insensitive regex that matches any of the given literal words."""
    return re.compile("|".join(re.escape(w) for w in alternatives), re.IGNORECASE)


@dataclass(frozen=True)
class PatternRecognizer:
    """A regex finder plus a validation hook and context words (one entity)."""

    name: str
    entity: Entity
    pattern: re.Pattern[str]
    validate: Validator
    #: words that, when found in the ``window`` characters before, add ``boost``
    context: re.Pattern[str] | None = None
    boost: float = 0.15
    #: a regex searched against the characters just before the value; a hit rejects
    veto: re.Pattern[str] | None = None
    window: int = 20
    #: regex group holding the value (0 = whole match)
    group: int = 0
    #: the recognizer runs only if one of these (lower-case) substrings is in the text
    triggers: tuple[str, ...] = ()
    #: cheap pre-check on the text's profile: skip the regex when it returns False
    gate: Callable[[TextProfile], bool] | None = None

    @property
    def entities(self) -> frozenset[Entity]:
        """The single entity this recognizer reports."""
        return frozenset((self.entity,))

    def __post_init__(self) -> None:
        # One regex search instead of a Python loop over the trigger words, and
        # may_match specialised to what this row has (it runs ~35 times a text).
        gate = self.gate
        if self.triggers:
            search = re.compile(trie_regex(self.triggers)).search

            def gated(profile: TextProfile) -> bool:
                if gate is not None and not gate(profile):
                    return False  # the gate (a few integer tests) before the search
                return search(profile.lowered) is not None

            object.__setattr__(self, "may_match", gated)
        elif gate is not None:
            object.__setattr__(self, "may_match", gate)

    def may_match(self, profile: TextProfile) -> bool:
        """False when the text's profile rules out any match (the regex is then skipped)."""
        return True  # replaced per instance in __post_init__ when there is a gate

    def find(self, text: str) -> Iterator[Finding]:
        """Yield validated matches of ``pattern`` in ``text``."""
        return iter(self.find_all(text))

    def find_all(self, text: str) -> list[Finding]:
        """Validated matches of ``pattern`` in ``text`` (a list: no generator per call)."""
        found: list[Finding] = []
        group, window, veto, context = self.group, self.window, self.veto, self.context
        for match in self.pattern.finditer(text):
            start, end = match.span(group)
            if _embedded(text, start, end):
                continue
            value = match.group(group)
            before = text[start - window if start > window else 0 : start]
            if veto is not None and veto.search(before):
                continue
            score = self.validate(value, text, start)
            if score is None:
                continue
            if context is not None and context.search(before):
                score = min(1.0, score + self.boost)
            found.append(Finding(self.entity, start, end, score, self.name, value))
        return found


_HEX_TAIL = re.compile("[0-9a-fA-F]{8}")


def _is_ascii_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _embedded(text: str, start: int, end: int) -> bool:
    """True if the span sits inside a longer ASCII token (e.g. digits in a hex trace id).

    A label glued on one side only ("IMEI356…", "Tel13812…") is still accepted,
    unless what precedes is a long hex run (the tail of a hash or trace id).
    """
    inside = (
        start > 0
        and end < len(text)
        and _is_ascii_alnum(text[start - 1])
        and _is_ascii_alnum(text[end])
    )
    return inside or (start >= 8 and _HEX_TAIL.fullmatch(text, start - 8, start) is not None)


def digits_of(value: str) -> str:
    """The ASCII digits of ``value``, in order (separators dropped)."""
    return _NOT_DIGIT.sub("", value)


_NOT_DIGIT = re.compile("[^0-9]")


def trie_regex(alternatives: Iterable[str]) -> str:
    """A regex source matching any of ``alternatives``, factored as a prefix trie.

    Python's ``re`` tries a flat alternation of N literals one by one at every
    position; the factored form dispatches on the first character, which is
    10-50x faster for a few hundred place names or cue words.
    """
    trie: dict[str, Any] = {}
    for word in alternatives:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _trie_source(trie)


def _trie_source(node: dict[str, Any]) -> str:
    ends_here = "" in node
    branches = [re.escape(ch) + _trie_source(child) for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    if len(branches) == 1 and not ends_here:
        return branches[0]
    body = "(?:" + "|".join(branches) + ")"
    return body + "?" if ends_here else body


@dataclass(slots=True)  # not frozen: frozen __init__ is measurably slower on this hot path
class TextProfile:
    """Cheap facts about a text, computed once, used to skip recognizers that cannot match."""

    digit_runs: tuple[int, ...]
    longest_digit_run: int
    colons: int
    dots: int
    commas: int
    dashes: int
    has_double_colon: bool
    has_url_start: bool
    has_han: bool
    has_upper: bool
    #: an upper-case letter right beside a digit (A1, 5M): every letter+digit identifier has one
    has_upper_digit: bool
    #: a run of 3+ digits starting with 0 (an area code: 010, 0755)
    has_zero_led_run: bool
    length: int
    lowered: str

    @classmethod
    def of(cls, text: str) -> TextProfile:
        """Profile ``text``."""
        runs = tuple(map(len, _DIGIT_RUN.findall(text)))
        lowered = text.lower()
        # Lower-casing changed something: there is a capital (a cheap stand-in for
        # searching [A-Z]; other scripts' capitals only make a gate pass needlessly).
        has_upper = lowered != text
        return cls(
            digit_runs=runs,
            longest_digit_run=max(runs, default=0),
            colons=text.count(":"),
            dots=text.count("."),
            commas=text.count(","),
            dashes=text.count("-"),
            has_double_colon="::" in text,
            has_url_start="://" in text or "www." in text,
            has_han=not text.isascii() and _HAN.search(text) is not None,
            has_upper=has_upper,
            has_upper_digit=has_upper and bool(runs) and _UPPER_DIGIT.search(text) is not None,
            has_zero_led_run="0" in text and _ZERO_LED_RUN.search(text) is not None,
            length=len(text),
            lowered=lowered,
        )


_DIGIT_RUN = re.compile("[0-9]+")
_HAN = re.compile("[\u4e00-\u9fff]")
_UPPER_DIGIT = re.compile("[A-Z][0-9]|[0-9][A-Z]")
_ZERO_LED_RUN = re.compile("0(?<![0-9]0)[0-9]{2}")
