"""Records over time (categories of ``kind: stream``): ingest, read, delete.

An event is ``{"subject", "category", "at", "value", "id"?}``. Each is validated and
minimised as its category says, needs the consents its use requires, and is sealed
under the person's data key. A batch with a bad event is refused whole, naming every
bad event's index and reason; a re-sent ``id`` is stored once (a re-sent id with other
content is refused). Reads decide exactly as :func:`pivault.service.access.read` does
and are one audit entry per call, not per event.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, delete, select, tuple_

from pivault.core.audit_entry import AuditAction
from pivault.core.decide import Decision, category_missing_consents
from pivault.core.errors import (
    EventBatchError,
    InvalidArgumentError,
    PivaultError,
    UnknownCategoryError,
    UnknownPurposeError,
    UnknownSubjectError,
    ValueValidationError,
)
from pivault.core.model import Category
from pivault.core.values import decode, encode, validate
from pivault.crypto.envelope import blind_index, open_value, seal_value
from pivault.detect import analyze
from pivault.service.context import SELF, Person, VaultContext, check_subject_id, iso
from pivault.service.minimise import apply_transform
from pivault.store.schema import pi_events, subjects

__all__ = ["MAX_BATCH", "Event", "EventsResult", "RecordReceipt", "parse_time"]

#: The largest batch one call (or one HTTP request) may carry.
MAX_BATCH = 10_000
#: Clocks differ: an event up to this far ahead of the vault's clock is still accepted.
FUTURE_SLACK = timedelta(minutes=5)
_EVENT_KEYS = frozenset({"subject", "category", "at", "value", "id"})


@dataclass(frozen=True)
class Event:
    id: int
    at: str
    value: Any


@dataclass
class EventsResult:
    """Events newest first, or the reasoned denial (``denied``) and no event."""

    subject: str
    category: str
    purpose: str
    events: list[Event] = field(default_factory=list)
    denied: Decision | None = None


@dataclass(frozen=True)
class RecordReceipt:
    stored: int
    duplicates: int
    transforms: Mapping[str, str]


def parse_time(raw: Any, what: str = "at") -> datetime:
    """An ISO-8601 time with its zone, as UTC; a clear InvalidArgumentError otherwise."""
    if isinstance(raw, datetime):
        at = raw
    else:
        try:
            at = datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
        except ValueError:
            raise InvalidArgumentError(f"{what} is not an ISO-8601 time") from None
    if at.tzinfo is None:
        raise InvalidArgumentError(f"{what} has no time zone (write Z or +08:00)")
    try:
        return at.astimezone(UTC)
    except OverflowError:  # 9999-12-31T23:59:59-14:00 is past the last representable instant
        raise InvalidArgumentError(f"{what} is outside the years 1–9999 in UTC") from None


def month_of(at_text: str) -> str:
    return at_text[:7]


@dataclass
class _Checked:
    index: int
    subject: str
    category: Category
    at: str
    value: Any
    event_id: str | None
    digest: bytes
    note: str


def check_counterpart(value: Any) -> None:
    """Communication secrecy: a counterpart is an account reference, never a contact detail."""
    if isinstance(value, dict) and "counterpart" in value:
        findings = analyze(str(value["counterpart"]))
        if findings:
            kinds = ", ".join(sorted({f.entity.value for f in findings}))
            raise ValueValidationError(
                "communication_log",
                f"counterpart looks like personal information ({kinds}), not an account id",
            )


def _check_one(
    ctx: VaultContext, index: int, raw: Any, purposes: frozenset[str], now: datetime
) -> _Checked:
    if not isinstance(raw, Mapping):
        raise InvalidArgumentError('an event is an object {"subject", "category", "at", "value"}')
    unknown = sorted(set(raw) - _EVENT_KEYS)
    missing = sorted({"subject", "category", "at", "value"} - set(raw))
    if unknown or missing:
        parts = ([f"unknown keys {unknown}"] if unknown else []) + (
            [f"missing {missing}"] if missing else []
        )
        raise InvalidArgumentError(
            "; ".join(parts) + "; an event has subject, category, at, value and optionally id"
        )
    subject, key = raw["subject"], raw["category"]
    if not isinstance(subject, str):
        raise InvalidArgumentError("subject must be a string")
    check_subject_id(subject)
    cat = ctx.policy.categories.get(str(key))
    if cat is None or not cat.is_leaf or not cat.is_stream:
        streams = [c.key for c in ctx.policy.leaves() if c.is_stream]
        if cat is None or not cat.is_leaf:
            raise UnknownCategoryError(str(key), streams)
        raise InvalidArgumentError(
            f"{cat.key!r} holds one current value, not a stream; streams: {', '.join(streams)}"
        )
    at = parse_time(raw["at"])
    if at > now + FUTURE_SLACK:
        raise InvalidArgumentError("at is in the future (more than 5 minutes ahead)")
    assert cat.retention is not None
    cutoff = cat.retention.cutoff(now)
    if cutoff is not None and at < cutoff:
        raise InvalidArgumentError(f"at is older than {cat.key}'s retention ({cat.retention.iso})")
    if not purposes & ctx.policy.allowed.get(cat.key, frozenset()):
        raise InvalidArgumentError(
            f"the actor is registered for no purpose that may use {cat.key!r}"
        )
    value = validate(cat, raw["value"])
    assert cat.value_type is not None
    if cat.value_type.name == "comm_session":
        check_counterpart(value)
    [(_, stored, note)] = apply_transform(
        ctx.policy, ctx.keys.pseudonym, cat.key, value, lambda _derived: False
    )
    event_id = raw.get("id")
    if event_id is not None and (
        not isinstance(event_id, str) or not 0 < len(event_id) <= 64 or not event_id.isprintable()
    ):
        raise InvalidArgumentError("id must be 1–64 printable characters")
    at_text = iso(at)
    content = json.dumps(
        [cat.key, at_text, stored], sort_keys=True, ensure_ascii=False, default=str
    )
    digest = blind_index(ctx.keys.blind_index, "event", content)
    return _Checked(index, subject, cat, at_text, stored, event_id, digest, note)


def event_row(
    ctx: VaultContext,
    person: Person,
    category: str,
    at: str,
    value: Any,
    actor: str,
    *,
    event_id: str | None = None,
    digest: bytes | None = None,
) -> dict[str, Any]:
    """A sealed event row; the AAD binds subject, category, record id and time."""
    cat = ctx.policy.categories[category]
    assert cat.value_type is not None
    record_id = os.urandom(16).hex()
    plain = encode(cat.value_type.name, value)
    if digest is None:
        content = json.dumps([category, at, value], sort_keys=True, ensure_ascii=False, default=str)
        digest = blind_index(ctx.keys.blind_index, "event", content)
    return {
        "subject": person.subject,
        "category": category,
        "at": at,
        "record_id": record_id,
        "event_id": event_id,
        "digest": digest,
        "ciphertext": seal_value(
            person.data_key, plain, person.subject, category, f"{record_id}@{at}"
        ),
        "actor": actor,
        "collected_at": ctx.now(),
        "policy_version": ctx.policy.version,
    }


def record(ctx: VaultContext, events: Iterable[Any], *, actor: str) -> RecordReceipt:
    """Store a batch of events (many people per call), or refuse it whole."""
    batch: list[Any] = []
    for item in events:
        batch.append(item)
        if len(batch) > MAX_BATCH:
            raise EventBatchError([(MAX_BATCH, f"a batch holds at most {MAX_BATCH} events")])
    try:
        return _record(ctx, batch, actor)
    except PivaultError as exc:
        ctx.refused(actor, AuditAction.RECORD, None, {"events": len(batch)}, exc)
        raise


def _record(ctx: VaultContext, batch: list[Any], actor: str) -> RecordReceipt:
    now = ctx.clock()
    with ctx.store.read() as conn:
        caller = ctx.actor(conn, actor)
    problems: list[tuple[int, str]] = []
    checked: list[_Checked] = []
    for index, raw in enumerate(batch):
        try:
            checked.append(_check_one(ctx, index, raw, caller.purposes, now))
        except PivaultError as exc:
            problems.append((index, str(exc)))
    # The valid events are checked further (consents, re-sent ids) even when others are
    # bad, so that the refusal names every bad event of the batch at once.
    people = sorted({c.subject for c in checked})
    with ctx.store.write_people(people) as conn:
        persons, new_rows = _people(ctx, conn, people)
        for c in checked:
            granted = ctx.granted(persons[c.subject])
            usable = tuple(sorted(caller.purposes & ctx.policy.allowed[c.category.key]))
            missing = category_missing_consents(ctx.policy, usable, c.category.key, granted)
            if missing:
                problems.append((c.index, f"{c.category.key} needs consent: {', '.join(missing)}"))
        fresh, duplicates = _new_events(conn, checked, problems)
        if problems:
            raise EventBatchError(sorted(problems))
        if new_rows:
            conn.execute(subjects.insert(), new_rows)
        rows = [
            event_row(
                ctx,
                persons[c.subject],
                c.category.key,
                c.at,
                c.value,
                actor,
                event_id=c.event_id,
                digest=c.digest,
            )
            for c in fresh
        ]
        if rows:
            ctx.store.prepare_event_months(conn, {month_of(r["at"]) for r in rows})
        counts: dict[str, dict[str, int]] = {}
        for c in fresh:
            per = counts.setdefault(c.subject, {})
            per[c.category.key] = per.get(c.category.key, 0) + 1
        entries = [
            ctx.audit_row(
                actor, AuditAction.RECORD, {"events": per}, tag=persons[subject].audit_tag
            )
            for subject, per in sorted(counts.items())
        ]
        # The compiled statements on the driver connection: a batch is two executemany.
        ctx.store.statements.write(conn, events=rows, audit_entries=entries)
    notes = {c.category.key: c.note for c in fresh if c.note}
    return RecordReceipt(len(fresh), duplicates, notes)


def _people(
    ctx: VaultContext, conn: Connection, people: Sequence[str]
) -> tuple[dict[str, Person], list[dict[str, Any]]]:
    """The batch's people, each loaded once; new ones are made (their rows returned)."""
    persons: dict[str, Person] = {}
    rows = conn.execute(
        select(
            subjects.c.subject, subjects.c.wrapped_key, subjects.c.consents, subjects.c.erased_at
        ).where(subjects.c.subject.in_(people))
    ).all()
    for row in rows:
        if row.erased_at is not None:
            raise EventBatchError([(0, "a subject of the batch cancelled their account")])
        key = ctx.master.unwrap(bytes(row.wrapped_key), "subject", row.subject)
        persons[row.subject] = Person(row.subject, key, json.loads(row.consents))
    new_rows: list[dict[str, Any]] = []
    now = ctx.now()
    for subject in people:
        if subject not in persons:
            persons[subject], new_row = ctx.new_person(subject, now)
            new_rows.append(new_row)
    return persons, new_rows


