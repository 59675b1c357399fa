"""Span matching and precision/recall/F1 for the detection benchmark.

A prediction is a true positive when it has the gold label and overlaps a
gold span not yet matched (each gold span matches at most one prediction).
"Exact" counts the true positives whose boundaries equal the gold span.
Predictions nested inside another prediction (a value in a URL's query
string) are not scored separately. A hard negative is "flagged" when any
prediction overlaps it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

#: One predicted or gold span: (label, start, end).
Span = tuple[str, int, int]


@dataclass
class Tally:
    """Counts for one engine over a corpus."""

    tp: Counter[str] = field(default_factory=Counter)
    exact: Counter[str] = field(default_factory=Counter)
    fp: Counter[str] = field(default_factory=Counter)
    fn: Counter[str] = field(default_factory=Counter)
    negatives: Counter[str] = field(default_factory=Counter)
    negatives_flagged: Counter[str] = field(default_factory=Counter)

    def prf(self, label: str) -> tuple[float, float, float]:
        """Precision, recall and F1 for ``label``."""
        tp, fp, fn = self.tp[label], self.fp[label], self.fn[label]
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1


def outermost(spans: Iterable[Span]) -> list[Span]:
    """Drop spans contained in an earlier, longer span."""
    kept: list[Span] = []
    for span in sorted(spans, key=lambda s: (s[1], -s[2])):
        if kept and span[2] <= kept[-1][2] and span[1] >= kept[-1][1]:
            continue
        kept.append(span)
    return kept


def score_record(
    tally: Tally, gold: Sequence[Span], negatives: Sequence[Span], predicted: Iterable[Span]
) -> None:
    """Add one record's matches to ``tally``."""
    preds = outermost(predicted)
    matched_gold: set[int] = set()
    for label, start, end in preds:
        hit = None
        for i, (g_label, g_start, g_end) in enumerate(gold):
            if i not in matched_gold and g_label == label and start < g_end and g_start < end:
                hit = i
                break
        if hit is None:
            tally.fp[label] += 1
        else:
            matched_gold.add(hit)
            tally.tp[label] += 1
            if (start, end) == gold[hit][1:]:
                tally.exact[label] += 1
    for i, (g_label, _s, _e) in enumerate(gold):
        if i not in matched_gold:
            tally.fn[g_label] += 1
    for n_label, n_start, n_end in negatives:
        tally.negatives[n_label] += 1
        if any(start < n_end and n_start < end for _l, start, end in preds):
            tally.negatives_flagged[n_label] += 1
