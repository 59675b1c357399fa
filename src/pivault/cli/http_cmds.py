"""``pivault serve`` and ``pivault clients add|list``: the HTTP service and its API keys.

The CLI and the HTTP layer are independent siblings: ``serve`` hands uvicorn the
import path of the app factory and passes its options as ``PIVAULT_…``
settings, which every worker process reads the same way.
"""

from __future__ import annotations

import copy
import os
from typing import Annotated, Any

import typer
from rich.table import Table

from pivault.cli.context import err, options, out
from pivault.service.clients import ApiClients

clients_app = typer.Typer(
    help="API clients of the HTTP service: each is a vault actor with an API key.",
    no_args_is_help=True,
)

APP_FACTORY = "pivault.http.app:create_app_from_env"


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.add_typer(clients_app, name="clients")


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    vault: Annotated[
        str | None,
        typer.Option("--vault", help="Store URL (default: the global --vault, PIVAULT_VAULT_URL)."),
    ] = None,
    workers: Annotated[int, typer.Option("--workers", min=1, max=64, help="Worker processes.")] = 1,
) -> None:
    """Serve the HTTP API (/v1, OpenAPI at /docs) and the privacy center (/center)."""
    import uvicorn

    opts = options(ctx)
    env = {
        "PIVAULT_VAULT_URL": vault or opts.url,
        "PIVAULT_MASTER_KEY_FILE": str(opts.key_path),
        "PIVAULT_AUDIT_WITNESS_DIR": str(opts.witness_dir),
    }
    if opts.policy_file is not None:
        env["PIVAULT_POLICY_FILE"] = str(opts.policy_file)
    os.environ.update(env)
    # Open the vault once here, so a wrong key or URL is one clear line, not a worker crash.
    with opts.open_vault():
        pass
    err.print(f"pivault: serving on http://{host}:{port} (docs at /docs)", markup=False)
    from pivault.cli.uvicorn_config import TcpConfig

    config = TcpConfig(
        APP_FACTORY,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=False,  # pivault.http logs route templates, never raw paths
        log_config=_log_config(),
        log_level="info",
        server_header=False,
    )
    # uvicorn.run(), minus the reload mode pivault does not offer.
    server = uvicorn.Server(config)
    try:
        if workers > 1:
            from uvicorn.supervisors import Multiprocess

            Multiprocess(config, sockets=[config.bind_socket()]).run()
        else:
            server.run()
    except KeyboardInterrupt:
        pass
    if workers == 1 and not server.started:
        raise typer.Exit(3)


def _log_config() -> dict[str, Any]:
    """uvicorn's logging, plus pivault's own access lines through the same handler."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["pivault"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config


@clients_app.command("add")
def clients_add(
    ctx: typer.Context,
    name: str,
    purposes: Annotated[str, typer.Option("--purposes", help="Comma-separated purpose keys.")],
    replace: Annotated[
        bool, typer.Option("--replace", help="Issue a new key to an existing client.")
    ] = False,
) -> None:
    """Register an API client (a vault actor) and print its API key, once."""
    with options(ctx).open_vault() as v:
        wanted = [p.strip() for p in purposes.split(",") if p.strip()]
        issued = ApiClients(v.context).add(name, wanted, replace=replace)
    out.print(
        f"API client {issued.client.name} may claim: {', '.join(sorted(issued.client.purposes))}"
    )
    out.print("API key (shown once, store it now):", markup=False)
    out.print(issued.key, markup=False)


@clients_app.command("list")
def clients_list(ctx: typer.Context) -> None:
    """API clients, their purposes and a hint of their key (never the key)."""
    with options(ctx).open_vault() as v:
        clients = ApiClients(v.context).list()
    table = Table("client", "purposes", "key", "created")
    for c in clients:
        table.add_row(c.name, ", ".join(sorted(c.purposes)), c.key_hint + "…", c.created_at)
    out.print(table)
