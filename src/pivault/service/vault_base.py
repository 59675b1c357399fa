"""What every vault operation shares: opening the store, keys, people, actors, audit."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

from sqlalchemy import Connection, Engine, select, text

from pivault.core.audit_entry import AuditAction
from pivault.core.decide import Decider, Decision, effective_consents
from pivault.core.errors import (
    InvalidArgumentError,
    PivaultError,
    SubjectErasedError,
    UnknownActorError,
    UnknownSubjectError,
)
from pivault.core.model import Policy
from pivault.core.values import encode, lookup_form
from pivault.crypto.envelope import (
    audit_subject_key,
    blind_index,
    seal_value,
    subject_commitment,
)
from pivault.crypto.master_key import MasterKey
from pivault.crypto.primitives import new_key
from pivault.crypto.signed_note import NoteSigner
from pivault.service import keyring
from pivault.service.audit import AuditLog, default_witness_dir
from pivault.service.policy_files import load_policy
from pivault.store.driver import DriverConnection
from pivault.store.engine import WRITE_LOCK, create_store_engine, migrate, read_only
from pivault.store.schema import actors, audit_log, consent_events, subjects
from pivault.store.statements import Statements

Clock = Callable[[], datetime]
SELF = "data-subject"


def system_clock() -> datetime:
    return datetime.now(UTC)


def iso(dt: datetime) -> str:
    """UTC, fixed width, so text order is time order."""
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class Actor:
    """A calling service and the purposes it may claim."""

    name: str
    purposes: frozenset[str]


@dataclass(frozen=True)
class CollectReceipt:
    subject: str
    feature: str
    stored: tuple[str, ...]
    transforms: Mapping[str, str]


@dataclass
class ReadResult:
    """Allowed values by category; a structured :class:`Decision` for each denied one."""

    subject: str
    purpose: str
    values: dict[str, Any] = field(default_factory=dict)
    denied: dict[str, Decision] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ConsentState:
    item: str
    kind: str
    granted: bool
    explicit: bool
    at: str | None
    policy_version: str | None


@dataclass(frozen=True)
class FeatureStatus:
    feature: str
    available: bool
    missing_consents: tuple[str, ...]


@dataclass
class _Context:
    actor: Actor
    person: _Person | None
    ciphertexts: list[Any]


@dataclass
class _Person:
    subject: str
    data_key: bytes
    consents: dict[str, list[Any]]

    @property
    def audit_tag(self) -> bytes:
        """This person's subject commitment in the audit log (dies with the data key)."""
        return subject_commitment(audit_subject_key(self.data_key), self.subject)


