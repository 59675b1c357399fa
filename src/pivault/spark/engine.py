"""The driver side of a Spark scan: sample, run the worker over text columns, build the report.

One Spark job per dataset: the text columns are projected (cut to a bounded
length), sampled, and handed to :func:`pivault.spark.worker.scan_partition`
with ``mapInArrow``. Each partition returns a handful of summary rows; the
driver adds them up in partition order, turns partition-local row numbers
into row numbers of the whole (sampled) dataset, and fills the same
:class:`~pivault.service.scan.report.ScanReport` the single-process scanner
fills — so the report formats and the drift exit status are the same.
"""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pivault.core.errors import InvalidArgumentError
from pivault.core.model import Policy
from pivault.core.places import Place
from pivault.detect import DEFAULT_MIN_SCORE, Entity
from pivault.service.policy_files import load_policy
from pivault.service.scan.report import PolicyMatcher, ScanReport, SourceFindings
from pivault.spark.inputs import (
    FORMATS,
    dataset_place_path,
    find_datasets,
    read_dataset,
    text_columns,
)
from pivault.spark.worker import (
    GROUP,
    OUTPUT_DDL,
    OVERSIZED,
    REPLACED,
    ROWS,
    WorkerConfig,
    scan_partition,
)

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

#: Characters of a cell that are scanned; a longer cell is cut and reported.
MAX_CELL_CHARS = 1024 * 1024
_TABLE_RE = re.compile(r"^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*){0,2}$")


def check_sampling(sample: int | None, fraction: float | None) -> None:
    """Raise :class:`InvalidArgumentError` for a sample below 1 or a fraction outside (0, 1]."""
    if sample is not None and sample < 1:
        raise InvalidArgumentError(f"sample must be at least 1 row, not {sample}")
    if fraction is not None and not 0 < fraction <= 1:
        raise InvalidArgumentError(f"fraction must be in (0, 1] (a share of rows), not {fraction}")


def first_line(exc: BaseException) -> str:
    text = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return text if len(text) <= 200 else text[:199] + "…"


def scan_into(
    report: ScanReport,
    matcher: PolicyMatcher,
    df: DataFrame,
    name: str,
    *,
    place_path: str | None = None,
    columns: list[str] | None = None,
    sample: int | None = None,
    fraction: float | None = None,
    seed: int = 0,
    min_score: float = DEFAULT_MIN_SCORE,
    max_chars: int = MAX_CELL_CHARS,
) -> None:
    """Scan the text columns of ``df`` (labelled ``name.column``) into ``report``."""
    check_sampling(sample, fraction)
    picked = text_columns(df, columns, max_chars)
    for column in picked.binary:
        report.skip(f"{name}.{column}", "binary column: not scanned")
    for column, dtype in picked.untyped.items():
        report.skip(f"{name}.{column}", f"{dtype} column: not scanned (text columns only)")
    if not picked.names:
        return
    if fraction is not None and fraction < 1:
        df = df.sample(withReplacement=False, fraction=fraction, seed=seed)
    if sample is not None:
        df = df.limit(sample)
    config = WorkerConfig(len(picked.names), min_score=min_score, max_chars=max_chars)
    rows = df.select(*picked.exprs).mapInArrow(partial(scan_partition, config), OUTPUT_DDL)
    _merge(report, matcher, name, picked.names, place_path, max_chars, rows.collect())


