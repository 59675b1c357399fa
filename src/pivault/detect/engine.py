"""analyze(): run the recognizers, resolve overlaps, map offsets to the original.

Overlaps are resolved greedily by score, then length: the most confident
reading of a span wins (a Luhn-valid 15-digit run is an IMEI rather than a
legacy ID unless the ID's context words push it higher). One exception: a
value inside a URL's query string is kept alongside the URL, because the
query string is where URLs carry personal values (``?mobile=138…``).
"""

from __future__ import annotations

import bisect
from collections.abc import Collection, Sequence

from pivault.core.errors import DetectionError
from pivault.detect import registry
from pivault.detect.base import Recognizer, TextProfile
from pivault.detect.model import Entity, Finding
from pivault.detect.normalize import normalize, to_original

DEFAULT_MIN_SCORE = 0.5
#: Longest text analyze() accepts; longer texts must be split by the caller.
MAX_TEXT_LENGTH = 1_000_000
_TEXTUAL_ENTITIES = frozenset((Entity.CN_PERSON_NAME, Entity.PERSON_NAME, Entity.CN_ADDRESS))


def _wanted(recognizer: Recognizer, entities: frozenset[Entity] | None) -> bool:
    return entities is None or bool(recognizer.entities & entities)


def _blank(text: str, findings: Sequence[Finding]) -> str:
    """``text`` with every finding replaced by spaces (same length)."""
    if not findings:
        return text
    parts: list[str] = []
    pos = 0
    for finding in findings:  # sorted by start and non-overlapping (resolve_overlaps)
        if finding.start < pos:
            continue  # a value nested in a URL's query string: already blanked
        parts += (text[pos : finding.start], " " * (finding.end - finding.start))
        pos = finding.end
    parts.append(text[pos:])
    return "".join(parts)


def _in_query(inner: Finding, url: Finding, text: str) -> bool:
    if url.entity is not Entity.URL or inner.entity is Entity.URL:
        return False
    query_at = text.find("?", url.start, url.end)
    return query_at != -1 and query_at < inner.start and inner.end <= url.end


def _rank(f: Finding) -> tuple[float, int, int]:
    return (-f.score, f.start - f.end, f.start)


#: Up to this many candidates a plain pairwise check is cheaper than the bisect walk.
_FEW = 8


def _resolve_few(ranked: list[Finding], text: str) -> list[Finding]:
    kept: list[Finding] = []
    for candidate in ranked:
        if all(
            k.end <= candidate.start
            or candidate.end <= k.start
            or _in_query(candidate, k, text)
            or _in_query(k, candidate, text)
            for k in kept
        ):
            kept.append(candidate)
    kept.sort(key=lambda f: (f.start, -f.end))
    return kept


def resolve_overlaps(candidates: Sequence[Finding], text: str) -> list[Finding]:
    """Keep the best non-overlapping findings (plus values nested in URL query strings).

    Candidates are taken best first; each is checked only against the kept
    findings that can reach it. Kept findings are held sorted by start, and
    one that overlaps the candidate must start within the longest kept
    span's length before the candidate's end, so the check is a bisect plus
    a short walk, not a scan of everything kept (n log n, not n²).
    """
    if len(candidates) <= 1:
        return list(candidates)
    ranked = sorted(candidates, key=_rank)
    if len(ranked) <= _FEW:
        return _resolve_few(ranked, text)
    starts: list[int] = []
    kept: list[Finding] = []
    longest = 0
    for candidate in ranked:
        i = bisect.bisect_left(starts, candidate.end)
        ok = True
        while i > 0:
            i -= 1
            other = kept[i]
            if other.start + longest <= candidate.start:
                break  # nothing further left can reach the candidate
            if other.end > candidate.start and not (
                _in_query(candidate, other, text) or _in_query(other, candidate, text)
            ):
                ok = False
                break
        if ok:
            at = bisect.bisect_left(starts, candidate.start)
            starts.insert(at, candidate.start)
            kept.insert(at, candidate)
            longest = max(longest, candidate.end - candidate.start)
    kept.sort(key=lambda f: (f.start, -f.end))
    return kept


def _check_text(text: object) -> str:
    if not isinstance(text, str):
        raise DetectionError(f"analyze() needs a str, got {type(text).__name__}")
    if len(text) > MAX_TEXT_LENGTH:
        raise DetectionError(
            f"text of {len(text)} characters is longer than {MAX_TEXT_LENGTH}; split it first"
        )
    return text


def _entity_set(entities: Collection[Entity | str] | None) -> frozenset[Entity] | None:
    if entities is None:
        return None
    try:
        return frozenset(Entity(e) for e in entities)
    except ValueError:
        known = ", ".join(e.value for e in Entity)
        raise DetectionError(f"unknown entity in entities=; known entities: {known}") from None


def analyze(
    text: str,
    entities: Collection[Entity | str] | None = None,
    min_score: float = DEFAULT_MIN_SCORE,
    *,
    deep: bool = False,
) -> list[Finding]:
    """Find personal values in ``text``.

    Returns findings sorted by position; offsets index ``text`` itself (code
    points, end exclusive), so ``text[f.start:f.end] == f.value``.
    ``entities`` limits the result to those entities (default: all);
    ``min_score`` drops weaker findings; ``deep=True`` adds jieba.posseg name
    tagging of free Chinese text (about 1 ms per sentence more).
    Raises :class:`DetectionError` for non-str input or an unknown entity.
    """
    wanted = _entity_set(entities)
    norm = normalize(_check_text(text))
    profile = TextProfile.of(norm)
    # Names and addresses need every structured finding blanked out first.
    run_all = wanted is None or bool(wanted & _TEXTUAL_ENTITIES)
    candidates: list[Finding] = []
    # Bound methods prepared once in the registry: this loop runs ~35 times per text.
    if run_all:
        for _recognizer, may_match, find in registry.STRUCTURED_CALLS:
            if may_match(profile):
                candidates.extend(find(norm))
    else:
        for recognizer, may_match, find in registry.STRUCTURED_CALLS:
            if _wanted(recognizer, wanted) and may_match(profile):
                candidates.extend(find(norm))
    structured = resolve_overlaps(candidates, norm)
    textual_recognizers = (
        registry.DEEP_TEXTUAL_RECOGNIZERS if deep else registry.TEXTUAL_RECOGNIZERS
    )
    needs_textual = [r for r in textual_recognizers if _wanted(r, wanted) and r.may_match(profile)]
    if needs_textual:
        blanked = _blank(norm, structured)
        for recognizer in needs_textual:
            candidates.extend(recognizer.find(blanked))
    resolved = resolve_overlaps(candidates, norm)
    if norm == text:  # nothing was folded: the findings already carry the original values
        return [
            f for f in resolved if f.score >= min_score and (wanted is None or f.entity in wanted)
        ]
    return [
        Finding(
            f.entity,
            to_original(f.start),
            to_original(f.end),
            f.score,
            f.recognizer,
            text[to_original(f.start) : to_original(f.end)],
        )
        for f in resolved
        if f.score >= min_score and (wanted is None or f.entity in wanted)
    ]
