"""Policy problems are reported at the line of the declaration to fix.

Each case breaks the bundled default policy with one string edit and names the
problem it must produce and the line it must be reported at (the line holding
``at``, in the edited text).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from pivault.core.errors import PolicyError, PolicyProblem
from pivault.core.policy_check import check_policy
from pivault.core.policy_parse import parse_policy
from pivault.service.policy_files import default_policy_text

DEFAULT = default_policy_text()
FILE = "policy.yaml"


def edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"edit target must occur once: {old!r}"
    return text.replace(old, new)


def line_of(text: str, needle: str) -> int:
    lines = [i for i, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(lines) == 1, f"{needle!r} must be on exactly one line, found {lines}"
    return lines[0]


def problems_of(text: str) -> list[PolicyProblem]:
    try:
        policy = parse_policy(text, FILE)
    except PolicyError as exc:
        return exc.problems
    return check_policy(policy)


@dataclass(frozen=True)
class Case:
    name: str
    old: str
    new: str
    message: str  # a substring of the expected problem's message
    at: str  # a text on the offending line of the edited policy


NICKNAME_FIDES = "    fides: user.account.username"
NICKNAME_TYPE_LINE = line_of(DEFAULT, "label: {zh-CN: 昵称") + 1

CASES = [
    Case(
        "malformed_yaml_mapping_in_value",
        NICKNAME_FIDES,
        "    fides: user.account.username: oops",
        "malformed YAML: mapping values are not allowed here",
        "user.account.username: oops",
    ),
    Case(
        "malformed_yaml_tab",
        NICKNAME_FIDES,
        "\tfides: user.account.username",
        "malformed YAML",
        "\tfides: user.account.username",
    ),
    Case(
        "malformed_yaml_indentation",
        "    max_length: 64\n" + NICKNAME_FIDES,
        "    max_length: 64\n   fides: user.account.username",
        "malformed YAML",
        "   fides: user.account.username",
    ),
    Case(
        "duplicate_key",
        "    max_length: 64\n" + NICKNAME_FIDES,
        "    max_length: 64\n    type: phone  # dup\n" + NICKNAME_FIDES,
        f"duplicate key 'type' (first defined at line {NICKNAME_TYPE_LINE})",
        "type: phone  # dup",
    ),
    Case(
        "duplicate_category",
        "  account.phone:\n",
        "  account.nickname:  # again\n    label: {zh-CN: x, en: x}\n  account.phone:\n",
        "duplicate key 'account.nickname'",
        "account.nickname:  # again",
    ),
    Case(
        "unknown_purpose_in_rule_did_you_mean",
        "  - purpose: service\n",
        "  - purpose: servise\n",
        "unknown purpose 'servise' (did you mean 'service'?)",
        "purpose: servise",
    ),
    Case(
        "unknown_category_in_feature_did_you_mean",
        "    requires: [account.nickname, account.phone]",
        "    requires: [account.nickname, account.phone, account.phon]",
        "unknown category 'account.phon' (did you mean 'account.phone'?)",
        "account.phon]",
    ),
    Case(
        "unknown_purpose_in_feature",
        "    purposes: [surveys]",
        "    purposes: [survey]",
        "unknown purpose 'survey' (did you mean 'surveys'?)",
        "purposes: [survey]",
    ),
    Case(
        "unknown_key_in_category",
        NICKNAME_FIDES,
        NICKNAME_FIDES + "\n    retension: P1Y",
        "unknown key 'retension' in category 'account.nickname' (did you mean 'retention'?)",
        "retension: P1Y",
    ),
    Case(
        "unknown_key_at_top",
        'version: "2026.1"\n',
        'version: "2026.1"\nvesion: 2\n',
        "unknown key 'vesion' in the policy file (did you mean 'version'?)",
        "vesion: 2",
    ),
    Case(
        "unknown_transform",
        "    minimise: pseudonymise",
        "    minimise: pseudonymize",
        "'pseudonymize' is not a transform (did you mean 'pseudonymise'?)",
        "minimise: pseudonymize",
    ),
    Case(
        "unknown_transform_parameter",
        "    minimise: {transform: coarsen_location, decimals: 1}",
        "    minimise: {transform: coarsen_location, decimal: 1}",
        "coarsen_location takes no parameter 'decimal'; valid: decimals",
        "minimise: {transform: coarsen_location, decimal: 1}",
    ),
    Case(
        "transform_parameter_of_the_wrong_type",
        "    minimise: {transform: truncate_ip, ipv4_prefix: 24, ipv6_prefix: 48}",
        "    minimise: {transform: truncate_ip, ipv4_prefix: '24', ipv6_prefix: 48}",
        "truncate_ip.ipv4_prefix must be an integer",
        "minimise: {transform: truncate_ip, ipv4_prefix: '24', ipv6_prefix: 48}",
    ),
    Case(
        "transform_on_the_wrong_value_type",
        "    minimise: {transform: coarsen_location, decimals: 1}",
        "    minimise: truncate_ip",
        "truncate_ip applies to ip values, not geo_point",
        "minimise: truncate_ip",
    ),
    Case(
        "bad_retention",
        "    retention: P30D",
        "    retention: 30 days",
        "retention must be an ISO-8601 duration",
        "retention: 30 days",
    ),
    Case(
        "sensitive_category_via_opt_out_purpose",
        "  - purpose: ads_measurement\n    categories: [service_log.referrer_url,",
        "  - purpose: ads_measurement\n    categories: [biometric.voiceprint, "
        "service_log.referrer_url,",
        "sensitive category 'biometric.voiceprint' is reachable without separate consent: "
        "purpose 'ads_measurement' is opt-out",
        "  biometric.voiceprint:",
    ),
    Case(
        "leaf_without_retention",
        "    source: observed\n    retention: P30D\n",
        "    source: observed\n",
        "category 'location.city' has no retention",
        "  location.city:",
    ),
    Case(
        "category_no_feature_collects",
        "    optional: [location.precise.photo_geotag, others.tagged_in_media]",
        "    optional: [location.precise.photo_geotag]",
        "category 'others.tagged_in_media' is collected by no feature",
        "  others.tagged_in_media:",
    ),
    Case(
        "feature_needs_category_no_rule_allows",
        "    requires: [biometric.voiceprint]\n    purposes: [security]",
        "    requires: [biometric.voiceprint]\n    purposes: [service]",
        "feature 'voiceprint_login' collects 'biometric.voiceprint' but no rule lets its "
        "purposes (service) use it",
        "  voiceprint_login:",
    ),
    Case(
        "linkable_category_for_identity_free_purpose",
        "  - purpose: analytics\n    categories: [analytics]",
        "  - purpose: analytics\n    categories: [analytics, device.model]",
        "purpose 'analytics' must never be joined with identity, but a rule lets it use "
        "linkable category 'device.model'",
        "  device.model:",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_policy_problem_is_reported_at_the_offending_line(case: Case) -> None:
    text = edit(DEFAULT, case.old, case.new)
    found = problems_of(text)
    matching = [p for p in found if case.message in p.message]
    assert matching, f"expected {case.message!r}; got:\n" + "\n".join(map(str, found))
    problem = matching[0]
    assert problem.file == FILE
    assert problem.line == line_of(text, case.at), str(problem)
    assert str(problem).startswith(f"{FILE}:{problem.line}:{problem.col}: ")


def test_default_policy_has_no_problems() -> None:
    assert problems_of(DEFAULT) == []


def test_parse_errors_are_all_reported_together() -> None:
    text = edit(DEFAULT, "  - purpose: service\n", "  - purpose: servise\n")
    text = edit(text, NICKNAME_FIDES, NICKNAME_FIDES + "\n    retension: P1Y")
    messages = [p.message for p in problems_of(text)]
    assert any("servise" in m for m in messages)
    assert any("retension" in m for m in messages)


def test_check_problems_come_in_file_order() -> None:
    text = edit(
        DEFAULT,
        "    optional: [location.precise.photo_geotag, others.tagged_in_media]",
        "    optional: [location.precise.photo_geotag]",
    )
    text = edit(text, "    source: observed\n    retention: P30D\n", "    source: observed\n")
    found = problems_of(text)
    assert len(found) >= 2
    assert [p.line for p in found] == sorted(p.line for p in found)
