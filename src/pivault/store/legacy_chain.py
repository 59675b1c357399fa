"""The HMAC hash chain that vaults kept before the Merkle audit log (revisions 0001–0003).

Migration 0004 verifies such a chain once and turns its entries into the log's first
leaves; nothing else reads or writes this format.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from pivault.crypto.envelope import chain_digest
from pivault.crypto.primitives import digests_equal

GENESIS = bytes(32)


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


def verify(rows: Iterable[Any], audit_key: bytes) -> list[str]:
    """Every break in the chain over ``rows`` (ordered by seq); empty when it is intact."""
    problems: list[str] = []
    previous, expected = GENESIS, 1
    for row in rows:
        if row.seq != expected:
            problems.append(f"legacy entries {expected}–{row.seq - 1} are missing")
        body = canonical(row.seq, row.at, row.actor, row.action, row.subject, row.detail)
        if not digests_equal(chain_digest(audit_key, previous, body), bytes(row.digest)):
            problems.append(f"legacy entry {row.seq} does not match the chain")
        previous, expected = bytes(row.digest), row.seq + 1
    return problems
