"""pivault.spark on local[2]: same findings as the single-process scan; bad input; sampling."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import sqlalchemy as sa

from pivault.core.errors import InvalidArgumentError
from pivault.core.policy_parse import parse_policy
from pivault.present.scan_json import render_scan_json
from pivault.service.scan import scan_target
from pivault.spark import scan_dataframe, scan_path, scan_table
from pivault.spark.worker import PROBE_DDL, probe_partition
from tests.scan.conftest import EMAIL_1, ID_1, ID_2, IP_1, PHONE_1, PHONE_2, RAW_VALUES
from tests.scan.test_scan_places import PHONE_PLACES, placed_policy_text
from tests.spark.conftest import comparable, write_parquet

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

pytestmark = pytest.mark.spark

N_ROWS = 240


def users_columns() -> dict[str, list[object]]:
    phones = [PHONE_1 if i % 3 == 0 else ("n/a" if i % 5 else None) for i in range(N_ROWS)]
    notes = [
        f"row {i}: " + (f"ID {ID_1} checked" if i % 7 == 0 else f"login from {IP_1}")
        for i in range(N_ROWS)
    ]
    emails = [EMAIL_1 if i % 11 == 0 else None for i in range(N_ROWS)]
    return {"id": list(range(N_ROWS)), "phone": phones, "note": notes, "email": emails}


def test_spark_and_single_process_engines_find_the_same(
    spark: SparkSession, tmp_path: Path
) -> None:
    columns = users_columns()
    db = tmp_path / "app.db"
    engine = sa.create_engine(f"sqlite:///{db}")
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE users (id INTEGER, phone TEXT, note TEXT, email TEXT)"))
        conn.execute(
            sa.text("INSERT INTO users VALUES (:id, :phone, :note, :email)"),
            [dict(zip(columns, row, strict=True)) for row in zip(*columns.values(), strict=True)],
        )
    engine.dispose()
    local = scan_target(f"sqlite:///{db}", sample=N_ROWS)
    lake = tmp_path / "lake"
    write_parquet(lake / "users.parquet", columns)
    on_spark = scan_path(spark, str(lake / "users.parquet"))
    assert comparable(on_spark) == comparable(local)
    assert on_spark.units_scanned == local.units_scanned == N_ROWS
    assert on_spark.sources_scanned == local.sources_scanned == 3
    assert on_spark.has_drift and {g.entity.value for g in on_spark.drift} == {
        "CN_RESIDENT_ID",
        "EMAIL",
    }
    text = render_scan_json(on_spark)
    assert json.loads(text)["kind"] == "spark"
    for value in RAW_VALUES:
        assert value not in text


def test_a_data_lake_directory_is_split_into_datasets(spark: SparkSession, tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    for day, phone in (("2026-01-01", PHONE_1), ("2026-01-02", PHONE_2)):
        write_parquet(lake / "users" / f"dt={day}" / "part-0.parquet", {"phone": [phone]})
    (lake / "users" / "_SUCCESS").write_text("")
    (lake / "events").mkdir()
    (lake / "events" / "a.jsonl").write_text(
        json.dumps({"user": {"email": EMAIL_1, "tags": ["x", ID_2]}}) + "\n", encoding="utf-8"
    )
    (lake / "exports").mkdir()
    (lake / "exports" / "calls.csv").write_text(f"who,number\nu1,{PHONE_2}\n", encoding="utf-8")
    (lake / "exports" / "README.md").write_text(f"call {PHONE_1}\n")  # not data: not read
    (lake / "mixed").mkdir()  # two formats in one directory: each file is its own dataset
    (lake / "mixed" / "a.csv").write_text(f"n\n{PHONE_1}\n", encoding="utf-8")
    (lake / "mixed" / "b.json").write_text(json.dumps({"m": PHONE_2}) + "\n", encoding="utf-8")
    policy = parse_policy(placed_policy_text(PHONE_PLACES), "placed.yaml")
    report = scan_path(spark, str(lake), policy=policy)
    found = {(g.source, g.entity.value): g.count for g in report.groups}
    assert found == {
        ("users.phone", "CN_MOBILE"): 2,
        ("events.user", "EMAIL"): 1,  # nested JSON, scanned as its JSON text
        ("events.user", "CN_RESIDENT_ID"): 1,
        ("exports.number", "CN_MOBILE"): 1,  # a directory of data files is one dataset
        ("mixed.a.n", "CN_MOBILE"): 1,
        ("mixed.b.m", "CN_MOBILE"): 1,
    }
    assert report.skipped == []
    kinds = {g.source: g.drift_kind for g in report.groups}
    # users.phone by its column, exports by its path (exports/**); e-mail, IDs: undeclared kinds
    assert kinds == {
        "users.phone": None,
        "exports.number": None,
        "events.user": "kind",
        "mixed.a.n": None,  # **/*.csv
        "mixed.b.m": "place",
    }


def test_bad_input_is_skipped_or_bounded_and_reported(spark: SparkSession, tmp_path: Path) -> None:
    huge = "x" * 15_000 + f" {PHONE_1} " + "y" * 10_000 + f" {PHONE_2}"
    df = spark.createDataFrame(
        [(b"\x00\xff" + PHONE_1.encode(), None, huge, {"a": [EMAIL_1]}), (None, None, None, None)],
        "blob binary, empty string, big string, nested map<string, array<string>>",
    )
    report = scan_dataframe(df, name="t", max_chars=20_000)
    found = {(g.source, g.entity.value): g.count for g in report.groups}
    assert found == {("t.big", "CN_MOBILE"): 1, ("t.nested", "EMAIL"): 1}  # PHONE_2 is cut off
    reasons = {s.source: s.reason for s in report.skipped}
    assert reasons["t.blob"] == "binary column: not scanned"
    assert reasons["t.big"] == "1 cell(s) over 20000 characters: only their first 20000 scanned"

    raw = tmp_path / "latin.csv"
    raw.write_bytes(b"name,phone\n\xe9\xe8\xff," + PHONE_1.encode() + b"\n")
    report = scan_path(spark, str(raw))
    assert [(g.source, g.entity.value) for g in report.groups] == [("latin.phone", "CN_MOBILE")]
    assert [s.source for s in report.skipped] == ["latin.name"]
    assert "U+FFFD" in report.skipped[0].reason

    not_json = tmp_path / "notes.jsonl"
    not_json.write_text(f"call {PHONE_1}\n{{unclosed\n", encoding="utf-8")
    report = scan_path(spark, str(not_json))
    assert [(g.source, g.count) for g in report.groups] == [("notes.value", 1)]
    assert [s.reason for s in report.skipped] == ["no line is valid JSON: scanned as text lines"]

    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"not parquet at all")
    report = scan_path(spark, str(broken))
    assert [s.source for s in report.skipped] == ["broken"]
    assert report.skipped[0].reason.startswith("cannot read parquet: ")


def test_sampling_by_rows_and_by_share(spark: SparkSession) -> None:
    df = spark.createDataFrame([(f"call {PHONE_1}",) for _ in range(400)], "note string")
    assert scan_dataframe(df, sample=25).units_scanned == 25
    half = scan_dataframe(df, fraction=0.5, seed=7)
    assert 120 < half.units_scanned < 280
    assert scan_dataframe(df, fraction=0.5, seed=7).units_scanned == half.units_scanned
    both = scan_dataframe(df, fraction=0.5, sample=10)
    assert both.units_scanned == 10 and both.groups[0].count == 10
    with pytest.raises(InvalidArgumentError, match="fraction must be in"):
        scan_dataframe(df, fraction=1.5)
    with pytest.raises(InvalidArgumentError, match="no column 'nope' to scan"):
        scan_dataframe(df, columns=["nope"])
    numbers = scan_dataframe(spark.range(3), columns=["id"], name="n")
    assert [(s.source, s.reason) for s in numbers.skipped] == [
        ("n.id", "bigint column: not scanned (text columns only)")
    ]


def test_catalog_tables_and_place_drift(spark: SparkSession) -> None:
    spark.createDataFrame(
        [(PHONE_1, f"call {PHONE_2}")], "phone string, note string"
    ).createOrReplaceTempView("users")
    policy = parse_policy(placed_policy_text(PHONE_PLACES), "placed.yaml")
    report = scan_table(spark, "users", policy=policy)
    kinds = {g.source: g.drift_kind for g in report.groups}
    assert kinds == {"users.phone": None, "users.note": "place"}
    assert report.has_drift
    with pytest.raises(InvalidArgumentError, match="no such file, directory or table"):
        scan_table(spark, "no_such_table")


def test_detectors_are_built_once_per_worker_not_per_partition(spark: SparkSession) -> None:
    probes = spark.range(0, 12, 1, numPartitions=12).mapInArrow(probe_partition, PROBE_DDL)
    rows = probes.collect()
    assert len(rows) == 12
    assert {r["builds"] for r in rows} == {1}
    assert len({r["pid"] for r in rows}) < 12  # workers are reused across partitions
