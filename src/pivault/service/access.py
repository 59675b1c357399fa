"""Access: read values for a purpose, decide without reading, find people by a value.

Every read names a purpose; a category is returned only where the policy's rules,
the caller's registration and the person's consents allow it (purpose limitation),
and only allowed categories are ever decrypted. Each read is one audit entry with
its denials; a refused call, a denied decision and a denied lookup are audited too.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from pivault.core.audit_entry import AuditAction
from pivault.core.decide import Decision, Reason
from pivault.core.errors import (
    AccessDeniedError,
    PivaultError,
    UnknownCategoryError,
    UnknownPurposeError,
    UnknownSubjectError,
)
from pivault.core.values import decode, lookup_form, validate
from pivault.crypto.envelope import blind_index, open_value
from pivault.service.context import ReadResult, VaultContext
from pivault.store.schema import pi_values


def read(
    ctx: VaultContext, subject: str, categories: Iterable[str], *, purpose: str, actor: str
) -> ReadResult:
    """Values the actor may use for ``purpose``; a reasoned denial for the rest.

    Denials are in the read's audit entry; a refused read (unknown subject, actor,
    purpose or category) gets an entry of its own."""
    categories = list(categories)
    try:
        return _read(ctx, subject, categories, purpose=purpose, actor=actor)
    except PivaultError as exc:
        detail = {"purpose": purpose, "categories": [str(c) for c in categories][:50]}
        ctx.refused(actor, AuditAction.READ, subject, detail, exc)
        raise


def _read(
    ctx: VaultContext, subject: str, categories: list[str], *, purpose: str, actor: str
) -> ReadResult:
    wanted = expand(ctx, categories)
    if purpose not in ctx.policy.purposes:
        raise UnknownPurposeError(purpose, ctx.policy.purposes)
    result = ReadResult(subject, purpose)
    with ctx.store.transaction() as conn:
        loaded = ctx.load(conn, subject, actor, wanted)
        person, caller = loaded.person, loaded.actor
        if person is None:
            raise UnknownSubjectError(subject)
        assert caller is not None
        granted = ctx.granted(person)
        allowed_cats = []
        for cat in wanted:
            decision = ctx.decider.decide(cat, purpose, caller.purposes, granted)
            if decision.allowed:
                allowed_cats.append(cat)
            else:
                result.denied[cat] = decision
        # Only allowed categories are ever decrypted; a stream answers its newest record.
        streams = [c for c in allowed_cats if ctx.policy.categories[c].is_stream]
        for category, record_id, at, ciphertext in ctx.store.statements.latest_events(
            conn, subject, streams
        ):
            value_type = ctx.policy.categories[category].value_type
            assert value_type is not None
            plain = open_value(
                person.data_key, bytes(ciphertext), subject, category, f"{record_id}@{at}"
            )
            result.values[category] = decode(value_type.name, plain)
        for row in loaded.ciphertexts:
            if row.category in result.denied:
                continue
            value_type = ctx.policy.categories[row.category].value_type
            assert value_type is not None
            plain = open_value(
                person.data_key, bytes(row.ciphertext), subject, row.category, row.record_id
            )
            result.values[row.category] = decode(value_type.name, plain)
        result.missing = [c for c in allowed_cats if c not in result.values]
        detail = {
            "purpose": purpose,
            "allowed": sorted(result.values),
            "not_collected": result.missing,
            "denied": {c: d.reason.value for c, d in sorted(result.denied.items())},
        }
        entry = ctx.audit_row(actor, AuditAction.READ, detail, tag=person.audit_tag)
        ctx.store.statements.write(conn, audit_entry=entry, commit=True)
    return result


def expand(ctx: VaultContext, categories: Iterable[str]) -> list[str]:
    """Leaf categories of ``categories`` (a parent covers its children), in order."""
    out: list[str] = []
    for key in categories:
        if key not in ctx.policy.categories:
            raise UnknownCategoryError(key, ctx.policy.categories)
        for leaf in ctx.policy.leaf_keys_under(key):
            if leaf not in out:
                out.append(leaf)
    return out


def decide(ctx: VaultContext, subject: str, category: str, purpose: str, actor: str) -> Decision:
    """One decision for one person, reading no value. A denial (and a refusal) is
    audited; an allowed decision is not, as nothing was used."""
    detail = {"category": category, "purpose": purpose}
    try:
        with ctx.store.read() as conn:
            loaded = ctx.load(conn, subject, actor)
        if loaded.person is None:
            raise UnknownSubjectError(subject)
        assert loaded.actor is not None
        granted = ctx.granted(loaded.person)
        decision = ctx.decider.decide(category, purpose, loaded.actor.purposes, granted)
    except PivaultError as exc:
        ctx.refused(actor, AuditAction.DECIDE, subject, detail, exc)
        raise
    if not decision.allowed:
        with ctx.store.append() as conn:
            denied = {**detail, "denied": decision.reason.value}
            ctx.record(conn, actor, AuditAction.DECIDE, subject, denied, person=loaded.person)
    return decision


def find(
    ctx: VaultContext, category: str, value: Any, *, actor: str, purpose: str = "service"
) -> list[str]:
    """Subjects whose ``category`` equals ``value`` (through the blind index).

    A denied lookup raises :class:`AccessDeniedError` after its audit entry is committed."""
    cat = ctx.policy.categories.get(category)
    if cat is None or not cat.lookup:
        lookups = [c.key for c in ctx.policy.leaves() if c.lookup]
        raise UnknownCategoryError(category, lookups)
    if purpose not in ctx.policy.purposes:
        raise UnknownPurposeError(purpose, ctx.policy.purposes)
    assert cat.value_type is not None
    canonical = validate(cat, value)
    token = blind_index(ctx.keys.blind_index, category, lookup_form(cat.value_type.name, canonical))
    detail = {"category": category, "purpose": purpose}
    denied: AccessDeniedError | None = None
    found: list[str] = []
    with ctx.store.append() as conn:
        caller = ctx.actor(conn, actor)
        if purpose not in caller.purposes or purpose not in ctx.policy.allowed[category]:
            reason = (
                Reason.ACTOR_NOT_AUTHORIZED
                if purpose not in caller.purposes
                else Reason.NOT_PERMITTED_BY_POLICY
            )
            ctx.record(conn, actor, AuditAction.FIND, None, {**detail, "denied": reason.value})
            denied = AccessDeniedError(
                reason.value,
                f"actor {actor!r} may not look up {category!r} for purpose {purpose!r} "
                f"({reason.value})",
            )
        else:
            found = list(
                conn.execute(
                    select(pi_values.c.subject).where(
                        pi_values.c.category == category, pi_values.c.blind_index == token
                    )
                ).scalars()
            )
            ctx.record(conn, actor, AuditAction.FIND, None, {**detail, "matches": len(found)})
    if denied is not None:  # raised after the commit, so its audit entry stays
        raise denied
    return found
