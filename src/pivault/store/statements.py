"""Hot-path statements, built once per store with bind parameters.

Building a SQLAlchemy statement costs more than running a simple one, so the
vault's per-call statements are constructed here once and reused.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, and_, bindparam, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from pivault.store.engine import AUDIT_LOCK
from pivault.store.schema import actors, audit_log, pi_values, subjects

_VALUE_COLUMNS = (
    "record_id",
    "ciphertext",
    "blind_index",
    "feature",
    "actor",
    "collected_at",
    "policy_version",
)


class Statements:
    """Prepared-once statements for one SQL dialect."""

    def __init__(self, dialect: str) -> None:
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        #: Serialises audit-chain writers (SQLite's BEGIN IMMEDIATE already does).
        self.audit_lock = (
            text("SELECT pg_advisory_xact_lock(:k)").bindparams(k=AUDIT_LOCK)
            if dialect == "postgresql"
            else None
        )
        latest = audit_log.c.seq.desc()

        def of_subject(col: Any, label: str) -> Any:
            query = select(col).where(subjects.c.subject == bindparam("subject"))
            return query.scalar_subquery().label(label)

        header = select(
            select(actors.c.purposes)
            .where(actors.c.name == bindparam("actor"))
            .scalar_subquery()
            .label("ap"),
            select(audit_log.c.seq).order_by(latest).limit(1).scalar_subquery().label("head_seq"),
            select(audit_log.c.digest)
            .order_by(latest)
            .limit(1)
            .scalar_subquery()
            .label("head_digest"),
            of_subject(subjects.c.wrapped_key, "wk"),
            of_subject(subjects.c.consents, "consents"),
            of_subject(subjects.c.erased_at, "erased_at"),
        ).subquery()
        #: Caller's purposes, the audit head and the person, in one row.
        self.load: Select[Any] = select(header)
        #: The same, joined with the ciphertexts of ``categories`` (one row per value).
        self.load_with_values: Select[Any] = select(
            header, pi_values.c.category, pi_values.c.record_id, pi_values.c.ciphertext
        ).select_from(
            header.outerjoin(
                pi_values,
                and_(
                    pi_values.c.subject == bindparam("subject"),
                    pi_values.c.category.in_(bindparam("categories", expanding=True)),
                ),
            )
        )
        upsert = insert(pi_values)
        self.upsert_values = upsert.on_conflict_do_update(
            index_elements=["subject", "category"],
            set_={c: upsert.excluded[c] for c in _VALUE_COLUMNS},
        )
        self.insert_subject = insert(subjects).on_conflict_do_nothing(index_elements=["subject"])
        self.audit_head = select(audit_log.c.seq, audit_log.c.digest).order_by(latest).limit(1)
        self.insert_audit = audit_log.insert()
