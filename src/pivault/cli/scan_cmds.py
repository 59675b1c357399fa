"""``pivault scan PATH|DB_URL|TABLE``: find personal data and compare it with the policy.

``--engine local`` (default) scans files and databases in this process;
``--engine spark`` scans data-lake paths and Spark catalog tables on Spark
(:mod:`pivault.spark`, imported only then). Both fill the same report.

Exit status: 0 when every finding is declared by the policy, 3 (``EXIT_DRIFT``)
when some finding is policy drift, 1 when the target or the policy cannot be
read, 2 for usage errors. Found values are never printed: masked samples only.
"""

from __future__ import annotations

import io
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

from pivault.cli.context import err, options, out, write_output
from pivault.detect import DEFAULT_MIN_SCORE
from pivault.present.scan_html import render_scan_html
from pivault.present.scan_json import render_scan_json
from pivault.present.scan_summary import summary_line
from pivault.present.scan_table import render_scan_table
from pivault.service.policy_files import load_policy
from pivault.service.scan import (
    DEFAULT_SAMPLE,
    EXIT_DRIFT,
    ScanReport,
    looks_like_db_url,
    scan_target,
)


class ScanFormat(StrEnum):
    table = "table"
    json = "json"
    html = "html"


class Engine(StrEnum):
    local = "local"
    spark = "spark"


class InputFormat(StrEnum):
    """Data sources of ``--engine spark`` (``pivault.spark.INPUT_FORMATS``)."""

    parquet = "parquet"
    csv = "csv"
    json = "json"
    orc = "orc"


def parse_sample(text: str | None) -> tuple[int | None, float | None]:
    """``--sample``: a row count (``5000``) or a percentage of rows (``10%``)."""
    if text is None:
        return None, None
    value = text.strip()
    try:
        if value.endswith("%"):
            percent = float(value[:-1])
            if 0 < percent <= 100:
                return None, percent / 100
        elif int(value) >= 1:
            return int(value), None
    except ValueError:
        pass
    raise typer.BadParameter(
        f"{text!r} is neither a row count (1 or more, e.g. 5000) "
        "nor a percentage of rows (above 0% up to 100%, e.g. 10%)",
        param_hint="--sample",
    )


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


def _scan_spark(
    target: str,
    policy: Path | None,
    sample: int | None,
    fraction: float | None,
    min_score: float,
    input_format: str | None,
) -> ScanReport:
    if looks_like_db_url(target) and target.split("://", 1)[0].split("+")[0] in _DB_SCHEMES:
        raise typer.BadParameter(
            "--engine spark scans data-lake paths and Spark catalog tables, not database URLs; "
            "use --engine local",
            param_hint="TARGET",
        )
    loaded = load_policy(policy)  # a bad policy fails before Spark starts
    from pivault.spark import scan_target as spark_scan

    return spark_scan(
        target,
        loaded,
        sample=sample,
        fraction=fraction,
        min_score=min_score,
        input_format=input_format,
    )


_DB_SCHEMES = frozenset({"sqlite", "postgresql", "postgres"})


def _render(report: ScanReport, fmt: ScanFormat, output: Path | None) -> None:
    if fmt is ScanFormat.table:
        if output is None:
            out.print(render_scan_table(report))
            return
        console = Console(
            width=160, no_color=True, highlight=False, record=True, file=io.StringIO()
        )
        console.print(render_scan_table(report))
        write_output(output, console.export_text())
    else:
        text = render_scan_json(report) if fmt is ScanFormat.json else render_scan_html(report)
        if output is None:
            typer.echo(text, nl=False)
            return
        write_output(output, text)
    err.print(f"wrote {output}", markup=False)


def scan(
    ctx: typer.Context,
    target: Annotated[
        str,
        typer.Argument(
            help="A file, a directory (recursive) or a database URL; with --engine spark, "
            "a data-lake path (Parquet, CSV, JSON, ORC) or a Spark catalog table."
        ),
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
        str | None,
        typer.Option(
            "--sample",
            metavar="N|P%",
            help=f"Rows per table or dataset: a count (database default {DEFAULT_SAMPLE}; "
            "Spark default: every row) or, with --engine spark, a percentage such as 10%.",
        ),
    ] = None,
    min_score: Annotated[
        float, typer.Option("--min-score", min=0.0, max=1.0, help="Drop weaker findings.")
    ] = DEFAULT_MIN_SCORE,
    engine: Annotated[
        Engine,
        typer.Option("--engine", help="local (this process) or spark (data lakes, Spark tables)."),
    ] = Engine.local,
    input_format: Annotated[
        InputFormat | None,
        typer.Option(
            "--input-format",
            help="With --engine spark: the data format when the path does not say.",
        ),
    ] = None,
) -> None:
    """Find personal data in files, a database or a data lake; exit 3 on policy drift.

    Drift: a finding whose entity no category of the policy declares (kind), or
    found outside the places its category declares (place).
    """
    rows, fraction = parse_sample(sample)
    policy_file = policy or options(ctx).policy_file
    if engine is Engine.spark:
        fmt_name = input_format.value if input_format is not None else None
        report = _scan_spark(target, policy_file, rows, fraction, min_score, fmt_name)
    else:
        if fraction is not None:
            raise typer.BadParameter(
                "a percentage sample needs --engine spark; the local engine takes a row count",
                param_hint="--sample",
            )
        if input_format is not None:
            raise typer.BadParameter(
                "--input-format applies to --engine spark only", param_hint="--input-format"
            )
        report = _scan_with_bar(target, policy_file, rows or DEFAULT_SAMPLE, min_score)
    _render(report, fmt, output)
    if fmt is not ScanFormat.table or output is not None:
        err.print(summary_line(report), markup=False)
    if report.has_drift:
        raise typer.Exit(EXIT_DRIFT)


def register(app: typer.Typer) -> None:
    app.command("scan")(scan)
