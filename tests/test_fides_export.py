"""The Fides system manifest validates with fideslang and uses only its default taxonomy."""

from __future__ import annotations

import json

import pytest
from fideslang.default_taxonomy import DEFAULT_TAXONOMY
from fideslang.models import System
from fideslang.parse import load_manifests_into_taxonomy
from fideslang.relationships import get_referenced_missing_keys

from pivault.core.model import Basis, Policy
from pivault.core.policy_parse import parse_policy
from pivault.present.fides_export import to_fides_manifest
from pivault.service.policy_files import default_policy_text, load_policy

DATA_CATEGORIES = {c.fides_key for c in DEFAULT_TAXONOMY.data_category}
DATA_USES = {u.fides_key for u in DEFAULT_TAXONOMY.data_use}
DATA_SUBJECTS = {s.fides_key for s in DEFAULT_TAXONOMY.data_subject}
ORGANIZATIONS = {o.fides_key for o in DEFAULT_TAXONOMY.organization}


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(None)


def test_fides_manifest_validates_as_a_system(policy: Policy) -> None:
    manifest = to_fides_manifest(policy)
    assert list(manifest) == ["system"] and len(manifest["system"]) == 1
    system = System.model_validate(manifest["system"][0])
    assert system.fides_key == "pivault"
    assert system.system_type == "Service"
    assert len(system.privacy_declarations) == len(policy.purposes)


def test_fides_manifest_loads_into_a_taxonomy_with_only_default_keys(policy: Policy) -> None:
    manifest = json.loads(json.dumps(to_fides_manifest(policy)))  # plain JSON data
    taxonomy = load_manifests_into_taxonomy(manifest)
    missing = get_referenced_missing_keys(taxonomy)
    known = DATA_CATEGORIES | DATA_USES | DATA_SUBJECTS | ORGANIZATIONS
    assert missing - known == set()


def test_every_data_category_and_use_is_in_the_default_taxonomy(policy: Policy) -> None:
    for decl in to_fides_manifest(policy)["system"][0]["privacy_declarations"]:
        assert decl["data_use"] in DATA_USES, decl["data_use"]
        for category in decl["data_categories"]:
            assert category in DATA_CATEGORIES, category
        assert set(decl["data_subjects"]) <= DATA_SUBJECTS


def test_one_declaration_per_purpose_with_the_categories_its_rules_allow(policy: Policy) -> None:
    system = to_fides_manifest(policy)["system"][0]
    meta = system["meta"]["purposes"]
    decls = {meta[d["name"]]["pivault_purpose"]: d for d in system["privacy_declarations"]}
    assert set(decls) == set(policy.purposes)
    for key, purpose in policy.purposes.items():
        decl = decls[key]
        allowed = {c.fides for c in policy.leaves() if key in policy.allowed[c.key]}
        assert set(decl["data_categories"]) == allowed
        assert decl["data_use"] == purpose.fides_use
        expected_basis = "Consent" if purpose.basis is Basis.CONSENT else "Contract"
        assert decl["legal_basis_for_processing"] == expected_basis
    assert decls["ads_recommendation"]["data_use"] == "marketing.advertising.first_party.targeted"
    assert "user.biometric.voice" in decls["security"]["data_categories"]
    assert decls["security"]["processes_special_category_data"] is True
    assert decls["security"]["special_category_legal_basis"] == "Explicit consent"
    assert decls["personalisation"]["processes_special_category_data"] is False
    assert decls["analytics"]["data_categories"] == ["user.telemetry"]
    assert decls["analytics"]["retention_period"] == "up to 2 years (P2Y)"
    assert decls["security"]["retention_period"] == "for the life of the customer's account"


def test_fides_declaration_names_are_unique(policy: Policy) -> None:
    names = [d["name"] for d in to_fides_manifest(policy)["system"][0]["privacy_declarations"]]
    assert len(names) == len(set(names))


def test_purpose_without_rules_gets_no_declaration() -> None:
    text = (
        default_policy_text()
        .replace("  - purpose: surveys\n    categories: [survey]\n", "")
        .replace("    optional: [survey]\n    purposes: [surveys]", "    purposes: [surveys]")
    )
    policy = parse_policy(text)
    system = to_fides_manifest(policy, system_key="my app")["system"][0]
    assert system["fides_key"] == "my_app"
    assert all("Inviting you to surveys" not in d["name"] for d in system["privacy_declarations"])
    System.model_validate(system)
