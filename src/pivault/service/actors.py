"""Calling services (actors): register one with the purposes it may claim; list them."""

from __future__ import annotations

import json
from collections.abc import Iterable

from sqlalchemy import delete, select

from pivault.core.audit_entry import AuditAction
from pivault.core.errors import InvalidArgumentError, UnknownPurposeError
from pivault.service.context import Actor, VaultContext
from pivault.store.schema import actors


def add_actor(ctx: VaultContext, name: str, purposes: Iterable[str]) -> Actor:
    """Register (or re-register) a calling service with the purposes it may claim."""
    wanted = sorted(set(purposes))
    for p in wanted:
        if p not in ctx.policy.purposes:
            raise UnknownPurposeError(p, ctx.policy.purposes)
    if not name or len(name) > 64 or not name.replace("-", "").replace("_", "").isalnum():
        raise InvalidArgumentError("an actor name is 1–64 letters, digits, - or _")
    with ctx.store.append() as conn:
        conn.execute(delete(actors).where(actors.c.name == name))
        conn.execute(
            actors.insert().values(name=name, purposes=json.dumps(wanted), created_at=ctx.now())
        )
        detail = {"actor": name, "purposes": wanted}
        ctx.record(conn, "admin", AuditAction.ACTOR_REGISTER, None, detail)
    return Actor(name, frozenset(wanted))


def list_actors(ctx: VaultContext) -> list[Actor]:
    with ctx.store.read() as conn:
        rows = conn.execute(select(actors.c.name, actors.c.purposes).order_by(actors.c.name)).all()
    return [Actor(r.name, frozenset(json.loads(r.purposes))) for r in rows]
