"""What a scan found, grouped per source and entity, and how it compares with the policy.

A :class:`Group` is one entity found in one source (a file, or a table
column): how often, how confidently, where (the first few locations) and a
masked sample. Found values themselves are never kept: each finding is masked
the moment it arrives and its value dropped, so memory grows with the number
of sources and entities, not with the size of the input.

Policy drift, of two kinds:

- ``kind``: a finding whose entity maps to no category the policy declares —
  neither its pivault policy key (``ENTITY_INFO[e].policy_category``) nor its
  Fides data category (exact match on a category's ``fides`` key);
- ``place``: the entity's category is declared, with ``places:``, but the
  source (a ``TABLE.COLUMN`` or a file path) is none of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pivault.core.model import Policy
from pivault.core.places import Place
from pivault.detect import ENTITY_INFO, Entity, Finding
from pivault.detect.masks import STAR, mask, mask_alnum

#: Locations kept per group; the count goes on.
MAX_LOCATIONS = 20
#: The word reports use where a finding's entity has no policy category.
DRIFT = "DRIFT"
#: Drift kinds: the entity has no policy category / it is outside its category's places.
DRIFT_KIND = "kind"
DRIFT_PLACE = "place"


def masked_sample(finding: Finding) -> str:
    """The finding's value masked for display; never the value itself."""
    value = finding.value
    shown = mask(finding)
    if STAR not in shown or value in shown:
        shown = mask_alnum(value, 1, 1)
    if STAR not in shown or value in shown:
        shown = STAR * len(value)
    return shown


class PolicyMatcher:
    """Which declared policy category, if any, covers an entity."""

    def __init__(self, policy: Policy) -> None:
        self.policy_name = policy.source_name
        self.policy_version = policy.version
        self._keys = frozenset(policy.categories)
        self._places = {k: c.places for k, c in policy.categories.items() if c.places is not None}
        by_fides: dict[str, list[str]] = {}
        for category in policy.categories.values():
            if category.fides:
                by_fides.setdefault(category.fides, []).append(category.key)
        self._by_fides = {fides: sorted(keys) for fides, keys in by_fides.items()}

    def _candidates(self, entity: Entity) -> list[str]:
        info = ENTITY_INFO[entity]
        keys = list(self._by_fides.get(info.fides_category, ()))
        own = info.policy_category
        if own is not None and own in self._keys:
            keys = [own, *(k for k in keys if k != own)]
        return keys

    def category_for(self, entity: Entity) -> str | None:
        """The policy category key declaring ``entity``, or None (policy drift)."""
        keys = self._candidates(entity)
        return keys[0] if keys else None

    def verdict_for(self, entity: Entity, place: Place | None) -> tuple[str | None, bool]:
        """(declaring category or None, whether ``place`` is outside that category's places).

        Of several declaring categories, the first whose places allow ``place``
        (or that declares no places) wins.
        """
        keys = self._candidates(entity)
        if not keys:
            return None, False
        if place is None:
            return keys[0], False
        for key in keys:
            places = self._places.get(key)
            if places is None or places.allows(place):
                return key, False
        return keys[0], True


@dataclass
class Group:
    """One entity in one source."""

    source: str
    entity: Entity
    category: str | None
    count: int = 0
    max_score: float = 0.0
    sample: str = ""
    locations: list[str] = field(default_factory=list)
    #: The category is declared but this source is none of its declared places.
    out_of_place: bool = False

    @property
    def drift(self) -> bool:
        return self.category is None or self.out_of_place

    @property
    def drift_kind(self) -> str | None:
        """``kind`` (no category declares the entity), ``place`` (outside its places) or None."""
        if self.category is None:
            return DRIFT_KIND
        return DRIFT_PLACE if self.out_of_place else None

    @property
    def fides_category(self) -> str:
        return ENTITY_INFO[self.entity].fides_category

    def short_locations(self) -> list[str]:
        """The locations without the source in front: ``12:7`` (line:col) or ``row 3``."""
        cut = len(self.source)
        return [
            loc[cut:].lstrip(": ") if loc.startswith(self.source) else loc for loc in self.locations
        ]

    @property
    def verdict(self) -> str:
        """The declaring policy category, ``DRIFT``, or ``CATEGORY: DRIFT (place)``."""
        if self.category is None:
            return DRIFT
        return f"{self.category}: {DRIFT} (place)" if self.out_of_place else self.category