class VaultBase:
    """Opening, keys, people and the audit trail: what every vault operation shares."""

    def __init__(
        self,
        url: str = "sqlite:///pivault.db",
        *,
        master_key: MasterKey,
        policy: Policy | None = None,
        clock: Clock = system_clock,
        witness_dir: Path | str | None = "default",
    ) -> None:
        """``witness_dir``: where checkpoints are published outside the database
        (``"default"``: :func:`~pivault.service.audit.default_witness_dir`; None: nowhere)."""
        self.url = url
        self.policy = policy if policy is not None else load_policy()
        self.decider = Decider(self.policy)
        self._clock = clock
        self._master = master_key
        self._engine = create_store_engine(url)
        self._reader = read_only(self._engine)
        self._statements = Statements(self._engine.dialect)
        try:
            migrate(self._engine, url, master_key)
            with self._engine.begin() as conn:
                self._keys = keyring.open_or_create(conn, master_key, self._now())
        except BaseException:
            self._engine.dispose()
            raise
        witness = default_witness_dir() if witness_dir == "default" else witness_dir
        self.audit = AuditLog(
            self._engine,
            self._reader,
            signer=NoteSigner(f"pivault.audit/{self._keys.vault_id}", self._keys.audit_signing),
            witness_dir=Path(witness) if witness is not None else None,
            now=self._now,
        )

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _now(self) -> str:
        return iso(self._clock())

    # ---- for other service modules (clients, privacy-center links) ------------
    @property
    def engine(self) -> Engine:
        """The store's engine, for service modules that keep their own tables."""
        return self._engine

    @property
    def clock(self) -> Clock:
        return self._clock

    def now(self) -> str:
        """The vault clock's time as stored (UTC ISO-8601, fixed width)."""
        return self._now()

    @property
    def session_key(self) -> bytes:
        """The key that signs privacy-center links and sessions (shared by all workers)."""
        return self._keys.session

    def record_audit(
        self,
        conn: Connection,
        actor: str,
        action: AuditAction,
        subject: str | None,
        detail: Mapping[str, Any],
    ) -> None:
        """Append an audit entry inside ``conn``'s transaction (no personal values)."""
        self._audit(conn, actor, action, subject, detail)

    def _tag(self, conn: Connection | None, subject: str | None) -> bytes | None:
        """``subject``'s commitment: under their data key when the vault holds one."""
        if subject is None:
            return None
        if conn is not None:
            row = conn.execute(
                select(subjects.c.wrapped_key).where(subjects.c.subject == subject)
            ).first()
            if row is not None and row.wrapped_key is not None:
                key = self._master.unwrap(bytes(row.wrapped_key), "subject", subject)
                return _Person(subject, key, {}).audit_tag
        return subject_commitment(self._keys.audit_subject, subject)

    def _audit_row(
        self,
        actor: str,
        action: AuditAction,
        detail: Mapping[str, Any],
        *,
        tag: bytes | None,
        at: str | None = None,
    ) -> dict[str, Any]:
        return self.audit.row(
            at=at or self._now(), actor=actor, action=action, tag=tag, detail=detail
        )

    def _audit(
        self,
        conn: Connection,
        actor: str,
        action: AuditAction,
        subject: str | None,
        detail: Mapping[str, Any],
        *,
        person: _Person | None = None,
    ) -> None:
        """Append one entry inside ``conn``'s transaction (the sequencer orders it later)."""
        tag = person.audit_tag if person is not None else self._tag(conn, subject)
        self._statements.write(conn, audit_entry=self._audit_row(actor, action, detail, tag=tag))

    def _refused(
        self,
        actor: str,
        action: AuditAction,
        subject: str | None,
        detail: Mapping[str, Any],
        error: PivaultError,
    ) -> None:
        """Record a refused or denied operation in a transaction of its own, so the entry
        stays even though the operation's own transaction rolled back."""
        with self._engine.begin() as conn:
            tag = self._tag(conn, subject)
            entry = self._audit_row(actor, action, {**detail, "refused": error.code}, tag=tag)
            conn.execute(audit_log.insert(), entry)

    @contextmanager
    def _write(self, subject: str | None = None) -> Iterator[Connection]:
        """A transaction holding the write lock from its first statement.

        SQLite: the writer lock (every writer, one at a time). PostgreSQL: ``subject``'s
        lock, or for a vault-wide write (no subject) the write lock exclusive, so no two
        writers of one person interleave (no lost consent update, no person created twice)
        and key rotation sees no writer at all. The audit log needs no lock.
        """
        with self._engine.begin() as conn:
            if subject is not None:
                self._statements.lock(conn, subject)
            elif conn.dialect.name == "postgresql":
                conn.execute(text(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})"))
            yield conn

    def _load(
        self,
        conn: Connection | DriverConnection,
        subject: str,
        actor: str,
        categories: Sequence[str] = (),
        *,
        lock: bool = True,
    ) -> _Context:
        """Caller, person and the requested ciphertexts in ONE round trip.

        Takes the person's write lock first unless ``lock`` is False (a read).
        Unknown actor: :class:`UnknownActorError`. Unknown subject: ``person`` is None.
        """
        rows = self._statements.load(conn, subject, actor, categories, lock=lock)
        first = rows[0]
        if first.ap is None:
            with self._reader.connect() as reading:
                known = reading.execute(select(actors.c.name)).scalars().all()
            raise UnknownActorError(actor, known)
        person = None
        if first.consents is not None:
            if first.erased_at is not None:
                raise SubjectErasedError(
                    f"subject {subject!r} cancelled their account; their data was destroyed"
                )
            assert first.wk is not None
            data_key = self._master.unwrap(bytes(first.wk), "subject", subject)
            person = _Person(subject, data_key, json.loads(first.consents))
        return _Context(
            Actor(actor, frozenset(json.loads(first.ap))),
            person,
            [r for r in rows if r.category is not None],
        )

    def _actor(self, conn: Connection, name: str) -> Actor:
        row = conn.execute(select(actors.c.purposes).where(actors.c.name == name)).first()
        if row is None:
            known = conn.execute(select(actors.c.name)).scalars().all()
            raise UnknownActorError(name, known)
        return Actor(name, frozenset(json.loads(row.purposes)))

    # ---- people -------------------------------------------------------------
    def _person(self, conn: Connection, subject: str, *, create: bool = False) -> _Person:
        row = conn.execute(
            select(subjects.c.wrapped_key, subjects.c.consents, subjects.c.erased_at).where(
                subjects.c.subject == subject
            )
        ).first()
        if row is None:
            if not create:
                raise UnknownSubjectError(subject)
            return self._new_person(conn, subject)
        if row.erased_at is not None:
            raise SubjectErasedError(
                f"subject {subject!r} cancelled their account; their data was destroyed"
            )
        data_key = self._master.unwrap(bytes(row.wrapped_key), "subject", subject)
        return _Person(subject, data_key, json.loads(row.consents))

    def _new_person(self, conn: Connection, subject: str) -> _Person:
        """Create a person with a fresh data key; the caller holds the write lock."""
        person, row = self._person_to_create(subject, self._now())
        self._statements.write(conn, new_subject=row)
        return person

    def _person_to_create(self, subject: str, now: str) -> tuple[_Person, dict[str, Any]]:
        """A new person with a fresh data key, and their row (wrapped key) to insert."""
        check_subject_id(subject)
        data_key = new_key()
        row = {
            "subject": subject,
            "wrapped_key": self._master.wrap(data_key, "subject", subject),
            "consents": "{}",
            "created_at": now,
        }
        return _Person(subject, data_key, {}), row

    def _sealed_row(
        self, person: _Person, feature: str, actor: str, category: str, value: Any, now: str
    ) -> dict[str, Any]:
        cat = self.policy.categories[category]
        assert cat.value_type is not None
        record_id = os.urandom(16).hex()  # like uuid4().hex, in a quarter of the time
        return {
            "subject": person.subject,
            "category": category,
            "record_id": record_id,
            "ciphertext": seal_value(
                person.data_key,
                encode(cat.value_type.name, value),
                person.subject,
                category,
                record_id,
            ),
            "blind_index": blind_index(
                self._keys.blind_index, category, lookup_form(cat.value_type.name, value)
            )
            if cat.lookup
            else None,
            "feature": feature,
            "actor": actor,
            "collected_at": now,
            "policy_version": self.policy.version,
        }

    def _granted(self, person: _Person) -> frozenset[str]:
        return effective_consents(self.policy, {k: bool(v[0]) for k, v in person.consents.items()})

    def consents(self, subject: str) -> list[ConsentState]:
        with self._reader.connect() as conn:
            person = self._person(conn, subject)
            conn.rollback()
        out = []
        for item, kind in self.policy.consent_items().items():
            state = person.consents.get(item)
            if state is None:
                out.append(
                    ConsentState(item, kind, self.policy.consent_default(item), False, None, None)
                )
            else:
                out.append(ConsentState(item, kind, bool(state[0]), True, state[1], state[2]))
        return out

    def consent_ledger(self, subject: str) -> list[dict[str, Any]]:
        with self._reader.connect() as conn:
            rows = conn.execute(
                select(consent_events)
                .where(consent_events.c.subject == subject)
                .order_by(consent_events.c.id)
            ).all()
            conn.rollback()
        return [
            {
                "item": r.item,
                "granted": r.granted,
                "at": r.at,
                "policy_version": r.policy_version,
                "channel": r.channel,
                "evidence": json.loads(r.evidence),
            }
            for r in rows
        ]


def check_subject_id(subject: str) -> None:
    """Subject ids are the app's own account ids: 1–128 printable characters."""
    if not subject or len(subject) > 128 or not subject.isprintable():
        raise InvalidArgumentError("a subject id is 1–128 printable characters")
