"""Recognizers for foreign identifiers an app in China still meets: IBAN, US SSN, UK NINO.

IBANs are validated by country format and mod-97 (python-stdnum); an IBAN
written in groups of four may be followed by an unrelated token, so the
longest valid prefix ending at a group boundary is reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from pivault.detect import checks_intl
from pivault.detect.base import PatternRecognizer, TextProfile, context_words, digits_of
from pivault.detect.model import Entity, Finding

_IBAN_CANDIDATE = re.compile(
    r"[A-Z](?<![0-9A-Za-z].)[A-Z][0-9]{2}(?:[A-Z0-9]{11,30}|(?:([ -])[A-Z0-9]{1,4}){3,8})"
    r"(?![0-9A-Za-z])"
)
_IBAN_CONTEXT = context_words("iban", "account", "konto", "账号", "账户", "汇款", "swift", "bank")


@dataclass(frozen=True)
class IbanRecognizer:
    """IBANs, compact or in groups, with the longest valid group-aligned prefix."""

    name: str = "iban"

    @property
    def entities(self) -> frozenset[Entity]:
        """Reports IBANs."""
        return frozenset((Entity.IBAN,))

    def may_match(self, profile: TextProfile) -> bool:
        """Needs capitals, 15 characters and a long digit run or groups of four digits."""
        return (
            profile.has_upper_digit
            and profile.length >= 15
            and (profile.longest_digit_run >= 10 or profile.digit_runs.count(4) >= 2)
        )

    def find(self, text: str) -> Iterator[Finding]:
        """Yield IBANs in ``text``."""
        for match in _IBAN_CANDIDATE.finditer(text):
            start, end = match.span()
            separator = match.group(1)
            while end - start >= 15:
                value = text[start:end]
                compact = value.replace(separator, "") if separator else value
                if checks_intl.iban_ok(compact):
                    boosted = _IBAN_CONTEXT.search(text, max(0, start - 24), start)
                    score = 0.95 if boosted else 0.85
                    yield Finding(Entity.IBAN, start, end, score, self.name, value)
                    break
                if not separator:
                    break
                end = text.rindex(separator, start, end)  # drop the last group


_NINO_SPACED = re.compile(r"[a-z]{2} ?[0-9]{2} [0-9]{2} [0-9]{2}")


def _us_ssn(value: str, _text: str, _start: int) -> float | None:
    return 0.5 if checks_intl.us_ssn_ok(digits_of(value)) else None


def _uk_nino(value: str, _text: str, _start: int) -> float | None:
    return 0.5 if checks_intl.uk_nino_ok(value[:2]) else None


INTL_ID_RECOGNIZERS: tuple[PatternRecognizer | IbanRecognizer, ...] = (
    IbanRecognizer(),
    PatternRecognizer(
        name="us_ssn",
        entity=Entity.US_SSN,
        gate=lambda p: 4 in p.digit_runs and 2 in p.digit_runs and 3 in p.digit_runs,
        # 3-2-4 with one separator used throughout; bare nine digits are too common to report.
        pattern=re.compile(
            r"[0-9](?<![0-9A-Za-z.\-].)[0-9]{2}([- .])[0-9]{2}\1[0-9]{4}(?![0-9A-Za-z]|[.\-][0-9])"
        ),
        validate=_us_ssn,
        context=context_words("ssn", "social security", "社会安全号", "社安号"),
        boost=0.35,
        window=32,
    ),
    PatternRecognizer(
        name="uk_nino",
        entity=Entity.UK_NINO,
        gate=lambda p: (
            6 in p.digit_runs
            or (p.digit_runs.count(2) >= 3 and _NINO_SPACED.search(p.lowered) is not None)
        ),
        pattern=re.compile(
            r"[A-Za-z](?<![0-9A-Za-z].)[A-Za-z] ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-Da-d]"
            r"(?![0-9A-Za-z])"
        ),
        validate=_uk_nino,
        context=context_words("nino", "national insurance", "ni number", "国民保险"),
        boost=0.35,
        window=40,
    ),
)
