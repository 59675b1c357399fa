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
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

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

    def find(self, text: str) -> Iterator[Finding]:
        """Yield candidate findings in ``text`` (offsets index ``text``)."""
        ...


def words(*alternatives: str) -> re.Pattern[str]:
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
    #: cheap pre-check: skip the regex when this substring is absent
    trigger: str | None = None

    @property
    def entities(self) -> frozenset[Entity]:
        """The single entity this recognizer reports."""
        return frozenset((self.entity,))

    def find(self, text: str) -> Iterator[Finding]:
        """Yield validated matches of ``pattern`` in ``text``."""
        if self.trigger is not None and self.trigger not in text:
            return
        for match in self.pattern.finditer(text):
            start, end = match.span(self.group)
            value = match.group(self.group)
            before = text[max(0, start - self.window) : start]
            if self.veto is not None and self.veto.search(before):
                continue
            score = self.validate(value, text, start)
            if score is None:
                continue
            if self.context is not None and self.context.search(before):
                score = min(1.0, score + self.boost)
            yield Finding(self.entity, start, end, score, self.name, value)


def digits_of(value: str) -> str:
    """The ASCII digits of ``value``, in order (separators dropped)."""
    return "".join(ch for ch in value if "0" <= ch <= "9")
