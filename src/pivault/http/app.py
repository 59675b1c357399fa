"""The application factory: one vault, the service API under /v1, the privacy center.

``create_app(settings)`` opens the vault named by the settings (the store URL,
the master key file, the policy file); ``create_app(settings, vault=v)`` serves
an already open vault (tests, the demo). ``create_app_from_env`` is the factory
uvicorn workers call (``pivault serve --workers N``).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from pivault import __version__
from pivault.crypto.master_key import MasterKey, default_key_path
from pivault.http import (
    api_audit,
    api_data,
    api_events,
    api_people,
    center_actions,
    center_pages,
    center_streams,
    problems,
)
from pivault.http.center_base import html_error
from pivault.http.deps import Services, Svc, call_limiter, document_api_key
from pivault.http.metrics import Metrics
from pivault.http.middleware import EVENTS_PATH, BodyGuard, Observe
from pivault.http.sequencer import run_sequencer
from pivault.http.settings import HttpSettings
from pivault.service.clients import ApiClients
from pivault.service.policy_files import load_policy, read_policy_text
from pivault.service.policy_versions import PolicyVersions
from pivault.service.privacy_links import PrivacyLinks
from pivault.service.vault import Vault
from pivault.service.witnesses import parse_witnesses

DESCRIPTION = """\
pivault as a service. App backends call the **service API** (`/v1`) with a per-service
API key (`Authorization: Bearer …`); each key may claim only the purposes its client is
registered for (`pivault clients add NAME --purposes P,…`). Every denial carries a reason
code; errors are `application/problem+json` (RFC 9457) with a stable `code`.

People manage their data in the **privacy center** (`/center`), reached through a
single-use link from `POST /v1/subjects/{subject}/privacy-center-link`.
"""


def open_vault(settings: HttpSettings) -> tuple[Vault, str]:
    """The vault the settings name, and the text of its policy (recorded as a version)."""
    key = MasterKey.from_file(settings.master_key_file or default_key_path())
    source, _ = read_policy_text(settings.policy_file)
    vault = Vault(
        settings.vault_url,
        master_key=key,
        policy=load_policy(settings.policy_file),
        witness_dir=settings.audit_witness_dir,
        witnesses=parse_witnesses(settings.audit_witnesses),
    )
    return vault, source


def create_app(
    settings: HttpSettings | None = None,
    *,
    vault: Vault | None = None,
    policy_source: str | None = None,
) -> FastAPI:
    settings = settings or HttpSettings()
    metrics = Metrics()
    owns_vault = vault is None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        source: str | None = policy_source
        if vault is None:
            opened, source = open_vault(settings)
        else:
            opened = vault
        svc = Services(
            opened,
            ApiClients(opened.context),
            PrivacyLinks(opened.context),
            PolicyVersions(opened.context),
            metrics,
            settings,
            inline=opened.store.calls_are_local,
            limiter=call_limiter(opened.store.engine.pool),
        )
        if source is not None:
            svc.versions.record(source)
        app.state.services = svc
        sequencer = asyncio.create_task(run_sequencer(opened, settings))
        try:
            yield
        finally:
            sequencer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sequencer
            if owns_vault:
                opened.close()

    app = FastAPI(
        title="pivault",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url="/docs",
        redoc_url=None,
    )
    problems.install(app, html_error)
    app.include_router(api_data.router)
    app.include_router(api_events.router)
    app.include_router(api_people.router)
    app.include_router(api_audit.router)
    app.include_router(center_pages.router)
    app.include_router(center_actions.router)
    app.include_router(center_streams.router)
    app.mount(
        "/center/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static"
    )
    _add_operations(app)
    document_api_key(app, [api_data.router, api_people.router, api_audit.router, api_events.router])
    app.add_middleware(
        BodyGuard,
        max_body_bytes=settings.max_body_bytes,
        path_limits={EVENTS_PATH: settings.max_events_body_bytes},
    )
    app.add_middleware(Observe, metrics=metrics)
    return app


def _add_operations(app: FastAPI) -> None:
    @app.get("/healthz", tags=["operations"])
    def healthz(svc: Svc) -> dict[str, Any]:
        """Alive, and the store answers."""
        svc.clients.ping()
        return {"status": "ok", "policy_version": svc.vault.policy.version}

    @app.get("/metrics", tags=["operations"], response_class=Response)
    def metrics(svc: Svc) -> Response:
        """Prometheus metrics: requests, latency, decisions by purpose and outcome."""
        body, content_type = svc.metrics.exposition()
        return Response(body, media_type=content_type)

    @app.get("/", include_in_schema=False)
    def root() -> JSONResponse:
        return JSONResponse({"service": "pivault", "docs": "/docs", "health": "/healthz"})


def create_app_from_env() -> FastAPI:
    """The factory for uvicorn workers: everything from ``PIVAULT_…`` settings."""
    return create_app(HttpSettings())
