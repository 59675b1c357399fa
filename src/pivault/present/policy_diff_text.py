"""The words of a policy diff: each change's summary and reason, and the text report.

:func:`pivault.core.diff.diff_policies` says what changed and whether it needs
fresh consent; this module says it to people, in Chinese and English.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from pivault.core.diff import Action, Change, ChangeKind, PolicyDiff
from pivault.core.model import Text

__all__ = [
    "REASONS",
    "change_as_dict",
    "change_line",
    "change_reason",
    "change_summary",
    "diff_as_dict",
    "format_diff_text",
]

_MARK_CONSENT = Text("[需重新同意]", "[needs consent]")
_MARK_INFO = Text("[说明]", "[info]")
_A14 = "（《个人信息保护法》第十四条）"
_AGAIN = "consent must be obtained again (PIPL Art. 14)"

#: Reason code -> (zh, en), for every code in :data:`pivault.core.diff.REASON_CODES`.
#: Codes are stable; texts may improve.
REASONS: dict[str, tuple[str, str]] = {
    "new_purpose_for_existing_data": (
        "已收集的信息被用于新的用途，使用前须重新取得同意" + _A14,
        f"data collected before is used for a new purpose; {_AGAIN}",
    ),
    "new_category_for_consent_purpose": (
        "基于同意的用途处理的信息种类增加，须重新取得同意" + _A14,
        f"a consent-based purpose now processes a new kind of information; {_AGAIN}",
    ),
    "new_category_for_necessary_purpose": (
        "新类别用于提供服务所必需的用途；须在隐私政策中告知",
        "a new category for a purpose necessary to the service; tell people in the policy",
    ),
    "basis_changed": (
        "用途的法律依据改变，须重新取得同意" + _A14,
        f"the legal basis of the purpose changed; {_AGAIN}",
    ),
    "consent_now_opt_out": (
        "单独同意改为默认开启：从未同意的人会被视为已同意，须重新取得同意" + _A14,
        f"separate consent became opt-out, so people who never opted in would count as "
        f"consenting; {_AGAIN}",
    ),
    "consent_now_separate": (
        "默认开启改为单独同意：更严格，未主动同意者将停止处理",
        "opt-out became separate consent: stricter; processing stops for people who never opted in",
    ),
    "new_opt_out_purpose": (
        "新增默认开启的用途：从未被询问的人会被视为已同意，须先取得同意" + _A14,
        "a new opt-out purpose would count as granted for people never asked; obtain consent "
        "first (PIPL Art. 14)",
    ),
    "new_separate_consent_purpose": (
        "新增需单独同意的用途：首次使用前会单独征得同意",
        "a new purpose with separate consent: people are asked before any use",
    ),
    "new_necessary_purpose": (
        "新增提供服务所必需的用途；须在隐私政策中告知",
        "a new purpose necessary to the service; tell people in the policy",
    ),
    "now_joins_identity": (
        "原本不与身份信息结合的信息现在可以结合，须重新取得同意" + _A14,
        f"data that was never joined with identity now may be; {_AGAIN}",
    ),
    "retention_longer": (
        "保存期限延长，须重新取得同意（《个人信息保护法》第十四条、第十九条）",
        "kept longer than people were told; consent must be obtained again (PIPL Art. 14, 19)",
    ),
    "retention_shorter": (
        "保存期限缩短，无需重新同意",
        "kept for less time; no new consent needed",
    ),
    "retention_changed": ("保存期限的写法改变", "the retention is written differently"),
    "became_sensitive": (
        "类别成为敏感个人信息，须取得单独同意（《个人信息保护法》第二十九条）",
        "the category became sensitive; separate consent is needed (PIPL Art. 29)",
    ),
    "sensitive_consent_item_changed": (
        "该敏感信息改由另一项单独同意覆盖，须重新取得同意（《个人信息保护法》第二十九条）",
        "another separate-consent item now covers this sensitive data; consent must be "
        "obtained again (PIPL Art. 29)",
    ),
    "no_longer_sensitive": (
        "类别不再标为敏感个人信息；请对照《个人信息保护法》第二十八条确认",
        "the category is no longer marked sensitive; check this against PIPL Art. 28",
    ),
    "now_linkable": (
        "原本不可与身份关联的信息现在可以关联，须重新取得同意" + _A14,
        f"data that could not be linked to identity now can be; {_AGAIN}",
    ),
    "minimisation_changed": (
        "基于同意使用的信息的处理方式（最小化变换）改变，须重新取得同意" + _A14,
        f"how data used under consent is minimised changed; {_AGAIN}",
    ),
    "details_changed": (
        "不影响处理目的、方式和种类；须在隐私政策中更新",
        "does not change purposes, methods or kinds of data; update the published policy",
    ),
    "category_added": (
        "新类别：仅用于规则允许的用途；敏感信息在收集前单独征得同意",
        "new category: used only as its rules allow; sensitive ones only after separate consent",
    ),
    "removed": (
        "不再收集或使用；已保存的数据应删除",
        "no longer collected or used; delete what is held",
    ),
    "narrower_use": ("使用范围缩小，无需重新同意", "narrower use; no new consent needed"),
    "feature_changed": (
        "功能的收集范围仍受规则约束；须在隐私政策中更新",
        "what a feature may collect is still bounded by the rules; update the published policy",
    ),
}

_KIND_ZH = {
    "category": "类别",
    "retention": "保存期限",
    "purpose": "用途",
    "rule": "规则",
    "feature": "功能",
}
_ACTION_ZH = {"added": "新增", "removed": "删除", "changed": "修改"}


def _listed(change: Change) -> Text:
    names = ", ".join(change.changed)
    return Text(names, names)


def _category_detail(change: Change) -> Text | None:
    old, new = change.old, change.new
    if change.code == "became_sensitive":
        return Text(f"成为敏感个人信息（{new}）", f"now sensitive ({new})")
    if change.code == "no_longer_sensitive":
        return Text("不再是敏感个人信息", "no longer sensitive")
    if change.code == "sensitive_consent_item_changed":
        return Text(f"单独同意项 {old} → {new}", f"separate consent item {old} → {new}")
    if change.code == "now_linkable":
        return Text("可与身份关联", "now linkable to identity")
    if change.changed == ("transform",):
        return Text(f"最小化变换 {old} → {new}", f"minimisation {old} → {new}")
    return _listed(change) if change.changed else None


def _purpose_detail(change: Change) -> Text | None:
    old, new = change.old, change.new
    if change.changed == ("basis",):
        return Text(f"法律依据 {old} → {new}", f"basis {old} → {new}")
    if change.changed == ("consent",):
        return Text(f"同意方式 {old} → {new}", f"consent {old} → {new}")
    if change.changed == ("joins_identity",):
        now = change.code == "now_joins_identity"
        text = f"joins_identity {not now} → {now}".lower()
        return Text(text, text)
    return _listed(change) if change.changed else None


def _rule_detail(change: Change) -> Text:
    purpose, category = change.purpose, change.category
    if change.action is Action.ADDED:
        return Text(
            f"用途 {purpose!r} 现在可以使用 {category!r}",
            f"purpose {purpose!r} may now use {category!r}",
        )
    return Text(
        f"用途 {purpose!r} 不再使用 {category!r}",
        f"purpose {purpose!r} no longer uses {category!r}",
    )


def _detail(change: Change) -> Text | None:
    """What exactly changed, when more than the kind, action and key are worth saying."""
    if change.kind is ChangeKind.CATEGORY:
        return _category_detail(change)
    if change.kind is ChangeKind.RETENTION:
        text = f"{change.old} → {change.new}"
        return Text(text, text)
    if change.kind is ChangeKind.PURPOSE:
        return _purpose_detail(change)
    if change.kind is ChangeKind.RULE:
        return _rule_detail(change)
    return _listed(change) if change.changed else None


def change_summary(change: Change) -> Text:
    """What changed, e.g. ``retention changed: 'location': P30D → P60D``."""
    zh = f"{_ACTION_ZH[change.action.value]}{_KIND_ZH[change.kind.value]} {change.key!r}"
    en = f"{change.kind.value} {change.action.value}: {change.key!r}"
    detail = _detail(change)
    if detail is not None:
        zh, en = f"{zh}：{detail.zh}", f"{en}: {detail.en}"
    return Text(zh, en)


def change_reason(change: Change) -> Text:
    """Why the change does or does not need fresh consent."""
    return Text(*REASONS[change.code])


def change_line(change: Change, lang: str = "en") -> str:
    """One line of the text report: marker, what changed, and why."""
    marker = _MARK_CONSENT if change.needs_consent else _MARK_INFO
    return (
        f"{marker.get(lang)} {change_summary(change).get(lang)} — {change_reason(change).get(lang)}"
    )


#: The keys of a change in ``pivault policy diff --json``, in their order there.
_JSON_KEYS = (
    "kind",
    "action",
    "key",
    "summary",
    "needs_consent",
    "code",
    "reason",
    "category",
    "purpose",
    "old",
    "new",
)


def change_as_dict(change: Change) -> dict[str, Any]:
    """A change as plain data, its summary and reason in every language."""
    values = {f.name: getattr(change, f.name) for f in fields(change)}
    values.update(kind=change.kind.value, action=change.action.value)
    values.update(summary=change_summary(change).as_dict(), reason=change_reason(change).as_dict())
    return {key: values[key] for key in _JSON_KEYS}


def diff_as_dict(diff: PolicyDiff) -> dict[str, Any]:
    """A diff as plain data (what ``pivault policy diff --json`` prints)."""
    return {
        "old_version": diff.old_version,
        "new_version": diff.new_version,
        "needs_consent": diff.needs_consent,
        "changes": [change_as_dict(c) for c in diff.changes],
    }


def format_diff_text(diff: PolicyDiff, lang: str = "en") -> str:
    """A header line, then one line per change: marker, what changed, and why."""
    n, m = len(diff.changes), len(diff.consent_changes())
    if lang == "zh-CN":
        head = (
            f"策略 {diff.old_version} → {diff.new_version}：{n} 处变更，其中 {m} 处需重新取得同意"
        )
    else:
        head = (
            f"policy {diff.old_version} → {diff.new_version}: {n} change{'s' * (n != 1)}, "
            f"{m} need{'s' * (m == 1)} fresh consent"
        )
    return "\n".join([head, *(change_line(c, lang) for c in diff.changes)]) + "\n"
