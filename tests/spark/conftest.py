"""One local[2] SparkSession for every Spark test; data written with pyarrow, not Spark.

Without PySpark or a Java runtime the Spark tests skip — except with
``CI=true``, where they fail: CI installs both (``make setup`` syncs the
spark group; ``.ci/run`` installs Debian's OpenJDK when ``java`` is absent).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pivault.core.errors import EngineUnavailableError
from pivault.service.scan import ScanReport

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

#: Small jobs: few shuffle partitions, no UI, Arrow batches of modest size.
TEST_CONF = {
    "spark.sql.shuffle.partitions": "2",
    "spark.default.parallelism": "2",
    "spark.sql.execution.arrow.maxRecordsPerBatch": "1000",
}


@pytest.fixture(scope="session")
def spark() -> Iterator[SparkSession]:
    try:
        from pivault.spark import start_session

        session = start_session("local[2]", app_name="pivault-tests", conf=TEST_CONF)
    except EngineUnavailableError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Spark cannot start under CI: {exc}")
        pytest.skip(f"Spark cannot start: {exc}")
    yield session
    session.stop()


def write_parquet(path: Path, columns: dict[str, list[Any]]) -> Path:
    """A one-file Parquet dataset (row order kept: one partition)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table(columns), path)
    return path


def comparable(report: ScanReport) -> list[tuple[object, ...]]:
    """A report's findings without engine-specific fields."""
    return [
        (
            g.source,
            g.entity.value,
            g.category,
            g.drift_kind,
            g.count,
            round(g.max_score, 6),
            g.sample,
            tuple(g.locations),
        )
        for g in sorted(report.groups, key=lambda g: (g.source, g.entity.value))
    ]
