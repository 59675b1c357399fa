"""What the privacy-center pages show, built from what the vault returns. Pure functions.

The vault's export gives every value with its labels, purposes, source and
retention; its consent states, feature statuses and audit entries give the
rest. Nothing here reads the store.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pivault.core.audit_entry import AuditEntry
from pivault.core.decide import features_needing
from pivault.core.model import SOURCE_CLAUSE, Policy, Source
from pivault.http.center_stream_views import StreamSummary
from pivault.http.i18n import S, list_sep, tr
from pivault.http.masks import full, masked, revealable
from pivault.service.context import ConsentState, FeatureStatus

SOURCE_ORDER = (Source.PROVIDED, Source.OBSERVED, Source.FROM_OTHERS)


def when(iso_time: str | None) -> str:
    """'2026-11-01 08:00 UTC' from the vault's ISO time."""
    if not iso_time:
        return ""
    return iso_time[:10] + " " + iso_time[11:16] + " UTC"


@dataclass
class DataRow:
    category: str
    label: str
    sensitive: bool
    shown: str
    revealed: bool
    can_reveal: bool
    can_correct: bool
    purposes: list[str]
    collected: str
    kept: str


@dataclass
class SourceGroup:
    clause: str
    title: str
    rows: list[DataRow] = field(default_factory=list)
    #: Streams (records over time) from this source, each linking to its page.
    streams: list[StreamSummary] = field(default_factory=list)


def data_groups(
    policy: Policy,
    export: Mapping[str, Any],
    lang: str,
    reveal: str | None,
    streams: Iterable[StreamSummary] = (),
) -> list[SourceGroup]:
    """The person's values and streams grouped by where they came from (1.1 / 1.2 / 1.3)."""
    from pivault.present.policy_text import retention_text  # lazily: a rendering module

    groups = {s: SourceGroup(SOURCE_CLAUSE[s], tr(lang, f"source.{s.value}")) for s in SOURCE_ORDER}
    for item in export["data"]:
        cat = policy.categories.get(item["category"])
        if cat is None or cat.value_type is None:
            continue
        type_name = cat.value_type.name
        show_full = reveal == cat.key and revealable(type_name)
        value = item["value"]
        groups[cat.source].rows.append(
            DataRow(
                category=cat.key,
                label=cat.label.get(lang),
                sensitive=cat.sensitive is not None,
                shown=full(value, type_name, lang)
                if show_full
                else masked(value, type_name, cat.key, lang),
                revealed=show_full,
                can_reveal=revealable(type_name),
                can_correct=type_name in ("text", "phone", "email", "enum", "integer"),
                purposes=[p["label"][lang] for p in item["purposes"]],
                collected=when(item["collected_at"]),
                kept=retention_text(cat.retention, lang),
            )
        )
    for summary in streams:
        groups[policy.categories[summary.category].source].streams.append(summary)
    return [g for g in groups.values() if g.rows or g.streams]


def item_label(policy: Policy, item: str, lang: str) -> str:
    if item in policy.purposes:
        return policy.purposes[item].label.get(lang)
    if item in policy.categories:
        return policy.categories[item].label.get(lang)
    return item


def feature_labels(policy: Policy, keys: Iterable[str], lang: str) -> str:
    return list_sep(lang).join(policy.features[k].label.get(lang) for k in keys)


@dataclass
class ConsentRow:
    item: str
    label: str
    description: str
    sensitive: bool
    granted: bool
    default_on: bool
    enables: str
    effect_off: str


def consent_rows(policy: Policy, states: Iterable[ConsentState], lang: str) -> list[ConsentRow]:
    rows = []
    for state in states:
        needing = features_needing(policy, state.item)
        names = feature_labels(policy, needing, lang)
        desc = (
            policy.purposes[state.item].description
            if state.item in policy.purposes
            else policy.categories[state.item].description
        )
        rows.append(
            ConsentRow(
                item=state.item,
                label=item_label(policy, state.item, lang),
                description=desc.get(lang),
                sensitive=state.kind == "sensitive_category",
                granted=state.granted,
                default_on=not state.explicit and state.granted,
                enables=tr(lang, "perm.enables", features=names)
                if needing
                else tr(lang, "perm.enables_none"),
                effect_off=tr(lang, "perm.effect_off", features=names)
                if needing
                else tr(lang, "perm.effect_none"),
            )
        )
    return rows


def change_message(policy: Policy, item: str, granted: bool, lang: str) -> str:
    """What changed after a switch: which features stop working, or that it is on."""
    label = item_label(policy, item, lang)
    if granted:
        return tr(lang, "done.granted", label=label)
    needing = features_needing(policy, item)
    if not needing:
        return tr(lang, "done.withdrawn_none", label=label)
    return tr(lang, "done.withdrawn", label=label, features=feature_labels(policy, needing, lang))


@dataclass
class FeatureRow:
    feature: str
    label: str
    available: bool
    needs: str


def feature_rows(policy: Policy, statuses: Iterable[FeatureStatus], lang: str) -> list[FeatureRow]:
    return [
        FeatureRow(
            s.feature,
            policy.features[s.feature].label.get(lang),
            s.available,
            ""
            if s.available
            else tr(
                lang,
                "feature.needs",
                items=list_sep(lang).join(item_label(policy, i, lang) for i in s.missing_consents),
            ),
        )
        for s in statuses
    ]


@dataclass
class HistoryRow:
    at: str
    service: str
    action: str
    purpose: str
    categories: str
    outcome: str
    denied: bool
    #: The entry's place in the signed log (None: not yet integrated), for its proof link.
    index: int | None = None


def _actor(name: str, lang: str) -> str:
    key = f"actor.{name}"
    return tr(lang, key) if key in S else name


def _action(name: str, lang: str) -> str:
    key = f"action.{name}"
    return tr(lang, key) if key in S else name


def _labels(policy: Policy, keys: Iterable[str], lang: str) -> str:
    return list_sep(lang).join(item_label(policy, k, lang) for k in keys)


def history_rows(
    policy: Policy, entries: Iterable[AuditEntry], lang: str, limit: int = 200
) -> list[HistoryRow]:
    """Newest first: who used which of the person's information, for what, and the outcome."""
    rows = []
    for e in reversed(list(entries)):
        d = e.detail
        purpose = d.get("purpose") or d.get("item") or ""
        cats: list[str] = []
        outcome, denied = tr(lang, "outcome.allowed"), False
        if e.action == "read":
            cats = list(d.get("allowed", [])) + list(d.get("not_collected", []))
            refused = d.get("denied", {})
            if refused:
                denied = True
                reasons = sorted(set(refused.values()))
                why = list_sep(lang).join(tr(lang, f"reason.{r}") for r in reasons)
                cats += list(refused)
                outcome = (
                    f"{tr(lang, 'outcome.denied')}（{why}）"
                    if lang == "zh-CN"
                    else (f"{tr(lang, 'outcome.denied')} ({why})")
                )
                if d.get("allowed"):
                    outcome = tr(lang, "outcome.allowed") + " / " + outcome
        elif e.action in ("collect", "delete"):
            cats = list(d.get("categories", []))
        elif e.action == "record":
            cats = list(d.get("events", {}))
        elif e.action == "correct":
            cats = [d.get("category", "")]
        rows.append(
            HistoryRow(
                at=when(e.at),
                service=_actor(e.actor, lang),
                action=_action(e.action, lang),
                purpose=item_label(policy, purpose, lang) if purpose else "",
                categories=_labels(policy, cats, lang),
                outcome=outcome,
                denied=denied,
                index=e.index,
            )
        )
        if len(rows) >= limit:
            break
    return rows
