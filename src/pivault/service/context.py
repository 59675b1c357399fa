"""What every use case of the vault shares: one :class:`VaultContext`.

The policy and its decider, the store, the master key and the vault keys, the clock
and the audit log. People and callers are loaded one way (:meth:`VaultContext.load`:
one statement for the caller, the person and any ciphertexts), values are sealed one
way, and audit entries are written one way.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection

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
from pivault.service.audit import AuditLog
from pivault.service.keyring import VaultKeys
from pivault.store.driver import DriverConnection
from pivault.store.schema import actors, audit_log
from pivault.store.store import Store

Clock = Callable[[], datetime]
#: The actor name of a person acting on their own data (privacy center, CLI on their behalf).
SELF = "data-subject"


def system_clock() -> datetime:
    return datetime.now(UTC)


def iso(dt: datetime) -> str:
    """UTC, fixed width, so text order is time order."""
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def check_subject_id(subject: str) -> None:
    """Subject ids are the app's own account ids: 1–128 printable characters."""
    if not subject or len(subject) > 128 or not subject.isprintable():
        raise InvalidArgumentError("a subject id is 1–128 printable characters")


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
class Person:
    """A person the vault holds: their data key (unwrapped) and consent states."""

    subject: str
    data_key: bytes
    consents: dict[str, list[Any]]

    @property
    def audit_tag(self) -> bytes:
        """This person's subject commitment in the audit log (dies with the data key)."""
        return subject_commitment(audit_subject_key(self.data_key), self.subject)


@dataclass
class Loaded:
    """The caller (None when none was asked for), the person (None: not held) and the
    ciphertext rows of the categories asked for."""

    actor: Actor | None
    person: Person | None
    ciphertexts: list[Any]


@dataclass
class VaultContext:
    policy: Policy
    decider: Decider
    store: Store
    master: MasterKey
    keys: VaultKeys
    clock: Clock
    audit: AuditLog

    def now(self) -> str:
        """The clock's time as stored (UTC ISO-8601, fixed width)."""
        return iso(self.clock())

    # ---- loading: the one way to read a caller and a person ----------------------------
    def load(
        self,
        conn: Connection | DriverConnection,
        subject: str | None,
        actor: str | None = None,
        categories: Sequence[str] = (),
        *,
        lock: bool = False,
    ) -> Loaded:
        """Caller, person and the ciphertexts of ``categories`` in ONE round trip; with
        ``lock``, ``subject``'s write lock first. An unknown actor: UnknownActorError; an
        erased person: SubjectErasedError."""
        rows = self.store.statements.load(conn, subject, actor, categories, lock=lock)
        first = rows[0]
        caller = None
        if actor is not None:
            if first.ap is None:
                raise UnknownActorError(actor, self.actor_names(conn))
            caller = Actor(actor, frozenset(json.loads(first.ap)))
        person = None
        if subject is not None and first.consents is not None:
            if first.erased_at is not None:
                raise SubjectErasedError(
                    f"subject {subject!r} cancelled their account; their data was destroyed"
                )
            assert first.wk is not None
            data_key = self.master.unwrap(bytes(first.wk), "subject", subject)
            person = Person(subject, data_key, json.loads(first.consents))
        return Loaded(caller, person, [r for r in rows if r.category is not None])

    def person(self, conn: Connection | DriverConnection, subject: str) -> Person:
        """The person ``subject``, or UnknownSubjectError."""
        person = self.load(conn, subject).person
        if person is None:
            raise UnknownSubjectError(subject)
        return person

    def actor(self, conn: Connection | DriverConnection, name: str) -> Actor:
        caller = self.load(conn, None, name).actor
        assert caller is not None
        return caller

    def actor_names(self, conn: Connection | DriverConnection) -> list[str]:
        if isinstance(conn, Connection):
            return list(conn.execute(actors.select().with_only_columns(actors.c.name)).scalars())
        with self.store.read() as reading:
            return list(reading.execute(actors.select().with_only_columns(actors.c.name)).scalars())

    # ---- people ----------------------------------------------------------------------
    def new_person(self, subject: str, now: str) -> tuple[Person, dict[str, Any]]:
        """A new person with a fresh data key, and their row (wrapped key) to insert."""
        check_subject_id(subject)
        data_key = new_key()
        row = {
            "subject": subject,
            "wrapped_key": self.master.wrap(data_key, "subject", subject),
            "consents": "{}",
            "created_at": now,
        }
        return Person(subject, data_key, {}), row

    def person_or_new(self, conn: Connection, subject: str) -> Person:
        """The person, created (under the caller's write lock) when the vault holds none."""
        person = self.load(conn, subject).person
        if person is not None:
            return person
        person, row = self.new_person(subject, self.now())
        self.store.statements.write(conn, new_subject=row)
        return person

    def granted(self, person: Person) -> frozenset[str]:
        states = {k: bool(v[0]) for k, v in person.consents.items()}
        return effective_consents(self.policy, states)

    def sealed_row(
        self, person: Person, feature: str, actor: str, category: str, value: Any, now: str
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
                self.keys.blind_index, category, lookup_form(cat.value_type.name, value)
            )
            if cat.lookup
            else None,
            "feature": feature,
            "actor": actor,
            "collected_at": now,
            "policy_version": self.policy.version,
        }

    # ---- the audit log ---------------------------------------------------------------
    def tag(self, conn: Connection | DriverConnection | None, subject: str | None) -> bytes | None:
        """``subject``'s commitment: under their data key when the vault holds one."""
        if subject is None:
            return None
        if conn is not None:
            try:
                person = self.load(conn, subject).person
            except SubjectErasedError:
                person = None
            if person is not None:
                return person.audit_tag
        return subject_commitment(self.keys.audit_subject, subject)

    def audit_row(
        self,
        actor: str,
        action: AuditAction,
        detail: Mapping[str, Any],
        *,
        tag: bytes | None,
        at: str | None = None,
    ) -> dict[str, Any]:
        return self.audit.row(
            at=at or self.now(), actor=actor, action=action, tag=tag, detail=detail
        )

    def record(
        self,
        conn: Connection | DriverConnection,
        actor: str,
        action: AuditAction,
        subject: str | None,
        detail: Mapping[str, Any],
        *,
        person: Person | None = None,
    ) -> None:
        """Append one entry inside ``conn``'s transaction (the sequencer orders it later)."""
        tag = person.audit_tag if person is not None else self.tag(conn, subject)
        row = self.audit_row(actor, action, detail, tag=tag)
        self.store.statements.write(conn, audit_entry=row)

    def refused(
        self,
        actor: str,
        action: AuditAction,
        subject: str | None,
        detail: Mapping[str, Any],
        error: PivaultError,
    ) -> None:
        """Record a refused or denied operation in a transaction of its own, so the entry
        stays even though the operation's own transaction rolled back."""
        with self.store.append() as conn:
            tag = self.tag(conn, subject)
            entry = self.audit_row(actor, action, {**detail, "refused": error.code}, tag=tag)
            conn.execute(audit_log.insert(), entry)
