"""``pivault scan PATH|DB_URL``: find personal data and compare it with the policy.

Exit status: 0 when every finding is declared by the policy, 3 (``EXIT_DRIFT``)
when some finding is policy drift, 1 when the target or the policy cannot be
read, 2 for usage errors. Found values are never printed: masked samples only.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)
from rich.progress import Progress as RichProgress

from pivault.cli.context import err, options, out
from pivault.detect import DEFAULT_MIN_SCORE
from pivault.present.scan_html import render_scan_html
from pivault.present.scan_json import render_scan_json
from pivault.present.scan_summary import summary_line
from pivault.present.scan_table import render_scan_table
from pivault.service.policy_files import load_policy
from pivault.service.scan import DEFAULT_SAMPLE, EXIT_DRIFT, ScanReport, scan_target


class ScanFormat(StrEnum):
    table = "table"
    json = "json"
    html = "html"


class _BarProgress:
    """Adapts the scanner's progress protocol to a rich progress bar on stderr."""

    def __init__(self, bar: RichProgress) -> None:
        self._bar = bar
        self._task: TaskID | None = None

    def start(self, total: int | None, unit: str) -> None:
        self._task = self._bar.add_task(f"scanning ({unit})", total=total)

    def advance(self, amount: int, current: str) -> None:
        if self._task is not None:
            name = current if len(current) <= 40 else "…" + current[-39:]
            self._bar.update(self._task, advance=amount, description=name)


def _scan_with_bar(target: str, policy: Path | None, sample: int, min_score: float) -> ScanReport:
    bar = RichProgress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )
    with bar:
        return scan_target(
            target,
            load_policy(policy),
            sample=sample,
            min_score=min_score,
            progress=_BarProgress(bar),
        )


def _render(report: ScanReport, fmt: ScanFormat, output: Path | None) -> None:
    if fmt is ScanFormat.table:
        if output is None:
            out.print(render_scan_table(report))
            return
        with output.open("w", encoding="utf-8") as fh:
            Console(file=fh, width=160, no_color=True, highlight=False).print(
                render_scan_table(report)
            )
    else:
        text = render_scan_json(report) if fmt is ScanFormat.json else render_scan_html(report)
        if output is None:
            typer.echo(text, nl=False)
            return
        output.write_text(text, encoding="utf-8")
    err.print(f"wrote {output}", markup=False)


def scan(
    ctx: typer.Context,
    target: Annotated[
        str, typer.Argument(help="A file, a directory (recursive) or a database URL.")
    ],
    policy: Annotated[
        Path | None,
        typer.Option("--policy", help="Policy file (default: the global --policy, or bundled)."),
    ] = None,
    fmt: Annotated[
        ScanFormat, typer.Option("--format", help="table (terminal), json or html.")
    ] = ScanFormat.table,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write the report to this file.")
    ] = None,
    sample: Annotated[
        int, typer.Option("--sample", min=1, help="Rows read per database table.")
    ] = DEFAULT_SAMPLE,
    min_score: Annotated[
        float, typer.Option("--min-score", min=0.0, max=1.0, help="Drop weaker findings.")
    ] = DEFAULT_MIN_SCORE,
) -> None:
    """Find personal data in files or a database; exit 3 on policy drift.

    Drift: a finding whose entity no category of the policy declares.
    """
    report = _scan_with_bar(target, policy or options(ctx).policy_file, sample, min_score)
    _render(report, fmt, output)
    if fmt is not ScanFormat.table or output is not None:
        err.print(summary_line(report), markup=False)
    if report.has_drift:
        raise typer.Exit(EXIT_DRIFT)


def register(app: typer.Typer) -> None:
    app.command("scan")(scan)
