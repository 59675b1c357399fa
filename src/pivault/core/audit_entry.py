"""What an audit log entry says, and its exact bytes: the leaf of the Merkle log.

A leaf is canonical JSON (sorted keys, no spaces, UTF-8) of the entry's format
version, time, actor, action, subject commitment and detail. It holds no personal
value and no subject id: the subject appears only as a keyed commitment (see
:func:`pivault.crypto.envelope.subject_commitment`) that nobody can link to a
person once that person's data key is destroyed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pivault.core.errors import AuditError

__all__ = ["LEAF_FORMAT", "AuditAction", "AuditEntry", "leaf_bytes", "parse_leaf"]

LEAF_FORMAT = 1


class AuditAction(StrEnum):
    """Every action the audit log records; the privacy center names each (i18n ``action.*``)."""

    ACTOR_REGISTER = "actor.register"
    CLIENT_REGISTER = "client.register"
    COLLECT = "collect"
    RECORD = "record"
    READ = "read"
    DECIDE = "decide"
    FIND = "find"
    CONSENT_GRANT = "consent.grant"
    CONSENT_WITHDRAW = "consent.withdraw"
    CONSENT_REFUSED = "consent.refused"
    EXPORT = "export"
    CORRECT = "correct"
    DELETE = "delete"
    ERASE = "erase"
    RETENTION_PURGE = "retention.purge"
    KEYS_ROTATE = "keys.rotate"
    CENTER_LINK = "center.link"
    CENTER_OPEN = "center.open"
    LEGACY_IMPORT = "audit.legacy_import"


@dataclass(frozen=True)
class AuditEntry:
    """One entry as its reader sees it. ``index`` is its place in the log (None until the
    sequencer integrates it); ``subject`` is given only to whoever asked by subject."""

    index: int | None
    at: str
    actor: str
    action: str
    subject: str | None
    detail: Mapping[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "at": self.at,
            "actor": self.actor,
            "action": self.action,
            "subject": self.subject,
            "detail": dict(self.detail),
        }


def leaf_bytes(
    *, at: str, actor: str, action: str, subject: bytes | None, detail: Mapping[str, Any]
) -> bytes:
    """The exact leaf of an entry; ``subject`` is its commitment (or None)."""
    body = {
        "v": LEAF_FORMAT,
        "at": at,
        "actor": actor,
        "action": str(action),
        "subject": subject.hex() if subject is not None else None,
        "detail": dict(detail),
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def parse_leaf(leaf: bytes, index: int | None, subject: str | None = None) -> AuditEntry:
    """The entry a leaf holds; ``subject``: the id to show, when the reader knows it."""
    try:
        body = json.loads(leaf)
        return AuditEntry(index, body["at"], body["actor"], body["action"], subject, body["detail"])
    except (ValueError, KeyError, TypeError):
        raise AuditError(f"audit leaf {index} is not a pivault entry") from None
