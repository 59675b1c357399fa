"""What changed between two versions of a policy, and which changes need fresh consent.

PIPL Art. 14: when the purpose, the method or the kinds of personal information
processed change, consent must be obtained again. :func:`diff_policies` marks each
change with ``needs_consent`` and a reason code (see :data:`REASON_CODES`);
changes that need no consent are still reported, as people must be told (Art. 17).

Structure only: what changed and whether it needs consent. The words people read
(summaries, reasons, the text report) are in :mod:`pivault.present.policy_diff_text`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from pivault.core.model import Basis, Category, ConsentStyle, Policy

__all__ = ["REASON_CODES", "Action", "Change", "ChangeKind", "PolicyDiff", "diff_policies"]


class ChangeKind(StrEnum):
    CATEGORY = "category"
    RETENTION = "retention"
    PURPOSE = "purpose"
    RULE = "rule"
    FEATURE = "feature"


class Action(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


@dataclass(frozen=True)
class Change:
    """One change. ``code`` is a stable machine-readable name of the reason (see
    :data:`REASON_CODES`); ``changed`` names the attributes that changed, when the
    change is about attributes rather than a whole entry or a rule."""

    kind: ChangeKind
    action: Action
    key: str
    needs_consent: bool
    code: str
    category: str | None = None
    purpose: str | None = None
    old: str | None = None
    new: str | None = None
    changed: tuple[str, ...] = ()


@dataclass(frozen=True)
class PolicyDiff:
    old_version: str
    new_version: str
    changes: tuple[Change, ...]

    @property
    def needs_consent(self) -> bool:
        return any(c.needs_consent for c in self.changes)

    def consent_changes(self) -> list[Change]:
        return [c for c in self.changes if c.needs_consent]


#: Every reason code :func:`diff_policies` gives. Codes are stable; their texts live in
#: :mod:`pivault.present.policy_diff_text`.
REASON_CODES: frozenset[str] = frozenset(
    {
        "new_purpose_for_existing_data",
        "new_category_for_consent_purpose",
        "new_category_for_necessary_purpose",
        "basis_changed",
        "consent_now_opt_out",
        "consent_now_separate",
        "new_opt_out_purpose",
        "new_separate_consent_purpose",
        "new_necessary_purpose",
        "now_joins_identity",
        "retention_longer",
        "retention_shorter",
        "retention_changed",
        "became_sensitive",
        "sensitive_consent_item_changed",
        "no_longer_sensitive",
        "now_linkable",
        "minimisation_changed",
        "details_changed",
        "category_added",
        "removed",
        "narrower_use",
        "feature_changed",
    }
)


class _Changes(list[Change]):
    """Collects changes of one kind."""

    def __init__(self, kind: ChangeKind) -> None:
        super().__init__()
        self.kind = kind

    def add(
        self,
        action: Action,
        key: str,
        code: str,
        needs_consent: bool,
        *changed: str,
        **kw: str | None,
    ) -> None:
        self.append(Change(self.kind, action, key, needs_consent, code, changed=changed, **kw))


def _seconds(cat: Category) -> float:
    if cat.retention is None or cat.retention.seconds is None:
        return float("inf")
    return float(cat.retention.seconds)


def _inherited(old: Policy, new: Policy, key: str, get: Callable[[Category], object]) -> bool:
    """True when the category's old and new values both just follow its parent's."""
    parent = key.rsplit(".", 1)[0] if "." in key else None
    if parent is None or parent not in old.categories or parent not in new.categories:
        return False
    o, n = old.categories, new.categories
    return get(o[key]) == get(o[parent]) and get(n[key]) == get(n[parent])


def _consent_uses(policy: Policy, leaf_keys: Iterable[str]) -> bool:
    return any(
        policy.purposes[p].basis is Basis.CONSENT
        for leaf in leaf_keys
        for p in policy.allowed.get(leaf, ())
    )


_DETAIL_FIELDS: tuple[tuple[str, Callable[[Category], object]], ...] = (
    ("label", lambda c: c.label),
    ("description", lambda c: c.description),
    ("clauses", lambda c: c.clauses),
    ("source", lambda c: c.source),
    ("value_type", lambda c: c.value_type),
    ("lookup", lambda c: c.lookup),
    ("fides", lambda c: c.fides),
    ("places", lambda c: c.places),
    ("sensitive", lambda c: c.sensitive),
)


def _sensitivity(out: _Changes, old: Category, new: Category) -> None:
    key, was, now = new.key, old.sensitive_item, new.sensitive_item
    if was is None and now is not None:
        out.add(
            Action.CHANGED,
            key,
            "became_sensitive",
            True,
            "sensitive",
            category=key,
            new=str(new.sensitive),
        )
    elif was is not None and now is None:
        out.add(
            Action.CHANGED,
            key,
            "no_longer_sensitive",
            False,
            "sensitive",
            category=key,
            old=str(old.sensitive),
        )
    elif was != now:
        out.add(
            Action.CHANGED,
            key,
            "sensitive_consent_item_changed",
            True,
            "sensitive",
            category=key,
            old=was,
            new=now,
        )


def _categories(old: Policy, new: Policy) -> list[Change]:
    out = _Changes(ChangeKind.CATEGORY)
    for key in old.categories:
        if key not in new.categories:
            out.add(Action.REMOVED, key, "removed", False, category=key)
    for key, c in new.categories.items():
        o = old.categories.get(key)
        if o is None:
            out.add(Action.ADDED, key, "category_added", False, category=key)
            continue
        if not _inherited(old, new, key, lambda x: x.sensitive_item):
            _sensitivity(out, o, c)
        if not o.linkable and c.linkable and not _inherited(old, new, key, lambda x: x.linkable):
            out.add(Action.CHANGED, key, "now_linkable", True, "linkable", category=key)
        if o.transform != c.transform:
            was = o.transform.name if o.transform else None
            now = c.transform.name if c.transform else None
            consent = (
                was is not None
                and now in (None, was)
                and _consent_uses(new, new.leaf_keys_under(key))
            )
            code = "minimisation_changed" if consent else "details_changed"
            out.add(Action.CHANGED, key, code, consent, "transform", category=key, old=was, new=now)
        fields = [
            name
            for name, get in _DETAIL_FIELDS
            if get(o) != get(c)
            and not _inherited(old, new, key, get)
            and (name != "sensitive" or (o.sensitive and c.sensitive))
        ]
        if fields:
            out.add(Action.CHANGED, key, "details_changed", False, *fields, category=key)
    return out


def _retention(old: Policy, new: Policy) -> list[Change]:
    out = _Changes(ChangeKind.RETENTION)
    for key, c in new.categories.items():
        o = old.categories.get(key)
        if o is None or o.retention == c.retention:
            continue
        if _inherited(old, new, key, lambda x: x.retention):
            continue
        was = o.retention.iso if o.retention else None
        now = c.retention.iso if c.retention else None
        if _seconds(c) > _seconds(o):
            code, consent = "retention_longer", True
        elif _seconds(c) < _seconds(o):
            code, consent = "retention_shorter", False
        else:
            code, consent = "retention_changed", False
        out.add(Action.CHANGED, key, code, consent, "retention", category=key, old=was, new=now)
    return out


def _purposes(old: Policy, new: Policy) -> list[Change]:
    out = _Changes(ChangeKind.PURPOSE)
    for key in old.purposes:
        if key not in new.purposes:
            out.add(Action.REMOVED, key, "removed", False, purpose=key)
    for key, p in new.purposes.items():
        o = old.purposes.get(key)
        if o is None:
            if p.consent is ConsentStyle.OPT_OUT:
                code, consent = "new_opt_out_purpose", True
            elif p.basis is Basis.CONSENT:
                code, consent = "new_separate_consent_purpose", False
            else:
                code, consent = "new_necessary_purpose", False
            out.add(Action.ADDED, key, code, consent, purpose=key, new=p.basis.value)
            continue
        if o.basis is not p.basis:
            out.add(
                Action.CHANGED,
                key,
                "basis_changed",
                True,
                "basis",
                purpose=key,
                old=o.basis.value,
                new=p.basis.value,
            )
        elif o.consent is not None and p.consent is not None and o.consent is not p.consent:
            weaker = p.consent is ConsentStyle.OPT_OUT
            code = "consent_now_opt_out" if weaker else "consent_now_separate"
            out.add(
                Action.CHANGED,
                key,
                code,
                weaker,
                "consent",
                purpose=key,
                old=o.consent.value,
                new=p.consent.value,
            )
        if o.joins_identity != p.joins_identity:
            code = "now_joins_identity" if p.joins_identity else "narrower_use"
            out.add(Action.CHANGED, key, code, p.joins_identity, "joins_identity", purpose=key)
        fields = [
            n
            for n in ("clause", "label", "description", "fides_use")
            if getattr(o, n) != getattr(p, n)
        ]
        if fields:
            out.add(Action.CHANGED, key, "details_changed", False, *fields, purpose=key)
    return out


def _compress(policy: Policy, leaves: set[str], named: set[str]) -> list[str]:
    """Name ``leaves`` by the categories the rules named (a parent covering all of its
    leaves in the set stands for them), else leaf by leaf; in file order."""
    tops: set[str] = set()
    for leaf in leaves:
        top, parent = leaf, policy.categories[leaf].parent
        while parent is not None and set(policy.leaf_keys_under(parent)) <= leaves:
            if parent in named:
                top = parent
            parent = policy.categories[parent].parent
        tops.add(top)
    return [k for k in policy.categories if k in tops]


def _named(policy: Policy, purpose: str) -> set[str]:
    return {c for r in policy.rules if r.purpose == purpose for c in r.categories}


def _rules(old: Policy, new: Policy) -> list[Change]:
    """Rule changes, compared on the resolved leaf level (so regrouping is not a change)."""
    out = _Changes(ChangeKind.RULE)
    for pk, purpose in new.purposes.items():
        now = {leaf for leaf, ps in new.allowed.items() if pk in ps}
        before = {leaf for leaf, ps in old.allowed.items() if pk in ps}
        existed = set(old.allowed)
        consent_based = purpose.basis is Basis.CONSENT
        groups = (
            ((now - before) & existed, "new_purpose_for_existing_data", True),
            (
                now - before - existed,
                "new_category_for_consent_purpose"
                if consent_based
                else "new_category_for_necessary_purpose",
                consent_based,
            ),
        )
        for leaves, code, consent in groups:
            for cat in _compress(new, leaves, _named(new, pk)):
                out.add(Action.ADDED, f"{pk}:{cat}", code, consent, category=cat, purpose=pk)
        if pk not in old.purposes:
            continue
        for cat in _compress(new, (before - now) & set(new.allowed), _named(old, pk)):
            out.add(
                Action.REMOVED,
                f"{pk}:{cat}",
                "narrower_use",
                False,
                category=cat,
                purpose=pk,
            )
    return out


def _features(old: Policy, new: Policy) -> list[Change]:
    out = _Changes(ChangeKind.FEATURE)
    for key in old.features:
        if key not in new.features:
            out.add(Action.REMOVED, key, "removed", False)
    for key, f in new.features.items():
        o = old.features.get(key)
        if o is None:
            out.add(Action.ADDED, key, "feature_changed", False)
            continue
        fields = [
            n
            for n in ("label", "description", "requires", "optional", "purposes")
            if getattr(o, n) != getattr(f, n)
        ]
        if fields:
            out.add(Action.CHANGED, key, "feature_changed", False, *fields)
    return out


def diff_policies(old: Policy, new: Policy) -> PolicyDiff:
    """Every change from ``old`` to ``new``: categories, retention, purposes, rules, features."""
    changes = [
        *_categories(old, new),
        *_retention(old, new),
        *_purposes(old, new),
        *_rules(old, new),
        *_features(old, new),
    ]
    return PolicyDiff(old.version, new.version, tuple(changes))
