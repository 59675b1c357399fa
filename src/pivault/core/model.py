"""The policy model: data categories, purposes, features and rules.

Pure data, no I/O. A :class:`Policy` is built by :mod:`pivault.core.policy_parse`
from a YAML file and resolved once (hierarchy, inheritance, rule coverage), so
the hot paths (:mod:`pivault.core.decide`) are plain dictionary lookups.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import cached_property
from typing import Any, Literal, get_args

from pivault.core.durations import Duration
from pivault.core.places import Places

#: The languages every policy text is written in, and the whole product speaks.
Lang = Literal["zh-CN", "en"]
LANGS: tuple[Lang, ...] = get_args(Lang)
#: Chinese first: the policy is for people in mainland China (PIPL).
DEFAULT_LANG: Lang = "zh-CN"


class Source(StrEnum):
    """Where a category's values come from (the seed's 1.1 / 1.2 / 1.3)."""

    PROVIDED = "provided"
    OBSERVED = "observed"
    FROM_OTHERS = "from_others"


SOURCE_CLAUSE = {Source.PROVIDED: "1.1", Source.OBSERVED: "1.2", Source.FROM_OTHERS: "1.3"}


class CategoryKind(StrEnum):
    """``value``: one current value per person (collecting again replaces it); ``stream``:
    records over time, each with its time (logs, locations, communication sessions)."""

    VALUE = "value"
    STREAM = "stream"


class SensitiveKind(StrEnum):
    """PIPL Art. 28 kinds of sensitive personal information (GB/T 35273-2020 Annex B)."""

    BIOMETRICS = "biometrics"
    WHEREABOUTS = "whereabouts"
    FINANCIAL_ACCOUNT = "financial_account"
    CONTACTS = "contacts"
    COMMUNICATION_RECORDS = "communication_records"
    MINORS = "minors"
    MEDICAL = "medical"
    RELIGION = "religion"
    SPECIFIC_IDENTITY = "specific_identity"


class Basis(StrEnum):
    """Legal basis of a purpose (PIPL Art. 13)."""

    NECESSARY = "necessary"
    CONSENT = "consent"


class ConsentStyle(StrEnum):
    """How consent to a consent-based purpose is collected."""

    #: Nothing happens until the person opts in (PIPL Art. 14, 29).
    SEPARATE = "separate"
    #: On by default with a refusal as easy as the grant (PIPL Art. 24 for ads).
    OPT_OUT = "opt_out"


@dataclass(frozen=True)
class Text:
    """A text in every supported language."""

    zh: str
    en: str

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh-CN" else self.en

    def as_dict(self) -> dict[str, str]:
        return {lang: self.get(lang) for lang in LANGS}


EMPTY_TEXT = Text("", "")


@dataclass(frozen=True)
class ValueType:
    """A category's value type and its validation options."""

    name: str
    max_length: int | None = None
    choices: tuple[str, ...] = ()
    max_bytes: int | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name}
        if self.max_length is not None:
            out["max_length"] = self.max_length
        if self.choices:
            out["choices"] = list(self.choices)
        if self.max_bytes is not None:
            out["max_bytes"] = self.max_bytes
        return out


@dataclass(frozen=True)
class Transform:
    """A minimisation transform applied on collection, with its parameters."""

    name: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, **dict(self.params)}


@dataclass(frozen=True)
class Retention:
    """How long values are kept: an ISO-8601 duration or the account's lifetime."""

    iso: str
    #: Approximate (a month is 30 days), for ordering and display; None: the account's life.
    seconds: int | None
    #: The duration in calendar arithmetic (None: the account's lifetime).
    duration: Duration | None = None

    @property
    def account_lifetime(self) -> bool:
        return self.seconds is None

    def cutoff(self, now: datetime) -> datetime | None:
        """Values collected before this instant are past their retention (None: never)."""
        if self.duration is None:
            return None
        return self.duration.before(now)


@dataclass(frozen=True)
class Pos:
    """A position in the policy file (1-based line and column)."""

    file: str
    line: int
    col: int


