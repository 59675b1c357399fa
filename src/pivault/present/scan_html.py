"""A scan report as one self-contained HTML file: inline CSS and SVG, no external asset.

The markup is well-formed (every element closed, every text escaped), so it
parses as XML too. Only masked samples appear, never a found value.
"""

from __future__ import annotations

from html import escape

from pivault.present.scan_chart import MAX_BARS, bar_chart
from pivault.present.scan_summary import summary_line
from pivault.service.scan.report import ScanReport

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC","Microsoft YaHei",
sans-serif;margin:2em auto;max-width:96em;padding:0 1em;color:#1d2330}
h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.15em;margin-top:1.6em}
.meta{color:#5a6270}.summary{padding:.6em 1em;border-radius:6px;background:#e8f5ec}
.summary.drift{background:#fde8e8;color:#8a1111;font-weight:600}
table{border-collapse:collapse;width:100%;margin-top:.5em}
th,td{border-bottom:1px solid #dde1e8;padding:.35em .6em;text-align:left;vertical-align:top}
th{background:#f3f5f8}td.num{text-align:right;font-variant-numeric:tabular-nums}
td.loc{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;word-break:break-all}
td.src{min-width:16em}td.fides code{font-size:12px;overflow-wrap:anywhere}
code{font-family:ui-monospace,Menlo,Consolas,monospace}
.verdict-drift{color:#b00020;font-weight:700}.verdict-ok{color:#1b7f3b}
svg.chart text{font-size:12px;fill:#1d2330}svg.chart rect.ok{fill:#6cbf84}
svg.chart rect.drift{fill:#d9534f}
"""

#: Locations listed per row in the HTML report.
SHOWN_LOCATIONS = 10


def _findings_table(report: ScanReport) -> str:
    rows = []
    for g in report.groups:
        locs = ", ".join(escape(loc) for loc in g.short_locations()[:SHOWN_LOCATIONS])
        if g.count > SHOWN_LOCATIONS:
            locs += f" (+{g.count - SHOWN_LOCATIONS} more)"
        verdict_class = "verdict-drift" if g.drift else "verdict-ok"
        rows.append(
            "<tr>"
            f'<td class="loc src">{escape(g.source)}</td>'
            f"<td>{escape(g.entity.value)}</td>"
            f'<td class="num">{g.count}</td>'
            f'<td class="num">{g.max_score:.2f}</td>'
            f"<td><code>{escape(g.sample)}</code></td>"
            f'<td class="fides"><code>{escape(g.fides_category)}</code></td>'
            f'<td class="{verdict_class}">{escape(g.verdict)}</td>'
            f'<td class="loc">{locs}</td>'
            "</tr>"
        )
    where = "line:col" if report.kind == "files" else "rows"
    head = (
        "<tr><th>source</th><th>entity</th><th>count</th><th>max score</th>"
        f"<th>masked sample</th><th>Fides category</th><th>policy category</th><th>{where}</th>"
        "</tr>"
    )
    return f"<table><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>"


def _skipped_table(report: ScanReport) -> str:
    rows = "".join(
        f"<tr><td>{escape(s.source)}</td><td>{escape(s.reason)}</td></tr>" for s in report.skipped
    )
    return (
        "<h2>Skipped</h2><table><thead><tr><th>source</th><th>reason</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def render_scan_html(report: ScanReport) -> str:
    """The whole report as one HTML document."""
    per_source = report.per_source()
    summary_class = "summary drift" if report.has_drift else "summary"
    body = [
        "<h1>pivault scan</h1>",
        f'<p class="meta">target <code>{escape(report.target)}</code> · policy '
        f"<code>{escape(report.policy_name)}</code> version "
        f"{escape(report.policy_version)}</p>",
        f'<p class="{summary_class}">{escape(summary_line(report))}</p>',
    ]
    if per_source:
        more = len(per_source) - MAX_BARS
        note = f'<p class="meta">and {more} more source(s)</p>' if more > 0 else ""
        body.append(
            "<h2>Findings per source</h2>" + bar_chart(per_source) + note,
        )
        body.append("<h2>Findings</h2>" + _findings_table(report))
    else:
        body.append("<p>No personal data found.</p>")
    if report.skipped:
        body.append(_skipped_table(report))
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8"/>'
        '<meta name="viewport" content="width=device-width, initial-scale=1"/>'
        f"<title>pivault scan: {escape(report.target)}</title>"
        f"<style>{_CSS}</style></head><body>{''.join(body)}</body></html>\n"
    )
