"""The HTTP service: API clients, privacy-center links and sessions, policy versions.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TIME = sa.String(32)


def upgrade() -> None:
    op.create_table(
        "api_clients",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("key_digest", sa.LargeBinary, nullable=False),
        sa.Column("key_hint", sa.String(16), nullable=False),
        sa.Column("purposes", sa.Text, nullable=False),
        sa.Column("created_at", TIME, nullable=False),
    )
    op.create_index("ix_api_clients_key_digest", "api_clients", ["key_digest"], unique=True)
    op.create_table(
        "center_links",
        sa.Column("link_digest", sa.LargeBinary, primary_key=True),
        sa.Column("subject", sa.String(128), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("expires_at", TIME, nullable=False),
        sa.Column("used_at", TIME, nullable=True),
    )
    op.create_table(
        "center_sessions",
        sa.Column("session_digest", sa.LargeBinary, primary_key=True),
        sa.Column("subject", sa.String(128), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("expires_at", TIME, nullable=False),
    )
    op.create_index("ix_center_sessions_subject", "center_sessions", ["subject"])
    op.create_table(
        "policy_versions",
        sa.Column("version", sa.String(32), primary_key=True),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("recorded_at", TIME, nullable=False),
    )


def downgrade() -> None:
    for table in ("policy_versions", "center_sessions", "center_links", "api_clients"):
        op.drop_table(table)