def _new_events(
    conn: Connection, checked: list[_Checked], problems: list[tuple[int, str]]
) -> tuple[list[_Checked], int]:
    """Events not stored before; a re-sent id with other content is a problem."""
    with_ids = [c for c in checked if c.event_id is not None]
    known: dict[tuple[str, str, str], bytes] = {}
    for start in range(0, len(with_ids), 500):
        keys = [(c.subject, c.category.key, c.event_id) for c in with_ids[start : start + 500]]
        found = conn.execute(
            select(
                pi_events.c.subject, pi_events.c.category, pi_events.c.event_id, pi_events.c.digest
            ).where(
                tuple_(pi_events.c.subject, pi_events.c.category, pi_events.c.event_id).in_(keys)
            )
        ).all()
        known.update({(r.subject, r.category, r.event_id): bytes(r.digest) for r in found})
    fresh, duplicates = [], 0
    for c in checked:
        if c.event_id is None:
            fresh.append(c)
            continue
        key = (c.subject, c.category.key, c.event_id)
        if key in known:
            if known[key] != c.digest:
                problems.append((c.index, f"id {c.event_id!r} was sent before with other content"))
            duplicates += 1
            continue
        known[key] = c.digest
        fresh.append(c)
    return fresh, duplicates


def read_events(
    ctx: VaultContext,
    subject: str,
    category: str,
    *,
    purpose: str,
    actor: str,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 100,
) -> EventsResult:
    """A stream's events newest first, decided like a read; one audit entry per call."""
    detail: dict[str, Any] = {"purpose": purpose, "stream": category}
    try:
        return _read_events(ctx, subject, category, purpose, actor, since, until, limit, detail)
    except PivaultError as exc:
        ctx.refused(actor, AuditAction.READ, subject, detail, exc)
        raise


