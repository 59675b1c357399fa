"""The vault's tables (SQLAlchemy Core). Alembic migrations create them; a test
checks that the migrated database and this metadata agree.

No column holds a personal value in the clear: values are sealed per person,
lookups go through keyed blind indexes, times are UTC ISO-8601 text (sortable,
portable between SQLite and PostgreSQL).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

TIME = String(32)

vault_meta = Table(
    "vault_meta",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

#: Vault-wide keys (blind index, audit, pseudonym), each wrapped by the master key.
vault_keys = Table(
    "vault_keys",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("wrapped", LargeBinary, nullable=False),
)

#: One row per person. ``wrapped_key`` NULL and ``erased_at`` set: a tombstone.
subjects = Table(
    "subjects",
    metadata,
    Column("subject", String(128), primary_key=True),
    Column("wrapped_key", LargeBinary, nullable=True),
    Column("consents", Text, nullable=False),
    Column("created_at", TIME, nullable=False),
    Column("erased_at", TIME, nullable=True),
)

pi_values = Table(
    "pi_values",
    metadata,
    Column(
        "subject",
        String(128),
        ForeignKey("subjects.subject", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("category", String(128), primary_key=True),
    Column("record_id", String(32), nullable=False),
    Column("ciphertext", LargeBinary, nullable=False),
    Column("blind_index", LargeBinary, nullable=True),
    Column("feature", String(64), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("collected_at", TIME, nullable=False),
    Column("policy_version", String(32), nullable=False),
    Index("ix_pi_values_lookup", "category", "blind_index"),
    Index("ix_pi_values_retention", "category", "collected_at"),
)

#: The consent ledger: every grant and withdrawal, never rewritten.
consent_events = Table(
    "consent_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("subject", String(128), nullable=False, index=True),
    Column("item", String(128), nullable=False),
    Column("granted", Boolean, nullable=False),
    Column("at", TIME, nullable=False),
    Column("policy_version", String(32), nullable=False),
    Column("channel", String(32), nullable=False),
    Column("evidence", Text, nullable=False),
)

actors = Table(
    "actors",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("purposes", Text, nullable=False),
    Column("created_at", TIME, nullable=False),
)

#: Append-only, hash-chained audit log. Entries never hold a personal value.
audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("at", TIME, nullable=False),
    Column("actor", String(64), nullable=False),
    Column("action", String(32), nullable=False),
    Column("subject", String(128), nullable=True, index=True),
    Column("detail", Text, nullable=False),
    Column("digest", LargeBinary, nullable=False),
)
