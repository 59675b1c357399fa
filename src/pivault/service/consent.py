"""Consent: grant and withdraw (PIPL Art. 15: as easy as giving it), the ledger of every
change, each item's state, and which features a person's consents make available.

Sensitive categories need separate consent (Art. 28–29); refusing one disables only
the features that need it (Art. 16). A withdrawal takes effect on the next read.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select, update

from pivault.core.audit_entry import AuditAction
from pivault.core.decide import feature_missing_consents
from pivault.core.errors import UnknownConsentItemError
from pivault.service.context import SELF, ConsentState, FeatureStatus, VaultContext
from pivault.store.schema import consent_events, subjects


def set_consent(
    ctx: VaultContext,
    subject: str,
    item: str,
    granted: bool,
    *,
    channel: str = "api",
    evidence: Mapping[str, Any] | None = None,
    actor: str = SELF,
) -> ConsentState:
    items = ctx.policy.consent_items()
    action = AuditAction.CONSENT_GRANT if granted else AuditAction.CONSENT_WITHDRAW
    if item not in items:
        error = UnknownConsentItemError(item, items)
        ctx.refused(actor, action, subject, {"item": item[:128]}, error)
        raise error
    now, version = ctx.now(), ctx.policy.version
    with ctx.store.write(subject) as conn:
        person = ctx.person_or_new(conn, subject)
        person.consents[item] = [granted, now, version]
        conn.execute(
            update(subjects)
            .where(subjects.c.subject == subject)
            .values(consents=json.dumps(person.consents))
        )
        conn.execute(
            consent_events.insert().values(
                subject=subject,
                item=item,
                granted=granted,
                at=now,
                policy_version=version,
                channel=channel,
                evidence=json.dumps(dict(evidence or {}), ensure_ascii=False),
            )
        )
        detail = {"item": item, "channel": channel, "policy_version": version}
        ctx.record(conn, actor, action, subject, detail, person=person)
    return ConsentState(item, items[item], granted, True, now, version)


def consents(ctx: VaultContext, subject: str) -> list[ConsentState]:
    """Every consent item and its state for ``subject`` (defaults where never chosen)."""
    with ctx.store.read() as conn:
        person = ctx.person(conn, subject)
    out = []
    for item, kind in ctx.policy.consent_items().items():
        state = person.consents.get(item)
        if state is None:
            out.append(
                ConsentState(item, kind, ctx.policy.consent_default(item), False, None, None)
            )
        else:
            out.append(ConsentState(item, kind, bool(state[0]), True, state[1], state[2]))
    return out


def consent_ledger(ctx: VaultContext, subject: str) -> list[dict[str, Any]]:
    """Every grant and withdrawal of ``subject``, oldest first, with channel and evidence."""
    with ctx.store.read() as conn:
        rows = conn.execute(
            select(consent_events)
            .where(consent_events.c.subject == subject)
            .order_by(consent_events.c.id)
        ).all()
    return [
        {
            "item": r.item,
            "granted": r.granted,
            "at": r.at,
            "policy_version": r.policy_version,
            "channel": r.channel,
            "evidence": json.loads(r.evidence),
        }
        for r in rows
    ]


def features(ctx: VaultContext, subject: str) -> list[FeatureStatus]:
    """Every feature, available or not, with the consents it lacks."""
    with ctx.store.read() as conn:
        person = ctx.person(conn, subject)
    granted = ctx.granted(person)
    out = []
    for feature in ctx.policy.features:
        missing = feature_missing_consents(ctx.policy, feature, granted)
        out.append(FeatureStatus(feature, not missing, tuple(missing)))
    return out
