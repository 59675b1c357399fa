"""The HTTP benchmark's yardstick: a bare FastAPI app running a read's statements.

``POST /v1/subjects/{subject}/read`` (same path and body as pivault's) selects the
person's ciphertext rows from the vault's own ``pi_values`` table, inserts one audit row
(``leaf``, ``subject_tag`` bytes) into a table shaped like ``audit_log``, and commits:
SQLAlchemy Core on a pooled engine (:data:`POOL_SIZE`), in a plain ``def`` endpoint
(FastAPI's thread pool), as an application would write it. No authentication, policy,
decryption or Merkle log.

Served like ``pivault serve --workers N``: uvicorn with pivault's ``TcpConfig`` (the
multi-worker listener with TCP_NODELAY), no access log, no server header::

    BENCH_BARE_URL=postgresql+psycopg://… python -m bench.http_bare --port 8001 --workers 2
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
from typing import Any

import sqlalchemy as sa
from fastapi import FastAPI
from pydantic import BaseModel

from pivault.store.schema import pi_values

ENV_URL = "BENCH_BARE_URL"
#: Connections each worker keeps pooled (the benchmark opens at most 16 in all).
POOL_SIZE = 16
APP_FACTORY = "bench.http_bare:create_app_from_env"

_metadata = sa.MetaData()
#: The shape of pivault's ``audit_log`` (id, idx, subject_tag, leaf; the same indexes), under
#: its own name so pivault's sequencer never sees these rows.
bare_audit = sa.Table(
    "bench_bare_audit",
    _metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
    sa.Column("idx", sa.BigInteger, nullable=True, unique=True),
    sa.Column("subject_tag", sa.LargeBinary, nullable=True),
    sa.Column("leaf", sa.LargeBinary, nullable=False),
    sa.Index("ix_bench_bare_audit_subject_tag", "subject_tag"),
    sa.Index(
        "ix_bench_bare_audit_pending",
        "id",
        sqlite_where=sa.text("idx IS NULL"),
        postgresql_where=sa.text("idx IS NULL"),
    ),
)


def create_tables(url: str) -> None:
    engine = sa.create_engine(url)
    try:
        _metadata.create_all(engine)
    finally:
        engine.dispose()


class ReadBody(BaseModel):
    categories: list[str]
    purpose: str


def create_app(url: str) -> FastAPI:
    # One pooled connection per load connection a worker may be given: with SQLAlchemy's
    # default (5, and 10 overflow connections closed again on return) the bare app would open
    # a new PostgreSQL connection for every few requests, which costs more than the reads.
    engine = sa.create_engine(url, pool_size=POOL_SIZE, max_overflow=POOL_SIZE)
    rows = sa.select(pi_values.c.category, pi_values.c.record_id, pi_values.c.ciphertext).where(
        pi_values.c.subject == sa.bindparam("subject"),
        pi_values.c.category.in_(sa.bindparam("categories", expanding=True)),
    )
    insert = bare_audit.insert()
    app = FastAPI(title="bare")

    @app.post("/v1/subjects/{subject}/read")
    def read(subject: str, body: ReadBody) -> dict[str, Any]:
        tag = hashlib.sha256(subject.encode()).digest()
        with engine.begin() as conn:
            found = conn.execute(rows, {"subject": subject, "categories": body.categories}).all()
            # A leaf of about the size of pivault's (time, actor, action, tag, detail).
            leaf = json.dumps(
                {
                    "at": "2026-01-01T00:00:00.000000Z",
                    "actor": "app",
                    "action": "read",
                    "subject": tag.hex(),
                    "detail": {"purpose": body.purpose, "allowed": sorted(r[0] for r in found)},
                },
                separators=(",", ":"),
            ).encode()
            conn.execute(insert, {"leaf": leaf, "subject_tag": tag})
        return {
            "subject": subject,
            "purpose": body.purpose,
            "values": {r[0]: base64.b64encode(r[2]).decode() for r in found},
        }

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        return {"status": "ok"}

    return app


def create_app_from_env() -> FastAPI:
    return create_app(os.environ[ENV_URL])


def main() -> None:
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from pivault.cli.uvicorn_config import TcpConfig

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    config = TcpConfig(
        APP_FACTORY,
        factory=True,
        host="127.0.0.1",
        port=args.port,
        workers=args.workers,
        access_log=False,
        log_level="warning",
        server_header=False,
    )
    if args.workers > 1:
        Multiprocess(config, sockets=[config.bind_socket()]).run()
    else:
        uvicorn.Server(config).run()


if __name__ == "__main__":
    main()
