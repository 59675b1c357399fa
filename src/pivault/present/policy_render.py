"""The human-readable privacy policy, generated from the policy file.

:func:`render_policy` follows the seed policy's structure (introduction, the six
principles, 1.1 … 1.3 what we collect, 2.1 … 2.8 how we use it, the cross-service
and analytics paragraphs) and ends with the personal information collection
list. Every clause lists exactly the categories and purposes the policy file
declares for it, so the text people read is the policy the vault enforces.

Pure: builds strings only (Markdown, one self-contained HTML page, or an HTML
fragment for a page of the privacy center).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pivault.core.errors import InvalidArgumentError
from pivault.core.model import (
    DEFAULT_LANG,
    LANGS,
    Category,
    ConsentStyle,
    Policy,
    Purpose,
    Source,
    Text,
)
from pivault.present import policy_text as tx
from pivault.present.policy_markup import (
    Document,
    Inline,
    ItemList,
    Para,
    Section,
    Span,
    Table,
    spans,
    to_html,
    to_html_fragment,
    to_markdown,
)
from pivault.present.policy_text import date_text, kept_text, retention_text

__all__ = [
    "FORMATS",
    "date_text",
    "render_policy",
    "render_policy_fragment",
    "retention_text",
]

FORMATS = ("md", "html")

_SOURCE_GROUPS = ((Source.PROVIDED, "1.1"), (Source.OBSERVED, "1.2"), (Source.FROM_OTHERS, "1.3"))
_ITEM_RE = re.compile(r"^(?P<base>.+)\((?P<n>\d+)\)$")


def render_policy(policy: Policy, lang: str = DEFAULT_LANG, fmt: str = "md") -> str:
    """The policy as Markdown (``fmt="md"``) or a complete HTML page (``fmt="html"``)."""
    if lang not in LANGS:
        raise InvalidArgumentError(f"unknown language {lang!r}; valid: {', '.join(LANGS)}")
    if fmt not in FORMATS:
        raise InvalidArgumentError(f"unknown format {fmt!r}; valid: {', '.join(FORMATS)}")
    doc = _Builder(policy, lang).document()
    return to_markdown(doc) if fmt == "md" else to_html(doc)


def render_policy_fragment(policy: Policy, lang: str = DEFAULT_LANG) -> str:
    """The policy's title (``<h2>``), meta line and sections as HTML to place inside
    another page's ``<main>`` (the privacy center's policy page)."""
    if lang not in LANGS:
        raise InvalidArgumentError(f"unknown language {lang!r}; valid: {', '.join(LANGS)}")
    return to_html_fragment(_Builder(policy, lang).document())


def _anchor(clause: str) -> str:
    return "c-" + re.sub(r"[^0-9A-Za-z]+", "-", clause).strip("-")


def _clause_sort_key(clause: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", clause))


class _Builder:
    def __init__(self, policy: Policy, lang: str) -> None:
        self.p = policy
        self.lang = lang
        self.used_clauses = {c for cat in policy.categories.values() for c in cat.clauses}
        #: Between sentences: a space in English, nothing in Chinese.
        self.space = " " if lang == "en" else ""

    def t(self, text: Text) -> str:
        return text.get(self.lang)

    def join(self, items: Iterable[str]) -> str:
        return self.t(tx.LIST_SEP).join(items)

    # ---- the whole document ---------------------------------------------
    def document(self) -> Document:
        p = self.p
        meta = spans(
            self.t(tx.VERSION) + p.version,
            self.t(tx.META_SEP),
            self.t(tx.EFFECTIVE) + date_text(p.effective_date, self.lang),
        )
        footer = spans(self.t(tx.FOOTER).format(source=p.source_name, version=p.version))
        sections = [self.introduction(), self.collection(), self.use(), self.collection_list()]
        return Document(self.lang, self.t(p.name), meta, self.t(tx.NAV), sections, footer)

    def introduction(self) -> Section:
        principles = ItemList(
            tuple(
                spans(Span(self.t(name), strong=True), self.t(tx.DESC_SEP), self.t(text))
                for name, text in tx.PRINCIPLES
            ),
            ordered=True,
        )
        return Section(
            2,
            self.t(tx.SECTION_INTRO),
            "introduction",
            [
                Para(spans(self.t(self.p.intro))),
                Section(
                    3,
                    self.t(tx.SECTION_PRINCIPLES),
                    "principles",
                    [
                        Para(spans(self.t(tx.PRINCIPLES_LEAD))),
                        principles,
                        Para(spans(self.t(tx.PRINCIPLES_CLOSE))),
                    ],
                ),
            ],
        )

    # ---- 一、how we collect ---------------------------------------------
    def collection(self) -> Section:
        section = Section(2, self.t(tx.SECTION_COLLECT), "collect")
        for top in ("1.1", "1.2", "1.3"):
            if self.cited(top):
                section.children.append(self.clause_section(top, 3))
        # The seed's sensitive-information paragraph closes 1.1 (or opens 一 without it).
        first = section.children[0] if section.children else None
        if isinstance(first, Section) and first.anchor == _anchor("1.1"):
            first.children.extend(self.sensitive_blocks())
        else:
            section.children[:0] = self.sensitive_blocks()
        return section

    def cited(self, clause: str) -> bool:
        """Whether a category cites ``clause`` or a clause under it (seed clauses that
        the policy does not use are left out rather than rendered empty)."""
        return any(
            c == clause or c.startswith((clause + ".", clause + "(")) for c in self.used_clauses
        )

    def clause_title(self, clause: str) -> str:
        fixed = tx.CLAUSES.get(clause)
        return f"{clause} {self.t(fixed[0])}" if fixed else clause

    def subclauses(self, clause: str) -> list[str]:
        """Numbered subclauses (1.1 -> 1.1.1 …) from the seed and from the policy's categories."""
        pattern = re.compile(re.escape(clause) + r"\.\d+$")
        found = {c for c in (*tx.CLAUSES, *self.used_clauses) if pattern.match(c)}
        return sorted((c for c in found if self.cited(c)), key=_clause_sort_key)

    def items(self, clause: str) -> list[str]:
        """Numbered items (1.2.1 -> 1.2.1(1) …) from the seed and from the policy's categories."""
        found = {c for c in (*tx.CLAUSES, *self.used_clauses) if c.startswith(clause + "(")}
        return sorted((c for c in found if self.cited(c)), key=_clause_sort_key)

    def clause_section(self, clause: str, level: int) -> Section:
        section = Section(level, self.clause_title(clause), _anchor(clause))
        fixed = tx.CLAUSES.get(clause)
        if fixed and fixed[1] is not None:
            section.children.append(Para(spans(self.t(fixed[1]))))
        section.children.extend(self.clause_blocks(clause))
        items = self.items(clause)
        for item in items:
            section.children.append(Para(self.item_inline(item)))
            section.children.extend(self.description_blocks(item))
        for sub in self.subclauses(clause):
            section.children.append(self.clause_section(sub, level + 1))
        return section

    def item_inline(self, item: str) -> Inline:
        m = _ITEM_RE.match(item)
        number = f"({m['n']})" if m else item
        fixed = tx.CLAUSES.get(item)
        head = f"{number} {self.t(fixed[0])}{self.t(tx.FULL_STOP)}" if fixed else number
        parts: list[str | Span] = [Span(head, strong=True), " "]
        if fixed and fixed[1] is not None:
            parts.extend([self.t(fixed[1]), self.space])
        parts.extend(self.example_spans(item))
        return spans(*parts)

    def leaves_for(self, clause: str) -> list[Category]:
        return [c for c in self.p.leaves() if clause in c.clauses]

    def label(self, cat: Category) -> list[str | Span]:
        out: list[str | Span] = [self.t(cat.label)]
        if cat.sensitive is not None:
            out.extend(self.sensitive_mark())
        return out

    def sensitive_mark(self) -> list[str | Span]:
        opening, words, closing = tx.SENSITIVE_MARK
        return [self.t(opening), Span(self.t(words), strong=True), self.t(closing)]

    def label_list(self, cats: list[Category]) -> list[str | Span]:
        """Labels joined with 、 / ', ', the sensitive mark once after a run of the same item."""
        out: list[str | Span] = []
        for i, cat in enumerate(cats):
            if i:
                out.append(self.t(tx.LIST_SEP))
            out.append(self.t(cat.label))
            following = cats[i + 1] if i + 1 < len(cats) else None
            if cat.sensitive is not None and (
                following is None or following.sensitive_item != cat.sensitive_item
            ):
                out.extend(self.sensitive_mark())
        return out

    def example_spans(self, clause: str) -> list[str | Span]:
        """'例如，昵称、手机号码。保存期限：帐户存续期间。' for the leaves citing ``clause``."""
        leaves = self.leaves_for(clause)
        if not leaves:
            return []
        out: list[str | Span] = [self.t(tx.EXAMPLES), *self.label_list(leaves)]
        out.append(self.t(tx.FULL_STOP))
        out.append(self.space)
        out.append(self.retention_sentence(leaves))
        return out

    def retention_sentence(self, leaves: list[Category]) -> str:
        groups: dict[str, list[str]] = {}
        for cat in leaves:
            groups.setdefault(kept_text(cat, self.lang), []).append(self.t(cat.label))
        if len(groups) == 1:
            body = next(iter(groups))
        elif self.lang == "zh-CN":
            body = "；".join(f"{self.join(labels)}为{ret}" for ret, labels in groups.items())
        else:
            body = "; ".join(f"{self.join(labels)} — {ret}" for ret, labels in groups.items())
        return self.t(tx.RETENTION) + body + self.t(tx.FULL_STOP)

    def clause_blocks(self, clause: str) -> list[Para | ItemList]:
        blocks: list[Para | ItemList] = []
        examples = self.example_spans(clause)
        if examples:
            blocks.append(Para(spans(*examples)))
        blocks.extend(self.description_blocks(clause))
        return blocks

    def description_blocks(self, clause: str) -> list[ItemList]:
        """Each category citing ``clause`` that has a description, as a bullet."""
        fixed = tx.CLAUSES.get(clause)
        fixed_texts = {self.t(fixed[0]).rstrip("。."), ""} if fixed else {""}
        bullets = []
        for cat in self.p.categories.values():
            text = self.t(cat.description)
            if clause not in cat.clauses or text.rstrip("。.") in fixed_texts:
                continue
            bullets.append(spans(*self.label(cat), self.t(tx.DESC_SEP), text))
        return [ItemList(tuple(bullets))] if bullets else []

    def sensitive_blocks(self) -> list[Para | ItemList]:
        blocks: list[Para | ItemList] = [Para(spans(self.t(tx.SENSITIVE_PARAGRAPH)))]
        items = [
            c
            for c in self.p.categories.values()
            if c.sensitive is not None and c.sensitive_item == c.key
        ]
        if items:
            blocks.append(Para(spans(self.t(tx.SENSITIVE_LIST))))
            blocks.append(ItemList(tuple(self.sensitive_item(c) for c in items)))
        return blocks

    def sensitive_item(self, cat: Category) -> Inline:
        """'**精确位置**（行踪轨迹）：设备精确位置、照片中的地理标记；用于功能：位置服务、照片分享'."""
        kind = tx.SENSITIVE_KINDS.get(str(cat.sensitive))
        parts: list[str | Span] = [Span(self.t(cat.label), strong=True)]
        if kind is not None:
            parts.append(f"（{kind.zh}）" if self.lang == "zh-CN" else f" ({kind.en})")
        leaves = self.leaves_under(cat.key)
        facts = []
        if [c.key for c in leaves] != [cat.key]:
            facts.append(self.join(self.t(c.label) for c in leaves))
        keys = {c.key for c in leaves}
        features = [f for f in self.p.features.values() if keys & self.p.feature_fields[f.key]]
        if features:
            facts.append(self.t(tx.USED_BY) + self.join(self.t(f.label) for f in features))
        if facts:
            parts.append(self.t(tx.DESC_SEP) + ("；" if self.lang == "zh-CN" else "; ").join(facts))
        return spans(*parts)

    def leaves_under(self, key: str) -> list[Category]:
        return [self.p.categories[k] for k in self.p.leaf_keys_under(key)]

    # ---- 二、how we use -------------------------------------------------
    def use(self) -> Section:
        section = Section(2, self.t(tx.SECTION_USE), "use", [Para(spans(self.t(tx.USE_INTRO)))])
        by_clause: dict[str, list[Purpose]] = {}
        for purpose in self.p.purposes.values():
            by_clause.setdefault(purpose.clause, []).append(purpose)
        numbered = sorted((c for c in by_clause if re.match(r"^2\.\d+$", c)), key=_clause_sort_key)
        for clause in numbered:
            purposes = by_clause[clause]
            title = clause
            if len(purposes) == 1:
                title = f"{clause} {self.t(purposes[0].label)}"
            sub = Section(3, title, _anchor(clause))
            for purpose in purposes:
                sub.children.extend(self.purpose_blocks(purpose, title))
            section.children.append(sub)
        cross = by_clause.get("cross_service", [])
        if cross:
            sub = Section(3, self.t(tx.CROSS_SERVICE_TITLE), "cross-service")
            sub.children.append(Para(spans(self.t(tx.CROSS_SERVICE_PARAGRAPH))))
            for purpose in cross:
                sub.children.extend(self.purpose_blocks(purpose, sub.title))
            section.children.append(sub)
        analytics = by_clause.get("analytics", [])
        analytics_leaves = self.leaves_for("analytics")
        if analytics or analytics_leaves:
            section.children.append(self.analytics_section(analytics, analytics_leaves))
        others = [p for c, ps in by_clause.items() if c not in numbered for p in ps]
        others = [p for p in others if p.clause not in ("cross_service", "analytics")]
        if others:
            sub = Section(3, self.t(tx.OTHER_PURPOSES), "other-purposes")
            for purpose in others:
                sub.children.extend(self.purpose_blocks(purpose, None))
            section.children.append(sub)
        return section

    def analytics_section(self, purposes: list[Purpose], leaves: list[Category]) -> Section:
        sub = Section(3, self.t(tx.ANALYTICS_TITLE), "analytics")
        parts: list[str | Span] = [self.t(tx.ANALYTICS_LEAD)]
        if leaves:
            parts.append(self.join(self.t(c.label) for c in leaves) + self.t(tx.FULL_STOP))
            parts.append(self.space)
            parts.append(self.retention_sentence(leaves))
        never_joined = all(not p.joins_identity for p in purposes) and all(
            not c.linkable for c in leaves
        )
        if never_joined:
            parts.extend([self.space, Span(self.t(tx.ANALYTICS_NEVER_COMBINED), strong=True)])
        sub.children.append(Para(spans(*parts)))
        for purpose in purposes:
            sub.children.extend(self.purpose_blocks(purpose, sub.title, never_joined))
        return sub

    def rule_categories(self, purpose: str) -> list[Category]:
        seen: dict[str, Category] = {}
        for rule in self.p.rules:
            if rule.purpose == purpose:
                for key in rule.categories:
                    seen.setdefault(key, self.p.categories[key])
        return list(seen.values())

    def purpose_blocks(
        self, purpose: Purpose, title: str | None, said_not_joined: bool = False
    ) -> list[Para | ItemList]:
        """A purpose's description, legal basis, consent style, categories and features.

        The label is shown unless the section ``title`` already says it.
        """
        blocks: list[Para | ItemList] = []
        if title is None or self.t(purpose.label) not in title:
            blocks.append(Para(spans(Span(self.t(purpose.label), strong=True))))
        if self.t(purpose.description):
            blocks.append(Para(spans(self.t(purpose.description))))
        facts: list[Inline] = []
        if purpose.needs_consent:
            opt_out = purpose.consent is ConsentStyle.OPT_OUT
            style = tx.CONSENT_OPT_OUT if opt_out else tx.CONSENT_SEPARATE
            facts.append(spans(Span(self.t(tx.BASIS_CONSENT), strong=True), " ", self.t(style)))
        else:
            facts.append(spans(self.t(tx.BASIS_NECESSARY)))
        cats = self.rule_categories(purpose.key)
        if cats:
            facts.append(spans(self.t(tx.USES), *self.label_list(cats), self.t(tx.FULL_STOP)))
        features = [f for f in self.p.features.values() if purpose.key in f.purposes]
        if features:
            facts.append(
                spans(
                    self.t(tx.FEATURES)
                    + self.join(self.t(f.label) for f in features)
                    + self.t(tx.FULL_STOP)
                )
            )
        if not purpose.joins_identity and not said_not_joined:
            facts.append(spans(self.t(tx.NOT_JOINED)))
        blocks.append(ItemList(tuple(facts)))
        return blocks

    # ---- the collection list --------------------------------------------
    def collection_list(self) -> Section:
        section = Section(2, self.t(tx.SECTION_LIST), "collection-list")
        section.children.append(Para(spans(self.t(tx.LIST_INTRO))))
        header = tuple(self.t(h) for h in tx.LIST_HEADER)
        for source, clause in _SOURCE_GROUPS:
            leaves = [c for c in self.p.leaves() if c.source is source]
            if not leaves:
                continue
            title = self.clause_title(clause)
            rows = tuple(row for cat in leaves for row in self.list_rows(cat))
            section.children.append(
                Section(3, title, "list-" + source.value, [Table(title, header, rows)])
            )
        return section

    def list_rows(self, cat: Category) -> list[tuple[Inline, ...]]:
        label = spans(*self.label(cat))
        ret = kept_text(cat, self.lang)
        retention = spans(ret[:1].upper() + ret[1:])
        rows: list[tuple[Inline, ...]] = []
        for f in self.p.features.values():
            if cat.key not in self.p.feature_fields[f.key]:
                continue
            required = cat.key in self.p.feature_required[f.key]
            purposes = [
                self.t(self.p.purposes[k].label) for k in f.purposes if k in self.p.allowed[cat.key]
            ]
            rows.append(
                (
                    label,
                    spans(self.t(f.label) + self.t(tx.REQUIRED if required else tx.OPTIONAL)),
                    spans(self.t(tx.PURPOSE_SEP).join(purposes)),
                    spans(self.t(f.description) or self.t(f.label)),
                    retention,
                )
            )
        if not rows:
            purposes = [
                self.t(p.label) for k, p in self.p.purposes.items() if k in self.p.allowed[cat.key]
            ]
            none = spans(self.t(tx.NO_FEATURE))
            rows.append(
                (
                    label,
                    none,
                    spans(self.t(tx.PURPOSE_SEP).join(purposes) or self.t(tx.NO_FEATURE)),
                    none,
                    retention,
                )
            )
        return rows
