"""Build a :class:`~pivault.core.model.Policy` from policy YAML text.

Structural problems (unknown keys, wrong types, unknown references) are all
collected and raised together as one :class:`PolicyError`, each with its
``file:line:col``. Consistency checks that need the whole resolved policy live
in :mod:`pivault.core.policy_check`.
"""

from __future__ import annotations

import re
from typing import Any

from pivault.core import category_fields as fields
from pivault.core.errors import PolicyError, did_you_mean
from pivault.core.model import (
    Basis,
    Category,
    CategoryKind,
    ConsentStyle,
    Feature,
    Policy,
    Purpose,
    Rule,
    SensitiveKind,
    Source,
    leaf_keys_under,
)
from pivault.core.places import parse_places
from pivault.core.policy_reader import PolicyReader
from pivault.core.yaml_located import LList, LMap, Loc, load_located

#: Every key the policy format knows, per section. docs/policy.md documents each one.
TOP_KEYS = (
    "pivault_policy",
    "version",
    "effective_date",
    "name",
    "intro",
    "categories",
    "purposes",
    "features",
    "rules",
)
CATEGORY_KEYS = (
    "label",
    "description",
    "clauses",
    "source",
    "sensitive",
    "type",
    "max_length",
    "max_bytes",
    "choices",
    "retention",
    "minimise",
    "lookup",
    "linkable",
    "fides",
    "kind",
    "legal_minimum",
    "places",
)
PURPOSE_KEYS = (
    "clause",
    "label",
    "description",
    "basis",
    "consent",
    "fides_use",
    "joins_identity",
)
FEATURE_KEYS = ("label", "description", "requires", "optional", "purposes")
RULE_KEYS = ("purpose", "categories")

SUPPORTED_FORMAT = 1

_KEY_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")
#: Clauses a category may cite: collection (1.x), purposes (2.x), the closing paragraphs.
_CLAUSE_RE = re.compile(
    r"^(1\.[1-3](\.[1-3])?(\([1-5]\))?|2\.[1-8]|cross_service|analytics|P[1-6])$"
)
#: Clauses a purpose may have: the seed's 2.1–2.8, cross-service use, analytics.
_PURPOSE_CLAUSE_RE = re.compile(r"^(2\.[1-8]|cross_service|analytics)$")


def parse_policy(text: str, filename: str = "<policy>") -> Policy:
    """Parse and resolve a policy; raise :class:`PolicyError` listing every problem."""
    doc = load_located(text, filename)
    b = PolicyReader(filename)
    root = b.mapping(doc, Loc(1, 1), "the policy file")
    if root is None:
        raise PolicyError(b.problems)
    b.known_keys(root, TOP_KEYS, "the policy file")
    fmt = root.get("pivault_policy")
    if fmt != SUPPORTED_FORMAT:
        b.problem(
            root.value_locs.get("pivault_policy", root.loc),
            f"pivault_policy must be {SUPPORTED_FORMAT} (the policy format version)",
        )
    version = root.get("version")
    if not isinstance(version, str) or not version.strip():
        b.problem(
            root.value_locs.get("version", root.loc),
            'version must be quoted text, e.g. "2026.1" (unquoted, 2026.10 would read as 2026.1)',
        )
        version = ""
    effective = root.get("effective_date")
    if not (isinstance(effective, str) and re.match(r"^\d{4}-\d{2}-\d{2}$", effective)):
        b.problem(
            root.value_locs.get("effective_date", root.loc),
            "effective_date must be a date written YYYY-MM-DD (quote it)",
        )
        effective = ""
    name = b.text(root, "name", "the policy")
    intro = b.text(root, "intro", "the policy")

    categories = _categories(b, root)
    purposes = _purposes(b, root)
    features = _features(b, root, categories, purposes)
    rules = _rules(b, root, categories, purposes)
    if b.problems:
        raise PolicyError(b.problems)

    allowed: dict[str, set[str]] = {c.key: set() for c in categories.values() if c.is_leaf}
    for rule in rules:
        for cat in rule.categories:
            for leaf in leaf_keys_under(categories, cat):
                allowed[leaf].add(rule.purpose)
    feature_fields = {
        f.key: frozenset(
            leaf for c in f.requires + f.optional for leaf in leaf_keys_under(categories, c)
        )
        for f in features.values()
    }
    feature_required = {
        f.key: frozenset(leaf for c in f.requires for leaf in leaf_keys_under(categories, c))
        for f in features.values()
    }
    return Policy(
        source_name=filename,
        version=str(version),
        effective_date=str(effective),
        name=name,
        intro=intro,
        categories=categories,
        purposes=purposes,
        features=features,
        rules=tuple(rules),
        allowed={k: frozenset(v) for k, v in allowed.items()},
        feature_fields=feature_fields,
        feature_required=feature_required,
    )


