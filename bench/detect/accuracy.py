"""Accuracy of pivault.detect on two hand-kept data sets (no Presidio needed).

* ``tests/detect/data/presidio_cases.json``: Presidio's own recognizer test
  tables, transcribed as data. Scored per Presidio entity, exact spans.
* ``tests/detect/data/realtext_*.jsonl``: hand-written realistic texts (chats,
  tickets, logs, e-mails, HK/Macau/Taiwan contacts) with labelled spans and
  hard negatives. Scored per pivault entity, exact and overlapping spans.

``python -m bench.detect.accuracy`` prints both as Markdown (docs/detection.md).
The tests in tests/detect assert the targets with the same functions.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pivault.detect import Entity, analyze

DATA = Path(__file__).resolve().parents[2] / "tests" / "detect" / "data"
PRESIDIO_CASES = DATA / "presidio_cases.json"
REALTEXT_SPLITS = ("dev", "heldout")

#: Presidio entity -> the pivault entities that answer for it.
PRESIDIO_ENTITIES: dict[str, frozenset[Entity]] = {
    "PHONE_NUMBER": frozenset(
        (Entity.PHONE_NUMBER, Entity.HK_MO_TW_PHONE, Entity.CN_MOBILE, Entity.CN_LANDLINE)
    ),
    "CREDIT_CARD": frozenset((Entity.BANK_CARD,)),
    "EMAIL_ADDRESS": frozenset((Entity.EMAIL,)),
    "IP_ADDRESS": frozenset((Entity.IPV4, Entity.IPV6)),
    "URL": frozenset((Entity.URL,)),
    "MAC_ADDRESS": frozenset((Entity.MAC_ADDRESS,)),
    "IBAN_CODE": frozenset((Entity.IBAN,)),
    "US_SSN": frozenset((Entity.US_SSN,)),
    "UK_NINO": frozenset((Entity.UK_NINO,)),
}
#: Presidio spans it scores below this are optional: found or not, they do not count.
OPTIONAL_BELOW = 0.5


@dataclass
class Tally:
    """True/false positives and misses per label (exact and overlapping matches)."""

    tp: Counter[str] = field(default_factory=Counter)
    fp: Counter[str] = field(default_factory=Counter)
    fn: Counter[str] = field(default_factory=Counter)
    tp_overlap: Counter[str] = field(default_factory=Counter)
    fp_overlap: Counter[str] = field(default_factory=Counter)
    fn_overlap: Counter[str] = field(default_factory=Counter)
    negatives: Counter[str] = field(default_factory=Counter)
    negatives_flagged: Counter[str] = field(default_factory=Counter)
    #: (label, text id, "miss"/"extra", snippet) of every error, for tuning
    errors: list[tuple[str, str, str, str]] = field(default_factory=list)

    def prf(self, label: str | None = None, *, overlap: bool = False) -> tuple[float, float, float]:
        """Precision, recall, F1 for one label, or micro-averaged over all (``None``)."""
        tp_c, fp_c, fn_c = (
            (self.tp_overlap, self.fp_overlap, self.fn_overlap)
            if overlap
            else (self.tp, self.fp, self.fn)
        )
        tp, fp, fn = (
            (sum(tp_c.values()), sum(fp_c.values()), sum(fn_c.values()))
            if label is None
            else (tp_c[label], fp_c[label], fn_c[label])
        )
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    def labels(self) -> list[str]:
        """Every label seen, sorted."""
        return sorted(set(self.tp) | set(self.fp) | set(self.fn))

    def negative_rate(self) -> float:
        """Share of hard negatives that any finding overlaps."""
        total = sum(self.negatives.values())
        return sum(self.negatives_flagged.values()) / total if total else 0.0


Span = tuple[str, int, int]


def _snippet(text: str, start: int, end: int) -> str:
    return f"{text[max(0, start - 6) : start]}⟦{text[start:end]}⟧{text[end : end + 6]}"


def _match(
    tally: Tally,
    gold: list[Span],
    predicted: list[Span],
    optional: Iterable[Span],
    text_id: str,
    text: str,
) -> None:
    optional_set = set(optional)
    unmatched = set(gold)
    for p in predicted:
        if p in unmatched:
            tally.tp[p[0]] += 1
            unmatched.discard(p)
        elif p not in optional_set:
            tally.fp[p[0]] += 1
            tally.errors.append((p[0], text_id, "extra", _snippet(text, p[1], p[2])))
    for g in unmatched:
        tally.fn[g[0]] += 1
        tally.errors.append((g[0], text_id, "miss", _snippet(text, g[1], g[2])))
    # Overlap: a prediction of the right label touching the gold span counts.
    left = list(gold)
    for p in predicted:
        hit = next((g for g in left if g[0] == p[0] and p[1] < g[2] and g[1] < p[2]), None)
        if hit is not None:
            tally.tp_overlap[p[0]] += 1
            left.remove(hit)
        elif not any(o[0] == p[0] and p[1] < o[2] and o[1] < p[2] for o in optional_set):
            tally.fp_overlap[p[0]] += 1
    for g in left:
        tally.fn_overlap[g[0]] += 1


def presidio_cases() -> list[dict[str, Any]]:
    """The transcribed Presidio test cases."""
    cases: list[dict[str, Any]] = json.loads(PRESIDIO_CASES.read_text(encoding="utf-8"))["cases"]
    return cases


def score_presidio_cases(analyze_fn: Callable[..., Any] = analyze) -> Tally:
    """Exact-span P/R per Presidio entity, analysing each case for that entity only."""
    tally = Tally()
    for i, case in enumerate(presidio_cases()):
        label, text = case["entity"], case["text"]
        gold, optional = [], []
        for span in case["spans"]:
            item = (label, span["start"], span["end"])
            (optional if span.get("presidio_score_max", 1.0) < OPTIONAL_BELOW else gold).append(
                item
            )
        found = analyze_fn(text, entities=PRESIDIO_ENTITIES[label])
        predicted = [(label, f.start, f.end) for f in found]
        _match(tally, gold, predicted, optional, f"presidio#{i}", text)
    return tally


def realtext_records(split: str | None = None) -> list[dict[str, Any]]:
    """Hand-written evaluation records (``dev``, ``heldout`` or both)."""
    records: list[dict[str, Any]] = []
    for name in REALTEXT_SPLITS if split is None else (split,):
        with (DATA / f"realtext_{name}.jsonl").open(encoding="utf-8") as lines:
            records += [json.loads(line) for line in lines if line.strip()]
    return records


def score_realtext(records: list[dict[str, Any]], *, deep: bool = False) -> Tally:
    """P/R per pivault entity (exact and overlap) and the hard-negative flag rate."""
    tally = Tally()
    for record in records:
        text = record["text"]
        found = analyze(text, deep=deep)
        predicted = [(f.entity.value, f.start, f.end) for f in _outermost(found)]
        gold = [(s["entity"], s["start"], s["end"]) for s in record["spans"]]
        _match(tally, gold, predicted, (), record["id"], text)
        for neg in record.get("negatives", []):
            tally.negatives[neg["kind"]] += 1
            if any(f.start < neg["end"] and neg["start"] < f.end for f in found):
                tally.negatives_flagged[neg["kind"]] += 1
                tally.errors.append(
                    (neg["kind"], record["id"], "negative", text[neg["start"] : neg["end"]])
                )
    return tally


def _outermost(found: list[Any]) -> list[Any]:
    """Findings not nested inside another (values in a URL's query string count once)."""
    return [
        f
        for f in found
        if not any(o is not f and o.start <= f.start and f.end <= o.end for o in found)
    ]


def _rows(tally: Tally, labels: list[str], overlap_column: bool) -> list[str]:
    rows = []
    for label in labels:
        p, r, f = tally.prf(label)
        n = tally.tp[label] + tally.fn[label]
        extra = f" {tally.prf(label, overlap=True)[2]:.3f} |" if overlap_column else ""
        rows.append(f"| {label} | {n} | {p:.3f} | {r:.3f} | {f:.3f} |{extra}")
    return rows


def markdown() -> list[str]:
    """Tables for docs/detection.md."""
    lines = ["### Presidio's recognizer test tables (exact spans)", ""]
    lines += ["| Presidio entity | gold | P | R | F1 |", "|---|---:|---:|---:|---:|"]
    tally = score_presidio_cases()
    lines += _rows(tally, tally.labels(), False)
    p, r, f = tally.prf()
    lines += [
        f"| **all** | {sum(tally.tp.values()) + sum(tally.fn.values())} | "
        f"**{p:.3f}** | **{r:.3f}** | **{f:.3f}** |",
        "",
    ]
    for split in (*REALTEXT_SPLITS, None):
        records = realtext_records(split)
        fast, deep = score_realtext(records), score_realtext(records, deep=True)
        name = split or "all"
        lines += [f"### Hand-written real text: {name} ({len(records)} texts)", ""]
        lines += [
            "| entity | gold | fast P | R | F1 exact | F1 overlap | deep P | R | F1 exact |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for label in sorted(set(fast.labels()) | set(deep.labels())):
            n = fast.tp[label] + fast.fn[label]
            fp, fr, ff = fast.prf(label)
            dp, dr, df = deep.prf(label)
            fo = fast.prf(label, overlap=True)[2]
            lines.append(
                f"| {label} | {n} | {fp:.3f} | {fr:.3f} | {ff:.3f} | {fo:.3f} | "
                f"{dp:.3f} | {dr:.3f} | {df:.3f} |"
            )
        n = sum(fast.tp.values()) + sum(fast.fn.values())
        (fp, fr, ff), (dp, dr, df) = fast.prf(), deep.prf()
        fo = fast.prf(overlap=True)[2]
        lines.append(
            f"| **micro** | {n} | {fp:.3f} | {fr:.3f} | **{ff:.3f}** | {fo:.3f} | "
            f"{dp:.3f} | {dr:.3f} | **{df:.3f}** |"
        )
        negs = sum(fast.negatives.values())
        lines += [
            "",
            f"Hard negatives flagged: fast {fast.negative_rate():.1%}, deep "
            f"{deep.negative_rate():.1%} of {negs}.",
            "",
        ]
    return lines


def _print_errors(tally: Tally) -> None:
    for label, text_id, kind, snippet in tally.errors:
        print(f"{kind:8} {label:16} {text_id:10} {snippet!r}")


if __name__ == "__main__":
    if sys.argv[1:] and sys.argv[1] == "errors":
        split = sys.argv[2] if len(sys.argv) > 2 else None
        deep = "deep" in sys.argv[3:]
        if split == "presidio":
            _print_errors(score_presidio_cases())
        else:
            _print_errors(score_realtext(realtext_records(split), deep=deep))
    else:
        print("\n".join(markdown()))
