"""Scanning databases by URL (SQLite, PostgreSQL), read-only; findings name table.column."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from pivault.core.errors import StoreError
from pivault.detect import Entity
from pivault.service.scan import scan_target
from tests.scan.conftest import EMAIL_1, ID_1, PHONE_1, PHONE_2, RAW_VALUES, run_scan

USERS = [
    (1, PHONE_1, "nobody@nowhere", "first customer"),
    (2, "n/a", EMAIL_1, f"verified with ID {ID_1}"),
    (3, PHONE_2, None, "called back"),
]


def _create_users(engine: sa.Engine) -> None:
    meta = sa.MetaData()
    users = sa.Table(
        "users",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("phone", sa.String(32)),
        sa.Column("email", sa.String(200)),
        sa.Column("note", sa.Text),
    )
    sa.Table(
        "counters", meta, sa.Column("id", sa.Integer, primary_key=True), sa.Column("n", sa.Integer)
    )
    meta.create_all(engine)
    with engine.begin() as conn:
        conn.execute(
            users.insert(),
            [dict(zip(("id", "phone", "email", "note"), u, strict=True)) for u in USERS],
        )


def _check_users_findings(prefix: str, report_groups: list[tuple[str, Entity, list[str]]]) -> None:
    found = {(source, entity): locations for source, entity, locations in report_groups}
    assert found[(f"{prefix}users.phone", Entity.CN_MOBILE)] == [
        f"{prefix}users.phone row 1",
        f"{prefix}users.phone row 3",
    ]
    assert found[(f"{prefix}users.email", Entity.EMAIL)] == [f"{prefix}users.email row 2"]
    assert found[(f"{prefix}users.note", Entity.CN_RESIDENT_ID)] == [f"{prefix}users.note row 2"]
    assert not any(source.startswith(f"{prefix}counters") for source, _ in found)


def test_sqlite_database_is_scanned_by_url_read_only(tmp_path: Path) -> None:
    db = tmp_path / "app.db"
    engine = sa.create_engine(f"sqlite:///{db}")
    _create_users(engine)
    engine.dispose()
    before = hashlib.sha256(db.read_bytes()).hexdigest()

    report = scan_target(f"sqlite:///{db}")

    assert report.kind == "database"
    _check_users_findings("", [(g.source, g.entity, g.locations) for g in report.groups])
    assert report.units_scanned == len(USERS)
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    assert not (tmp_path / "app.db-wal").exists()


def test_sample_limits_the_rows_read_per_table(tmp_path: Path) -> None:
    db = tmp_path / "app.db"
    _create_users(sa.create_engine(f"sqlite:///{db}"))
    report = scan_target(f"sqlite:///{db}", sample=1)
    assert report.units_scanned == 1
    assert {loc for g in report.groups for loc in g.locations} == {"users.phone row 1"}


@pytest.mark.postgres
def test_postgres_database_is_scanned_by_url(pg_url: str) -> None:
    engine = sa.create_engine(pg_url)
    _create_users(engine)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE SCHEMA crm"))
        conn.execute(sa.text("CREATE TABLE crm.leads (id int primary key, contact jsonb)"))
        conn.execute(
            sa.text("INSERT INTO crm.leads VALUES (1, CAST(:doc AS jsonb))"),
            {"doc": json.dumps({"mobile": PHONE_2})},
        )
    engine.dispose()

    report = scan_target(pg_url)

    groups = [(g.source, g.entity, g.locations) for g in report.groups]
    _check_users_findings("", groups)
    assert ("crm.leads.contact", Entity.CN_MOBILE, ["crm.leads.contact row 1"]) in groups


def test_sqlite_file_that_does_not_exist_is_an_error_and_is_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"
    with pytest.raises(StoreError, match="cannot read database"):
        scan_target(f"sqlite:///{missing}")
    assert not missing.exists()


def test_unreachable_database_is_reported_with_its_password_hidden() -> None:
    url = "postgresql://scanner:Sup3rSecret@127.0.0.1:1/customers"
    proc = run_scan(url)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "Sup3rSecret" not in proc.stderr + proc.stdout
    assert "postgresql://scanner:***@127.0.0.1:1/customers" in proc.stderr


def test_database_report_through_the_cli_holds_no_raw_value(tmp_path: Path) -> None:
    db = tmp_path / "app.db"
    _create_users(sa.create_engine(f"sqlite:///{db}"))
    proc = run_scan(f"sqlite:///{db}", "--format", "json")
    assert proc.returncode == 3, proc.stderr  # the resident ID in users.note is drift
    doc = json.loads(proc.stdout)
    assert {f["source"] for f in doc["findings"]} >= {"users.phone", "users.note"}
    for value in RAW_VALUES:
        assert value not in proc.stdout + proc.stderr
