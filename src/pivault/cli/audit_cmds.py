"""``pivault audit verify|log``: the tamper-evident audit trail."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from pivault.cli.context import err, options, out

app = typer.Typer(
    help="Verify the audit chain; show a person's access history.", no_args_is_help=True
)


@app.command("verify")
def verify(ctx: typer.Context) -> None:
    """Recompute the hash chain; exit 1 if any entry was altered, removed or reordered."""
    with options(ctx).open_vault() as vault:
        report = vault.verify_audit()
    if report.ok:
        out.print(f"audit log OK: {report.entries} entries, chain intact")
        return
    for problem in report.problems:
        err.print(f"TAMPERED: {problem}", markup=False)
    raise typer.Exit(1)


@app.command("log")
def log(
    ctx: typer.Context,
    subject: str,
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines.")] = False,
) -> None:
    """Show one person's access history: who, for what purpose, which categories, outcome."""
    with options(ctx).open_vault() as vault:
        entries = vault.audit_log(subject)
    if as_json:
        for e in entries:
            out.print(json.dumps(e.as_dict(), ensure_ascii=False), markup=False)
        return
    table = Table("#", "time (UTC)", "actor", "action", "details")
    for e in entries:
        d = dict(e.detail)
        if e.action == "read":
            denied = ", ".join(f"{c} ({r})" for c, r in d.get("denied", {}).items())
            detail = (
                f"purpose {d.get('purpose')}; allowed: {', '.join(d.get('allowed', [])) or '-'}"
            )
            if denied:
                detail += f"; denied: {denied}"
        else:
            detail = json.dumps(d, ensure_ascii=False)
        table.add_row(str(e.seq), e.at, e.actor, e.action, detail)
    out.print(table)
