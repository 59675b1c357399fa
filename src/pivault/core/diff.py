"""What changed between two versions of a policy, and which changes need fresh consent.

PIPL Art. 14: when the purpose, the method or the kinds of personal information
processed change, consent must be obtained again. :func:`diff_policies` marks each
change with ``needs_consent`` and a reason (see :data:`REASONS` for every case);
changes that need no consent are still reported, as people must be told (Art. 17).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from enum import StrEnum
from typing import Any

from pivault.core.model import Basis, Category, ConsentStyle, Policy, Text

__all__ = ["Action", "Change", "ChangeKind", "PolicyDiff", "diff_policies", "format_diff_text"]


class ChangeKind(StrEnum):
    CATEGORY = "category"
    RETENTION = "retention"
    PURPOSE = "purpose"
    RULE = "rule"
    FEATURE = "feature"


class Action(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


@dataclass(frozen=True)
class Change:
    """One change. ``code`` is a stable machine-readable name of the reason."""

    kind: ChangeKind
    action: Action
    key: str
    summary: Text
    needs_consent: bool
    code: str
    reason: Text
    category: str | None = None
    purpose: str | None = None
    old: str | None = None
    new: str | None = None

    def as_dict(self) -> dict[str, Any]:
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out.update(kind=self.kind.value, action=self.action.value)
        out.update(summary=self.summary.as_dict(), reason=self.reason.as_dict())
        return out

    def line(self, lang: str = "en") -> str:
        marker = _MARK_CONSENT if self.needs_consent else _MARK_INFO
        return f"{marker.get(lang)} {self.summary.get(lang)} — {self.reason.get(lang)}"


@dataclass(frozen=True)
class PolicyDiff:
    old_version: str
    new_version: str
    changes: tuple[Change, ...]

    @property
    def needs_consent(self) -> bool:
        return any(c.needs_consent for c in self.changes)

    def consent_changes(self) -> list[Change]:
        return [c for c in self.changes if c.needs_consent]

    def as_dict(self) -> dict[str, Any]:
        return {
            "old_version": self.old_version,
            "new_version": self.new_version,
            "needs_consent": self.needs_consent,
            "changes": [c.as_dict() for c in self.changes],
        }


_MARK_CONSENT = Text("[需重新同意]", "[needs consent]")
_MARK_INFO = Text("[说明]", "[info]")
_A14 = "（《个人信息保护法》第十四条）"
_AGAIN = "consent must be obtained again (PIPL Art. 14)"

#: Reason code -> (zh, en). Codes are stable; texts may improve.
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


class _Changes(list[Change]):
    """Collects changes of one kind, building their summaries and reasons."""

    def __init__(self, kind: ChangeKind) -> None:
        super().__init__()
        self.kind = kind

    def add(
        self,
        action: Action,
        key: str,
        code: str,
        needs_consent: bool,
        detail: Text | None = None,
        **kw: str | None,
    ) -> None:
        zh = f"{_ACTION_ZH[action.value]}{_KIND_ZH[self.kind.value]} {key!r}"
        en = f"{self.kind.value} {action.value}: {key!r}"
        if detail is not None:
            zh, en = f"{zh}：{detail.zh}", f"{en}: {detail.en}"
        reason = Text(*REASONS[code])
        self.append(Change(self.kind, action, key, Text(zh, en), needs_consent, code, reason, **kw))


def _seconds(cat: Category) -> float:
    if cat.retention is None or cat.retention.seconds is None:
        return float("inf")
    return float(cat.retention.seconds)


def _inherited(old: Policy, new: Policy, key: str, get: Callable[[Category], object]) -> bool:
    """True when the category's old and new values both just follow its parent's."""
    parent = key.rsplit(".", 1)[0] if "." in key else None
    if parent is None or parent not in old.categories or parent not in new.categories:
        return False
    o, n = old.categories, new.categories
    return get(o[key]) == get(o[parent]) and get(n[key]) == get(n[parent])


def _consent_uses(policy: Policy, leaf_keys: Iterable[str]) -> bool:
    return any(
        policy.purposes[p].basis is Basis.CONSENT
        for leaf in leaf_keys
        for p in policy.allowed.get(leaf, ())
    )


_DETAIL_FIELDS: tuple[tuple[str, Callable[[Category], object]], ...] = (
    ("label", lambda c: c.label),
    ("description", lambda c: c.description),
    ("clauses", lambda c: c.clauses),
    ("source", lambda c: c.source),
    ("value_type", lambda c: c.value_type),
    ("lookup", lambda c: c.lookup),
    ("fides", lambda c: c.fides),
    ("places", lambda c: c.places),
    ("sensitive", lambda c: c.sensitive),
)


def _sensitivity(out: _Changes, old: Category, new: Category) -> None:
    key, was, now = new.key, old.sensitive_item, new.sensitive_item
    if was is None and now is not None:
        detail = Text(f"成为敏感个人信息（{new.sensitive}）", f"now sensitive ({new.sensitive})")
        out.add(
            Action.CHANGED,
            key,
            "became_sensitive",
            True,
            detail,
            category=key,
            new=str(new.sensitive),
        )
    elif was is not None and now is None:
        detail = Text("不再是敏感个人信息", "no longer sensitive")
        out.add(
            Action.CHANGED,
            key,
            "no_longer_sensitive",
            False,
            detail,
            category=key,
            old=str(old.sensitive),
        )
    elif was != now:
        detail = Text(f"单独同意项 {was} → {now}", f"separate consent item {was} → {now}")
        out.add(
            Action.CHANGED,
            key,
            "sensitive_consent_item_changed",
            True,
            detail,
            category=key,
            old=was,
            new=now,
        )


def _categories(old: Policy, new: Policy) -> list[Change]:
    out = _Changes(ChangeKind.CATEGORY)
    for key in old.categories:
        if key not in new.categories:
            out.add(Action.REMOVED, key, "removed", False, category=key)
    for key, c in new.categories.items():
        o = old.categories.get(key)
        if o is None:
            out.add(Action.ADDED, key, "category_added", False, category=key)
            continue
        if not _inherited(old, new, key, lambda x: x.sensitive_item):
            _sensitivity(out, o, c)
        if not o.linkable and c.linkable and not _inherited(old, new, key, lambda x: x.linkable):
            detail = Text("可与身份关联", "now linkable to identity")
            out.add(Action.CHANGED, key, "now_linkable", True, detail, category=key)
        if o.transform != c.transform:
            was = o.transform.name if o.transform else None
            now = c.transform.name if c.transform else None
            consent = (
                was is not None
                and now in (None, was)
                and _consent_uses(new, new.leaf_keys_under(key))
            )
            detail = Text(f"最小化变换 {was} → {now}", f"minimisation {was} → {now}")
            code = "minimisation_changed" if consent else "details_changed"
            out.add(Action.CHANGED, key, code, consent, detail, category=key, old=was, new=now)
        fields = [
            name
            for name, get in _DETAIL_FIELDS
            if get(o) != get(c)
            and not _inherited(old, new, key, get)
            and (name != "sensitive" or (o.sensitive and c.sensitive))
        ]
        if fields:
            listed = Text(", ".join(fields), ", ".join(fields))
            out.add(Action.CHANGED, key, "details_changed", False, listed, category=key)
    return out


def _retention(old: Policy, new: Policy) -> list[Change]:
    out = _Changes(ChangeKind.RETENTION)
    for key, c in new.categories.items():
        o = old.categories.get(key)
        if o is None or o.retention == c.retention:
            continue
        if _inherited(old, new, key, lambda x: x.retention):
            continue
        was = o.retention.iso if o.retention else None
        now = c.retention.iso if c.retention else None
        if _seconds(c) > _seconds(o):
            code, consent = "retention_longer", True
        elif _seconds(c) < _seconds(o):
            code, consent = "retention_shorter", False
        else:
            code, consent = "retention_changed", False
        detail = Text(f"{was} → {now}", f"{was} → {now}")
        out.add(Action.CHANGED, key, code, consent, detail, category=key, old=was, new=now)
    return out


def _purposes(old: Policy, new: Policy) -> list[Change]:
    out = _Changes(ChangeKind.PURPOSE)
    for key in old.purposes:
        if key not in new.purposes:
            out.add(Action.REMOVED, key, "removed", False, purpose=key)
    for key, p in new.purposes.items():
        o = old.purposes.get(key)
        if o is None:
            if p.consent is ConsentStyle.OPT_OUT:
                code, consent = "new_opt_out_purpose", True
            elif p.basis is Basis.CONSENT:
                code, consent = "new_separate_consent_purpose", False
            else:
                code, consent = "new_necessary_purpose", False
            out.add(Action.ADDED, key, code, consent, purpose=key, new=p.basis.value)
            continue
        if o.basis is not p.basis:
            detail = Text(f"法律依据 {o.basis} → {p.basis}", f"basis {o.basis} → {p.basis}")
            out.add(
                Action.CHANGED,
                key,
                "basis_changed",
                True,
                detail,
                purpose=key,
                old=o.basis.value,
                new=p.basis.value,
            )
        elif o.consent is not None and p.consent is not None and o.consent is not p.consent:
            weaker = p.consent is ConsentStyle.OPT_OUT
            code = "consent_now_opt_out" if weaker else "consent_now_separate"
            detail = Text(
                f"同意方式 {o.consent} → {p.consent}", f"consent {o.consent} → {p.consent}"
            )
            out.add(
                Action.CHANGED,
                key,
                code,
                weaker,
                detail,
                purpose=key,
                old=o.consent.value,
                new=p.consent.value,
            )
        if o.joins_identity != p.joins_identity:
            text = f"joins_identity {o.joins_identity} → {p.joins_identity}".lower()
            code = "now_joins_identity" if p.joins_identity else "narrower_use"
            out.add(Action.CHANGED, key, code, p.joins_identity, Text(text, text), purpose=key)
        fields = [
            n
            for n in ("clause", "label", "description", "fides_use")
            if getattr(o, n) != getattr(p, n)
        ]
        if fields:
            listed = Text(", ".join(fields), ", ".join(fields))
            out.add(Action.CHANGED, key, "details_changed", False, listed, purpose=key)
    return out


def _compress(policy: Policy, leaves: set[str], named: set[str]) -> list[str]:
    """Name ``leaves`` by the categories the rules named (a parent covering all of its
    leaves in the set stands for them), else leaf by leaf; in file order."""
    tops: set[str] = set()
    for leaf in leaves:
        top, parent = leaf, policy.categories[leaf].parent
        while parent is not None and set(policy.leaf_keys_under(parent)) <= leaves:
            if parent in named:
                top = parent
            parent = policy.categories[parent].parent
        tops.add(top)
    return [k for k in policy.categories if k in tops]


def _named(policy: Policy, purpose: str) -> set[str]:
    return {c for r in policy.rules if r.purpose == purpose for c in r.categories}


def _rules(old: Policy, new: Policy) -> list[Change]:
    """Rule changes, compared on the resolved leaf level (so regrouping is not a change)."""
    out = _Changes(ChangeKind.RULE)
    for pk, purpose in new.purposes.items():
        now = {leaf for leaf, ps in new.allowed.items() if pk in ps}
        before = {leaf for leaf, ps in old.allowed.items() if pk in ps}
        existed = set(old.allowed)
        consent_based = purpose.basis is Basis.CONSENT
        groups = (
            ((now - before) & existed, "new_purpose_for_existing_data", True),
            (
                now - before - existed,
                "new_category_for_consent_purpose"
                if consent_based
                else "new_category_for_necessary_purpose",
                consent_based,
            ),
        )
        for leaves, code, consent in groups:
            for cat in _compress(new, leaves, _named(new, pk)):
                detail = Text(
                    f"用途 {pk!r} 现在可以使用 {cat!r}", f"purpose {pk!r} may now use {cat!r}"
                )
                out.add(
                    Action.ADDED, f"{pk}:{cat}", code, consent, detail, category=cat, purpose=pk
                )
        if pk not in old.purposes:
            continue
        for cat in _compress(new, (before - now) & set(new.allowed), _named(old, pk)):
            detail = Text(f"用途 {pk!r} 不再使用 {cat!r}", f"purpose {pk!r} no longer uses {cat!r}")
            out.add(
                Action.REMOVED,
                f"{pk}:{cat}",
                "narrower_use",
                False,
                detail,
                category=cat,
                purpose=pk,
            )
    return out


def _features(old: Policy, new: Policy) -> list[Change]:
    out = _Changes(ChangeKind.FEATURE)
    for key in old.features:
        if key not in new.features:
            out.add(Action.REMOVED, key, "removed", False)
    for key, f in new.features.items():
        o = old.features.get(key)
        if o is None:
            out.add(Action.ADDED, key, "feature_changed", False)
            continue
        fields = [
            n
            for n in ("label", "description", "requires", "optional", "purposes")
            if getattr(o, n) != getattr(f, n)
        ]
        if fields:
            listed = Text(", ".join(fields), ", ".join(fields))
            out.add(Action.CHANGED, key, "feature_changed", False, listed)
    return out


def diff_policies(old: Policy, new: Policy) -> PolicyDiff:
    """Every change from ``old`` to ``new``: categories, retention, purposes, rules, features."""
    changes = [
        *_categories(old, new),
        *_retention(old, new),
        *_purposes(old, new),
        *_rules(old, new),
        *_features(old, new),
    ]
    return PolicyDiff(old.version, new.version, tuple(changes))


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
    return "\n".join([head, *(c.line(lang) for c in diff.changes)]) + "\n"
