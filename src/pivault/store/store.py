"""The vault's store: one protocol, a SQLite and a PostgreSQL class.

Every difference between the two dialects that the rest of pivault would otherwise
see lives here: how writers are serialised, how the one-time setup is locked, how
the sequencer is elected, how deleted pages are flushed, how an upsert is spelled.
Errors from the database at run time leave as :class:`StoreError` with no
parameters in the message (no personal value, no subject id).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, Table, delete, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError

from pivault.core.errors import StoreError
from pivault.crypto.master_key import MasterKey
from pivault.store import driver
from pivault.store.driver import DriverConnection
from pivault.store.engine import (
    PARTITION_LOCK,
    PERSON_LOCK,
    SEQUENCER_LOCK,
    SETUP_LOCK,
    WRITE_LOCK,
    create_store_engine,
    hide_password,
    migrate,
    read_only,
)
from pivault.store.schema import pi_events
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
    def write_people(self, subjects: Sequence[str]) -> AbstractContextManager[Connection]: ...
    def read(self) -> AbstractContextManager[Connection]: ...
    def transaction(self) -> AbstractContextManager[DriverConnection]: ...
    def elect_sequencer(self, conn: Connection) -> bool: ...
    def upsert(
        self, conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]], keys: Sequence[str]
    ) -> None: ...
    def insert_new(
        self, conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]], keys: Sequence[str]
    ) -> None: ...
    def prepare_event_months(self, conn: Connection, months: set[str]) -> None: ...
    def ensure_event_months(self, months: set[str]) -> None: ...
    def purge_events(self, conn: Connection, cutoffs: Mapping[str, str]) -> dict[str, int]: ...
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
    def write_people(self, subjects: Sequence[str]) -> Iterator[Connection]:
        """A write transaction holding the locks of all ``subjects`` (taken in order)."""
        with self._errors(), self.engine.begin() as conn:
            self._lock_people(conn, sorted(set(subjects)))
            yield conn

    def _lock_people(self, conn: Connection, subjects: Sequence[str]) -> None:
        pass  # SQLite: the writer lock of every write transaction is enough

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

    def prepare_event_months(self, conn: Connection, months: set[str]) -> None:
        """Make room for events of ``months`` (``YYYY-MM``) before they are inserted."""

    def ensure_event_months(self, months: set[str]) -> None:
        """:meth:`prepare_event_months` in a transaction of its own, when any is missing
        (for the hot path, which runs on the driver connection)."""

    def purge_events(self, conn: Connection, cutoffs: Mapping[str, str]) -> dict[str, int]:
        """Delete events older than each category's cutoff (UTC text); counts per category."""
        purged: dict[str, int] = {}
        for category, cutoff in sorted(cutoffs.items()):
            n = conn.execute(
                delete(pi_events).where(pi_events.c.category == category, pi_events.c.at < cutoff)
            ).rowcount
            if n:
                purged[category] = purged.get(category, 0) + int(n)
        return purged

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
    lock (and the vault's shared); vault-wide writers hold the vault's lock exclusive.
    Events live in monthly partitions, so retention drops whole months."""

    def __init__(self, url: str, engine: Engine) -> None:
        super().__init__(url, engine)
        self._months: set[str] = set()

    def _lock_setup(self, conn: Connection) -> None:
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": SETUP_LOCK})

    def _lock_vault(self, conn: Connection) -> None:
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": WRITE_LOCK})

    def _lock_people(self, conn: Connection, subjects: Sequence[str]) -> None:
        if not subjects:
            return
        conn.execute(text("SELECT pg_advisory_xact_lock_shared(:k)"), {"k": WRITE_LOCK})
        conn.execute(
            text(
                "SELECT count(pg_advisory_xact_lock(:k, hashtext(s))) FROM "
                "(SELECT unnest(CAST(:subjects AS text[])) AS s ORDER BY 1) AS people"
            ),
            {"k": PERSON_LOCK, "subjects": list(subjects)},
        )

    def _insert(self, table: Table) -> Any:
        return pg_insert(table)

    def prepare_event_months(self, conn: Connection, months: set[str]) -> None:
        """Create each month's partition of ``pi_events`` the first time it is needed
        (one process at a time; the names are remembered, so this is one set lookup)."""
        missing = months - self._months
        if not missing:
            return
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PARTITION_LOCK})
        for month in sorted(missing):
            start, end = month, _next_month(month)
            conn.execute(
                text(
                    f"CREATE TABLE IF NOT EXISTS {_partition(month)} PARTITION OF pi_events "
                    f"FOR VALUES FROM ('{start}') TO ('{end}')"
                )
            )
        self._months |= missing

    def ensure_event_months(self, months: set[str]) -> None:
        if months - self._months:
            with self.append() as conn:
                self.prepare_event_months(conn, months)

    def purge_events(self, conn: Connection, cutoffs: Mapping[str, str]) -> dict[str, int]:
        """Drop whole months whose every event is past its category's cutoff, then delete
        what remains past its cutoff in the newer months."""
        purged: dict[str, int] = {}
        rows = conn.execute(
            text(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                "WHERE i.inhparent = 'pi_events'::regclass ORDER BY c.relname"
            )
        ).scalars()
        for name in list(rows):
            month = _month_of(name)
            if month is None:
                continue
            end = _next_month(month)
            counts: dict[str, int] = dict(
                conn.execute(text(f"SELECT category, count(*) FROM {name} GROUP BY category")).all()
            )
            if all(c in cutoffs and end <= cutoffs[c] for c in counts):
                conn.execute(text(f"DROP TABLE {name}"))
                self._months.discard(month)
                for category, n in counts.items():
                    purged[category] = purged.get(category, 0) + int(n)
        for category, n in super().purge_events(conn, cutoffs).items():
            purged[category] = purged.get(category, 0) + n
        return purged

    def elect_sequencer(self, conn: Connection) -> bool:
        """An advisory lock *tried*: a second server process skips its turn, never queues."""
        return bool(
            conn.execute(
                text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": SEQUENCER_LOCK}
            ).scalar()
        )

    def flush_deleted(self) -> None:
        pass  # deleted tuples leave with VACUUM; nothing is kept in a side file


_PARTITION = re.compile(r"^pi_events_m(\d{4})(\d{2})$")


def _partition(month: str) -> str:
    if not re.fullmatch(r"\d{4}-\d{2}", month):
        raise StoreError(f"not a month: {month!r}")
    return f"pi_events_m{month.replace('-', '')}"


def _month_of(name: str) -> str | None:
    m = _PARTITION.match(name)
    return f"{m.group(1)}-{m.group(2)}" if m else None


def _next_month(month: str) -> str:
    year, mon = int(month[:4]), int(month[5:7])
    return f"{year + mon // 12:04d}-{mon % 12 + 1:02d}"


def open_store(url: str) -> Store:
    """The store for ``url`` (``sqlite:///FILE`` or ``postgresql://…``); nothing migrated yet."""
    engine = create_store_engine(url)
    if engine.dialect.name == "postgresql":
        return PostgresStore(url, engine)
    return SQLiteStore(url, engine)
