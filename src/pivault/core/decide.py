"""Access decisions: may this actor use this category for this purpose, for this person?

Pure and precomputed. :class:`Decider` resolves the policy once into a table
keyed by ``(category, purpose)``, so :meth:`Decider.decide` is a handful of
dictionary and set lookups returning shared, immutable :class:`Decision`
objects (the hot path allocates nothing).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from pivault.core.errors import UnknownCategoryError, UnknownPurposeError
from pivault.core.model import Basis, Policy


class Reason(StrEnum):
    """Why a read was allowed or denied. Stable codes for programs."""

    ALLOWED = "allowed"
    #: No rule of the policy lets this purpose use this category.
    NOT_PERMITTED_BY_POLICY = "not_permitted_by_policy"
    #: The calling service is not registered for the purpose it claims.
    ACTOR_NOT_AUTHORIZED = "actor_not_authorized"
    #: The purpose needs the person's consent, which they have not given or withdrew.
    CONSENT_MISSING = "consent_missing"
    #: The category is sensitive and the person has not given its separate consent.
    SENSITIVE_CONSENT_MISSING = "sensitive_consent_missing"
    #: Allowed, but nothing of this category is held for the person.
    NOT_COLLECTED = "not_collected"


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome of one access decision. ``consent_item`` names what is missing."""

    allowed: bool
    reason: Reason
    category: str
    purpose: str
    message: str
    consent_item: str | None = None

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "allowed": self.allowed,
            "reason": self.reason.value,
            "category": self.category,
            "purpose": self.purpose,
            "message": self.message,
        }
        if self.consent_item is not None:
            out["consent_item"] = self.consent_item
        return out


def effective_consents(policy: Policy, states: Mapping[str, bool]) -> frozenset[str]:
    """The consent items in force: explicit grants/withdrawals, else the item's default.

    ``states`` maps item -> the person's latest choice (True granted, False withdrawn).
    Opt-out purposes count as granted until withdrawn; everything else needs a grant.
    """
    return frozenset(item for item, default in policy.consent_defaults if states.get(item, default))


class Decider:
    """Precomputed access decisions for one policy."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        # (category, purpose) -> (consent items required, each with its denial) or a denial.
        self._table: dict[tuple[str, str], tuple[tuple[str, Decision], ...] | Decision] = {}
        self._allow: dict[tuple[str, str], Decision] = {}
        self._actor_denial: dict[tuple[str, str], Decision] = {}
        for cat in policy.leaves():
            for purpose in policy.purposes.values():
                key = (cat.key, purpose.key)
                self._actor_denial[key] = Decision(
                    False,
                    Reason.ACTOR_NOT_AUTHORIZED,
                    cat.key,
                    purpose.key,
                    f"the calling service is not registered for purpose {purpose.key!r}",
                )
                if purpose.key not in policy.allowed[cat.key]:
                    self._table[key] = Decision(
                        False,
                        Reason.NOT_PERMITTED_BY_POLICY,
                        cat.key,
                        purpose.key,
                        f"the policy does not let purpose {purpose.key!r} "
                        f"({purpose.clause}) use {cat.key!r}",
                    )
                    continue
                required: list[tuple[str, Decision]] = []
                if purpose.basis is Basis.CONSENT:
                    required.append(
                        (
                            purpose.key,
                            Decision(
                                False,
                                Reason.CONSENT_MISSING,
                                cat.key,
                                purpose.key,
                                f"the person has not consented to purpose {purpose.key!r}",
                                purpose.key,
                            ),
                        )
                    )
                if cat.sensitive_item is not None:
                    required.append(
                        (
                            cat.sensitive_item,
                            Decision(
                                False,
                                Reason.SENSITIVE_CONSENT_MISSING,
                                cat.key,
                                purpose.key,
                                f"{cat.key!r} is sensitive ({cat.sensitive}) and needs the "
                                f"person's separate consent to {cat.sensitive_item!r}",
                                cat.sensitive_item,
                            ),
                        )
                    )
                self._table[key] = tuple(required)
                self._allow[key] = Decision(True, Reason.ALLOWED, cat.key, purpose.key, "allowed")

    def decide(
        self,
        category: str,
        purpose: str,
        actor_purposes: frozenset[str],
        granted: frozenset[str],
    ) -> Decision:
        """Decide one read. ``granted`` is the person's :func:`effective_consents`."""
        key = (category, purpose)
        entry = self._table.get(key)
        if entry is None:
            self._raise_unknown(category, purpose)
        if isinstance(entry, Decision):
            return entry
        if purpose not in actor_purposes:
            return self._actor_denial[key]
        for item, denial in entry:  # type: ignore[union-attr]
            if item not in granted:
                return denial
        return self._allow[key]

    def _raise_unknown(self, category: str, purpose: str) -> None:
        if purpose not in self.policy.purposes:
            raise UnknownPurposeError(purpose, self.policy.purposes)
        raise UnknownCategoryError(category, [c.key for c in self.policy.leaves()])


def category_missing_consents(
    policy: Policy, purposes: Iterable[str], category: str, granted: frozenset[str]
) -> list[str]:
    """Consent items lacking before ``category`` may be held for any of ``purposes``.

    Empty when at least one of the purposes may use the category now. Used for
    collection (the feature's purposes) and for feature availability.
    """
    cat = policy.categories[category]
    missing: list[str] = []
    if cat.sensitive_item is not None and cat.sensitive_item not in granted:
        missing.append(cat.sensitive_item)
    usable = [p for p in purposes if p in policy.allowed.get(category, frozenset())]
    if not any(policy.purposes[p].basis is Basis.NECESSARY or p in granted for p in usable):
        missing.extend(p for p in usable if p not in granted)
    return missing


def feature_missing_consents(policy: Policy, feature: str, granted: frozenset[str]) -> list[str]:
    """Consent items lacking for ``feature`` to work; empty when it is available."""
    f = policy.features[feature]
    missing: list[str] = []
    for leaf in sorted(policy.feature_required[feature]):
        for item in category_missing_consents(policy, f.purposes, leaf, granted):
            if item not in missing:
                missing.append(item)
    # A feature that requires nothing still needs one of its purposes usable.
    if not f.requires and not any(
        policy.purposes[p].basis is Basis.NECESSARY or p in granted for p in f.purposes
    ):
        missing.extend(p for p in f.purposes if p not in missing)
    return missing


def features_needing(policy: Policy, item: str) -> list[str]:
    """Features that stop working when consent item ``item`` is refused."""
    others = frozenset(policy.consent_items()) - {item}
    return [f for f in policy.features if item in feature_missing_consents(policy, f, others)]
