"""docs/policy.md documents every name the policy parser knows (docs kept honest by tests)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pivault.core.category_fields import ACCOUNT_LIFETIME, VALUE_TYPES
from pivault.core.model import LANGS, Basis, ConsentStyle, SensitiveKind, Source
from pivault.core.places import PLACE_KEYS
from pivault.core.policy_check import check_policy
from pivault.core.policy_parse import (
    CATEGORY_KEYS,
    FEATURE_KEYS,
    PURPOSE_KEYS,
    RULE_KEYS,
    TOP_KEYS,
    parse_policy,
)
from pivault.core.transforms import TRANSFORMS

TRANSFORM_PARAMS = tuple(p.name for spec in TRANSFORMS.values() for p in spec.params)

DOC = Path(__file__).resolve().parents[1] / "docs" / "policy.md"

NAMES: dict[str, tuple[str, ...]] = {
    "top-level key": TOP_KEYS,
    "category key": CATEGORY_KEYS,
    "purpose key": PURPOSE_KEYS,
    "feature key": FEATURE_KEYS,
    "rule key": RULE_KEYS,
    "place key": PLACE_KEYS,
    "value type": VALUE_TYPES,
    "transform": tuple(TRANSFORMS),
    "transform parameter": TRANSFORM_PARAMS,
    "sensitive kind": tuple(k.value for k in SensitiveKind),
    "source": tuple(s.value for s in Source),
    "basis": tuple(b.value for b in Basis),
    "consent style": tuple(c.value for c in ConsentStyle),
    "retention keyword": (ACCOUNT_LIFETIME,),
}
CASES = [(kind, name) for kind, names in NAMES.items() for name in names]


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text(encoding="utf-8")


@pytest.mark.parametrize(("kind", "name"), CASES, ids=[f"{k}:{n}" for k, n in CASES])
def test_policy_docs_name_every_policy_format_name(doc: str, kind: str, name: str) -> None:
    assert f"`{name}`" in doc, f"docs/policy.md does not document the {kind} `{name}`"


def test_policy_docs_list_each_transform_with_its_types_parameters_and_defaults(
    doc: str,
) -> None:
    rows = [line for line in doc.splitlines() if line.startswith("| `")]
    listed = [row.split("`")[1] for row in rows if row.split("`")[1] in TRANSFORMS]
    assert listed == list(TRANSFORMS), "docs/policy.md lists the transforms in registry order"
    for name, spec in TRANSFORMS.items():
        row = next(line for line in rows if line.startswith(f"| `{name}` |"))
        assert row.endswith(f"| {spec.description} |"), (name, "describe it as the registry does")
        for t in spec.value_types:
            assert f"`{t}`" in row, (name, t)
        for param in spec.params:
            assert f"`{param.name}`" in row, (name, param.name)
            if param.default is not None:
                assert f"default {param.default}" in row, (name, param.name, param.default)


def test_policy_docs_document_the_check_command(doc: str) -> None:
    assert "`pivault policy check`" in doc
    assert "file:line:col" in doc


def test_policy_docs_minimal_example_is_a_valid_policy(doc: str) -> None:
    match = re.search(r"<!-- example: minimal -->\s*```yaml\n(.*?)```", doc, re.S)
    assert match, "docs/policy.md lost its minimal example"
    policy = parse_policy(match.group(1), "docs/policy.md")
    assert check_policy(policy) == []


def test_policy_docs_yaml_snippets_use_only_known_keys(doc: str) -> None:
    known = set(TOP_KEYS + CATEGORY_KEYS + PURPOSE_KEYS + FEATURE_KEYS + RULE_KEYS + PLACE_KEYS)
    known |= {*LANGS, "transform", *TRANSFORM_PARAMS}
    for block in re.findall(r"```yaml\n(.*?)```", doc, re.S):
        for line in block.splitlines():
            m = re.match(r"^\s*(?:- )?([a-z_]+):", line)
            if m and line.startswith("    "):
                assert m.group(1) in known, line