class SourceFindings:
    """Findings of one source while it is being scanned (discarded if the source is retried)."""

    def __init__(self, source: str, matcher: PolicyMatcher, place: Place | None = None) -> None:
        self.source = source
        self.place = place
        self._matcher = matcher
        self.groups: dict[Entity, Group] = {}

    def add(self, finding: Finding, location: str) -> None:
        group = self.groups.get(finding.entity)
        if group is None:
            category, out_of_place = self._matcher.verdict_for(finding.entity, self.place)
            group = Group(
                self.source,
                finding.entity,
                category,
                sample=masked_sample(finding),
                out_of_place=out_of_place,
            )
            self.groups[finding.entity] = group
        group.count += 1
        group.max_score = max(group.max_score, finding.score)
        if len(group.locations) < MAX_LOCATIONS:
            group.locations.append(location)

    def merge(
        self, entity: Entity, count: int, max_score: float, sample: str, locations: list[str]
    ) -> None:
        """Add findings already summarised elsewhere (a Spark partition): masked sample only."""
        group = self.groups.get(entity)
        if group is None:
            category, out_of_place = self._matcher.verdict_for(entity, self.place)
            group = Group(self.source, entity, category, sample=sample, out_of_place=out_of_place)
            self.groups[entity] = group
        group.count += count
        group.max_score = max(group.max_score, max_score)
        group.locations.extend(locations[: MAX_LOCATIONS - len(group.locations)])


@dataclass(frozen=True)
class Skipped:
    """A source that was not scanned, and why."""

    source: str
    reason: str


@dataclass
class ScanReport:
    """The result of one scan. ``target`` is safe to show (passwords hidden)."""

    target: str
    kind: str  # "files", "database" or "spark"
    policy_name: str
    policy_version: str
    groups: list[Group] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    sources_scanned: int = 0
    #: Lines (files) or rows (database) read.
    units_scanned: int = 0

    @classmethod
    def for_target(cls, target: str, kind: str, matcher: PolicyMatcher) -> ScanReport:
        return cls(target, kind, matcher.policy_name, matcher.policy_version)

    def add_source(self, found: SourceFindings) -> None:
        self.sources_scanned += 1
        self.groups.extend(sorted(found.groups.values(), key=lambda g: g.entity.value))

    def skip(self, source: str, reason: str) -> None:
        self.skipped.append(Skipped(source, reason))

    @property
    def drift(self) -> list[Group]:
        return [g for g in self.groups if g.drift]

    @property
    def has_drift(self) -> bool:
        return any(g.drift for g in self.groups)

    @property
    def total_findings(self) -> int:
        return sum(g.count for g in self.groups)

    def per_source(self) -> list[tuple[str, int, int]]:
        """(source, findings, drift findings) for every source with findings, in scan order."""
        totals: dict[str, list[int]] = {}
        for g in self.groups:
            t = totals.setdefault(g.source, [0, 0])
            t[0] += g.count
            if g.drift:
                t[1] += g.count
        return [(source, t[0], t[1]) for source, t in totals.items()]

    def per_entity(self) -> list[tuple[Entity, int, str]]:
        """(entity, findings, verdict) summed over sources, most frequent first."""
        totals: dict[Entity, int] = {}
        verdicts: dict[Entity, str] = {}
        for g in self.groups:
            totals[g.entity] = totals.get(g.entity, 0) + g.count
            verdicts[g.entity] = g.verdict
        return sorted(
            ((e, n, verdicts[e]) for e, n in totals.items()), key=lambda t: (-t[1], t[0].value)
        )
