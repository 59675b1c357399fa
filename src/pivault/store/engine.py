"""Open a store: an SQLAlchemy engine set up for the vault, migrated to the latest schema."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import SQLAlchemyError

from pivault.core.errors import StoreError

#: The newest migration; a test checks it is Alembic's head.
HEAD_REVISION = "0003"
SETUP_LOCK = 7_460_001  # PostgreSQL advisory lock id serialising migrations and key setup
AUDIT_LOCK = 7_460_002  # PostgreSQL advisory lock id serialising audit appends


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
    """An engine for ``url``. SQLite gets WAL, a busy timeout and BEGIN IMMEDIATE writes."""
    url = normalise_url(url)
    kwargs: dict[str, Any] = {}
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

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
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

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def migrate(engine: Engine, url_for_messages: str) -> None:
    """Bring the schema to :data:`HEAD_REVISION` (Alembic), safely from several processes."""
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
