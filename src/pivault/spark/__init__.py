"""pivault.spark: scan data lakes and Spark tables for personal data, on Apache Spark.

>>> from pivault.spark import scan_dataframe, scan_path, start_session   # doctest: +SKIP
>>> spark = start_session("local[2]")                                     # doctest: +SKIP
>>> report = scan_path(spark, "lake/", fraction=0.1)                       # doctest: +SKIP
>>> report.has_drift, [g.entity.value for g in report.drift]               # doctest: +SKIP
(True, ['CN_RESIDENT_ID'])

The report is the single-process scanner's
:class:`~pivault.service.scan.report.ScanReport`, so its renderers
(``pivault.present``: ``render_scan_json``, ``render_scan_table``,
``render_scan_html``) and the drift exit status of ``pivault scan --engine spark`` are
the same. PySpark (the optional extra
``pivault[spark]``) is imported only when a Spark scan runs: ``import
pivault`` and ``import pivault.spark`` never need it. The detectors run on the
executors, built once per Python worker (:mod:`pivault.spark.worker`); only
masked samples and counts come back to the driver.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pivault.core.errors import EngineUnavailableError
from pivault.core.model import Policy
from pivault.detect import DEFAULT_MIN_SCORE
from pivault.service.scan.report import ScanReport
from pivault.spark.engine import (
    MAX_CELL_CHARS,
    check_sampling,
    first_line,
    is_path_target,
    scan_dataframe,
    scan_path,
    scan_table,
)
from pivault.spark.inputs import INPUT_FORMATS, find_datasets
from pivault.spark.session import check_engine, java_problem, start_session

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

__all__ = [
    "INPUT_FORMATS",
    "MAX_CELL_CHARS",
    "check_engine",
    "java_problem",
    "scan_dataframe",
    "scan_path",
    "scan_table",
    "scan_target",
    "start_session",
]


def scan_target(
    target: str,
    policy: Policy | None = None,
    *,
    spark: SparkSession | None = None,
    sample: int | None = None,
    fraction: float | None = None,
    min_score: float = DEFAULT_MIN_SCORE,
    input_format: str | None = None,
) -> ScanReport:
    """What ``pivault scan --engine spark TARGET`` does: a path's datasets or a catalog table."""
    check_sampling(sample, fraction)
    path = is_path_target(target)
    if spark is None:
        check_engine()  # no PySpark or no Java: say so before anything else
    if path:
        find_datasets(target, input_format)  # a missing path fails before Spark starts
    session = spark if spark is not None else start_session()
    options = {"sample": sample, "fraction": fraction, "min_score": min_score}
    from py4j.protocol import Py4JError

    try:
        if path:
            return scan_path(session, target, policy=policy, input_format=input_format, **options)
        return scan_table(session, target, policy=policy, **options)
    except Py4JError as exc:  # the JVM went away mid-scan: one line, not a Java trace
        raise EngineUnavailableError(f"Spark failed during the scan: {first_line(exc)}") from None
