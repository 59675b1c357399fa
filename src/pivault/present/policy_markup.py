"""A tiny document model and its Markdown and HTML writers.

:mod:`pivault.present.policy_render` builds the policy as blocks once; this module writes
those blocks as Markdown or as one self-contained HTML page. Every text that
comes from a policy file is escaped here, in one place: ``html.escape`` for
HTML, backslash escapes for Markdown (so a label such as ``<script>`` is shown,
never run or interpreted as markup).
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Span:
    """A run of text, optionally strong (bold)."""

    text: str
    strong: bool = False


Inline = tuple[Span, ...]


def spans(*parts: str | Span) -> Inline:
    """Inline content from plain strings and spans; empty strings are dropped."""
    return tuple(p if isinstance(p, Span) else Span(p) for p in parts if p)


@dataclass(frozen=True)
class Para:
    content: Inline
    css_class: str = ""


@dataclass(frozen=True)
class ItemList:
    items: tuple[Inline, ...]
    ordered: bool = False


@dataclass(frozen=True)
class Table:
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[Inline, ...], ...]


@dataclass
class Section:
    """A titled part of the document; ``level`` 2 is a top-level section."""

    level: int
    title: str
    anchor: str
    children: list[Block | Section] = field(default_factory=list)


Block = Para | ItemList | Table


@dataclass
class Document:
    lang: str
    title: str
    meta: Inline
    nav_label: str
    sections: list[Section]
    footer: Inline


# ---- Markdown -------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~&!])")
_CJK = "\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_GAP = re.compile(f"(?<=[{_CJK}])\\s+(?=[{_CJK}])")


def tidy(text: str) -> str:
    """Collapse runs of whitespace; drop the spaces YAML folding leaves between Han characters."""
    return _CJK_GAP.sub("", re.sub(r"\s+", " ", text))


def md_escape(text: str) -> str:
    """Escape Markdown punctuation so policy texts render literally."""
    return _MD_SPECIAL.sub(r"\\\1", tidy(text))


def _is_punct_or_space(ch: str) -> bool:
    return not ch or ch.isspace() or unicodedata.category(ch)[0] in "PS"


def _md_strong(text: str, before: str, after: str) -> str:
    """``**text**`` where CommonMark's flanking rules allow it, else ``<strong>``.

    Next to Chinese punctuation (``**（敏感）**、``) the asterisks would not parse.
    """
    opens = not _is_punct_or_space(text[0]) or _is_punct_or_space(before)
    closes = not _is_punct_or_space(text[-1]) or _is_punct_or_space(after)
    body = md_escape(text)
    return f"**{body}**" if opens and closes else f"<strong>{body}</strong>"


def _md_inline(content: Inline) -> str:
    texts = [tidy(s.text) for s in content]
    out = []
    for i, s in enumerate(content):
        if s.strong and texts[i].strip():
            before = texts[i - 1][-1:] if i else ""
            after = texts[i + 1][:1] if i + 1 < len(texts) else ""
            out.append(_md_strong(texts[i], before, after))
        else:
            out.append(md_escape(texts[i]))
    return "".join(out)


def _md_block(block: Block | Section, out: list[str]) -> None:
    if isinstance(block, Section):
        out.append(f"{'#' * block.level} {md_escape(block.title)}")
        for child in block.children:
            _md_block(child, out)
    elif isinstance(block, Para):
        out.append(_md_inline(block.content))
    elif isinstance(block, ItemList):
        lines = [
            f"{f'{i}.' if block.ordered else '-'} {_md_inline(item)}"
            for i, item in enumerate(block.items, 1)
        ]
        out.append("\n".join(lines))
    else:
        lines = [
            "| " + " | ".join(md_escape(h) for h in block.header) + " |",
            "|" + "---|" * len(block.header),
        ]
        lines.extend("| " + " | ".join(_md_inline(c) for c in row) + " |" for row in block.rows)
        out.append("\n".join(lines))


def to_markdown(doc: Document) -> str:
    out = [f"# {md_escape(doc.title)}", _md_inline(doc.meta)]
    for section in doc.sections:
        _md_block(section, out)
    out.append("---")
    out.append(_md_inline(doc.footer))
    return "\n\n".join(out) + "\n"


# ---- HTML -----------------------------------------------------------------

_CSS = """
:root { color-scheme: light dark; }
body { margin: 0 auto; max-width: 46rem; padding: 1rem 1.25rem 3rem;
  font: 1rem/1.7 system-ui, -apple-system, "PingFang SC", "Noto Sans CJK SC",
  "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif; overflow-wrap: anywhere; }
h1 { font-size: 1.6rem; line-height: 1.3; margin: 1rem 0 .25rem; }
h2 { font-size: 1.3rem; margin-top: 2.2rem; border-bottom: 1px solid #8886; }
h3 { font-size: 1.1rem; margin-top: 1.6rem; }
h4 { font-size: 1rem; margin-top: 1.2rem; }
.meta, footer { color: #777; font-size: .9rem; }
nav ol { padding-left: 1.2rem; }
a { color: inherit; }
.table-wrap { overflow-x: auto; margin: .5rem 0 1rem; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; }
th, td { border: 1px solid #8888; padding: .35rem .5rem; text-align: left;
  vertical-align: top; }
thead th { background: #8882; }
@media (max-width: 40rem) { body { padding: .75rem; } table { font-size: .8rem; } }
""".strip()


def _h(text: str) -> str:
    return html.escape(tidy(text), quote=True)


def _html_inline(content: Inline) -> str:
    return "".join(f"<strong>{_h(s.text)}</strong>" if s.strong else _h(s.text) for s in content)


def _html_block(block: Block | Section, out: list[str]) -> None:
    if isinstance(block, Section):
        out.append(f'<section aria-labelledby="{_h(block.anchor)}">')
        out.append(f'<h{block.level} id="{_h(block.anchor)}">{_h(block.title)}</h{block.level}>')
        for child in block.children:
            _html_block(child, out)
        out.append("</section>")
    elif isinstance(block, Para):
        cls = f' class="{_h(block.css_class)}"' if block.css_class else ""
        out.append(f"<p{cls}>{_html_inline(block.content)}</p>")
    elif isinstance(block, ItemList):
        tag = "ol" if block.ordered else "ul"
        out.append(f"<{tag}>")
        out.extend(f"<li>{_html_inline(item)}</li>" for item in block.items)
        out.append(f"</{tag}>")
    else:
        out.append('<div class="table-wrap"><table>')
        out.append(f'<caption class="visually-hidden">{_h(block.caption)}</caption>')
        out.append("<thead><tr>")
        out.extend(f'<th scope="col">{_h(h)}</th>' for h in block.header)
        out.append("</tr></thead>")
        out.append("<tbody>")
        for row in block.rows:
            first, *rest = row
            cells = [f'<th scope="row">{_html_inline(first)}</th>']
            cells.extend(f"<td>{_html_inline(c)}</td>" for c in rest)
            out.append("<tr>" + "".join(cells) + "</tr>")
        out.append("</tbody></table></div>")


def _html_header(doc: Document, level: int) -> list[str]:
    return [
        f"<h{level}>{_h(doc.title)}</h{level}>",
        f'<p class="meta">{_html_inline(doc.meta)}</p>',
    ]


def _html_sections(doc: Document) -> list[str]:
    out: list[str] = []
    for section in doc.sections:
        _html_block(section, out)
    return out


def to_html_fragment(doc: Document) -> str:
    """The title (as ``<h2>``), the meta line and the sections, to place inside another
    page's ``<main>``: no document, head, navigation or footer."""
    lines = ["", *_html_header(doc, 2), "", *_html_sections(doc), ""]
    return "\n".join(lines)


def to_html(doc: Document) -> str:
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{_h(doc.lang)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_h(doc.title)}</title>",
        f"<style>\n{_CSS}\n</style>",
        "</head>",
        "<body>",
        "<header>",
        *_html_header(doc, 1),
        "</header>",
        f'<nav aria-label="{_h(doc.nav_label)}"><ol>',
    ]
    out.extend(f'<li><a href="#{_h(s.anchor)}">{_h(s.title)}</a></li>' for s in doc.sections)
    out.append("</ol></nav>")
    out.append("<main>")
    out.extend(_html_sections(doc))
    out.append("</main>")
    out.append(f"<footer><p>{_html_inline(doc.footer)}</p></footer>")
    out.append("</body>")
    out.append("</html>")
    return "\n".join(out) + "\n"
