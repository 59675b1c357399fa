"""Open a store: an SQLAlchemy engine set up for the vault, migrated to the latest schema."""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import SQLAlchemyError

from pivault.core.errors import StoreError
from pivault.crypto.master_key import MasterKey

try:
    import fcntl
except ImportError:  # Windows: no flock; SQLite's own busy handler orders the writers
    fcntl = None  # type: ignore[assignment]

#: The newest migration; a test checks it is Alembic's head.
HEAD_REVISION = "0005"
SETUP_LOCK = 7_460_001  # PostgreSQL advisory lock id serialising migrations and key setup
#: PostgreSQL advisory lock ids. Writers that touch one person hold WRITE_LOCK shared and
#: (PERSON_LOCK, hashtext(subject)) exclusive; vault-wide writers (key rotation, retention)
#: hold WRITE_LOCK exclusive. Audit entries need no lock: the sequencer orders them.
WRITE_LOCK = 7_460_002
PERSON_LOCK = 7_460_003
SEQUENCER_LOCK = 7_460_004  # tried, not waited for: one sequencer at a time
PARTITION_LOCK = 7_460_005  # creating a month's partition of pi_events
#: Execution option of :func:`read_only` engines.
_READ_ONLY = "pivault_read_only"


def hide_password(url: str) -> str:
    """The URL with any password replaced by ***, for messages."""
    return re.sub(r"(//[^:/@]+:)[^@]*@", r"\1***@", url)


def normalise_url(url: str) -> str:
    """Accept the usual spellings; PostgreSQL goes through psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    if not (url.startswith("sqlite") or url.startswith("postgresql+psycopg://")):
        raise StoreError(
            f"unsupported store URL {hide_password(url)!r}; use sqlite:///FILE "
            "or postgresql://USER@HOST:PORT/DB"
        )
    return url


def create_store_engine(url: str) -> Engine:
    """An engine for ``url``. SQLite gets WAL, a busy timeout and locked, immediate writes.

    Every transaction writes unless it comes from :func:`read_only`. On SQLite a writing
    transaction first takes an exclusive ``flock`` on ``FILE-writer`` and then BEGIN
    IMMEDIATE: writers from several processes (``pivault serve --workers N``) queue in
    the kernel and each is woken the moment the previous one commits, instead of
    polling in SQLite's busy handler, which sleeps in millisecond steps.
    """
    url = normalise_url(url)
    kwargs: dict[str, Any] = {}
    path = ""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:":
            parent = Path(path).expanduser().parent
            if not parent.is_dir():
                raise StoreError(f"cannot open {url}: folder {parent} does not exist")
    else:
        kwargs["pool_pre_ping"] = True
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        in_memory = not path or path == ":memory:" or "mode=memory" in url
        lock_file = None if in_memory or fcntl is None else str(Path(path).expanduser()) + "-writer"
        _sqlite_setup(engine, lock_file)
    return engine


def read_only(engine: Engine) -> Engine:
    """``engine`` for transactions that only read (SQLite: a plain BEGIN, no write lock).

    Readers then run beside writers and each other, in any number of processes (WAL).
    """
    return engine.execution_options(**{_READ_ONLY: True})


#: Which thread of this process holds each SQLite writer lock (lock file -> thread id),
#: so that a write opened inside another write fails at once instead of waiting forever.
_WRITERS: dict[str, int] = {}
_WRITERS_GUARD = threading.Lock()


def take_writer_lock(info: dict[Any, Any]) -> None:
    """Before a SQLite write transaction: wait for the pooled connection's turn to write.

    ``info`` is the pool record's dict; the lock is released when the connection is
    checked back in to the pool (after COMMIT or ROLLBACK). Raises :class:`StoreError`
    when this thread already holds it through another connection.
    """
    fd = info.get("writer_fd")
    if fd is None or info.get("writer_locked"):
        return
    path, me = info["writer_path"], threading.get_ident()
    with _WRITERS_GUARD:
        if _WRITERS.get(path) == me:
            raise StoreError(
                "a write transaction was opened inside another one on the same store; "
                "finish the first before starting the next"
            )
    fcntl.flock(fd, fcntl.LOCK_EX)  # blocks until the current writer is done
    with _WRITERS_GUARD:
        _WRITERS[path] = me
    info["writer_locked"] = True


def _release_writer_lock(info: dict[Any, Any]) -> None:
    if info.pop("writer_locked", False):
        with _WRITERS_GUARD:
            _WRITERS.pop(info["writer_path"], None)
        fcntl.flock(info["writer_fd"], fcntl.LOCK_UN)


def _sqlite_setup(engine: Engine, writer_lock: str | None) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, record: Any) -> None:
        # Let us issue BEGIN ourselves, so writes take the lock up front.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        # Deleted rows (an erased person's wrapped key) are zeroed, not left in free pages.
        cur.execute("PRAGMA secure_delete=ON")
        cur.close()
        if writer_lock is not None:
            record.info["writer_fd"] = os.open(writer_lock, os.O_RDWR | os.O_CREAT, 0o600)
            record.info["writer_path"] = writer_lock

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if conn.get_execution_options().get(_READ_ONLY):
            conn.exec_driver_sql("BEGIN")
            return
        take_writer_lock(conn.connection.info)
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    # Released when the connection goes back to the pool: after COMMIT or ROLLBACK.
    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_conn: Any, record: Any) -> None:
        _release_writer_lock(record.info)

    @event.listens_for(engine, "close")
    def _on_close(_dbapi_conn: Any, record: Any) -> None:
        _release_writer_lock(record.info)
        fd = record.info.pop("writer_fd", None)
        if fd is not None:
            os.close(fd)  # also releases a lock still held


def migrate(engine: Engine, url_for_messages: str, master_key: MasterKey | None = None) -> None:
    """Bring the schema to :data:`HEAD_REVISION` (Alembic), safely from several processes.

    ``master_key``: for migrations that re-key what they move (0004 verifies the old audit
    chain and commits subjects under their data keys)."""
    try:
        if _current_revision(engine) == HEAD_REVISION:
            return
        # Alembic is imported only when a migration is due: it costs ~0.5 s at start-up.
        from alembic import command
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
        with engine.begin() as conn:
            if engine.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": SETUP_LOCK})
            cfg.attributes["connection"] = conn
            cfg.attributes["master_key"] = master_key
            command.upgrade(cfg, "head")
    except SQLAlchemyError as exc:
        raise StoreError(
            f"cannot open the vault store {hide_password(url_for_messages)}: "
            f"{type(getattr(exc, 'orig', None) or exc).__name__}: {_first_line(exc)}"
        ) from None


def _current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        try:
            row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
        except SQLAlchemyError:
            conn.rollback()
            return None
        conn.rollback()
        return str(row[0]) if row else None


def _first_line(exc: SQLAlchemyError) -> str:
    orig = getattr(exc, "orig", None)
    message = str(orig if orig is not None else exc).strip().splitlines()
    return hide_password(message[0]) if message else "unknown error"
