"""Records over time: the ``pi_events`` table (partitioned by month on PostgreSQL) and
the ``schedules`` table of jobs one worker at a time runs.

Values the vault already holds in categories the policy now declares as streams
become their first events when the vault is opened (that conversion needs the policy
and the person's keys: :func:`pivault.service.events.adopt_values`).

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TIME = sa.String(32)
_COLUMNS = """
    subject VARCHAR(128) NOT NULL,
    category VARCHAR(128) NOT NULL,
    at VARCHAR(32) NOT NULL,
    record_id VARCHAR(32) NOT NULL,
    event_id VARCHAR(64),
    digest BYTEA NOT NULL,
    ciphertext BYTEA NOT NULL,
    actor VARCHAR(64) NOT NULL,
    collected_at VARCHAR(32) NOT NULL,
    policy_version VARCHAR(32) NOT NULL
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        # Declarative partitions by month of `at` (fixed-width UTC text sorts as time);
        # the store creates each month's partition before its first event.
        op.execute(
            f"CREATE TABLE pi_events (id BIGSERIAL NOT NULL, {_COLUMNS}, "
            "PRIMARY KEY (id, at)) PARTITION BY RANGE (at)"
        )
    else:
        op.create_table(
            "pi_events",
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("subject", sa.String(128), nullable=False),
            sa.Column("category", sa.String(128), nullable=False),
            sa.Column("at", TIME, nullable=False),
            sa.Column("record_id", sa.String(32), nullable=False),
            sa.Column("event_id", sa.String(64), nullable=True),
            sa.Column("digest", sa.LargeBinary, nullable=False),
            sa.Column("ciphertext", sa.LargeBinary, nullable=False),
            sa.Column("actor", sa.String(64), nullable=False),
            sa.Column("collected_at", TIME, nullable=False),
            sa.Column("policy_version", sa.String(32), nullable=False),
        )
    op.create_index("ix_pi_events_subject", "pi_events", ["subject", "category", "at"])
    op.create_index("ix_pi_events_retention", "pi_events", ["category", "at"])
    op.create_index("ix_pi_events_event_id", "pi_events", ["subject", "category", "event_id"])
    op.create_table(
        "schedules",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("next_run_at", TIME, nullable=False),
        sa.Column("last_run_at", TIME, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("schedules")
    op.drop_table("pi_events")
