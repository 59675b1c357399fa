"""Key operations: rotate the master key (re-wrap every key; no value is re-encrypted)."""

from __future__ import annotations

from pivault.core.audit_entry import AuditAction
from pivault.crypto.master_key import MasterKey
from pivault.service import keyring
from pivault.service.context import VaultContext


def rotate_master_key(ctx: VaultContext, new_key: MasterKey, *, actor: str = "admin") -> int:
    """Re-wrap every key under ``new_key`` (no value is re-encrypted); returns the count."""
    with ctx.store.write() as conn:
        count = keyring.rewrap_all(conn, ctx.master, new_key)
        ctx.record(
            conn,
            actor,
            AuditAction.KEYS_ROTATE,
            None,
            {
                "old_key_id": ctx.master.key_id,
                "new_key_id": new_key.key_id,
                "rewrapped": count,
            },
        )
    ctx.master = new_key
    return count
