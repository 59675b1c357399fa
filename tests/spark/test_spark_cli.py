"""``pivault scan --engine spark`` as a process: exit status, one-line errors, no raw values."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.scan.conftest import EMAIL_1, ID_1, PHONE_1, PIVAULT, RAW_VALUES, run_scan
from tests.spark.conftest import write_parquet

NO_JAVA = (
    "error: Spark needs a Java runtime (JAVA_HOME unset and no java on PATH); "
    "install OpenJDK 17 (Debian: apt-get install openjdk-17-jre-headless)"
)


def test_importing_pivault_and_pivault_spark_needs_no_pyspark() -> None:
    code = (
        "import sys, pivault, pivault.spark, pivault.cli.main\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in ('pyspark', 'pyarrow', 'py4j')]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_without_java_the_spark_engine_fails_with_one_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "JAVA_HOME"}
    env["PATH"] = str(tmp_path / "empty-bin")
    proc = subprocess.run(
        [sys.executable, "-m", "pivault.cli.main", "scan", "--engine", "spark", str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [NO_JAVA]
    assert proc.stdout == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--sample", "10%", "."], "a percentage sample needs --engine spark"),
        (["--sample", "lots", "."], "neither a row count"),
        (["--sample", "0%", "--engine", "spark", "."], "neither a row count"),
        (["--engine", "spark", "sqlite:///app.db"], "not database URLs"),
        (["--engine", "hadoop", "."], "'hadoop' is not one of"),
        (["--input-format", "csv", "."], "--input-format applies to --engine spark only"),
        (["--engine", "spark", "--input-format", "xls", "."], "'xls' is not one of"),
    ],
)
def test_bad_engine_options_are_usage_errors(args: list[str], message: str) -> None:
    proc = run_scan(*args)
    assert proc.returncode == 2, proc.stderr
    assert message in " ".join(proc.stderr.replace("│", " ").split())


def test_a_missing_path_fails_before_spark_starts(tmp_path: Path) -> None:
    proc = run_scan("--engine", "spark", str(tmp_path / "nope" / "lake"))
    assert proc.returncode == 1
    assert proc.stderr.strip() == f"error: no such file or directory: {tmp_path}/nope/lake"


@pytest.mark.spark
def test_spark_scan_of_a_lake_exits_3_on_drift_with_the_same_json(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    write_parquet(
        lake / "users" / "part-0.parquet",
        {"phone": [PHONE_1, None], "note": [f"ID {ID_1}", "ok"], "email": [None, EMAIL_1]},
    )
    proc = subprocess.run(
        [*PIVAULT, "scan", "--engine", "spark", str(lake), "--format", "json", "--sample", "100%"],
        capture_output=True,
        text=True,
        timeout=300,  # a JVM and a Python worker start on a shared 2-core machine
        check=False,
    )
    assert proc.returncode == 3, proc.stderr
    doc = json.loads(proc.stdout)
    assert (doc["format"], doc["kind"], doc["summary"]["unit"]) == ("pivault-scan", "spark", "rows")
    assert doc["summary"]["drift_entities"] == ["CN_RESIDENT_ID", "EMAIL"]
    assert {(f["source"], f["locations"][0]) for f in doc["findings"]} == {
        ("users.phone", "users.phone row 1"),
        ("users.note", "users.note row 1"),
        ("users.email", "users.email row 2"),
    }
    assert "POLICY DRIFT" in proc.stderr
    for value in RAW_VALUES:
        assert value not in proc.stdout + proc.stderr


def test_the_cli_input_formats_are_the_engines() -> None:
    from pivault.cli.scan_cmds import InputFormat
    from pivault.spark import INPUT_FORMATS

    assert tuple(f.value for f in InputFormat) == INPUT_FORMATS
