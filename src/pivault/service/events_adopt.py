"""Values held before a category became a stream become its first events (when the vault
opens), and the old communication-log triple (counterpart, time, duration) one session."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete, select

from pivault.core.audit_entry import AuditAction
from pivault.core.errors import PivaultError
from pivault.core.values import decode, validate
from pivault.crypto.envelope import open_value
from pivault.service.context import VaultContext, iso
from pivault.service.events import check_counterpart, event_row, month_of, parse_time
from pivault.store.schema import pi_events, pi_values

__all__ = ["adopt_values"]


#: The communication-log categories of policies before streams: one value each, now one
#: ``communication_log`` session event.
_LEGACY_COMMUNICATION = (
    "communication_log.counterpart",
    "communication_log.time",
    "communication_log.duration",
)


def adopt_values(ctx: VaultContext) -> int:
    """Turn values the vault holds in categories the policy declares as streams into their
    first events (at their collection time), and the old communication-log triple into one
    session event. Runs when the vault opens; does nothing when there is nothing to move."""
    streams = {c.key for c in ctx.policy.leaves() if c.is_stream}
    comm = ctx.policy.categories.get("communication_log")
    legacy = set(_LEGACY_COMMUNICATION) if comm is not None and comm.is_stream else set()
    wanted = sorted(streams | legacy)
    if not wanted:
        return 0
    with ctx.store.read() as conn:
        found = conn.execute(
            select(pi_values.c.subject).where(pi_values.c.category.in_(wanted)).limit(1)
        ).first()
    if found is None:
        return 0
    moved = 0
    with ctx.store.write() as conn:
        rows = conn.execute(
            select(pi_values).where(pi_values.c.category.in_(wanted)).order_by(pi_values.c.subject)
        ).all()
        by_subject: dict[str, list[Any]] = {}
        for row in rows:
            by_subject.setdefault(row.subject, []).append(row)
        events: list[dict[str, Any]] = []
        for subject, held in by_subject.items():
            person = ctx.person(conn, subject)
            plain: dict[str, Any] = {}
            for row in held:
                vt = (
                    ctx.policy.categories[row.category].value_type
                    if row.category in streams
                    else None
                )
                data = open_value(
                    person.data_key, bytes(row.ciphertext), subject, row.category, row.record_id
                )
                plain[row.category] = (row, decode(vt.name, data) if vt else json.loads(data))
            for key, (row, value) in plain.items():
                if key in streams:
                    events.append(event_row(ctx, person, key, row.collected_at, value, row.actor))
            if legacy & set(plain):
                session = _legacy_session(ctx, plain)
                if session is not None:
                    at, value, actor = session
                    events.append(event_row(ctx, person, "communication_log", at, value, actor))
            counts = {k: 1 for k in plain}
            ctx.record(
                conn, "admin", AuditAction.RECORD, subject, {"adopted": counts}, person=person
            )
        if events:
            ctx.store.prepare_event_months(conn, {month_of(e["at"]) for e in events})
            conn.execute(pi_events.insert(), events)
        conn.execute(delete(pi_values).where(pi_values.c.category.in_(wanted)))
        moved = len(events)
    ctx.store.flush_deleted()
    return moved


def _legacy_session(ctx: VaultContext, plain: Mapping[str, Any]) -> tuple[str, Any, str] | None:
    """The old counterpart / time / duration values as one session, or None when they do
    not make a valid one (content that is not an account id is not carried over)."""
    counterpart = plain.get("communication_log.counterpart")
    if counterpart is None:
        return None
    row, who = counterpart
    time = plain.get("communication_log.time")
    duration = plain.get("communication_log.duration")
    try:
        at = iso(parse_time(time[1])) if time is not None else row.collected_at
        value = validate(
            ctx.policy.categories["communication_log"],
            {"counterpart": who, "duration_s": duration[1] if duration else 0},
        )
        check_counterpart(value)
    except PivaultError:
        return None
    return at, value, str(row.actor)
