"""The vault's store: one protocol, a SQLite and a PostgreSQL class.

Every difference between the two dialects that the rest of pivault would otherwise
see lives here: how writers are serialised, how the one-time setup is locked, how
the sequencer is elected, how deleted pages are flushed, how an upsert is spelled.
Errors from the database at run time leave as :class:`StoreError` with no
parameters in the message (no personal value, no subject id).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, Table, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError

from pivault.core.errors import StoreError
from pivault.crypto.master_key import MasterKey
from pivault.store import driver
from pivault.store.driver import DriverConnection
from pivault.store.engine import (
    SEQUENCER_LOCK,
    SETUP_LOCK,
    WRITE_LOCK,
    create_store_engine,
    hide_password,
    migrate,
    read_only,
)
from pivault.store.statements import Statements

__all__ = ["PostgresStore", "SQLiteStore", "Store", "open_store"]


class Store(Protocol):
    """What the vault needs from a database."""

    url: str
    engine: Engine
    statements: Statements
    #: True where a call finishes in microseconds without a network round trip (SQLite), so
    #: the HTTP layer may run it on the event loop rather than hop to a thread.
    calls_are_local: bool

    def migrate(self, master_key: MasterKey) -> None: ...
    def setup(self) -> AbstractContextManager[Connection]: ...
    def write(self, subject: str | None = None) -> AbstractContextManager[Connection]: ...
    def append(self) -> AbstractContextManager[Connection]: ...
    def read(self) -> AbstractContextManager[Connection]: ...
    def transaction(self) -> AbstractContextManager[DriverConnection]: ...
    def elect_sequencer(self, conn: Connection) -> bool: ...
    def upsert(
        self, conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]], keys: Sequence[str]
    ) -> None: ...
    def insert_new(
        self, conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]], keys: Sequence[str]
    ) -> None: ...
    def flush_deleted(self) -> None: ...
    def close(self) -> None: ...


def _store_error(exc: SQLAlchemyError, url: str) -> StoreError:
    orig = getattr(exc, "orig", None) or exc
    first = str(orig).strip().splitlines()
    detail = hide_password(first[0]) if first else "unknown error"
    return StoreError(
        f"the vault store {hide_password(url)} failed: {type(orig).__name__}: {detail}"
    )


class _BaseStore:
    """What both stores share: the engine, a read-only view of it, compiled statements."""

    calls_are_local = False

    def __init__(self, url: str, engine: Engine) -> None:
        self.url = url
        self.engine = engine
        self.reader = read_only(engine)
        self.statements = Statements(engine.dialect)

    def migrate(self, master_key: MasterKey) -> None:
        migrate(self.engine, self.url, master_key)

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except SQLAlchemyError as exc:
            raise _store_error(exc, self.url) from None

    @contextmanager
    def setup(self) -> Iterator[Connection]:
        """A write transaction that no other process's setup runs beside (new keys)."""
        with self._errors(), self.engine.begin() as conn:
            self._lock_setup(conn)
            yield conn

    @contextmanager
    def write(self, subject: str | None = None) -> Iterator[Connection]:
        """A write transaction holding the lock of ``subject`` (or of the whole vault)."""
        with self._errors(), self.engine.begin() as conn:
            if subject is not None:
                self.statements.lock(conn, subject)
            else:
                self._lock_vault(conn)
            yield conn

    @contextmanager
    def append(self) -> Iterator[Connection]:
        """A write transaction that takes no lock of pivault's own (audit entries, tables
        of the HTTP service whose rows no two writers share)."""
        with self._errors(), self.engine.begin() as conn:
            yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only transaction (no write lock), rolled back at the end."""
        with self._errors(), self.reader.connect() as conn:
            try:
                yield conn
            finally:
                conn.rollback()

    @contextmanager
    def transaction(self) -> Iterator[DriverConnection]:
        """The hot path's transaction on the pooled driver connection (collect, read)."""
        with self._errors(), driver.transaction(self.engine) as conn:
            yield conn

    def upsert(
        self, conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]], keys: Sequence[str]
    ) -> None:
        """Insert ``rows``, replacing the other columns of rows whose ``keys`` exist."""
        if not rows:
            return
        statement = self._insert(table)
        others = [c.name for c in table.columns if c.name not in keys]
        statement = statement.on_conflict_do_update(
            index_elements=list(keys), set_={c: statement.excluded[c] for c in others}
        )
        conn.execute(statement, list(rows))

    def insert_new(
        self, conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]], keys: Sequence[str]
    ) -> None:
        """Insert those of ``rows`` whose ``keys`` are not taken (another worker's win)."""
        if rows:
            statement = self._insert(table).on_conflict_do_nothing(index_elements=list(keys))
            conn.execute(statement, list(rows))

    def close(self) -> None:
        self.engine.dispose()

    # ---- what each dialect does its own way ----------------------------------------
    def _lock_setup(self, conn: Connection) -> None:
        raise NotImplementedError

    def _lock_vault(self, conn: Connection) -> None:
        raise NotImplementedError

    def _insert(self, table: Table) -> Any:
        raise NotImplementedError

    def elect_sequencer(self, conn: Connection) -> bool:
        raise NotImplementedError

    def flush_deleted(self) -> None:
        raise NotImplementedError


class SQLiteStore(_BaseStore):
    """A SQLite file in WAL mode. Every write transaction takes the writer lock (a
    ``flock`` on ``FILE-writer``, then BEGIN IMMEDIATE), so writers of any number of
    processes run one at a time; readers never wait."""

    calls_are_local = True

    def _lock_setup(self, conn: Connection) -> None:
        pass  # the writer lock, taken by every write transaction, is enough

    def _lock_vault(self, conn: Connection) -> None:
        pass

    def _insert(self, table: Table) -> Any:
        return sqlite_insert(table)

    def elect_sequencer(self, conn: Connection) -> bool:
        return True  # this write transaction holds the writer lock: nobody else integrates

    def flush_deleted(self) -> None:
        """Move freed (zeroed, ``secure_delete``) pages out of the WAL into the file."""
        with self._errors():
            raw = self.engine.raw_connection()
            try:  # outside any transaction: the driver connection is in autocommit mode
                raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # type: ignore[union-attr]
            finally:
                raw.close()


class PostgresStore(_BaseStore):
    """PostgreSQL through psycopg 3. Writers of one person hold that person's advisory
    lock (and the vault's shared); vault-wide writers hold the vault's lock exclusive."""

    def _lock_setup(self, conn: Connection) -> None:
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": SETUP_LOCK})

    def _lock_vault(self, conn: Connection) -> None:
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": WRITE_LOCK})

    def _insert(self, table: Table) -> Any:
        return pg_insert(table)

    def elect_sequencer(self, conn: Connection) -> bool:
        """An advisory lock *tried*: a second server process skips its turn, never queues."""
        return bool(
            conn.execute(
                text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": SEQUENCER_LOCK}
            ).scalar()
        )

    def flush_deleted(self) -> None:
        pass  # deleted tuples leave with VACUUM; nothing is kept in a side file


def open_store(url: str) -> Store:
    """The store for ``url`` (``sqlite:///FILE`` or ``postgresql://…``); nothing migrated yet."""
    engine = create_store_engine(url)
    if engine.dialect.name == "postgresql":
        return PostgresStore(url, engine)
    return SQLiteStore(url, engine)