def _read_events(
    ctx: VaultContext,
    subject: str,
    category: str,
    purpose: str,
    actor: str,
    since: datetime | None,
    until: datetime | None,
    limit: int,
    detail: dict[str, Any],
) -> EventsResult:
    cat = ctx.policy.categories.get(category)
    streams = [c.key for c in ctx.policy.leaves() if c.is_stream]
    if cat is None or not cat.is_stream:
        raise UnknownCategoryError(category, streams)
    if purpose not in ctx.policy.purposes:
        raise UnknownPurposeError(purpose, ctx.policy.purposes)
    if not 1 <= limit <= MAX_BATCH:
        raise InvalidArgumentError(f"limit must be between 1 and {MAX_BATCH}")
    result = EventsResult(subject, category, purpose)
    with ctx.store.append() as conn:
        loaded = ctx.load(conn, subject, actor)
        if loaded.person is None:
            raise UnknownSubjectError(subject)
        assert loaded.actor is not None
        person = loaded.person
        decision = ctx.decider.decide(category, purpose, loaded.actor.purposes, ctx.granted(person))
        if not decision.allowed:
            result.denied = decision
            ctx.record(
                conn,
                actor,
                AuditAction.READ,
                subject,
                {
                    **detail,
                    "allowed": [],
                    "not_collected": [],
                    "denied": {category: decision.reason.value},
                },
                person=person,
            )
            return result
        query = select(pi_events).where(
            pi_events.c.subject == subject, pi_events.c.category == category
        )
        if since is not None:
            query = query.where(pi_events.c.at >= iso(since))
        if until is not None:
            query = query.where(pi_events.c.at < iso(until))
        rows = conn.execute(
            query.order_by(pi_events.c.at.desc(), pi_events.c.id.desc()).limit(limit)
        ).all()
        assert cat.value_type is not None
        for row in rows:
            plain = open_value(
                person.data_key,
                bytes(row.ciphertext),
                subject,
                category,
                f"{row.record_id}@{row.at}",
            )
            result.events.append(Event(int(row.id), row.at, decode(cat.value_type.name, plain)))
        ctx.record(
            conn,
            actor,
            AuditAction.READ,
            subject,
            {
                **detail,
                "allowed": [category] if rows else [],
                "not_collected": [] if rows else [category],
                "denied": {},
                "events": len(rows),
            },
            person=person,
        )
    return result


