"""Collect: store values through a feature, or refuse the whole call (minimisation).

Only the feature's declared categories are accepted; values are validated, need the
consents their use requires, are minimised as their category says, and are sealed
under the person's data key. The values, a new person and the audit entry are one
write; a refusal is audited in a transaction of its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pivault.core.audit_entry import AuditAction
from pivault.core.decide import category_missing_consents
from pivault.core.errors import (
    CollectionRefusedError,
    ConsentRequiredError,
    PivaultError,
    UndeclaredFieldError,
    UnknownFeatureError,
)
from pivault.core.values import validate
from pivault.service.context import CollectReceipt, VaultContext
from pivault.service.events import event_row
from pivault.service.minimise import apply_transform


def collect(
    ctx: VaultContext,
    subject: str,
    feature: str,
    values: Mapping[str, Any],
    *,
    actor: str,
    from_text: bool = False,
) -> CollectReceipt:
    """Store ``values`` for ``subject`` through ``feature``, or refuse the whole call.

    A refusal is in the audit log too (which feature, which error; never a value)."""
    try:
        return _collect(ctx, subject, feature, values, actor=actor, from_text=from_text)
    except PivaultError as exc:
        detail = {"feature": feature, "categories": sorted(map(str, values))[:50]}
        ctx.refused(actor, AuditAction.COLLECT, subject, detail, exc)
        raise


def _collect(
    ctx: VaultContext,
    subject: str,
    feature: str,
    values: Mapping[str, Any],
    *,
    actor: str,
    from_text: bool,
) -> CollectReceipt:
    policy = ctx.policy
    if feature not in policy.features:
        raise UnknownFeatureError(feature, policy.features)
    allowed = policy.feature_fields[feature]
    undeclared = [k for k in values if k not in allowed]
    if undeclared:
        raise UndeclaredFieldError(feature, undeclared, allowed)
    if not values:
        raise CollectionRefusedError(f"nothing to collect for feature {feature!r}")
    canonical = {
        k: validate(policy.categories[k], v, from_text=from_text) for k, v in values.items()
    }
    purposes = policy.features[feature].purposes
    if any(policy.categories[k].is_stream for k in allowed):  # a derived value may be one
        ctx.store.ensure_event_months({ctx.now()[:7]})
    with ctx.store.transaction() as conn:
        loaded = ctx.load(conn, subject, actor, lock=True)
        assert loaded.actor is not None
        if not loaded.actor.purposes & set(purposes):
            raise CollectionRefusedError(
                f"actor {actor!r} is not registered for any purpose of feature {feature!r} "
                f"({', '.join(purposes)})"
            )
        now = ctx.now()
        person, new_subject = (
            (loaded.person, None) if loaded.person else ctx.new_person(subject, now)
        )
        granted = ctx.granted(person)
        for key in canonical:
            require_consent(ctx, purposes, key, granted)
        rows: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []
        applied: dict[str, str] = {}
        for key, value in canonical.items():
            for out_key, out_value, note in apply_transform(
                policy,
                ctx.keys.pseudonym,
                key,
                value,
                lambda derived: (
                    derived in allowed
                    and not category_missing_consents(policy, purposes, derived, granted)
                ),
            ):
                if note:
                    applied[out_key] = note
                if policy.categories[out_key].is_stream:  # a record at this time
                    events.append(event_row(ctx, person, out_key, now, out_value, actor))
                else:
                    rows.append(ctx.sealed_row(person, feature, actor, out_key, out_value, now))
        stored = sorted(r["category"] for r in [*rows, *events])
        entry = ctx.audit_row(
            actor,
            AuditAction.COLLECT,
            {"feature": feature, "categories": stored, "transforms": applied},
            tag=person.audit_tag,
            at=now,
        )
        ctx.store.statements.write(
            conn,
            new_subject=new_subject,
            values=rows,
            events=events,
            audit_entry=entry,
            commit=True,
        )
    return CollectReceipt(subject, feature, tuple(stored), applied)


def require_consent(
    ctx: VaultContext, purposes: tuple[str, ...], category: str, granted: frozenset[str]
) -> None:
    missing = category_missing_consents(ctx.policy, purposes, category, granted)
    if missing:
        cat = ctx.policy.categories[category]
        why = (
            f"{category!r} is sensitive ({cat.sensitive}) and needs separate consent"
            if cat.sensitive_item in missing
            else f"collecting {category!r} needs the person's consent"
        )
        raise ConsentRequiredError(
            category, missing, f"{why}: {', '.join(missing)}; nothing was stored"
        )
