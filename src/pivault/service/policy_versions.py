"""Policy versions the service has enforced, and which of a person's consents need renewing.

PIPL Art. 14: when a purpose, the method or the kinds of information processed
change, consent must be asked again. The service records the text of every
policy version it runs with; a consent given under an older version is due for
renewal when :func:`pivault.core.diff.diff_policies` marks a change touching it
(its purpose, or its sensitive category) as needing consent. Opt-out consents
the person never chose explicitly, and consents given under a version whose text
was never recorded, are not flagged: we cannot tell what they agreed to.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import select

from pivault.core.diff import Change, diff_policies
from pivault.core.errors import PolicyError
from pivault.core.model import Policy
from pivault.core.policy_parse import parse_policy
from pivault.service.consent import consents
from pivault.service.context import VaultContext
from pivault.store.schema import policy_versions


@dataclass(frozen=True)
class Renewal:
    """A consent the person gave under ``given_under`` whose terms changed since."""

    item: str
    given_under: str
    changes: tuple[Change, ...]


class PolicyVersions:
    def __init__(self, ctx: VaultContext) -> None:
        self._ctx = ctx

    def record(self, source: str) -> None:
        """Record the current policy's text under its version (once; later texts are kept out)."""
        version = self._ctx.policy.version
        with self._ctx.store.append() as conn:
            known = conn.execute(
                select(policy_versions.c.version).where(policy_versions.c.version == version)
            ).first()
            if known is not None:
                return
        with self._ctx.store.append() as conn:  # another worker may have recorded it first
            row = {"version": version, "source": source, "recorded_at": self._ctx.now()}
            self._ctx.store.insert_new(conn, policy_versions, [row], ["version"])

    def versions(self) -> list[str]:
        with self._ctx.store.read() as conn:
            rows = conn.execute(
                select(policy_versions.c.version).order_by(policy_versions.c.recorded_at)
            ).scalars()
            out = list(rows)
        return out

    def policy(self, version: str) -> Policy | None:
        """The recorded policy of ``version``, or None if it was never recorded."""
        with self._ctx.store.read() as conn:
            source = conn.execute(
                select(policy_versions.c.source).where(policy_versions.c.version == version)
            ).scalar()
        return None if source is None else _parsed(source, version)

    def renewals(self, subject: str) -> list[Renewal]:
        """Consents of ``subject`` given under an older version whose terms changed since."""
        current = self._ctx.policy
        out: list[Renewal] = []
        for state in consents(self._ctx, subject):
            if not (state.granted and state.explicit and state.policy_version):
                continue
            if state.policy_version == current.version:
                continue
            old = self.policy(state.policy_version)
            if old is None:
                continue
            touching = tuple(
                c for c in diff_policies(old, current).consent_changes() if _touches(c, state.item)
            )
            if touching:
                out.append(Renewal(state.item, state.policy_version, touching))
        return out


def _touches(change: Change, item: str) -> bool:
    if change.purpose == item:
        return True
    cat = change.category or (change.key if change.kind.value == "category" else None)
    return cat is not None and (cat == item or cat.startswith(item + "."))


@lru_cache(maxsize=16)
def _parsed(source: str, version: str) -> Policy | None:
    # Parsing is pure and a version's text never changes, so caching is safe in every worker.
    try:
        return parse_policy(source, f"policy version {version}")
    except PolicyError:
        return None
