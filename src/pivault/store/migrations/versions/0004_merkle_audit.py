"""The Merkle audit log replaces the HMAC chain; a client's purposes live only with its actor.

The old chain is verified once, with the audit key, and each of its entries becomes a
leaf, in order, with the subject id replaced by its commitment (under the person's
data key; erased people get a throwaway key, so their entries link to nobody). A last
leaf records how many entries came over and whether the chain was intact. The
sequencer integrates them into the tree like any other pending entry.

Needs the master key (the vault passes it); opening the vault with pivault upgrades it.

Revision ID: 0004
Revises: 0003
"""

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import context, op

from pivault.core.audit_entry import AuditAction, leaf_bytes
from pivault.crypto.envelope import audit_subject_key, subject_commitment
from pivault.crypto.primitives import new_key
from pivault.store import legacy_chain

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TIME = sa.String(32)


def upgrade() -> None:
    bind = op.get_bind()
    legacy = sa.table(
        "audit_chain_legacy",
        *(sa.column(c) for c in ("seq", "at", "actor", "action", "subject", "detail", "digest")),
    )
    op.drop_index("ix_audit_log_subject", table_name="audit_log")
    op.rename_table("audit_log", "audit_chain_legacy")
    if bind.dialect.name == "postgresql":  # the new table's primary key takes this name
        op.execute("ALTER TABLE audit_chain_legacy RENAME CONSTRAINT audit_log_pkey TO legacy_pkey")
    audit_log = op.create_table(
        "audit_log",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer, "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column("idx", sa.BigInteger, nullable=True, unique=True),
        sa.Column("subject_tag", sa.LargeBinary, nullable=True),
        sa.Column("leaf", sa.LargeBinary, nullable=False),
    )
    op.create_index("ix_audit_log_subject_tag", "audit_log", ["subject_tag"])
    op.create_index(
        "ix_audit_log_pending",
        "audit_log",
        ["id"],
        sqlite_where=sa.text("idx IS NULL"),
        postgresql_where=sa.text("idx IS NULL"),
    )
    op.create_table(
        "audit_tiles",
        sa.Column("level", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("idx", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("hashes", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "audit_tree",
        sa.Column("name", sa.String(16), primary_key=True),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("root", sa.LargeBinary, nullable=False),
        sa.Column("integrated_at", TIME, nullable=False),
    )
    op.create_table(
        "audit_checkpoints",
        sa.Column("size", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("published_at", TIME, nullable=False),
    )
    rows = bind.execute(sa.select(legacy).order_by(legacy.c.seq)).all()
    if rows:
        _import_chain(bind, rows, audit_log)
    op.drop_table("audit_chain_legacy")
    with op.batch_alter_table("api_clients") as batch:
        batch.drop_column("purposes")


def _import_chain(bind: sa.Connection, rows: Sequence[sa.Row[Any]], audit_log: sa.Table) -> None:
    master = context.config.attributes.get("master_key")
    if master is None:
        raise RuntimeError(
            "migration 0004 turns the audit chain into the Merkle log and needs the master "
            "key: open the vault with pivault (for example `pivault audit verify`)"
        )
    keys: dict[str, bytes] = dict(
        bind.execute(sa.text("SELECT name, wrapped FROM vault_keys")).all()
    )
    audit_key = master.unwrap(bytes(keys["audit"]), "vault", "audit")
    problems = legacy_chain.verify(rows, audit_key)
    people: dict[str, bytes] = dict(
        bind.execute(
            sa.text("SELECT subject, wrapped_key FROM subjects WHERE wrapped_key IS NOT NULL")
        ).all()
    )
    tags: dict[str, bytes] = {}
    throwaway = new_key()  # for people no longer held: forgotten when this migration ends

    def tag(subject: str) -> bytes:
        if subject not in tags:
            wrapped = people.get(subject)
            key = (
                audit_subject_key(master.unwrap(bytes(wrapped), "subject", subject))
                if wrapped is not None
                else throwaway
            )
            tags[subject] = subject_commitment(key, subject)
        return tags[subject]

    out = []
    for row in rows:
        commitment = tag(row.subject) if row.subject is not None else None
        leaf = leaf_bytes(
            at=row.at,
            actor=row.actor,
            action=row.action,
            subject=commitment,
            detail=json.loads(row.detail),
        )
        out.append({"leaf": leaf, "subject_tag": commitment})
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    summary = {"entries": len(rows), "chain_intact": not problems, "problems": problems[:20]}
    out.append(
        {
            "leaf": leaf_bytes(
                at=now,
                actor="admin",
                action=AuditAction.LEGACY_IMPORT,
                subject=None,
                detail=summary,
            ),
            "subject_tag": None,
        }
    )
    bind.execute(audit_log.insert(), out)


def downgrade() -> None:
    raise RuntimeError(
        "the Merkle audit log cannot be turned back into the HMAC chain: its leaves no "
        "longer name subjects; restore a backup taken before the upgrade instead"
    )
