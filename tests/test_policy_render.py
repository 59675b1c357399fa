"""The human-readable policy, generated from the policy file (Markdown and HTML)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from pivault.core.errors import InvalidArgumentError
from pivault.core.model import Policy, Retention
from pivault.core.policy_parse import parse_policy
from pivault.present.policy_json import policy_as_dict
from pivault.present.policy_render import date_text, render_policy, retention_text
from pivault.service.policy_files import default_policy_text, load_policy

CLAUSES = ["1.1.1", "1.1.2", "1.1.3", "1.2.1", "1.2.2", "1.2.3", "1.3"] + [
    f"2.{i}" for i in range(1, 9)
]
SEED_EXAMPLES_ZH = [
    "昵称", "手机号码", "头像", "照片", "姓名", "电话", "家庭地址", "设备型号", "操作系统版本",
    "唯一设备标识符", "电池", "信号强度", "软件的版本号", "浏览器类型", "IP地址", "引荐网址",
    "位置信息", "好友列表", "群列表", "声纹特征值", "通讯录",
]  # fmt: skip
SEED_EXAMPLES_EN = [
    "Nickname", "Mobile phone number", "Profile picture", "photos", "Name", "Telephone",
    "Home address", "Device model", "Operating system version", "Unique device identifier",
    "Battery", "Signal strength", "Software version number", "Browser type", "IP address",
    "Referrer URL", "Location information", "Friend list", "Group list", "Voiceprint",
    "contacts",
]  # fmt: skip
PRINCIPLES_ZH = [
    "安全可靠",
    "自主选择",
    "保护通信秘密",
    "合理必要",
    "清晰透明",
    "将隐私保护融入产品设计",
]


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(None)


def section(text: str, start: str, end: str) -> str:
    i = text.index(start)
    return text[i : text.index(end, i)]


# ---- content ------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_render_zh_has_every_clause_and_seed_example(policy: Policy, fmt: str) -> None:
    text = render_policy(policy, "zh-CN", fmt)
    for clause in CLAUSES:
        assert clause in text, clause
    for example in SEED_EXAMPLES_ZH:
        assert example in text, example
    for principle in PRINCIPLES_ZH:
        assert principle in text, principle
    for heading in (
        "引言",
        "一、我们如何收集信息",
        "二、我们如何使用收集的信息",
        "个人信息收集清单",
    ):
        assert heading in text
    assert "隐私政策" in text and "2026.1" in text and "2026年11月1日" in text


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_render_en_has_every_clause_and_seed_example(policy: Policy, fmt: str) -> None:
    text = render_policy(policy, "en", fmt)
    for clause in CLAUSES:
        assert clause in text, clause
    for example in SEED_EXAMPLES_EN:
        assert example in text, example
    assert "Personal information collection list" in text
    assert "Secure and reliable" in text and "Privacy by design" in text
    assert "1 November 2026" in text


def test_render_clause_lists_its_categories_by_label_with_retention(policy: Policy) -> None:
    md = render_policy(policy, "zh-CN", "md")
    assert "例如，昵称、手机号码。保存期限：帐户存续期间。" in md
    ip = section(md, "(3) IP地址", "\n\n")
    assert "IP地址" in ip and "6个月" in ip
    assert "例如，好友列表、群列表、声纹特征值（**敏感个人信息**）" in md


def test_render_marks_sensitive_categories(policy: Policy) -> None:
    md = render_policy(policy, "en", "md")
    assert "Voiceprint template (**sensitive personal information**)" in md
    sensitive = section(md, "Each kind of sensitive personal information", "### 1.2")
    for label in ("Precise location", "Voiceprint template", "Imported contacts"):
        assert label in sensitive


def test_render_purposes_state_basis_and_how_to_turn_off(policy: Policy) -> None:
    md = render_policy(policy, "zh-CN", "md")
    assert "法律依据：为向您提供产品或服务所必需" in section(md, "### 2.1", "### 2.2")
    ads = section(md, "### 2.5", "### 2.6")
    assert "需要您的同意" in ads and "默认开启" in ads and "关闭" in ads
    assert "单独同意" in section(md, "### 2.8", "### 用于我们的其他服务")
    en = render_policy(policy, "en", "md")
    assert "turn it off at any time" in section(en, "### 2.5", "### 2.6")


def test_render_cross_service_and_analytics_paragraphs(policy: Policy) -> None:
    md = render_policy(policy, "zh-CN", "md")
    cross = section(md, "### 用于我们的其他服务", "### 应用程序运行情况")
    assert "其他服务" in cross and "需要您的同意" in cross
    analytics = section(md, "### 应用程序运行情况", "## 个人信息收集清单")
    assert "使用应用程序的频率" in analytics
    assert (
        "**我们不会将我们存储在分析软件中的信息与您在应用程序中提供的个人身份信息相结合。**"
        in analytics
    )
    en = render_policy(policy, "en", "md")
    assert "We do not combine the information stored in analytics software" in en


def test_render_analytics_makes_no_promise_when_identity_may_be_joined() -> None:
    text = default_policy_text().replace("    joins_identity: false\n", "")
    text = text.replace("    linkable: false\n", "")
    md = render_policy(parse_policy(text), "en", "md")
    assert "We do not combine" not in md


def test_collection_list_has_every_leaf_with_feature_purpose_and_retention(policy: Policy) -> None:
    for lang in ("zh-CN", "en"):
        md = render_policy(policy, lang, "md")
        table = md[md.index("## " + ("个人信息收集清单" if lang == "zh-CN" else "Personal")) :]
        rows = [line for line in table.splitlines() if line.startswith("| ") and "---" not in line]
        for leaf in policy.leaves():
            label = leaf.label.get(lang)
            assert any(row.startswith(f"| {label}") for row in rows), label
    md = render_policy(policy, "zh-CN", "md")
    assert "| 昵称 | 注册与登录（必需） | 向您提供服务 | 注册与登录 | 帐户存续期间 |" in md
    ip_row = "| IP地址 | 服务日志（可选） | 向您提供服务；安全保障 | 服务日志 |"
    assert f"{ip_row} 6个月（按时间记录的历史） |" in md
    en = render_policy(policy, "en", "md")
    assert "| IP address | Service logging (optional) |" in en
    assert "| 6 months (kept as a history of records) |" in en
    # group headings follow the category's source
    assert en.index("### 1.1 Information you provide") < en.index("| Nickname |")
    assert en.index("### 1.2 Information we obtain") < en.index("| Device model |")
    assert en.index("### 1.3 Your information") < en.index("| You in photos")


def test_render_joins_han_text_broken_by_yaml_folding(policy: Policy) -> None:
    assert "理念， 致力于" not in render_policy(policy, "zh-CN", "md")
    assert "理念，致力于" in render_policy(policy, "zh-CN", "html")


# ---- HTML structure and escaping -------------------------------------------------

VOID = {"meta", "link", "br", "hr", "img", "input"}


class Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.seen: list[str] = []
        self.tables: list[dict[str, int]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.append(tag)
        if tag == "table":
            self.tables.append({"th_col": 0, "tr": 0})
        if tag == "th" and ("scope", "col") in attrs:
            self.tables[-1]["th_col"] += 1
        if tag == "tr":
            self.tables[-1]["tr"] += 1
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unexpected </{tag}> with open {self.stack[-3:]}")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if "style" not in self.stack[-1:]:
            self.text.append(data)


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_html_is_a_complete_well_formed_document(policy: Policy, lang: str) -> None:
    page = render_policy(policy, lang, "html")
    assert page.startswith("<!DOCTYPE html>")
    assert f'<html lang="{lang}">' in page
    assert '<meta name="viewport"' in page and "<style>" in page
    assert "<script" not in page and "http://" not in page and "https://" not in page
    checker = Checker()
    checker.feed(page)
    checker.close()
    assert checker.errors == []
    assert checker.stack == []
    for landmark in ("header", "nav", "main", "footer", "h1", "h2", "h3", "section"):
        assert landmark in checker.seen, landmark
    assert len(checker.tables) == 3
    assert all(t["th_col"] == 5 for t in checker.tables)
    leaves = sum(1 for _ in policy.leaves())
    assert sum(t["tr"] - 1 for t in checker.tables) >= leaves  # one header row per table


def test_html_and_markdown_escape_policy_text() -> None:
    evil = "<script>alert(1)</script>*x*|"
    text = default_policy_text().replace(
        "label: {zh-CN: 昵称, en: 'Nickname'}", f"label: {{zh-CN: '{evil}', en: '{evil}'}}"
    )
    policy = parse_policy(text, "evil.yaml")
    for lang in ("zh-CN", "en"):
        page = render_policy(policy, lang, "html")
        assert "<script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;*x*|" in page
        checker = Checker()
        checker.feed(page)
        assert checker.errors == [] and checker.stack == []
        assert evil in "".join(checker.text)
        md = render_policy(policy, lang, "md")
        assert "<script>" not in md
        assert r"\<script\>alert(1)\</script\>\*x\*\|" in md


def test_render_rejects_unknown_language_and_format(policy: Policy) -> None:
    with pytest.raises(InvalidArgumentError, match="language"):
        render_policy(policy, "fr", "md")
    with pytest.raises(InvalidArgumentError, match="format"):
        render_policy(policy, "en", "pdf")


# ---- small helpers ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("iso", "zh", "en"),
    [
        ("P6M", "6个月", "6 months"),
        ("P1Y", "1年", "1 year"),
        ("P30D", "30天", "30 days"),
        ("P1Y6M", "1年6个月", "1 year 6 months"),
        ("P2W", "2周", "2 weeks"),
        ("PT12H", "12小时", "12 hours"),
        ("P1D", "1天", "1 day"),
    ],
)
def test_retention_text(iso: str, zh: str, en: str) -> None:
    r = Retention(iso, 1)
    assert retention_text(r, "zh-CN") == zh
    assert retention_text(r, "en") == en


def test_retention_text_account_lifetime() -> None:
    r = Retention("account_lifetime", None)
    assert retention_text(r, "zh-CN") == "帐户存续期间"
    assert retention_text(r, "en") == "for the life of your account"


def test_date_text() -> None:
    assert date_text("2026-11-01", "zh-CN") == "2026年11月1日"
    assert date_text("2026-11-01", "en") == "1 November 2026"
    assert date_text("soon", "en") == "soon"


# ---- JSON --------------------------------------------------------------------------

CATEGORY_FIELDS = {
    "key", "label", "description", "clauses", "source", "sensitive", "sensitive_item",
    "value_type", "retention", "transform", "lookup", "linkable", "fides", "is_leaf",
}  # fmt: skip
PURPOSE_FIELDS = {
    "key", "clause", "label", "description", "basis", "consent", "fides_use", "joins_identity",
}  # fmt: skip


def test_policy_as_dict_is_json_with_every_resolved_field(policy: Policy) -> None:
    data = policy_as_dict(policy)
    assert json.loads(json.dumps(data)) == data
    assert data["version"] == "2026.1" and data["effective_date"] == "2026-11-01"
    assert [c["key"] for c in data["categories"]] == list(policy.categories)
    for c in data["categories"]:
        assert c.keys() >= CATEGORY_FIELDS
    for p in data["purposes"]:
        assert p.keys() >= PURPOSE_FIELDS
    cats = {c["key"]: c for c in data["categories"]}
    # inherited fields are resolved onto leaves
    assert cats["communication_log"]["sensitive"] == "communication_records"
    assert cats["communication_log"]["sensitive_item"] == "communication_log"
    assert cats["communication_log"]["kind"] == "stream"
    assert cats["network.ip"]["kind"] == "stream" and cats["account.phone"]["kind"] == "value"
    assert cats["network.ip"]["legal_minimum"]["iso"] == "P6M"
    assert cats["network.ip"]["retention"]["iso"] == "P6M"
    assert cats["network.ip"]["retention"]["text"] == {"zh-CN": "6个月", "en": "6 months"}
    assert cats["network.ip"]["transform"] == {
        "name": "truncate_ip",
        "ipv4_prefix": 24,
        "ipv6_prefix": 48,
    }
    assert cats["analytics.crash_info"]["linkable"] is False
    assert cats["account"]["is_leaf"] is False and cats["account.phone"]["lookup"] is True
    features = {f["key"]: f for f in data["features"]}
    assert features["messaging"]["optional"] == ["social.group_list", "communication_log"]
    assert "communication_log" in features["messaging"]["fields"]
    assert data["rules"][0]["purpose"] == "service"
    items = {i["item"]: i for i in data["consent_items"]}
    assert items["ads_recommendation"]["default_granted"] is True
    assert items["biometric.voiceprint"]["kind"] == "sensitive_category"
    assert items["biometric.voiceprint"]["features_needing"] == ["voiceprint_login"]


def test_policy_as_dict_has_no_python_only_types(policy: Policy) -> None:
    def walk(value: object) -> None:
        assert type(value) in (dict, list, str, int, float, bool, type(None)), type(value)
        if isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(policy_as_dict(policy))


def test_markdown_bold_is_balanced(policy: Policy) -> None:
    for lang in ("zh-CN", "en"):
        for line in render_policy(policy, lang, "md").splitlines():
            assert len(re.findall(r"(?<!\\)\*\*", line)) % 2 == 0, line


def test_render_follows_clauses_the_seed_does_not_number() -> None:
    text = (
        default_policy_text()
        .replace('    clauses: ["1.2.1(3)"]\n', '    clauses: ["1.2.2(3)"]\n')
        .replace(
            "  analytics:\n    clause: analytics\n",
            '  bug_reports:\n    clause: "2.3"\n'
            "    label: {zh-CN: 故障报告, en: Bug reports}\n"
            "    basis: necessary\n    fides_use: functional.service.improve\n"
            "  analytics:\n    clause: analytics\n",
        )
    )
    policy = parse_policy(text)
    md = render_policy(policy, "en", "md")
    assert "(3) IP address." not in md  # a seed item no category cites is left out
    item = section(md, "**(3)", "\n\n")
    assert "IP address" in item and "6 months" in item
    assert md.index("#### 1.2.2") < md.index(item)
    both = section(md, "### 2.3", "### 2.4")
    assert "**Product development and service improvement**" in both
    assert "**Bug reports**" in both
    page = render_policy(policy, "zh-CN", "html")
    checker = Checker()
    checker.feed(page)
    assert checker.errors == [] and checker.stack == []
