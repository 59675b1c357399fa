"""What a scan found, grouped per source and entity, and how it compares with the policy.

A :class:`Group` is one entity found in one source (a file, or a table
column): how often, how confidently, where (the first few locations) and a
masked sample. Found values themselves are never kept: each finding is masked
the moment it arrives and its value dropped, so memory grows with the number
of sources and entities, not with the size of the input.

Policy drift: a finding whose entity maps to no category the policy declares
— neither its pivault policy key (``ENTITY_INFO[e].policy_category``) nor its
Fides data category (exact match on a category's ``fides`` key).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pivault.core.model import Policy
from pivault.detect import ENTITY_INFO, Entity, Finding
from pivault.detect.masks import STAR, mask, mask_alnum

#: Locations kept per group; the count goes on.
MAX_LOCATIONS = 20
#: The word reports use where a finding's entity has no policy category.
DRIFT = "DRIFT"


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
        by_fides: dict[str, list[str]] = {}
        for category in policy.categories.values():
            if category.fides:
                by_fides.setdefault(category.fides, []).append(category.key)
        self._by_fides = {fides: sorted(keys) for fides, keys in by_fides.items()}

    def category_for(self, entity: Entity) -> str | None:
        """The policy category key declaring ``entity``, or None (policy drift)."""
        info = ENTITY_INFO[entity]
        if info.policy_category is not None and info.policy_category in self._keys:
            return info.policy_category
        keys = self._by_fides.get(info.fides_category)
        return keys[0] if keys else None


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

    @property
    def drift(self) -> bool:
        return self.category is None

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
        """The declaring policy category, or ``DRIFT``."""
        return self.category if self.category is not None else DRIFT


class SourceFindings:
    """Findings of one source while it is being scanned (discarded if the source is retried)."""

    def __init__(self, source: str, matcher: PolicyMatcher) -> None:
        self.source = source
        self._matcher = matcher
        self.groups: dict[Entity, Group] = {}

    def add(self, finding: Finding, location: str) -> None:
        group = self.groups.get(finding.entity)
        if group is None:
            category = self._matcher.category_for(finding.entity)
            group = Group(self.source, finding.entity, category, sample=masked_sample(finding))
            self.groups[finding.entity] = group
        group.count += 1
        group.max_score = max(group.max_score, finding.score)
        if len(group.locations) < MAX_LOCATIONS:
            group.locations.append(location)


@dataclass(frozen=True)
class Skipped:
    """A source that was not scanned, and why."""

    source: str
    reason: str


@dataclass
class ScanReport:
    """The result of one scan. ``target`` is safe to show (passwords hidden)."""

    target: str
    kind: str  # "files" or "database"
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
