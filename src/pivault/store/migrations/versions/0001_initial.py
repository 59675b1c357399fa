"""The initial vault schema.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TIME = sa.String(32)


def upgrade() -> None:
    op.create_table(
        "vault_meta",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "vault_keys",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("wrapped", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "subjects",
        sa.Column("subject", sa.String(128), primary_key=True),
        sa.Column("wrapped_key", sa.LargeBinary, nullable=True),
        sa.Column("consents", sa.Text, nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("erased_at", TIME, nullable=True),
    )
    op.create_table(
        "pi_values",
        sa.Column(
            "subject",
            sa.String(128),
            sa.ForeignKey("subjects.subject", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("category", sa.String(128), primary_key=True),
        sa.Column("record_id", sa.String(32), nullable=False),
        sa.Column("ciphertext", sa.LargeBinary, nullable=False),
        sa.Column("blind_index", sa.LargeBinary, nullable=True),
        sa.Column("feature", sa.String(64), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("collected_at", TIME, nullable=False),
        sa.Column("policy_version", sa.String(32), nullable=False),
    )
    op.create_index("ix_pi_values_lookup", "pi_values", ["category", "blind_index"])
    op.create_index("ix_pi_values_retention", "pi_values", ["category", "collected_at"])
    op.create_table(
        "consent_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("subject", sa.String(128), nullable=False),
        sa.Column("item", sa.String(128), nullable=False),
        sa.Column("granted", sa.Boolean, nullable=False),
        sa.Column("at", TIME, nullable=False),
        sa.Column("policy_version", sa.String(32), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("evidence", sa.Text, nullable=False),
    )
    op.create_index("ix_consent_events_subject", "consent_events", ["subject"])
    op.create_table(
        "actors",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("purposes", sa.Text, nullable=False),
        sa.Column("created_at", TIME, nullable=False),
    )
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("at", TIME, nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("subject", sa.String(128), nullable=True),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("digest", sa.LargeBinary, nullable=False),
    )
    op.create_index("ix_audit_log_subject", "audit_log", ["subject"])


def downgrade() -> None:
    for table in ("audit_log", "actors", "consent_events", "pi_values", "subjects"):
        op.drop_table(table)
    op.drop_table("vault_keys")
    op.drop_table("vault_meta")
