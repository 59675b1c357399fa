"""Retention: delete values older than their category's retention (audited with counts,
never values)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete

from pivault.core.audit_entry import AuditAction
from pivault.service.context import VaultContext, iso
from pivault.store.schema import pi_values


def purge_expired(ctx: VaultContext, now: datetime | None = None) -> dict[str, int]:
    """Delete values older than their category's retention; returns counts per category."""
    at = now if now is not None else ctx.clock()
    purged: dict[str, int] = {}
    with ctx.store.write() as conn:
        for cat in ctx.policy.leaves():
            if cat.retention is None or cat.retention.seconds is None:
                continue
            cutoff = iso(at - timedelta(seconds=cat.retention.seconds))
            n = conn.execute(
                delete(pi_values).where(
                    pi_values.c.category == cat.key, pi_values.c.collected_at < cutoff
                )
            ).rowcount
            if n:
                purged[cat.key] = int(n)
        ctx.record(
            conn,
            "retention",
            AuditAction.RETENTION_PURGE,
            None,
            {"purged": purged, "at": iso(at)},
        )
    ctx.store.flush_deleted()
    return purged
