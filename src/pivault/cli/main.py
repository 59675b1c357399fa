"""The ``pivault`` command line. Errors are one line on stderr and a non-zero exit."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from pivault.cli import (
    audit_cmds,
    events_cmds,
    http_cmds,
    keys_cmds,
    policy_cmds,
    scan_cmds,
    vault_cmds,
)
from pivault.cli.context import Options, err
from pivault.core.errors import PivaultError, PolicyError

app = typer.Typer(
    name="pivault",
    help="pivault: your privacy policy, enforced. A personal-information vault for app backends.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(policy_cmds.app, name="policy")
app.add_typer(keys_cmds.app, name="keys")
app.add_typer(audit_cmds.app, name="audit")
vault_cmds.register(app)
events_cmds.register(app)
http_cmds.register(app)
scan_cmds.register(app)


@app.callback()
def main(
    ctx: typer.Context,
    vault: Annotated[
        str | None,
        typer.Option(
            "--vault", help="Store URL (env PIVAULT_VAULT_URL; default sqlite:///pivault.db)."
        ),
    ] = None,
    policy: Annotated[
        Path | None, typer.Option("--policy", help="Policy file (default: the bundled policy).")
    ] = None,
    key_file: Annotated[
        Path | None,
        typer.Option(
            "--key-file",
            help="Master key file (env PIVAULT_MASTER_KEY_FILE; "
            "default ~/.config/pivault/master.key).",
        ),
    ] = None,
) -> None:
    ctx.obj = Options(vault, policy, key_file)


def run() -> None:
    """Entry point. Click handles usage errors itself; pivault errors become one line, exit 1."""
    try:
        app()
    except PolicyError as exc:
        for problem in exc.problems:
            err.print(str(problem), markup=False)
        sys.exit(1)
    except PivaultError as exc:
        err.print(f"error: {exc}", markup=False)
        sys.exit(1)


if __name__ == "__main__":
    run()