@dataclass(frozen=True)
class Category:
    """A data category. Leaves (with a ``value_type``) hold values; parents group them."""

    key: str
    label: Text
    description: Text
    clauses: tuple[str, ...]
    source: Source
    sensitive: SensitiveKind | None
    #: The category whose separate consent covers this one (itself or an ancestor).
    sensitive_item: str | None
    value_type: ValueType | None
    retention: Retention | None
    transform: Transform | None
    lookup: bool
    linkable: bool
    fides: str
    pos: Pos
    kind: CategoryKind = CategoryKind.VALUE
    #: A retention the law sets as a floor (e.g. P6M for network logs, Cybersecurity Law
    #: Art. 21); ``policy check`` refuses a shorter ``retention``.
    legal_minimum: Retention | None = None

    @property
    def is_stream(self) -> bool:
        return self.kind is CategoryKind.STREAM

    #: Where values of this category may live (tables/columns, path globs); None: anywhere.
    places: Places | None = None

    @property
    def is_leaf(self) -> bool:
        return self.value_type is not None

    @property
    def parent(self) -> str | None:
        return self.key.rsplit(".", 1)[0] if "." in self.key else None


@dataclass(frozen=True)
class Purpose:
    """A purpose of use (the seed's 2.1–2.8, cross-service use, analytics)."""

    key: str
    clause: str
    label: Text
    description: Text
    basis: Basis
    consent: ConsentStyle | None
    fides_use: str
    #: False for purposes whose data must never be joined with identity (analytics).
    joins_identity: bool
    pos: Pos

    @property
    def needs_consent(self) -> bool:
        return self.basis is Basis.CONSENT


@dataclass(frozen=True)
class Feature:
    """An app feature: the categories it collects and the purposes it serves."""

    key: str
    label: Text
    description: Text
    requires: tuple[str, ...]
    optional: tuple[str, ...]
    purposes: tuple[str, ...]
    pos: Pos


@dataclass(frozen=True)
class Rule:
    """Purposes ``purpose`` may use ``categories`` (a parent covers its children)."""

    purpose: str
    categories: tuple[str, ...]
    pos: Pos


@dataclass(frozen=True)
class Policy:
    """A resolved policy. Build it with :func:`pivault.core.policy_parse.parse_policy`."""

    source_name: str
    version: str
    effective_date: str
    name: Text
    intro: Text
    categories: Mapping[str, Category]
    purposes: Mapping[str, Purpose]
    features: Mapping[str, Feature]
    rules: tuple[Rule, ...]
    #: Resolved: leaf category -> purposes that a rule lets use it.
    allowed: Mapping[str, frozenset[str]]
    #: Resolved: feature -> leaf categories it may collect (required ∪ optional).
    feature_fields: Mapping[str, frozenset[str]]
    #: Resolved: feature -> leaf categories it requires.
    feature_required: Mapping[str, frozenset[str]]

    # ---- navigation -------------------------------------------------------
    def leaves(self) -> Iterator[Category]:
        return (c for c in self.categories.values() if c.is_leaf)

    def leaf_keys_under(self, key: str) -> list[str]:
        """The leaf categories at or below ``key``."""
        known = self._leaves_under.get(key)
        return list(known) if known is not None else leaf_keys_under(self.categories, key)

    @cached_property
    def _leaves_under(self) -> dict[str, tuple[str, ...]]:
        # Every read expands its categories; scan the policy once, not on every call.
        return {k: tuple(leaf_keys_under(self.categories, k)) for k in self.categories}

    def consent_items(self) -> dict[str, str]:
        """Every consent item: consent-based purposes and sensitive categories -> kind."""
        items: dict[str, str] = {}
        for p in self.purposes.values():
            if p.needs_consent:
                items[p.key] = "purpose"
        for c in self.categories.values():
            if c.sensitive is not None and c.sensitive_item == c.key:
                items[c.key] = "sensitive_category"
        return items

    @cached_property
    def consent_defaults(self) -> tuple[tuple[str, bool], ...]:
        """(item, granted before the person says anything) for every consent item, once."""
        return tuple((item, self.consent_default(item)) for item in self.consent_items())

    def consent_default(self, item: str) -> bool:
        """Whether an item counts as granted before the person says anything."""
        purpose = self.purposes.get(item)
        return purpose is not None and purpose.consent is ConsentStyle.OPT_OUT


def leaf_keys_under(categories: Mapping[str, Category], key: str) -> list[str]:
    """The leaf categories at or below ``key`` (a parent covers its children)."""
    prefix = key + "."
    return [k for k, c in categories.items() if c.is_leaf and (k == key or k.startswith(prefix))]
