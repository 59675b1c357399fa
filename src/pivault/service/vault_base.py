"""What every vault operation shares: opening the store, keys, people, actors, audit."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Self

from sqlalchemy import Connection, Engine, select

from pivault.core.decide import Decider, Decision, effective_consents
from pivault.core.errors import (
    InvalidArgumentError,
    SubjectErasedError,
    UnknownActorError,
    UnknownSubjectError,
)
from pivault.core.model import Policy
from pivault.core.values import encode, lookup_form
from pivault.crypto.envelope import blind_index, seal_value
from pivault.crypto.master_key import MasterKey
from pivault.crypto.primitives import new_key
from pivault.service import audit, keyring
from pivault.service.policy_files import load_policy
from pivault.store.driver import DriverConnection
from pivault.store.engine import create_store_engine, migrate, read_only
from pivault.store.schema import actors, consent_events, subjects
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
    audit_seq: int


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
    head: tuple[int, bytes]
    ciphertexts: list[Any]


@dataclass
class _Person:
    subject: str
    data_key: bytes
    consents: dict[str, list[Any]]


class VaultBase:
    """Opening, keys, people and the audit trail: what every vault operation shares."""

    def __init__(
        self,
        url: str = "sqlite:///pivault.db",
        *,
        master_key: MasterKey,
        policy: Policy | None = None,
        clock: Clock = system_clock,
    ) -> None:
        self.url = url
        self.policy = policy if policy is not None else load_policy()
        self.decider = Decider(self.policy)
        self._clock = clock
        self._master = master_key
        self._engine = create_store_engine(url)
        self._reader = read_only(self._engine)
        self._statements = Statements(self._engine.dialect)
        try:
            migrate(self._engine, url)
            with self._engine.begin() as conn:
                self._keys = keyring.open_or_create(conn, master_key, self._now())
        except BaseException:
            self._engine.dispose()
            raise

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
        action: str,
        subject: str | None,
        detail: Mapping[str, Any],
    ) -> int:
        """Append an audit entry inside ``conn``'s transaction (no personal values)."""
        return self._audit(conn, actor, action, subject, detail)

    def _audit(
        self,
        conn: Connection | DriverConnection,
        actor: str,
        action: str,
        subject: str | None,
        detail: Mapping[str, Any],
    ) -> int:
        """Append one entry inside ``conn``'s transaction; returns its sequence number.

        Reads the head under the write lock (taken here if the transaction has not yet),
        so the chain has one writer at a time.
        """
        head = self._statements.audit_head(conn) or (0, audit.GENESIS)
        row = self._audit_entry(actor, action, subject, detail, head, self._now())
        self._statements.write(conn, audit_entry=row)
        return int(row["seq"])

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """A transaction holding the write lock from its first statement.

        Every writer reads people and the audit head only under the lock (SQLite's BEGIN
        IMMEDIATE; an advisory lock on PostgreSQL), so concurrent writers never interleave:
        no lost consent update, no person created twice, one linear audit chain.
        """
        with self._engine.begin() as conn:
            self._statements.lock(conn)
            yield conn

    def _audit_entry(
        self,
        actor: str,
        action: str,
        subject: str | None,
        detail: Mapping[str, Any],
        head: tuple[int, bytes],
        at: str,
    ) -> dict[str, Any]:
        """The audit row following ``head`` (read under the write lock), for a batched write."""
        return audit.entry(
            self._keys.audit,
            head,
            at=at,
            actor=actor,
            action=action,
            subject=subject,
            detail=detail,
        )

    def _load(
        self,
        conn: Connection | DriverConnection,
        subject: str,
        actor: str,
        categories: Sequence[str] = (),
        *,
        lock: bool = True,
    ) -> _Context:
        """Caller, person, audit head and the requested ciphertexts in ONE round trip.

        Takes the write lock first (unless ``lock`` is False, for a read-only use), so the
        head it reads stays the head until commit.
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
            audit.head_of(first.head_seq, first.head_digest),
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
