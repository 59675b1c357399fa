"""Helpers shared by the benchmarks: the machine, temporary stores, timing, Markdown."""

from __future__ import annotations

import os
import platform
import statistics
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

#: The PostgreSQL server used for benchmark databases (a fresh one per run, dropped afterwards).
PG_ADMIN_URL = os.environ.get(
    "PIVAULT_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
COMMAND = "make bench"


def today() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def machine_lines() -> list[str]:
    """A Markdown bullet list describing where the figures were measured."""
    import cryptography
    import sqlalchemy

    return [
        f"- machine: `nproc` = {os.cpu_count()}, {cpu_model()}, {platform.system()} "
        f"{platform.release()}",
        f"- Python {platform.python_version()} ({platform.python_implementation()}), "
        f"SQLAlchemy {sqlalchemy.__version__}, cryptography {cryptography.__version__}, "
        f"SQLite {_sqlite_version()}",
    ]


def _sqlite_version() -> str:
    import sqlite3

    return sqlite3.sqlite_version


def section_header(title: str) -> list[str]:
    """The heading every section starts with: what ran, how, when."""
    return [f"## {title}", "", f"Command: `{COMMAND}` · run {today()}", ""]


@contextmanager
def sqlite_url() -> Iterator[str]:
    """A SQLite file in a fresh temporary folder, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="pivault-bench-") as tmp:
        yield f"sqlite:///{Path(tmp) / 'bench.db'}"


def pg_problem() -> str | None:
    """None when the benchmark PostgreSQL server answers, else why not."""
    try:
        engine = sa.create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
        try:
            with engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
        finally:
            engine.dispose()
    except Exception as exc:  # any failure to connect means "unreachable"
        return f"{type(exc).__name__}: {str(exc).strip().splitlines()[0]}"
    return None


@contextmanager
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database, dropped afterwards."""
    name = f"pivault_bench_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        try:
            yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
        finally:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def rate(n: int, seconds: float) -> str:
    return f"{n / seconds:,.0f}" if seconds > 0 else "–"


def ms(seconds: float, n: int) -> str:
    return f"{1000 * seconds / n:.3f}" if n else "–"


def replace_section(text: str, title: str, section: list[str]) -> str:
    """``text`` (docs/benchmarks.md) with its section ``## title`` replaced by ``section``
    (added at the end when it has none): for running one benchmark alone."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line == f"## {title}"), None)
    if start is None:
        return text.rstrip("\n") + "\n\n" + "\n".join(section).rstrip("\n") + "\n"
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    if end == len(lines) and lines[-1].startswith("Whole run:"):
        end -= 1  # the last line of a whole `make bench` run stays last
    new = [*lines[:start], *section]
    if new[-1] != "":
        new.append("")
    return "\n".join([*new, *lines[end:]]).rstrip("\n") + "\n"