def _section(b: PolicyReader, root: LMap, key: str) -> LMap:
    value = root.get(key)
    if value is None:
        b.problem(root.loc, f"the policy needs a {key!r} section")
        empty = LMap()
        empty.loc, empty.key_locs, empty.value_locs = root.loc, {}, {}
        return empty
    m = b.mapping(value, root.value_locs[key], key)
    if m is None:
        empty = LMap()
        empty.loc, empty.key_locs, empty.value_locs = root.loc, {}, {}
        return empty
    return m


def _categories(b: PolicyReader, root: LMap) -> dict[str, Category]:
    section = _section(b, root, "categories")
    out: dict[str, Category] = {}
    # Parents come before children when sorted by depth, so inheritance can look up.
    for key in sorted(section, key=lambda k: (k.count("."), list(section).index(k))):
        kloc = section.key_locs[key]
        what = f"category {key!r}"
        m = b.mapping(section[key], section.value_locs[key], what)
        if m is None:
            continue
        if not _KEY_RE.match(key):
            b.problem(kloc, f"{what}: keys are lower_snake_case words joined by dots")
        b.known_keys(m, CATEGORY_KEYS, what)
        parent_key = key.rsplit(".", 1)[0] if "." in key else None
        parent = out.get(parent_key) if parent_key else None
        if parent_key and parent is None:
            b.problem(kloc, f"{what}: its parent category {parent_key!r} is not declared")
        if parent is not None and parent.is_leaf:
            b.problem(
                kloc, f"{what}: its parent {parent_key!r} has a type, so it cannot have children"
            )

        clauses = [c for c, _ in b.str_list(m, "clauses", what)]
        for c, loc in b.str_list(m, "clauses", what):
            if not _CLAUSE_RE.match(c):
                b.problem(
                    loc, f"{what}: {c!r} is not a clause of the policy (1.1.1 … 1.3, 2.1 … 2.8)"
                )
        source_name = b.choice(m, "source", what, tuple(s.value for s in Source))
        source = Source(source_name) if source_name else (parent.source if parent else None)
        if source is None:
            b.problem(kloc, f"{what} needs a source: provided, observed or from_others")
            source = Source.PROVIDED

        # `sensitive: false` is an explicit no; anything else must name a kind.
        sensitive_name = (
            None
            if m.get("sensitive") is False
            else b.choice(m, "sensitive", what, tuple(s.value for s in SensitiveKind))
        )
        sensitive: SensitiveKind | None
        sensitive_item: str | None
        if sensitive_name:
            sensitive, sensitive_item = SensitiveKind(sensitive_name), key
        elif parent is not None and parent.sensitive is not None:
            sensitive, sensitive_item = parent.sensitive, parent.sensitive_item
        else:
            sensitive, sensitive_item = None, None

        value_type = fields.value_type(b, m, what)
        retention = fields.retention(b, m, what)
        if retention is None and parent is not None:
            retention = parent.retention
        transform = fields.transform(b, m, what, value_type)
        fides = b.string(m, "fides", what) or (parent.fides if parent else "")
        if value_type is not None and not fides:
            b.problem(
                kloc, f"{what} needs a fides data-category key, e.g. user.contact.phone_number"
            )
        places = (
            parse_places(m["places"], m.value_locs["places"], what, b.problem)
            if "places" in m
            else (parent.places if parent else None)
        )
        lookup = b.boolean(m, "lookup", what, False)
        if lookup and value_type is None:
            b.problem(
                m.value_locs["lookup"], f"{what}: only categories with a type can be looked up"
            )
        kind_name = b.choice(m, "kind", what, tuple(k.value for k in CategoryKind))
        kind = (
            CategoryKind(kind_name)
            if kind_name
            else (parent.kind if parent else CategoryKind.VALUE)
        )
        legal_minimum = fields.retention(b, m, what, "legal_minimum")
        if legal_minimum is None and parent is not None:
            legal_minimum = parent.legal_minimum
        fields.check_stream(b, m, what, kind, value_type, retention, transform, lookup)
        fields.check_legal_minimum(b, m, kloc, what, retention, legal_minimum)
        out[key] = Category(
            key=key,
            label=b.text(m, "label", what),
            description=b.text(m, "description", what, required=False),
            clauses=tuple(clauses) or (parent.clauses if parent else ()),
            source=source,
            sensitive=sensitive,
            sensitive_item=sensitive_item,
            value_type=value_type,
            retention=retention,
            transform=transform,
            lookup=lookup,
            linkable=b.boolean(m, "linkable", what, parent.linkable if parent else True),
            fides=fides,
            pos=b.pos(kloc),
            kind=kind,
            legal_minimum=legal_minimum,
            places=places,
        )
    return dict(sorted(out.items(), key=lambda kv: list(section).index(kv[0])))


