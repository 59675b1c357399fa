"""The resolved policy as JSON-ready data (``pivault policy show --json``).

Everything is resolved: inherited fields (source, retention, sensitivity, fides
key, clauses, linkable) are filled in on every category, features list the leaf
categories they may collect, and rules are followed by the per-leaf table of
purposes allowed. Only plain ``dict``/``list``/``str``/``int``/``bool``/``None``.
"""

from __future__ import annotations

from typing import Any

from pivault.core.decide import features_needing
from pivault.core.model import LANGS, Category, Feature, Policy, Purpose, Retention
from pivault.present.policy_text import retention_text

__all__ = ["policy_as_dict"]


def _plain(value: Any) -> Any:
    """Plain JSON types (YAML-located dict and list subclasses become dict and list)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _retention(r: Retention | None) -> dict[str, Any] | None:
    if r is None:
        return None
    return {
        "iso": r.iso,
        "seconds": r.seconds,
        "account_lifetime": r.account_lifetime,
        "text": {lang: retention_text(r, lang) for lang in LANGS},
    }


def _category(c: Category, policy: Policy) -> dict[str, Any]:
    return {
        "key": c.key,
        "label": c.label.as_dict(),
        "description": c.description.as_dict(),
        "clauses": list(c.clauses),
        "source": c.source.value,
        "sensitive": c.sensitive.value if c.sensitive is not None else None,
        "sensitive_item": c.sensitive_item,
        "value_type": c.value_type.as_dict() if c.value_type is not None else None,
        "retention": _retention(c.retention),
        "kind": c.kind.value,
        "legal_minimum": _retention(c.legal_minimum),
        "transform": _plain(c.transform.as_dict()) if c.transform is not None else None,
        "lookup": c.lookup,
        "linkable": c.linkable,
        "fides": c.fides,
        "places": c.places.as_dict() if c.places is not None else None,
        "is_leaf": c.is_leaf,
        "parent": c.parent,
        "allowed_purposes": sorted(policy.allowed.get(c.key, ())) if c.is_leaf else None,
        "position": {"line": c.pos.line, "col": c.pos.col},
    }


def _purpose(p: Purpose) -> dict[str, Any]:
    return {
        "key": p.key,
        "clause": p.clause,
        "label": p.label.as_dict(),
        "description": p.description.as_dict(),
        "basis": p.basis.value,
        "consent": p.consent.value if p.consent is not None else None,
        "needs_consent": p.needs_consent,
        "fides_use": p.fides_use,
        "joins_identity": p.joins_identity,
        "position": {"line": p.pos.line, "col": p.pos.col},
    }


def _feature(f: Feature, policy: Policy) -> dict[str, Any]:
    return {
        "key": f.key,
        "label": f.label.as_dict(),
        "description": f.description.as_dict(),
        "requires": list(f.requires),
        "optional": list(f.optional),
        "purposes": list(f.purposes),
        "fields": sorted(policy.feature_fields[f.key]),
        "required_fields": sorted(policy.feature_required[f.key]),
        "position": {"line": f.pos.line, "col": f.pos.col},
    }


def policy_as_dict(policy: Policy) -> dict[str, Any]:
    """The resolved ``policy`` as JSON-ready data, in the policy file's order."""
    return {
        "source": policy.source_name,
        "version": policy.version,
        "effective_date": policy.effective_date,
        "name": policy.name.as_dict(),
        "intro": policy.intro.as_dict(),
        "categories": [_category(c, policy) for c in policy.categories.values()],
        "purposes": [_purpose(p) for p in policy.purposes.values()],
        "features": [_feature(f, policy) for f in policy.features.values()],
        "rules": [
            {
                "purpose": r.purpose,
                "categories": list(r.categories),
                "position": {"line": r.pos.line, "col": r.pos.col},
            }
            for r in policy.rules
        ],
        "consent_items": [
            {
                "item": item,
                "kind": kind,
                "default_granted": policy.consent_default(item),
                "features_needing": features_needing(policy, item),
            }
            for item, kind in policy.consent_items().items()
        ],
    }
