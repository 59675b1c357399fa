"""Shared fixtures: real SQLite files and real PostgreSQL databases, a settable clock.

Every test that takes ``store_url`` (or ``vault``) runs on both stores. PostgreSQL
is the server on 127.0.0.1:5432 (user postgres); when it is unreachable the
PostgreSQL runs are skipped locally and FAIL when CI=true.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import settings

from pivault.crypto.master_key import MasterKey
from pivault.service.vault import Vault

# Property tests check behaviour, not speed: no per-example deadline on noisy machines.
settings.register_profile("pivault", deadline=None)
settings.load_profile("pivault")

PG_ADMIN_URL = os.environ.get(
    "PIVAULT_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


class FakeClock:
    """A clock tests can move; starts 2026-11-01 08:00 UTC."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(microseconds=1)  # strictly increasing, like a real clock
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


def _pg_available() -> str | None:
    try:
        engine = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as exc:  # any failure to connect means "unreachable"
        return f"{type(exc).__name__}: {str(exc).splitlines()[0]}"


_PG_PROBLEM: list[str | None] = []


def pg_problem() -> str | None:
    if not _PG_PROBLEM:
        _PG_PROBLEM.append(_pg_available())
    return _PG_PROBLEM[0]


def require_postgres() -> None:
    problem = pg_problem()
    if problem is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"PostgreSQL at 127.0.0.1:5432 is unreachable in CI: {problem}")
    pytest.skip(f"PostgreSQL unreachable: {problem}")


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    require_postgres()
    name = f"pivault_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'vault.db'}"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture(autouse=True)
def witness_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test publishes audit checkpoints into its own witness directory, never ~."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.delenv("PIVAULT_AUDIT_WITNESS_DIR", raising=False)
    return tmp_path / "state" / "pivault" / "witness"


@pytest.fixture
def master_key() -> MasterKey:
    return MasterKey.generate()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def vault(store_url: str, master_key: MasterKey, clock: FakeClock) -> Iterator[Vault]:
    """A vault on the default policy with two registered services: app and ads."""
    v = Vault(store_url, master_key=master_key, clock=clock)
    v.add_actor(
        "app",
        ["service", "security", "personalisation", "product_improvement", "software_management"],
    )
    v.add_actor("ads", ["ads_recommendation", "ads_measurement"])
    v.add_actor("surveys", ["surveys"])
    yield v
    v.close()
