"""``pivault policy check|show|render|diff|export``: the policy file is the source of truth."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from pivault.cli.context import err, out, write_output
from pivault.core.model import DEFAULT_LANG, LANGS, Lang
from pivault.service.policy_files import lint_policy, load_policy

app = typer.Typer(
    help="Check, show, render, compare and export policy files.", no_args_is_help=True
)

FileArg = Annotated[Path | None, typer.Argument(help="Policy file (default: the bundled policy).")]


class DocFormat(StrEnum):
    md = "md"
    html = "html"


class ExportFormat(StrEnum):
    fides = "fides"


@app.command("check")
def check(file: FileArg = None) -> None:
    """Exit 0 when the policy is clean; otherwise print each problem as file:line:col: message."""
    policy, problems = lint_policy(file)
    for problem in problems:
        err.print(str(problem), markup=False)
    if problems:
        err.print(f"{len(problems)} problem{'s' if len(problems) != 1 else ''}")
        raise typer.Exit(1)
    assert policy is not None
    out.print(
        f"{policy.source_name}: OK — {sum(1 for _ in policy.leaves())} categories, "
        f"{len(policy.purposes)} purposes, {len(policy.features)} features"
    )


@app.command("show")
def show(
    file: FileArg = None,
    as_json: Annotated[bool, typer.Option("--json", help="The resolved policy as JSON.")] = False,
) -> None:
    """The resolved policy: categories, purposes, features and rules with every field."""
    from pivault.present.policy_json import policy_as_dict

    doc = policy_as_dict(load_policy(file))
    if as_json:
        out.print(json.dumps(doc, ensure_ascii=False, indent=2), markup=False)
        return
    for section in ("categories", "purposes", "features"):
        out.print(f"[bold]{section}[/]")
        items = doc[section]
        for item in items.values() if isinstance(items, dict) else items:
            label = item.get("label", {})
            out.print(
                f"  {item['key']}: {label.get('zh-CN', '')} / {label.get('en', '')}", markup=False
            )


@app.command("render")
def render(
    file: FileArg = None,
    lang: Annotated[Lang, typer.Option("--lang", help=" or ".join(LANGS))] = DEFAULT_LANG,
    fmt: Annotated[DocFormat, typer.Option("--format", help="md or html")] = DocFormat.md,
    output: Annotated[Path | None, typer.Option("-o", "--output")] = None,
) -> None:
    """The human-readable policy and the personal-information collection list."""
    from pivault.present.policy_render import render_policy

    text = render_policy(load_policy(file), lang, fmt.value)
    if output:
        write_output(output, text)
    else:
        out.print(text, markup=False)


@app.command("diff")
def diff(
    old: Path,
    new: Path,
    lang: Annotated[Lang, typer.Option("--lang")] = "en",
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Changes between two policy versions, marking those that need fresh consent (PIPL Art. 14)."""
    from pivault.core.diff import diff_policies
    from pivault.present.policy_diff_text import diff_as_dict, format_diff_text

    result = diff_policies(load_policy(old), load_policy(new))
    if as_json:
        out.print(json.dumps(diff_as_dict(result), ensure_ascii=False, indent=2), markup=False)
    else:
        out.print(format_diff_text(result, lang), markup=False)


@app.command("export")
def export(
    file: FileArg = None,
    fmt: Annotated[ExportFormat, typer.Option("--format", help="fides")] = ExportFormat.fides,
    output: Annotated[Path | None, typer.Option("-o", "--output")] = None,
) -> None:
    """Export the policy for other tools: a Fides system manifest (fideslang)."""
    import yaml

    from pivault.present.fides_export import to_fides_manifest

    text = yaml.safe_dump(to_fides_manifest(load_policy(file)), allow_unicode=True, sort_keys=False)
    if output:
        write_output(output, text)
    else:
        out.print(text, markup=False)