def _merge(
    report: ScanReport,
    matcher: PolicyMatcher,
    name: str,
    columns: list[str],
    place_path: str | None,
    max_chars: int,
    results: list[Any],
) -> None:
    offsets: dict[int, int] = {}
    total = 0
    for r in sorted((r for r in results if r["kind"] == ROWS), key=lambda r: r["partition"]):
        offsets[r["partition"]] = total
        total += r["count"]
    found = []
    for column in columns:
        label = f"{name}.{column}"
        found.append(SourceFindings(label, matcher, Place(column=label, path=place_path)))
    notes: dict[tuple[str, int], int] = {}
    for r in sorted(results, key=lambda r: (r["partition"], r["column"], r["entity"])):
        if r["kind"] == GROUP:
            source = found[r["column"]]
            base = offsets.get(r["partition"], 0)
            locations = [f"{source.source} row {base + n}" for n in r["rows"]]
            entity = Entity(r["entity"])
            source.merge(entity, r["count"], r["max_score"], r["sample"], locations)
        elif r["kind"] in (OVERSIZED, REPLACED):
            key = (r["kind"], r["column"])
            notes[key] = notes.get(key, 0) + r["count"]
    for source in found:
        report.add_source(source)
    report.units_scanned += total
    for (kind, index), count in sorted(notes.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        label = found[index].source
        if kind == OVERSIZED:
            reason = (
                f"{count} cell(s) over {max_chars} characters: only their first {max_chars} scanned"
            )
        else:
            reason = (
                f"{count} cell(s) hold U+FFFD: bytes that were not UTF-8 were replaced, "
                "the rest was scanned"
            )
        report.skip(label, reason)


def _matcher(policy: Policy | None) -> PolicyMatcher:
    return PolicyMatcher(policy if policy is not None else load_policy(None))


def scan_dataframe(
    df: DataFrame,
    *,
    name: str = "dataframe",
    columns: list[str] | None = None,
    policy: Policy | None = None,
    sample: int | None = None,
    fraction: float | None = None,
    seed: int = 0,
    min_score: float = DEFAULT_MIN_SCORE,
    max_chars: int = MAX_CELL_CHARS,
) -> ScanReport:
    """Scan a DataFrame's text columns (all of them, or ``columns``) against ``policy``.

    ``fraction`` samples that share of rows (Spark's ``sample``, seeded);
    ``sample`` then keeps at most that many rows. Sources read ``name.column``.
    """
    matcher = _matcher(policy)
    report = ScanReport.for_target(name, "spark", matcher)
    scan_into(
        report,
        matcher,
        df,
        name,
        columns=columns,
        sample=sample,
        fraction=fraction,
        seed=seed,
        min_score=min_score,
        max_chars=max_chars,
    )
    return report


def scan_table(
    spark: SparkSession, table: str, *, policy: Policy | None = None, **options: Any
) -> ScanReport:
    """Scan a table (or view) of the Spark catalog; sources read ``table.column``."""
    matcher = _matcher(policy)
    report = ScanReport.for_target(table, "spark", matcher)
    _scan_table_into(spark, table, report, matcher, **options)
    return report


def _scan_table_into(
    spark: SparkSession, table: str, report: ScanReport, matcher: PolicyMatcher, **options: Any
) -> None:
    from py4j.protocol import Py4JJavaError
    from pyspark.errors import PySparkException

    if not spark.catalog.tableExists(table):
        raise InvalidArgumentError(
            f"no such file, directory or table in the Spark catalog: {table}"
        )
    try:
        scan_into(report, matcher, spark.table(table), table, **options)
    except (PySparkException, Py4JJavaError) as exc:
        report.skip(table, f"cannot read table: {first_line(exc)}")


def scan_path(
    spark: SparkSession,
    path: str,
    *,
    policy: Policy | None = None,
    input_format: str | None = None,
    **options: Any,
) -> ScanReport:
    """Scan the datasets under a path (see :mod:`pivault.spark.inputs`); one job per dataset."""
    matcher = _matcher(policy)
    report = ScanReport.for_target(path, "spark", matcher)
    _scan_path_into(spark, path, report, matcher, input_format, **options)
    return report


def _scan_path_into(
    spark: SparkSession,
    path: str,
    report: ScanReport,
    matcher: PolicyMatcher,
    input_format: str | None,
    **options: Any,
) -> None:
    from py4j.protocol import Py4JJavaError
    from pyspark.errors import PySparkException

    for dataset in find_datasets(path, input_format):
        try:
            df = read_dataset(spark, dataset)
            if dataset.format == "json" and df.columns == ["_corrupt_record"]:
                # Spark will not query a raw file's corrupt records alone: read its lines.
                report.skip(dataset.name, "no line is valid JSON: scanned as text lines")
                df = spark.read.text(dataset.path)
            scan_into(
                report,
                matcher,
                df,
                dataset.name,
                place_path=dataset_place_path(dataset.path),
                **options,
            )
        except (PySparkException, Py4JJavaError) as exc:
            report.skip(dataset.name, f"cannot read {dataset.format}: {first_line(exc)}")


def is_path_target(target: str) -> bool:
    """Whether a Spark scan target is a path (local or remote) rather than a catalog table."""
    if "/" in target or "://" in target or Path(target).exists():
        return True
    return Path(target).suffix.lower() in FORMATS or not _TABLE_RE.match(target)
