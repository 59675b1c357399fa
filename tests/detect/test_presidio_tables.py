"""Presidio's own recognizer test tables, as data: pivault must reach P and R >= 0.95.

The cases live in tests/detect/data/presidio_cases.json (text, expected spans,
source file and commit); scoring is bench/detect/accuracy.py, exact spans.
Deliberate differences, left counted as errors: Presidio includes the quotes
around a quoted URL and a space before a NINO in its spans, and reads the first
four parts of ``192.168.1.1.1`` as an address (pivault treats five dotted
parts as a version or OID).
"""

from __future__ import annotations

import pytest
from bench.detect.accuracy import PRESIDIO_ENTITIES, Tally, presidio_cases, score_presidio_cases


@pytest.fixture(scope="module")
def tally() -> Tally:
    return score_presidio_cases()


def test_presidio_cases_cite_their_source() -> None:
    cases = presidio_cases()
    assert len(cases) > 400
    assert all(c["source"].startswith("microsoft/presidio@") for c in cases)
    assert {c["entity"] for c in cases} == set(PRESIDIO_ENTITIES)


def test_recall_and_precision_on_presidio_tables(tally: Tally) -> None:
    precision, recall, _ = tally.prf()
    assert precision >= 0.95, tally.errors
    assert recall >= 0.95, tally.errors


@pytest.mark.parametrize("entity", sorted(PRESIDIO_ENTITIES))
def test_each_entity_is_mostly_right(entity: str, tally: Tally) -> None:
    precision, recall, _ = tally.prf(entity)
    assert precision >= 0.8 and recall >= 0.8, [e for e in tally.errors if e[0] == entity]
