"""Policy diffs: what changed, and which changes need fresh consent (PIPL Art. 14)."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from pivault.core.diff import Action, Change, ChangeKind, diff_policies
from pivault.core.model import Policy
from pivault.core.policy_check import check_policy
from pivault.core.policy_parse import parse_policy
from pivault.present.policy_diff_text import diff_as_dict, format_diff_text
from pivault.service.policy_files import default_policy_text

DEFAULT = default_policy_text()


def edited(*edits: tuple[str, str]) -> str:
    text = DEFAULT
    for old, new in edits:
        assert text.count(old) == 1, f"edit target must occur once: {old!r}"
        text = text.replace(old, new)
    return text


def policy(text: str) -> Policy:
    p = parse_policy(text, "policy.yaml")
    return p


@pytest.fixture(scope="module")
def old() -> Policy:
    return policy(DEFAULT)


@dataclass(frozen=True)
class Expect:
    kind: ChangeKind
    action: Action
    key: str
    needs_consent: bool
    code: str


@dataclass(frozen=True)
class Case:
    name: str
    edits: tuple[tuple[str, str], ...]
    expect: tuple[Expect, ...]


ADS_MEASUREMENT_RULE = "  - purpose: ads_measurement\n    categories: [service_log.referrer_url,"
SURVEY_ANSWERS = "    minimise: redact_text\n    fides: user.content.private\n  support:"
R, C, P, RET, F = (
    ChangeKind.RULE,
    ChangeKind.CATEGORY,
    ChangeKind.PURPOSE,
    ChangeKind.RETENTION,
    ChangeKind.FEATURE,
)
ADDED, REMOVED, CHANGED = Action.ADDED, Action.REMOVED, Action.CHANGED

CASES = [
    Case(
        "new_purpose_for_existing_data",
        ((ADS_MEASUREMENT_RULE, ADS_MEASUREMENT_RULE.replace("[", "[social, ")),),
        (Expect(R, ADDED, "ads_measurement:social", True, "new_purpose_for_existing_data"),),
    ),
    Case(
        "new_purpose_for_existing_data_even_if_necessary",
        (
            (
                "    categories: [software, device.model, device.os_version]",
                "    categories: [software, device.model, device.os_version, network.ip]",
            ),
        ),
        (
            Expect(
                R, ADDED, "software_management:network.ip", True, "new_purpose_for_existing_data"
            ),
        ),
    ),
    Case(
        "new_category_used_for_consent_purpose",
        (
            (
                SURVEY_ANSWERS,
                SURVEY_ANSWERS.replace(
                    "  support:",
                    "  survey.email:\n    label: {zh-CN: 电子邮箱, en: Email}\n    type: email\n"
                    "    fides: user.contact.email\n  support:",
                ),
            ),
        ),
        (
            Expect(C, ADDED, "survey.email", False, "category_added"),
            Expect(R, ADDED, "surveys:survey.email", True, "new_category_for_consent_purpose"),
        ),
    ),
    Case(
        "new_category_for_necessary_purpose_is_information",
        (
            (
                "  device.battery:\n",
                "  device.screen:\n    label: {zh-CN: 屏幕尺寸, en: Screen size}\n    type: text\n"
                "    fides: user.device\n  device.battery:\n",
            ),
        ),
        (
            Expect(C, ADDED, "device.screen", False, "category_added"),
            Expect(R, ADDED, "service:device.screen", False, "new_category_for_necessary_purpose"),
            Expect(R, ADDED, "security:device.screen", False, "new_category_for_necessary_purpose"),
        ),
    ),
    Case(
        "necessary_to_consent",
        (
            (
                "    basis: necessary\n    fides_use: essential.service.upgrades",
                "    basis: consent\n    consent: separate\n"
                "    fides_use: essential.service.upgrades",
            ),
        ),
        (Expect(P, CHANGED, "software_management", True, "basis_changed"),),
    ),
    Case(
        "consent_to_necessary",
        (
            (
                "    basis: consent\n    consent: separate\n"
                "    fides_use: marketing.communications",
                "    basis: necessary\n    fides_use: marketing.communications",
            ),
        ),
        (Expect(P, CHANGED, "surveys", True, "basis_changed"),),
    ),
    Case(
        "separate_to_opt_out",
        (
            (
                "    consent: separate\n    fides_use: marketing.communications",
                "    consent: opt_out\n    fides_use: marketing.communications",
            ),
        ),
        (Expect(P, CHANGED, "surveys", True, "consent_now_opt_out"),),
    ),
    Case(
        "opt_out_to_separate",
        (
            (
                "    consent: opt_out\n    fides_use: analytics.reporting.ad_performance",
                "    consent: separate\n    fides_use: analytics.reporting.ad_performance",
            ),
        ),
        (Expect(P, CHANGED, "ads_measurement", False, "consent_now_separate"),),
    ),
    Case(
        "longer_retention",
        (
            (
                '    clauses: ["1.2.1(3)"]\n    source: observed\n'
                "    kind: stream\n    retention: P6M",
                '    clauses: ["1.2.1(3)"]\n    source: observed\n'
                "    kind: stream\n    retention: P1Y",
            ),
        ),
        (Expect(RET, CHANGED, "network", True, "retention_longer"),),
    ),
    Case(
        "retention_to_account_lifetime_is_longer",
        (("    retention: P3Y", "    retention: account_lifetime"),),
        (Expect(RET, CHANGED, "support", True, "retention_longer"),),
    ),
    Case(
        "shorter_retention",
        (("    retention: P3Y", "    retention: P1Y"),),
        (Expect(RET, CHANGED, "support", False, "retention_shorter"),),
    ),
    Case(
        "category_becomes_sensitive",
        (
            (
                "  social:\n    label: {zh-CN: 社交关系信息, en: 'Social connections'}",
                "  social:\n    label: {zh-CN: 社交关系信息, en: 'Social connections'}\n"
                "    sensitive: contacts",
            ),
        ),
        (Expect(C, CHANGED, "social", True, "became_sensitive"),),
    ),
    Case(
        "category_no_longer_sensitive",
        (("    sensitive: biometrics\n", ""),),
        (Expect(C, CHANGED, "biometric.voiceprint", False, "no_longer_sensitive"),),
    ),
    Case(
        "minimisation_removed_on_consent_data",
        ((SURVEY_ANSWERS, SURVEY_ANSWERS.replace("    minimise: redact_text\n", "")),),
        (Expect(C, CHANGED, "survey.answers", True, "minimisation_changed"),),
    ),
    Case(
        "new_opt_out_purpose",
        (
            (
                "  analytics:\n    clause: analytics",
                '  newsletter:\n    clause: "2.8"\n    label: {zh-CN: 简报, en: Newsletter}\n'
                "    basis: consent\n    consent: opt_out\n"
                "    fides_use: marketing.communications\n"
                "  analytics:\n    clause: analytics",
            ),
        ),
        (Expect(P, ADDED, "newsletter", True, "new_opt_out_purpose"),),
    ),
    Case(
        "purpose_stops_using_category",
        (
            (
                "    categories: [preferences, location.city, location.region]",
                "    categories: [preferences, location.city]",
            ),
        ),
        (Expect(R, REMOVED, "personalisation:location.region", False, "narrower_use"),),
    ),
    Case(
        "label_change_is_information",
        (("label: {zh-CN: 昵称, en: 'Nickname'}", "label: {zh-CN: 昵称, en: 'Display name'}"),),
        (Expect(C, CHANGED, "account.nickname", False, "details_changed"),),
    ),
    Case(
        "feature_change_is_information",
        (
            (
                "    requires: [social.friend_list]\n"
                "    optional: [social.group_list, communication_log]",
                "    requires: [social.friend_list, social.group_list]\n"
                "    optional: [communication_log]",
            ),
        ),
        (Expect(F, CHANGED, "messaging", False, "feature_changed"),),
    ),
    Case(
        "regrouping_a_rule_is_not_a_change",
        (
            (
                "    categories: [analytics]\n",
                "    categories: [analytics.usage_frequency, analytics.crash_info, "
                "analytics.overall_usage, analytics.performance, analytics.install_source]\n",
            ),
        ),
        (),
    ),
]


def key_of(c: Change) -> Expect:
    return Expect(c.kind, c.action, c.key, c.needs_consent, c.code)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_policy_diff_finds_the_change_and_its_consent_need(old: Policy, case: Case) -> None:
    new = policy(edited(*case.edits))
    diff = diff_policies(old, new)
    got = [key_of(c) for c in diff.changes]
    assert got == list(case.expect)
    assert diff.needs_consent is any(e.needs_consent for e in case.expect)


def test_policy_diff_of_identical_policies_is_empty(old: Policy) -> None:
    diff = diff_policies(old, policy(DEFAULT))
    assert diff.changes == () and not diff.needs_consent
    assert format_diff_text(diff).splitlines() == [
        "policy 2026.1 → 2026.1: 0 changes, 0 need fresh consent"
    ]


def test_retention_change_on_a_parent_is_reported_once(old: Policy) -> None:
    new = policy(
        edited(("    retention: P1Y\n  device.model:", "    retention: P2Y\n  device.model:"))
    )
    changes = diff_policies(old, new).changes
    assert [(c.kind, c.key, c.old, c.new) for c in changes] == [(RET, "device", "P1Y", "P2Y")]


def test_format_diff_text_marks_consent_changes(old: Policy) -> None:
    new = policy(
        edited(
            ('version: "2026.1"', 'version: "2026.2"'),
            (ADS_MEASUREMENT_RULE, ADS_MEASUREMENT_RULE.replace("[", "[social, ")),
            ("    retention: P3Y", "    retention: P1Y"),
        )
    )
    diff = diff_policies(old, new)
    en = format_diff_text(diff, "en").splitlines()
    assert en[0] == "policy 2026.1 → 2026.2: 2 changes, 1 needs fresh consent"
    assert len(en) == 3
    consent = [line for line in en if line.startswith("[needs consent] ")]
    assert len(consent) == 1
    assert "'ads_measurement' may now use 'social'" in consent[0]
    assert "PIPL Art. 14" in consent[0]
    assert any(line.startswith("[info] retention changed: 'support'") for line in en)
    zh = format_diff_text(diff, "zh-CN").splitlines()
    assert zh[0].startswith("策略 2026.1 → 2026.2：2 处变更，其中 1 处需重新取得同意")
    assert sum(line.startswith("[需重新同意] ") for line in zh) == 1
    assert any("第十四条" in line for line in zh)


def test_diff_as_dict_is_json(old: Policy) -> None:
    new = policy(edited(("    retention: P30D", "    retention: P60D")))
    data = diff_as_dict(diff_policies(old, new))
    assert json.loads(json.dumps(data)) == data
    assert data["needs_consent"] is True
    (change,) = data["changes"]
    assert change == {
        "kind": "retention",
        "action": "changed",
        "key": "location",
        "category": "location",
        "purpose": None,
        "old": "P30D",
        "new": "P60D",
        "needs_consent": True,
        "code": "retention_longer",
        "summary": change["summary"],
        "reason": change["reason"],
    }
    assert set(change["reason"]) == {"zh-CN", "en"}


def test_removed_category_and_purpose_are_information(old: Policy) -> None:
    text = edited(
        (
            "  others.tagged_in_media:\n    label: {zh-CN: 其他用户发布的照片或分享的视频中的您, "
            "en: 'You in photos or videos others share'}\n    type: json\n"
            "    fides: user.content.public\n",
            "",
        ),
        (
            "    optional: [location.precise.photo_geotag, others.tagged_in_media]",
            "    optional: [location.precise.photo_geotag]",
        ),
    )
    new = policy(text)
    changes = diff_policies(old, new).changes
    removed = [c for c in changes if c.action is REMOVED and c.kind is C]
    assert [c.key for c in removed] == ["others.tagged_in_media"]
    assert not any(c.needs_consent for c in changes)


def test_edited_policies_in_these_tests_still_parse_cleanly() -> None:
    for case in CASES:
        problems = check_policy(policy(edited(*case.edits)))
        assert all("collected by no feature" not in p.message for p in problems), case.name
