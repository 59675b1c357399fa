"""An inline SVG bar chart: findings per source, the drifting part in red."""

from __future__ import annotations

from html import escape

#: Sources drawn; the rest are summed up in a note.
MAX_BARS = 40
_BAR_H = 18
_GAP = 6
_LABEL_W = 320
_BAR_W = 420
_LABEL_CHARS = 48


def _label(source: str) -> str:
    return source if len(source) <= _LABEL_CHARS else "…" + source[-(_LABEL_CHARS - 1) :]


def bar_chart(per_source: list[tuple[str, int, int]]) -> str:
    """``per_source``: (source, findings, drift findings). Returns an ``<svg>`` element."""
    rows = sorted(per_source, key=lambda r: (-r[1], r[0]))[:MAX_BARS]
    if not rows:
        return ""
    top = max(n for _, n, _ in rows)
    height = len(rows) * (_BAR_H + _GAP) + _GAP
    width = _LABEL_W + _BAR_W + 60
    parts = [
        f'<svg class="chart" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">',
        "<title>findings per source (red: policy drift)</title>",
    ]
    for i, (source, total, drift) in enumerate(rows):
        y = _GAP + i * (_BAR_H + _GAP)
        w_total = max(1.0, _BAR_W * total / top)
        w_drift = _BAR_W * drift / top
        parts.append(
            f'<text x="{_LABEL_W - 8}" y="{y + _BAR_H - 5}" text-anchor="end">'
            f"{escape(_label(source))}</text>"
        )
        parts.append(
            f'<rect class="ok" x="{_LABEL_W}" y="{y}" width="{w_total:.1f}" height="{_BAR_H}"/>'
        )
        if drift:
            parts.append(
                f'<rect class="drift" x="{_LABEL_W}" y="{y}" width="{w_drift:.1f}" '
                f'height="{_BAR_H}"/>'
            )
        parts.append(f'<text x="{_LABEL_W + w_total + 6:.1f}" y="{y + _BAR_H - 5}">{total}</text>')
    parts.append("</svg>")
    return "".join(parts)
