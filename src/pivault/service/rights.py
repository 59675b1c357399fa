"""People's rights (PIPL Art. 44–47): export, correction, deletion, account cancellation.

Export gives every value with its labels, purposes, when and how it was collected,
the consents and the person's own access history. Erasure destroys the person's data
key (crypto-shredding), deletes their rows and leaves a tombstone with no value.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, select, update

from pivault.core.audit_entry import AuditAction
from pivault.core.codec import to_json_value
from pivault.core.errors import UnknownCategoryError, ValueValidationError
from pivault.core.values import decode, validate
from pivault.crypto.envelope import open_value
from pivault.service import consent
from pivault.service.context import SELF, VaultContext
from pivault.service.events import export_streams
from pivault.service.minimise import apply_transform
from pivault.store.schema import consent_events, pi_events, pi_values, subjects


def export(ctx: VaultContext, subject: str, *, actor: str = SELF) -> dict[str, Any]:
    """Everything held about ``subject``, machine-readable (PIPL Art. 45)."""
    policy = ctx.policy
    with ctx.store.write(subject) as conn:
        person = ctx.person(conn, subject)
        rows = conn.execute(
            select(pi_values).where(pi_values.c.subject == subject).order_by(pi_values.c.category)
        ).all()
        items = []
        for row in rows:
            cat = policy.categories.get(row.category)
            if cat is None or cat.value_type is None:
                continue  # a category dropped from the policy: not decodable by type
            plain = open_value(
                person.data_key, bytes(row.ciphertext), subject, row.category, row.record_id
            )
            items.append(
                {
                    "category": cat.key,
                    "label": cat.label.as_dict(),
                    "clauses": list(cat.clauses),
                    "source": cat.source.value,
                    "sensitive": cat.sensitive.value if cat.sensitive else None,
                    "value_type": cat.value_type.name,
                    "value": to_json_value(decode(cat.value_type.name, plain)),
                    "purposes": [
                        {
                            "purpose": p,
                            "clause": policy.purposes[p].clause,
                            "label": policy.purposes[p].label.as_dict(),
                        }
                        for p in sorted(policy.allowed[cat.key])
                    ],
                    "collected_at": row.collected_at,
                    "collected_by": {"feature": row.feature, "actor": row.actor},
                    "policy_version": row.policy_version,
                    "retention": cat.retention.iso if cat.retention else None,
                }
            )
        streams = export_streams(ctx, conn, person)
        history = [e.as_dict() for e in ctx.audit.entries(person.audit_tag, subject)]
        ctx.record(
            conn, actor, AuditAction.EXPORT, subject, {"categories": len(items)}, person=person
        )
    return {
        "format": "pivault-export-v1",
        "subject": subject,
        "exported_at": ctx.now(),
        "policy_version": policy.version,
        "data": items,
        "consents": [
            {
                "item": c.item,
                "kind": c.kind,
                "granted": c.granted,
                "explicit": c.explicit,
                "at": c.at,
            }
            for c in consent.consents(ctx, subject)
        ],
        "consent_ledger": consent.consent_ledger(ctx, subject),
        "streams": {
            key: {
                "label": ctx.policy.categories[key].label.as_dict(),
                "retention": (r.iso if (r := ctx.policy.categories[key].retention) else None),
                "events": events,
            }
            for key, events in streams.items()
        },
        "access_history": history,
    }


def correct(
    ctx: VaultContext,
    subject: str,
    category: str,
    value: Any,
    *,
    actor: str = SELF,
    from_text: bool = False,
) -> None:
    """Replace a value the vault holds (PIPL Art. 46). Validation and minimisation apply."""
    cat = ctx.policy.categories.get(category)
    if cat is None or cat.value_type is None:
        raise UnknownCategoryError(category, [c.key for c in ctx.policy.leaves()])
    canonical = validate(cat, value, from_text=from_text)
    with ctx.store.write(subject) as conn:
        person = ctx.person(conn, subject)
        row = conn.execute(
            select(pi_values.c.feature).where(
                pi_values.c.subject == subject, pi_values.c.category == category
            )
        ).first()
        if row is None:
            raise ValueValidationError(category, "nothing is held in this category to correct")
        # Only the corrected category itself is stored; derived values are not re-derived.
        stored = apply_transform(
            ctx.policy, ctx.keys.pseudonym, category, canonical, lambda _: False
        )
        now = ctx.now()
        sealed = ctx.sealed_row(person, row.feature, actor, category, stored[0][1], now)
        ctx.store.statements.write(conn, values=[sealed])
        ctx.record(conn, actor, AuditAction.CORRECT, subject, {"category": category}, person=person)


def delete_categories(
    ctx: VaultContext, subject: str, categories: Iterable[str], *, actor: str = SELF
) -> list[str]:
    """Delete the values of ``categories`` (parents cover children); returns those deleted."""
    leaves: list[str] = []
    for key in categories:
        if key not in ctx.policy.categories:
            raise UnknownCategoryError(key, ctx.policy.categories)
        leaves.extend(ctx.policy.leaf_keys_under(key))
    with ctx.store.write(subject) as conn:
        person = ctx.person(conn, subject)
        deleted = list(
            conn.execute(
                delete(pi_values)
                .where(pi_values.c.subject == subject, pi_values.c.category.in_(leaves))
                .returning(pi_values.c.category)
            ).scalars()
        )
        deleted += list(
            conn.execute(
                delete(pi_events)
                .where(pi_events.c.subject == subject, pi_events.c.category.in_(leaves))
                .returning(pi_events.c.category)
            ).scalars()
        )
        deleted = sorted(set(deleted))
        ctx.record(
            conn,
            actor,
            AuditAction.DELETE,
            subject,
            {"categories": sorted(deleted)},
            person=person,
        )
    ctx.store.flush_deleted()
    return sorted(deleted)


def erase(ctx: VaultContext, subject: str, *, actor: str = SELF) -> int:
    """Cancel the account: destroy the data key, delete the rows, keep a tombstone."""
    with ctx.store.write(subject) as conn:
        person = ctx.person(conn, subject)
        count = conn.execute(delete(pi_values).where(pi_values.c.subject == subject)).rowcount
        count += conn.execute(delete(pi_events).where(pi_events.c.subject == subject)).rowcount
        conn.execute(delete(consent_events).where(consent_events.c.subject == subject))
        conn.execute(
            update(subjects)
            .where(subjects.c.subject == subject)
            .values(wrapped_key=None, consents="{}", erased_at=ctx.now())
        )
        # Committed under the person's key, which this transaction destroys: from now on
        # nobody can tell which entries of the log were theirs.
        ctx.record(
            conn, actor, AuditAction.ERASE, subject, {"values_destroyed": count}, person=person
        )
    ctx.store.flush_deleted()
    return int(count)
