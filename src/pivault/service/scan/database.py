"""Scan someone else's database: text-like columns of every table, sampled, read-only.

Tables are found by SQLAlchemy reflection (every schema but the system ones).
Of each table the first ``sample`` rows are read (``SELECT … LIMIT n``, in
the database's own order), streamed, and only the text-like columns: strings
of any kind, JSON, and SQLite's untyped columns. Each value is scanned in
bounded memory like a file line; a finding's location is ``table.column``
and its row number within the sample.

The connection is read-only: SQLite files are opened with ``mode=ro`` (a
missing file is an error, never created), PostgreSQL sessions run with
``default_transaction_read_only=on``. A database that cannot be read raises
:class:`~pivault.core.errors.StoreError` naming the URL with its password hidden.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.types import NullType

from pivault.core.errors import StoreError
from pivault.core.places import Place
from pivault.detect import DEFAULT_MIN_SCORE, Finding
from pivault.service.scan.progress import NoProgress, Progress
from pivault.service.scan.report import PolicyMatcher, ScanReport, SourceFindings
from pivault.service.scan.textscan import WindowScanner
from pivault.store.engine import hide_password, normalise_url

DEFAULT_SAMPLE = 1000
_SYSTEM_SCHEMAS = frozenset({"information_schema", "pg_catalog", "pg_toast"})
_TEXT_TYPES = (sa.String, sa.JSON, NullType)


def looks_like_db_url(target: str) -> bool:
    """Whether a scan target names a database rather than a path."""
    return "://" in target


def _safe_message(exc: BaseException, url: str) -> str:
    """The first line of a driver error, with the URL's password removed everywhere."""
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip().splitlines()
    message = text[0] if text else type(exc).__name__
    try:
        password = make_url(url).password
    except ArgumentError:
        password = None
    if password:
        message = message.replace(str(password), "***")
    return hide_password(message)


def _readonly_engine(url: str) -> Engine:
    sa_url = make_url(normalise_url(url))
    if sa_url.get_backend_name() == "sqlite":
        database = sa_url.database or ""
        if not database or database == ":memory:" or database.startswith("file:"):
            raise StoreError(f"scan needs a SQLite file: {hide_password(url)}")
        path = quote(str(Path(database).expanduser().resolve()))
        return sa.create_engine(f"sqlite:///file:{path}?mode=ro&uri=true", poolclass=sa.NullPool)
    return sa.create_engine(
        sa_url,
        poolclass=sa.NullPool,
        connect_args={"options": "-c default_transaction_read_only=on", "connect_timeout": 10},
    )


def _as_text(value: object) -> str | None:
    if value is None or isinstance(value, bytes | bytearray | memoryview):
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _tables(conn: Connection) -> list[tuple[str | None, str]]:
    inspector = sa.inspect(conn)
    default = inspector.default_schema_name
    found: list[tuple[str | None, str]] = []
    for schema in inspector.get_schema_names():
        if schema in _SYSTEM_SCHEMAS or schema.startswith("pg_"):
            continue
        for name in sorted(inspector.get_table_names(schema=schema)):
            found.append((None if schema == default else schema, name))
    return found


class _ColumnScan:
    """The findings of one column; ``row`` is set before each value is scanned."""

    def __init__(self, label: str, matcher: PolicyMatcher, min_score: float) -> None:
        self.found = SourceFindings(label, matcher, Place(column=label))
        self.row = 0
        self.scanner = WindowScanner(self._emit, min_score=min_score)

    def _emit(self, finding: Finding, offset: int) -> None:
        self.found.add(finding, f"{self.found.source} row {self.row}")


def _scan_table(
    conn: Connection,
    schema: str | None,
    name: str,
    report: ScanReport,
    matcher: PolicyMatcher,
    sample: int,
    min_score: float,
) -> None:
    table = sa.Table(name, sa.MetaData(), schema=schema, autoload_with=conn)
    prefix = f"{schema}.{name}" if schema else name
    columns = [c for c in table.columns if isinstance(c.type, _TEXT_TYPES)]
    if not columns:
        return
    scans = [_ColumnScan(f"{prefix}.{c.name}", matcher, min_score) for c in columns]
    result = conn.execution_options(stream_results=True, yield_per=200).execute(
        sa.select(*columns).limit(sample)
    )
    rows = 0
    for rows, row in enumerate(result, 1):
        for scan, value in zip(scans, row, strict=True):
            text = _as_text(value)
            if text:
                scan.row = rows
                scan.scanner.scan(text)
    for scan in scans:
        report.add_source(scan.found)
    report.units_scanned += rows


def scan_database(
    url: str,
    report: ScanReport,
    matcher: PolicyMatcher,
    *,
    sample: int = DEFAULT_SAMPLE,
    min_score: float = DEFAULT_MIN_SCORE,
    progress: Progress | None = None,
) -> None:
    """Scan the tables of the database at ``url`` into ``report`` (read-only)."""
    progress = progress or NoProgress()
    safe_url = hide_password(url)
    if sample < 1:
        raise StoreError("--sample must be at least 1")
    try:
        engine = _readonly_engine(url)
    except ArgumentError:
        raise StoreError(f"not a database URL: {safe_url}") from None
    try:
        with engine.connect() as conn:
            tables = _tables(conn)
            progress.start(len(tables), "tables")
            for schema, name in tables:
                label = f"{schema}.{name}" if schema else name
                try:
                    _scan_table(conn, schema, name, report, matcher, sample, min_score)
                except SQLAlchemyError as exc:
                    conn.rollback()
                    report.skip(label, f"cannot read table: {_safe_message(exc, url)}")
                progress.advance(1, label)
    except (SQLAlchemyError, OSError) as exc:
        raise StoreError(f"cannot read database {safe_url}: {_safe_message(exc, url)}") from None
    finally:
        engine.dispose()
