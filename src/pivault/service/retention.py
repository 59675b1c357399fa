"""Retention: delete values older than their category's retention (audited with counts,
never values)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, update

from pivault.core.audit_entry import AuditAction
from pivault.service.context import VaultContext, iso
from pivault.store.schema import pi_values, schedules


def purge_expired(ctx: VaultContext, now: datetime | None = None) -> dict[str, int]:
    """Delete values and events older than their category's retention (counts per
    category, audited; never values)."""
    at = now if now is not None else ctx.clock()
    purged: dict[str, int] = {}
    cutoffs: dict[str, str] = {}
    for cat in ctx.policy.leaves():
        cutoff = cat.retention.cutoff(at) if cat.retention is not None else None
        if cutoff is not None:  # calendar arithmetic: P6M is six calendar months
            cutoffs[cat.key] = iso(cutoff)
    with ctx.store.write() as conn:
        for key, before in cutoffs.items():
            if ctx.policy.categories[key].is_stream:
                continue
            n = conn.execute(
                delete(pi_values).where(
                    pi_values.c.category == key, pi_values.c.collected_at < before
                )
            ).rowcount
            if n:
                purged[key] = int(n)
        streams = {k: c for k, c in cutoffs.items() if ctx.policy.categories[k].is_stream}
        for key, n in ctx.store.purge_events(conn, streams).items():
            purged[key] = purged.get(key, 0) + n
        ctx.record(
            conn,
            "retention",
            AuditAction.RETENTION_PURGE,
            None,
            {"purged": purged, "at": iso(at)},
        )
    ctx.store.flush_deleted()
    return purged


#: The schedule row of the retention job (see :data:`pivault.store.schema.schedules`).
RETENTION_JOB = "retention"


def purge_if_due(ctx: VaultContext, interval_s: float) -> dict[str, int] | None:
    """Purge when the retention job is due, in one worker of however many run: each claims
    the run by moving ``next_run_at`` forward in one conditional UPDATE; only the one whose
    UPDATE matched purges. None when the job was not due (or another worker took it)."""
    now = ctx.clock()
    with ctx.store.append() as conn:
        row = {"name": RETENTION_JOB, "next_run_at": iso(now), "last_run_at": None}
        ctx.store.insert_new(conn, schedules, [row], ["name"])
        claimed = conn.execute(
            update(schedules)
            .where(schedules.c.name == RETENTION_JOB, schedules.c.next_run_at <= iso(now))
            .values(next_run_at=iso(now + timedelta(seconds=interval_s)), last_run_at=iso(now))
        ).rowcount
    return purge_expired(ctx, now) if claimed == 1 else None
