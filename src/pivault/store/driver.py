"""Run hot-path statements and transactions on the DB-API connection.

SQLAlchemy builds and compiles each statement once (tables, dialect, parameter
style). Running it through ``Connection.execute`` then still costs ~50 µs of
per-call bookkeeping, and ``Engine.begin()`` another ~25 µs per transaction — more
than SQLite's own work for a one-row insert. So collect and read, the calls an app
makes on every request, run their transaction (:func:`transaction`) and statements
(:func:`run`) straight on the driver connection, checked out from SQLAlchemy's pool
with the engine's connection set-up and the same write-lock protocol as
``Engine.begin()``. On PostgreSQL, statements that do not need each other's
answers go out in one psycopg pipeline: one round trip instead of one each.
Driver errors come back as SQLAlchemy's own exception types, without parameters.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError, StatementError
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

from pivault.store.engine import take_writer_lock

Params = Mapping[str, Any]
#: A DB-API connection (sqlite3 or psycopg) inside a :func:`transaction`.
DriverConnection = Any


@dataclass(frozen=True)
class DriverStatement:
    """One statement as the driver wants it: SQL text with named parameters."""

    sql: str
    #: Values the statement itself carries (a LIMIT, a literal).
    fixed: Mapping[str, Any]

    def bind(self, params: Params) -> Params:
        return {**self.fixed, **params} if self.fixed else params


def driver_dialect(dialect: Dialect) -> Dialect:
    """``dialect`` with named parameters (SQLite's default is positional ``?``)."""
    if dialect.paramstyle in ("named", "pyformat"):
        return dialect
    named: Dialect = type(dialect)(paramstyle="named", dbapi=dialect.dbapi)  # type: ignore[call-arg]
    return named


def compile_statement(
    statement: ClauseElement, dialect: Dialect, columns: Sequence[str] | None = None
) -> DriverStatement:
    """Compile once for a :func:`driver_dialect`; ``columns``: the columns an INSERT sets."""
    kw: dict[str, Any] = {"column_keys": list(columns)} if columns is not None else {}
    compiled = statement.compile(dialect=dialect, **kw)
    assert isinstance(compiled, SQLCompiler) and not compiled.positional
    if "POSTCOMPILE" in compiled.string:
        raise ValueError("expanding parameters cannot run on the driver; bind each value")
    binds = compiled.bind_names.items()
    fixed = {name: bp.effective_value for bp, name in binds if not bp.required}
    return DriverStatement(compiled.string, fixed)


@dataclass(frozen=True)
class Step:
    """One statement of a batch: a single parameter set, or many (executemany)."""

    statement: DriverStatement
    params: Any  # Params, or a sequence of Params when ``many``
    many: bool = False


@dataclass(frozen=True)
class Outcome:
    rows: list[tuple[Any, ...]] | None
    rowcount: int


def raw_connection(conn: Connection | DriverConnection) -> DriverConnection:
    """The DB-API connection under a SQLAlchemy ``Connection`` (or ``conn`` itself)."""
    return conn.connection.driver_connection if isinstance(conn, Connection) else conn


def run(
    conn: Connection | DriverConnection,
    dialect: Dialect,
    steps: Sequence[Step],
    *,
    commit: bool = False,
) -> list[Outcome]:
    """Execute ``steps`` in order in ``conn``'s transaction; one round trip on PostgreSQL.

    Later steps must not depend on earlier steps' results (they are sent together);
    they do see earlier steps' effects, as the server runs them in order. ``commit``
    ends the transaction after them, in the same round trip; nothing is committed if
    a step fails.
    """
    raw = raw_connection(conn)
    try:
        if dialect.name != "postgresql":
            cur = raw.cursor()
            outcomes = [_outcome(_execute(cur, step)) for step in steps]
            if commit:
                raw.commit()
            return outcomes
        with raw.pipeline():
            cursors = [_execute(raw.cursor(), step) for step in steps]
            if commit:
                raw.commit()
        return [_outcome(cur) for cur in cursors]
    except dialect.loaded_dbapi.Error as exc:
        raise _wrap(dialect, steps, exc) from exc


@contextmanager
def transaction(engine: Engine) -> Iterator[DriverConnection]:
    """A write transaction on a pooled driver connection; commits, or rolls back on error.

    SQLite: the writer lock, then BEGIN IMMEDIATE, as ``Engine.begin()`` does for pivault's
    engines. PostgreSQL: psycopg begins implicitly with the first statement.
    """
    dialect = engine.dialect
    with _wrapped_errors(dialect, ()):
        fairy = engine.raw_connection()
    try:
        raw = fairy.driver_connection
        assert raw is not None
        with _wrapped_errors(dialect, ()):
            if dialect.name == "sqlite":
                take_writer_lock(fairy.info)
                raw.execute("BEGIN IMMEDIATE")
        yield raw
        with _wrapped_errors(dialect, ()):
            fairy.commit()
    except BaseException:
        try:
            fairy.rollback()
        except Exception:  # a dead connection must not go back to the pool
            fairy.invalidate()
        raise
    finally:
        fairy.close()  # back to the pool, which releases the writer lock


@contextmanager
def _wrapped_errors(dialect: Dialect, steps: Sequence[Step]) -> Iterator[None]:
    try:
        yield
    except dialect.loaded_dbapi.Error as exc:
        raise _wrap(dialect, steps, exc) from exc


def _wrap(dialect: Dialect, steps: Sequence[Step], exc: Exception) -> StatementError:
    sql = "; ".join(step.statement.sql for step in steps) or "(transaction control)"
    return DBAPIError.instance(
        sql, None, exc, dialect.loaded_dbapi.Error, hide_parameters=True, dialect=dialect
    )


def _outcome(cur: Any) -> Outcome:
    return Outcome(cur.fetchall() if cur.description is not None else None, cur.rowcount)


def _execute(cur: Any, step: Step) -> Any:
    bind = step.statement.bind
    if step.many:
        cur.executemany(step.statement.sql, [bind(p) for p in step.params])
    else:
        cur.execute(step.statement.sql, bind(step.params))
    return cur
