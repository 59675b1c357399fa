"""What runs on the Spark executors: detect personal values in Arrow batches of text columns.

:func:`scan_partition` is the ``mapInArrow`` function. It receives one
partition as Arrow record batches whose columns are the text columns to scan
(already cut to ``max_chars + 1`` characters by Spark) and yields a few
summary rows: per column and entity the count, the best score, one masked
sample and the first row numbers (within the partition), plus the number of
rows, over-long cells and cells holding U+FFFD. Found values never leave the
worker; only masked samples do.

The detectors are built once per Python worker process, not per row or per
batch: the module keeps a flag, and the first partition a worker runs warms
the detectors up (jieba's dictionary, the recognizers). Spark reuses Python
workers between tasks (``spark.python.worker.reuse``), so a worker builds
them once for the whole job. Nothing heavy is pickled with the function: it
travels as a reference to this module plus a small :class:`WorkerConfig`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pivault.detect import DEFAULT_MIN_SCORE, Finding, warm_up
from pivault.service.scan.report import MAX_LOCATIONS, masked_sample
from pivault.service.scan.textscan import WindowScanner

if TYPE_CHECKING:
    import pyarrow as pa

#: Kinds of summary rows a partition yields.
GROUP, ROWS, OVERSIZED, REPLACED = "group", "rows", "oversized", "replaced"

#: The Spark schema (DDL) of :func:`scan_partition`'s output.
OUTPUT_DDL = (
    "kind string, partition int, column int, entity string, count long, "
    "max_score double, sample string, rows array<long>"
)

_builds = 0


def _warm_once() -> None:
    """Build the detectors the first time this worker process needs them."""
    global _builds
    if _builds == 0:
        warm_up(deep=True)
        _builds += 1


def probe_partition(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """A diagnostic ``mapInArrow`` function: (worker pid, detector builds in that process)."""
    import os

    import pyarrow as pa

    for _ in batches:
        pass
    _warm_once()
    yield pa.RecordBatch.from_pydict({"pid": [os.getpid()], "builds": [_builds]})


#: The Spark schema (DDL) of :func:`probe_partition`'s output.
PROBE_DDL = "pid long, builds long"


@dataclass(frozen=True)
class WorkerConfig:
    """What the executors need to know: small, so it pickles cheaply."""

    columns: int
    min_score: float = DEFAULT_MIN_SCORE
    max_chars: int = 1024 * 1024


@dataclass
class _Group:
    count: int = 0
    max_score: float = 0.0
    sample: str = ""
    rows: list[int] = field(default_factory=list)


class _ColumnScan:
    def __init__(self, index: int, min_score: float) -> None:
        self.index = index
        self.row = 0
        self.groups: dict[str, _Group] = {}
        self.oversized = 0
        self.replaced = 0
        self.scanner = WindowScanner(self._emit, min_score=min_score)

    def _emit(self, finding: Finding, offset: int) -> None:
        group = self.groups.get(finding.entity.value)
        if group is None:
            group = self.groups[finding.entity.value] = _Group(sample=masked_sample(finding))
        group.count += 1
        group.max_score = max(group.max_score, finding.score)
        if len(group.rows) < MAX_LOCATIONS:
            group.rows.append(self.row)


def _partition_id() -> int:
    from pyspark import TaskContext

    ctx = TaskContext.get()
    return ctx.partitionId() if ctx is not None else 0


def scan_partition(
    config: WorkerConfig, batches: Iterator[pa.RecordBatch]
) -> Iterator[pa.RecordBatch]:
    """The ``mapInArrow`` function: summary rows for one partition (see the module doc)."""
    import pyarrow as pa

    _warm_once()
    pid = _partition_id()
    scans = [_ColumnScan(i, config.min_score) for i in range(config.columns)]
    rows = 0
    for batch in batches:
        values = [batch.column(i).to_pylist() for i in range(config.columns)]
        for r in range(batch.num_rows):
            rows += 1
            for scan, column in zip(scans, values, strict=True):
                text = column[r]
                if not text:
                    continue
                if len(text) > config.max_chars:
                    scan.oversized += 1
                    text = text[: config.max_chars]
                if "\ufffd" in text:
                    scan.replaced += 1
                scan.row = rows
                scan.scanner.scan(text)
    out: dict[str, list[Any]] = {k: [] for k in _FIELDS}
    _put(out, ROWS, pid, -1, "", rows, 0.0, "", [])
    for scan in scans:
        for entity, g in scan.groups.items():
            _put(out, GROUP, pid, scan.index, entity, g.count, g.max_score, g.sample, g.rows)
        if scan.oversized:
            _put(out, OVERSIZED, pid, scan.index, "", scan.oversized, 0.0, "", [])
        if scan.replaced:
            _put(out, REPLACED, pid, scan.index, "", scan.replaced, 0.0, "", [])
    yield pa.RecordBatch.from_pydict(out, schema=_schema())


_FIELDS = ("kind", "partition", "column", "entity", "count", "max_score", "sample", "rows")


def _put(out: dict[str, list[Any]], *values: Any) -> None:
    for key, value in zip(_FIELDS, values, strict=True):
        out[key].append(value)


def _schema() -> pa.Schema:
    import pyarrow as pa

    return pa.schema(
        [
            ("kind", pa.string()),
            ("partition", pa.int32()),
            ("column", pa.int32()),
            ("entity", pa.string()),
            ("count", pa.int64()),
            ("max_score", pa.float64()),
            ("sample", pa.string()),
            ("rows", pa.list_(pa.int64())),
        ]
    )
