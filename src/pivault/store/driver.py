"""Run hot-path statements on the DB-API connection, inside SQLAlchemy's transaction.

SQLAlchemy builds and compiles each statement once (tables, dialect, parameter
style). Running it through ``Connection.execute`` then still costs ~50 µs of
per-call bookkeeping — more than SQLite's own work for a one-row insert — so the
vault's per-request statements go straight to the driver. On PostgreSQL,
statements that do not need each other's answers are sent in one psycopg
pipeline: one round trip instead of one each. Everything else stays SQLAlchemy's:
the engine, pooling, BEGIN / COMMIT / ROLLBACK, migrations and every other query.
Driver errors come back as SQLAlchemy's own exception types, without parameters.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

Params = Mapping[str, Any]


@dataclass(frozen=True)
class DriverStatement:
    """One statement as the driver wants it: SQL text and its parameter order."""

    sql: str
    #: Parameter names in order for positional styles (SQLite's ``?``); None when named.
    order: tuple[str, ...] | None
    #: Values the statement itself carries (a LIMIT, a literal).
    fixed: Mapping[str, Any]

    def bind(self, params: Params) -> Sequence[Any] | Params:
        if self.fixed:
            params = {**self.fixed, **params}
        if self.order is None:
            return params
        return tuple(params[name] for name in self.order)


def compile_statement(
    statement: ClauseElement, dialect: Dialect, columns: Sequence[str] | None = None
) -> DriverStatement:
    """Compile once for ``dialect``; ``columns`` names the columns an INSERT sets."""
    kw: dict[str, Any] = {"column_keys": list(columns)} if columns is not None else {}
    compiled = statement.compile(dialect=dialect, **kw)
    assert isinstance(compiled, SQLCompiler)
    if "POSTCOMPILE" in compiled.string:
        raise ValueError("expanding parameters cannot run on the driver; bind each value")
    order = tuple(compiled.positiontup or ()) if compiled.positional else None
    binds = compiled.bind_names.items()
    fixed = {name: bp.effective_value for bp, name in binds if not bp.required}
    return DriverStatement(compiled.string, order, fixed)


@dataclass(frozen=True)
class Step:
    """One statement of a batch: a single parameter set, or many (executemany)."""

    statement: DriverStatement
    params: Params | Sequence[Params]
    many: bool = False


@dataclass(frozen=True)
class Outcome:
    rows: list[tuple[Any, ...]] | None
    rowcount: int


def run(conn: Connection, steps: Sequence[Step]) -> list[Outcome]:
    """Execute ``steps`` in order in ``conn``'s transaction; one round trip on PostgreSQL.

    Later steps must not depend on earlier steps' results (they are sent together);
    they do see earlier steps' effects, as the server runs them in order.
    """
    dialect = conn.dialect
    raw = conn.connection.driver_connection
    assert raw is not None
    try:
        if dialect.name != "postgresql":
            cur = raw.cursor()
            return [_outcome(_execute(cur, step)) for step in steps]
        with raw.pipeline():
            cursors = [_execute(raw.cursor(), step) for step in steps]
        return [_outcome(cur) for cur in cursors]
    except dialect.loaded_dbapi.Error as exc:
        sql = "; ".join(step.statement.sql for step in steps)
        raise DBAPIError.instance(
            sql, None, exc, dialect.loaded_dbapi.Error, hide_parameters=True, dialect=dialect
        ) from exc


def _outcome(cur: Any) -> Outcome:
    return Outcome(cur.fetchall() if cur.description is not None else None, cur.rowcount)


def _execute(cur: Any, step: Step) -> Any:
    if step.many:
        assert isinstance(step.params, Sequence)
        cur.executemany(step.statement.sql, [step.statement.bind(p) for p in step.params])
    else:
        assert isinstance(step.params, Mapping)
        cur.execute(step.statement.sql, step.statement.bind(step.params))
    return cur
