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
    text,
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

#: Records over time (categories of ``kind: stream``): one row per event, sealed under the
#: person's data key (the AAD binds subject, category, record id and time). Laid out by
#: time: PostgreSQL partitions the table by month of ``at`` (migration 0005), so retention
#: drops whole months; SQLite keeps an index on (category, at). ``event_id`` is the
#: sender's idempotency id, ``digest`` a keyed digest of the content (a re-sent id must
#: carry the same content).
pi_events = Table(
    "pi_events",
    metadata,
    Column(
        "id",
        BigInteger().with_variant(Integer, "sqlite"),
        primary_key=True,
        autoincrement=True,
    ),
    Column("subject", String(128), nullable=False),
    Column("category", String(128), nullable=False),
    Column("at", TIME, nullable=False),
    Column("record_id", String(32), nullable=False),
    Column("event_id", String(64), nullable=True),
    Column("digest", LargeBinary, nullable=False),
    Column("ciphertext", LargeBinary, nullable=False),
    Column("actor", String(64), nullable=False),
    Column("collected_at", TIME, nullable=False),
    Column("policy_version", String(32), nullable=False),
    Index("ix_pi_events_subject", "subject", "category", "at"),
    Index("ix_pi_events_retention", "category", "at"),
    Index("ix_pi_events_event_id", "subject", "category", "event_id"),
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

#: The audit log (migration 0004): one row per entry, written by the operation it records
#: in that operation's transaction. ``idx`` is NULL until the sequencer integrates the
#: entry into the Merkle tree; then it is the entry's place, 0, 1, 2… without a gap.
#: ``leaf`` is the entry's exact bytes; ``subject_tag`` its subject commitment, for
#: finding a person's own entries. No column holds a personal value or a subject id.
audit_log = Table(
    "audit_log",
    metadata,
    # On SQLite, INTEGER PRIMARY KEY is the rowid: one B-tree, not a table plus an index.
    Column(
        "id",
        BigInteger().with_variant(Integer, "sqlite"),
        primary_key=True,
        autoincrement=True,
    ),
    Column("idx", BigInteger, nullable=True, unique=True),
    Column("subject_tag", LargeBinary, nullable=True),
    Column("leaf", LargeBinary, nullable=False),
    Index("ix_audit_log_subject_tag", "subject_tag"),
    Index(
        "ix_audit_log_pending",
        "id",
        sqlite_where=text("idx IS NULL"),
        postgresql_where=text("idx IS NULL"),
    ),
)

#: The Merkle tree's perfect subtrees in tiles of up to 256 hashes: tile (level L, index i)
#: holds the hashes of the nodes at height L numbered 256·i … 256·i + 255, concatenated
#: (every height is kept, so proofs hash nothing). The last tile of a level may be partial.
audit_tiles = Table(
    "audit_tiles",
    metadata,
    Column("level", Integer, primary_key=True, autoincrement=False),
    Column("idx", BigInteger, primary_key=True, autoincrement=False),
    Column("hashes", LargeBinary, nullable=False),
)

#: The integrated tree: one row (``name`` = 'log'), its size and root hash.
audit_tree = Table(
    "audit_tree",
    metadata,
    Column("name", String(16), primary_key=True),
    Column("size", BigInteger, nullable=False),
    Column("root", LargeBinary, nullable=False),
    Column("integrated_at", TIME, nullable=False),
)

#: Jobs that one worker at a time runs on a schedule (retention purges): a worker claims a
#: run by moving ``next_run_at`` forward in one conditional UPDATE, so no two run it.
schedules = Table(
    "schedules",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("next_run_at", TIME, nullable=False),
    Column("last_run_at", TIME, nullable=True),
)

#: Every signed checkpoint the vault published (a copy also goes to the witness directory).
audit_checkpoints = Table(
    "audit_checkpoints",
    metadata,
    Column("size", BigInteger, primary_key=True, autoincrement=False),
    Column("note", Text, nullable=False),
    Column("published_at", TIME, nullable=False),
)

# ---- the HTTP service (migration 0002) -----------------------------------------

#: Service identities of the HTTP API. Only the SHA-256 digest of each API key is kept;
#: every client is also a vault actor: its purposes are the actor's (one table holds them).
api_clients = Table(
    "api_clients",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("key_digest", LargeBinary, nullable=False),
    Column("key_hint", String(16), nullable=False),
    Column("created_at", TIME, nullable=False),
    Index("ix_api_clients_key_digest", "key_digest", unique=True),
)

#: Single-use privacy-center links (digest of the link id; used_at set on first use).
center_links = Table(
    "center_links",
    metadata,
    Column("link_digest", LargeBinary, primary_key=True),
    Column("subject", String(128), nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("created_at", TIME, nullable=False),
    Column("expires_at", TIME, nullable=False),
    Column("used_at", TIME, nullable=True),
)

#: Privacy-center sessions (digest of the cookie value), shared by every server worker.
center_sessions = Table(
    "center_sessions",
    metadata,
    Column("session_digest", LargeBinary, primary_key=True),
    Column("subject", String(128), nullable=False, index=True),
    Column("created_at", TIME, nullable=False),
    Column("expires_at", TIME, nullable=False),
)

#: The text of every policy version the service has enforced, to tell people what changed.
policy_versions = Table(
    "policy_versions",
    metadata,
    Column("version", String(32), primary_key=True),
    Column("source", Text, nullable=False),
    Column("recorded_at", TIME, nullable=False),
)