def _purposes(b: PolicyReader, root: LMap) -> dict[str, Purpose]:
    section = _section(b, root, "purposes")
    out: dict[str, Purpose] = {}
    for key, value in section.items():
        what = f"purpose {key!r}"
        kloc = section.key_locs[key]
        m = b.mapping(value, section.value_locs[key], what)
        if m is None:
            continue
        b.known_keys(m, PURPOSE_KEYS, what)
        clause = b.string(m, "clause", what) or ""
        if not _PURPOSE_CLAUSE_RE.match(clause):
            b.problem(
                m.value_locs.get("clause", kloc),
                f"{what} needs a clause: 2.1 … 2.8, cross_service or analytics",
            )
        basis_name = b.choice(m, "basis", what, tuple(x.value for x in Basis))
        if basis_name is None and "basis" not in m:
            b.problem(kloc, f"{what} needs a basis: necessary or consent")
        basis = Basis(basis_name) if basis_name else Basis.NECESSARY
        style_name = b.choice(m, "consent", what, tuple(x.value for x in ConsentStyle))
        style = ConsentStyle(style_name) if style_name else None
        if basis is Basis.CONSENT and style is None and "consent" not in m:
            b.problem(kloc, f"{what}: a consent-based purpose needs consent: separate or opt_out")
        if basis is Basis.NECESSARY and style is not None:
            b.problem(m.key_locs["consent"], f"{what}: a necessary purpose takes no consent style")
            style = None
        fides_use = b.string(m, "fides_use", what) or ""
        if not fides_use:
            b.problem(kloc, f"{what} needs a fides_use key, e.g. essential.service")
        out[key] = Purpose(
            key=key,
            clause=clause,
            label=b.text(m, "label", what),
            description=b.text(m, "description", what, required=False),
            basis=basis,
            consent=style if basis is Basis.CONSENT else None,
            fides_use=fides_use,
            joins_identity=b.boolean(m, "joins_identity", what, True),
            pos=b.pos(kloc),
        )
    return out


def _ref(b: PolicyReader, name: str, loc: Loc, known: dict[str, Any], kind: str, what: str) -> bool:
    if name in known:
        return True
    b.problem(loc, f"{what}: unknown {kind} {name!r}{did_you_mean(name, known)}")
    return False


def _features(
    b: PolicyReader, root: LMap, categories: dict[str, Category], purposes: dict[str, Purpose]
) -> dict[str, Feature]:
    section = _section(b, root, "features")
    out: dict[str, Feature] = {}
    for key, value in section.items():
        what = f"feature {key!r}"
        m = b.mapping(value, section.value_locs[key], what)
        if m is None:
            continue
        b.known_keys(m, FEATURE_KEYS, what)
        lists: dict[str, list[str]] = {}
        for field_name, known, kind in (
            ("requires", categories, "category"),
            ("optional", categories, "category"),
            ("purposes", purposes, "purpose"),
        ):
            lists[field_name] = [
                n
                for n, loc in b.str_list(m, field_name, what)
                if _ref(b, n, loc, known, kind, what)
            ]
        if not lists["purposes"]:
            b.problem(section.key_locs[key], f"{what} must serve at least one purpose")
        out[key] = Feature(
            key=key,
            label=b.text(m, "label", what),
            description=b.text(m, "description", what, required=False),
            requires=tuple(lists["requires"]),
            optional=tuple(lists["optional"]),
            purposes=tuple(lists["purposes"]),
            pos=b.pos(section.key_locs[key]),
        )
    return out


def _rules(
    b: PolicyReader, root: LMap, categories: dict[str, Category], purposes: dict[str, Purpose]
) -> list[Rule]:
    value = root.get("rules")
    if not isinstance(value, LList):
        b.problem(root.value_locs.get("rules", root.loc), "the policy needs a 'rules' list")
        return []
    out: list[Rule] = []
    for item, loc in zip(value, value.item_locs, strict=True):
        m = b.mapping(item, loc, "a rule")
        if m is None:
            continue
        b.known_keys(m, RULE_KEYS, "a rule")
        purpose = b.string(m, "purpose", "rule")
        if purpose is None:
            b.problem(loc, "a rule needs a purpose")
            continue
        if not _ref(b, purpose, m.value_locs["purpose"], purposes, "purpose", "rule"):
            continue
        cats = [
            n
            for n, cloc in b.str_list(m, "categories", f"rule for {purpose!r}")
            if _ref(b, n, cloc, categories, "category", f"rule for {purpose!r}")
        ]
        out.append(Rule(purpose, tuple(cats), b.pos(loc)))
    return out
