"""A scan report as rich tables for the terminal (findings, skipped sources, summary)."""

from __future__ import annotations

from rich.console import Group as RenderGroup
from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from pivault.present.scan_summary import summary_line
from pivault.service.scan.report import ScanReport

#: Locations shown per row in the terminal (JSON and HTML show more).
SHOWN_LOCATIONS = 3


def render_scan_table(report: ScanReport) -> RenderableType:
    """Findings per source and entity, then skipped sources, then a one-line summary."""
    parts: list[RenderableType] = [
        Text(f"pivault scan {report.target}  (policy {report.policy_name} {report.policy_version})")
    ]
    if report.groups:
        table = Table(show_lines=False, header_style="bold")
        table.add_column("source", overflow="fold")
        table.add_column("entity")
        table.add_column("line:col" if report.kind == "files" else "rows", overflow="fold")
        table.add_column("count", justify="right")
        table.add_column("score", justify="right")
        table.add_column("masked sample")
        table.add_column("policy category")
        for g in report.groups:
            shown = ", ".join(g.short_locations()[:SHOWN_LOCATIONS])
            if g.count > SHOWN_LOCATIONS:
                shown += f" (+{g.count - SHOWN_LOCATIONS} more)"
            verdict = Text(g.verdict, style="bold red" if g.drift else "green")
            table.add_row(
                Text(g.source),
                Text(g.entity.value),
                Text(shown),
                str(g.count),
                f"{g.max_score:.2f}",
                Text(g.sample),
                verdict,
            )
        parts.append(table)
    else:
        parts.append(Text("no personal data found", style="green"))
    if report.skipped:
        skipped = Table(title="skipped", header_style="bold")
        skipped.add_column("source")
        skipped.add_column("reason")
        for s in report.skipped:
            skipped.add_row(Text(s.source), Text(s.reason))
        parts.append(skipped)
    parts.append(Text(summary_line(report), style="bold red" if report.has_drift else "bold"))
    return RenderGroup(*parts)
