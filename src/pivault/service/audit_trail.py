"""The audit trail as the vault's users see it: verify the log, read a person's history."""

from __future__ import annotations

from pivault.core.audit_entry import AuditEntry
from pivault.service.audit import AuditReport
from pivault.service.context import VaultContext


def verify_audit(ctx: VaultContext) -> AuditReport:
    """Integrate pending entries (this process acts as the sequencer), then recompute
    the Merkle log and check it against every published checkpoint."""
    ctx.audit.integrate()
    return ctx.audit.verify()


def audit_log(
    ctx: VaultContext, subject: str | None = None, *, limit: int | None = None
) -> list[AuditEntry]:
    """Audit entries, oldest first; only ``subject``'s own when given."""
    if subject is None:
        entries = ctx.audit.entries(None, None)
    else:
        with ctx.store.read() as conn:
            person = ctx.person(conn, subject)
        entries = ctx.audit.entries(person.audit_tag, subject)
    return entries[-limit:] if limit else entries
