"""The tamper-evident audit log: an HMAC hash chain over append-only entries.

Each entry's digest is HMAC(audit key, previous digest || canonical entry). The
audit key is wrapped by the master key and never stored in the clear, so someone
who can edit the database cannot forge a consistent chain: an altered, removed
or reordered entry breaks :func:`verify_chain`. Entries never hold a personal value.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pivault.crypto.envelope import chain_digest
from pivault.crypto.primitives import digests_equal

GENESIS = bytes(32)


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: str
    actor: str
    action: str
    subject: str | None
    detail: Mapping[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "at": self.at,
            "actor": self.actor,
            "action": self.action,
            "subject": self.subject,
            "detail": dict(self.detail),
        }


@dataclass
class AuditReport:
    """The outcome of :func:`verify_chain`. ``ok`` is False if anything is wrong."""

    entries: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def canonical(
    seq: int, at: str, actor: str, action: str, subject: str | None, detail: str
) -> bytes:
    body = {
        "seq": seq,
        "at": at,
        "actor": actor,
        "action": action,
        "subject": subject,
        "detail": detail,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def head_of(seq: int | None, digest: bytes | None) -> tuple[int, bytes]:
    return (0, GENESIS) if seq is None else (int(seq), bytes(digest or b""))


def entry(
    audit_key: bytes,
    head: tuple[int, bytes],
    *,
    at: str,
    actor: str,
    action: str,
    subject: str | None,
    detail: Mapping[str, Any],
) -> dict[str, Any]:
    """The audit row that follows ``head`` (seq, digest): its columns, digest included."""
    seq = head[0] + 1
    detail_text = json.dumps(detail, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    body = canonical(seq, at, actor, action, subject, detail_text)
    digest = chain_digest(audit_key, head[1], body)
    return {
        "seq": seq,
        "at": at,
        "actor": actor,
        "action": action,
        "subject": subject,
        "detail": detail_text,
        "digest": digest,
    }


def verify_chain(rows: Iterable[Any], audit_key: bytes) -> AuditReport:
    """Recompute the chain over ``rows`` (ordered by seq) and report every break."""
    report = AuditReport()
    previous = GENESIS
    expected = 1
    for row in rows:
        report.entries += 1
        if row.seq != expected:
            if row.seq > expected:
                report.problems.append(
                    f"entries {expected}–{row.seq - 1} are missing (removed) before entry {row.seq}"
                )
            else:
                report.problems.append(f"entry {row.seq} is out of order (expected {expected})")
        body = canonical(row.seq, row.at, row.actor, row.action, row.subject, row.detail)
        digest = chain_digest(audit_key, previous, body)
        if not digests_equal(digest, bytes(row.digest)):
            report.problems.append(
                f"entry {row.seq} does not match the chain (altered, or an entry before it "
                "was altered, removed or reordered)"
            )
            # Continue from the stored digest so one edit is reported once.
        previous = bytes(row.digest)
        expected = row.seq + 1
    return report


def to_entry(row: Any) -> AuditEntry:
    return AuditEntry(row.seq, row.at, row.actor, row.action, row.subject, json.loads(row.detail))
