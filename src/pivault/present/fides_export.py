"""The policy as a Fides system manifest (fideslang), for Fides-based tooling.

One privacy declaration per purpose: its ``data_use`` is the purpose's
``fides_use`` and its ``data_categories`` are the fides keys of the leaf
categories the policy's rules let that purpose use. Only fields that fideslang's
``System`` model validates are emitted; the pivault keys behind each declaration
are kept under the system's free-form ``meta``.

Pure: returns plain data; writing YAML or JSON is the caller's business.
"""

from __future__ import annotations

import re
from typing import Any

from pivault.core.model import Basis, Category, Policy, Purpose
from pivault.present.policy_text import retention_text

__all__ = ["to_fides_manifest"]

_FIDES_KEY_UNSAFE = re.compile(r"[^A-Za-z0-9_.<>-]")


def _retention_seconds(cat: Category) -> float:
    """Seconds kept; the account's lifetime (or no retention) counts as forever."""
    if cat.retention is None or cat.retention.seconds is None:
        return float("inf")
    return float(cat.retention.seconds)


def _retention_period(cat: Category) -> str:
    if cat.retention is None or cat.retention.account_lifetime:
        return "for the life of the customer's account"
    return f"up to {retention_text(cat.retention, 'en')} ({cat.retention.iso})"


def _declaration(policy: Policy, purpose: Purpose) -> dict[str, Any] | None:
    leaves = [c for c in policy.leaves() if purpose.key in policy.allowed[c.key]]
    if not leaves:
        return None
    categories = sorted({c.fides for c in leaves})
    sensitive = any(c.sensitive is not None for c in leaves)
    longest = max(leaves, key=_retention_seconds)
    decl: dict[str, Any] = {
        "name": f"{purpose.clause} {purpose.label.en}",
        "data_categories": categories,
        "data_use": purpose.fides_use,
        "data_subjects": ["customer"],
        "legal_basis_for_processing": "Consent" if purpose.basis is Basis.CONSENT else "Contract",
        "flexible_legal_basis_for_processing": False,
        "retention_period": _retention_period(longest),
        "processes_special_category_data": sensitive,
    }
    if sensitive:
        decl["special_category_legal_basis"] = "Explicit consent"
    return decl


def to_fides_manifest(policy: Policy, system_key: str = "pivault") -> dict[str, Any]:
    """A fideslang manifest ``{"system": [...]}`` describing what ``policy`` allows.

    Purposes that no rule lets use any category get no declaration (fideslang
    requires at least the data use; an empty declaration would say nothing).
    """
    declarations = []
    meta_purposes: dict[str, Any] = {}
    for purpose in policy.purposes.values():
        decl = _declaration(policy, purpose)
        if decl is None:
            continue
        declarations.append(decl)
        meta_purposes[decl["name"]] = {
            "pivault_purpose": purpose.key,
            "basis": purpose.basis.value,
            "consent": purpose.consent.value if purpose.consent is not None else None,
            "joins_identity": purpose.joins_identity,
            "categories": sorted(
                c.key for c in policy.leaves() if purpose.key in policy.allowed[c.key]
            ),
        }
    system = {
        "fides_key": _FIDES_KEY_UNSAFE.sub("_", system_key),
        "name": f"{policy.name.en} ({policy.version})",
        "description": policy.intro.en,
        "system_type": "Service",
        "processes_personal_data": True,
        "uses_profiling": False,
        "privacy_declarations": declarations,
        "meta": {
            "generator": "pivault",
            "policy_source": policy.source_name,
            "policy_version": policy.version,
            "effective_date": policy.effective_date,
            "purposes": meta_purposes,
        },
    }
    return {"system": [system]}