def delete_events(
    ctx: VaultContext,
    subject: str,
    category: str,
    *,
    ids: Sequence[int] = (),
    since: datetime | None = None,
    until: datetime | None = None,
    actor: str = SELF,
) -> int:
    """Delete single events (``ids``) or a time range ("clear my search history")."""
    cat = ctx.policy.categories.get(category)
    if cat is None or not cat.is_stream:
        raise UnknownCategoryError(category, [c.key for c in ctx.policy.leaves() if c.is_stream])
    with ctx.store.write(subject) as conn:
        person = ctx.person(conn, subject)
        where = [pi_events.c.subject == subject, pi_events.c.category == category]
        if ids:
            where.append(pi_events.c.id.in_(list(ids)))
        if since is not None:
            where.append(pi_events.c.at >= iso(since))
        if until is not None:
            where.append(pi_events.c.at < iso(until))
        n = int(conn.execute(delete(pi_events).where(and_(*where))).rowcount)
        ctx.record(
            conn,
            actor,
            AuditAction.DELETE,
            subject,
            {"categories": [category], "events": n},
            person=person,
        )
    ctx.store.flush_deleted()
    return n


def export_streams(
    ctx: VaultContext, conn: Connection, person: Person
) -> dict[str, list[dict[str, Any]]]:
    """Every event of the person, by stream, oldest first (for the export)."""
    out: dict[str, list[dict[str, Any]]] = {}
    rows = conn.execute(
        select(pi_events)
        .where(pi_events.c.subject == person.subject)
        .order_by(pi_events.c.at, pi_events.c.id)
    ).all()
    for row in rows:
        cat = ctx.policy.categories.get(row.category)
        if cat is None or cat.value_type is None:
            continue
        plain = open_value(
            person.data_key,
            bytes(row.ciphertext),
            person.subject,
            row.category,
            f"{row.record_id}@{row.at}",
        )
        out.setdefault(row.category, []).append(
            {"id": int(row.id), "at": row.at, "value": decode(cat.value_type.name, plain)}
        )
    return out
