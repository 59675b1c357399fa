"""The vault's per-request statements, compiled once per store and run on the driver.

Collect and read are one "load" (the caller's purposes, the person and any
ciphertexts, in one row set) and one "write" (a new person, values, the audit
entry). On PostgreSQL each of the two is one round trip: the person's write lock
and the load travel together, and so do the writes (see :mod:`pivault.store.driver`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from sqlalchemy import Connection, and_, bindparam, null, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Dialect

from pivault.store.driver import (
    DriverConnection,
    DriverStatement,
    Step,
    compile_statement,
    driver_dialect,
    run,
)
from pivault.store.engine import PERSON_LOCK, WRITE_LOCK
from pivault.store.schema import actors, audit_log, pi_events, pi_values, subjects

_VALUE_COLUMNS = (
    "record_id",
    "ciphertext",
    "blind_index",
    "feature",
    "actor",
    "collected_at",
    "policy_version",
)


class Loaded(NamedTuple):
    """One row of a load: the header repeats on every row; one row per ciphertext."""

    ap: str | None  # the actor's purposes (JSON), None for an unknown actor
    wk: bytes | None  # the person's wrapped data key; None: erased or unknown
    consents: str | None  # None: unknown person
    erased_at: str | None
    category: str | None
    record_id: str | None
    ciphertext: bytes | None


class Statements:
    """Prepared-once statements for one store's SQL dialect."""

    def __init__(self, dialect: Dialect) -> None:
        dialect = driver_dialect(dialect)
        self._dialect = dialect
        insert = pg_insert if dialect.name == "postgresql" else sqlite_insert
        #: Serialises writers of one person on PostgreSQL (SQLite's writer lock already
        #: serialises every writer); readers take no lock at all.
        self._lock = (
            compile_statement(
                text(
                    f"SELECT pg_advisory_xact_lock_shared({WRITE_LOCK}), "
                    f"pg_advisory_xact_lock({PERSON_LOCK}, hashtext(:subject))"
                ),
                dialect,
            )
            if dialect.name == "postgresql"
            else None
        )
        self._loads: dict[int, DriverStatement] = {}
        upsert = insert(pi_values)
        self._upsert_values = compile_statement(
            upsert.on_conflict_do_update(
                index_elements=["subject", "category"],
                set_={c: upsert.excluded[c] for c in _VALUE_COLUMNS},
            ),
            dialect,
            [c.name for c in pi_values.columns],
        )
        # A plain INSERT: every writer holds the write lock before it looks a person up, so a
        # clash means a bug, and must fail (and roll back) rather than seal values for a
        # person whose key is not the one just made.
        self._insert_subject = compile_statement(
            subjects.insert(),
            dialect,
            ["subject", "wrapped_key", "consents", "created_at"],
        )
        self._insert_event = compile_statement(
            pi_events.insert(), dialect, [c.name for c in pi_events.columns if c.name != "id"]
        )
        self._latest_event = compile_statement(
            select(
                pi_events.c.category, pi_events.c.record_id, pi_events.c.at, pi_events.c.ciphertext
            )
            .where(
                pi_events.c.subject == bindparam("subject"),
                pi_events.c.category == bindparam("category"),
            )
            .order_by(pi_events.c.at.desc(), pi_events.c.id.desc())
            .limit(1),
            dialect,
        )
        self._insert_audit = compile_statement(audit_log.insert(), dialect, ["leaf", "subject_tag"])

    def _load_statement(self, n_categories: int) -> DriverStatement:
        """The load for ``n_categories`` ciphertexts (one bind each; at most one per category)."""
        found = self._loads.get(n_categories)
        if found is not None:
            return found

        def of_subject(col: Any, label: str) -> Any:
            query = select(col).where(subjects.c.subject == bindparam("subject"))
            return query.scalar_subquery().label(label)

        header = select(
            select(actors.c.purposes)
            .where(actors.c.name == bindparam("actor"))
            .scalar_subquery()
            .label("ap"),
            of_subject(subjects.c.wrapped_key, "wk"),
            of_subject(subjects.c.consents, "consents"),
            of_subject(subjects.c.erased_at, "erased_at"),
        ).subquery()
        if n_categories:
            on = and_(
                pi_values.c.subject == bindparam("subject"),
                pi_values.c.category.in_([bindparam(f"c{i}") for i in range(n_categories)]),
            )
            query = select(
                header, pi_values.c.category, pi_values.c.record_id, pi_values.c.ciphertext
            ).select_from(header.outerjoin(pi_values, on))
        else:  # no join at all: SQLite would scan pi_values for "ON false"
            query = select(
                header,
                null().label("category"),
                null().label("record_id"),
                null().label("ciphertext"),
            )
        assert tuple(c.name for c in query.selected_columns) == Loaded._fields
        statement = self._loads[n_categories] = compile_statement(query, self._dialect)
        return statement

    def _locked(self, steps: list[Step], subject: str) -> list[Step]:
        return steps if self._lock is None else [Step(self._lock, {"subject": subject}), *steps]

    def load(
        self,
        conn: Connection | DriverConnection,
        subject: str | None,
        actor: str | None,
        categories: Sequence[str] = (),
        *,
        lock: bool = True,
    ) -> list[Loaded]:
        """Take the person's write lock (unless ``lock`` is False: a read), then read the
        caller, the person and the ciphertexts of ``categories``: at least one row (the
        header), one per value found."""
        params: dict[str, Any] = {"subject": subject, "actor": actor}
        for i, category in enumerate(categories):
            params[f"c{i}"] = category
        steps = [Step(self._load_statement(len(categories)), params)]
        if lock:
            assert subject is not None, "only a person's write takes a lock"
            steps = self._locked(steps, subject)
        rows = run(conn, self._dialect, steps)[-1].rows
        assert rows
        return [Loaded(*row) for row in rows]

    def latest_events(
        self, conn: Connection | DriverConnection, subject: str, categories: Sequence[str]
    ) -> list[tuple[Any, ...]]:
        """The newest event of each stream in ``categories``: (category, record_id, at,
        ciphertext) rows, in one round trip."""
        if not categories:
            return []
        steps = [Step(self._latest_event, {"subject": subject, "category": c}) for c in categories]
        return [row for outcome in run(conn, self._dialect, steps) for row in outcome.rows or []]

    def lock(self, conn: Connection | DriverConnection, subject: str) -> None:
        """Take ``subject``'s write lock for the rest of the transaction (no-op on SQLite)."""
        if self._lock is not None:
            run(conn, self._dialect, [Step(self._lock, {"subject": subject})])

    def write(
        self,
        conn: Connection | DriverConnection,
        *,
        new_subject: Mapping[str, Any] | None = None,
        values: Sequence[Mapping[str, Any]] = (),
        events: Sequence[Mapping[str, Any]] = (),
        audit_entry: Mapping[str, Any] | None = None,
        audit_entries: Sequence[Mapping[str, Any]] = (),
        commit: bool = False,
    ) -> None:
        """Insert a new person, upsert values, append an audit entry, and with ``commit``
        end the transaction: one round trip in all on PostgreSQL."""
        steps = []
        if new_subject is not None:
            steps.append(Step(self._insert_subject, new_subject))
        if values:
            steps.append(Step(self._upsert_values, values, many=True))
        if events:
            steps.append(Step(self._insert_event, events, many=True))
        if audit_entry is not None:
            steps.append(Step(self._insert_audit, audit_entry))
        if audit_entries:
            steps.append(Step(self._insert_audit, audit_entries, many=True))
        run(conn, self._dialect, steps, commit=commit)
