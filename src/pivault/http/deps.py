"""What routes share: the running services, and the API key's client with its purposes.

``Services`` is built once per worker at start-up. It holds no state of its own
beyond caches of immutable things: people, links, sessions and clients live in
the store, so any number of workers can answer any request.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Annotated, Any, TypeVar

import anyio.to_thread
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.security import HTTPBearer
from fastapi.security.utils import get_authorization_scheme_param

from pivault.core.errors import UnknownPurposeError
from pivault.core.model import Policy
from pivault.crypto.tokens import secret_digest
from pivault.http.metrics import Metrics
from pivault.http.problems import NotAuthenticatedError, PurposeNotClaimableError
from pivault.http.settings import HttpSettings
from pivault.service.clients import ApiClient, ApiClients
from pivault.service.policy_versions import PolicyVersions
from pivault.service.privacy_links import PrivacyLinks
from pivault.service.vault import Vault

T = TypeVar("T")


@dataclass
class Services:
    vault: Vault
    clients: ApiClients
    links: PrivacyLinks
    versions: PolicyVersions
    metrics: Metrics
    settings: HttpSettings
    #: Run vault calls on the event loop's own thread (SQLite) or on the thread pool
    #: (PostgreSQL, where a call mostly waits for the server). SQLite has one writer at a
    #: time (every read writes an audit entry), so threads of one worker contending for
    #: it only add waiting, and a thread-pool hop costs more than the ~0.2 ms vault call
    #: itself (the worker thread holds the GIL while the event loop waits to send).
    inline: bool = False
    #: At most this many vault calls of this worker at a time on the thread pool (None: the
    #: thread pool's own limit): no more than the store's connection pool keeps open. With
    #: more, SQLAlchemy opens overflow connections and closes each one again when it comes
    #: back to a full pool: on PostgreSQL, a new server process per connection.
    limiter: anyio.CapacityLimiter | None = None
    _keys: dict[bytes, tuple[float, ApiClient | None]] = field(default_factory=dict)

    async def run(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Call a blocking vault function off the event loop."""
        call = functools.partial(fn, *args, **kwargs)
        if self.inline:
            return call()
        return await anyio.to_thread.run_sync(call, limiter=self.limiter)

    async def authenticate(self, key: str) -> ApiClient | None:
        """The client holding ``key``. Lookups are cached for :data:`KEY_CACHE_SECONDS`,
        so a replaced key stops working in every worker within that time."""
        digest = secret_digest(key)
        now = time.monotonic()
        hit = self._keys.get(digest)
        if hit is not None and hit[0] > now:
            return hit[1]
        client = await self.run(self.clients.authenticate, key)
        if len(self._keys) >= KEY_CACHE_SIZE:
            self._keys.clear()
        self._keys[digest] = (now + KEY_CACHE_SECONDS, client)
        return client


KEY_CACHE_SECONDS = 5.0
KEY_CACHE_SIZE = 1024


def call_limiter(pool: object) -> anyio.CapacityLimiter | None:
    """A limiter for :attr:`Services.limiter`: one slot per connection the store's pool
    keeps (``QueuePool.size()``) but one, left to the audit sequencer; None for a pool
    without a fixed size."""
    size = getattr(pool, "size", None)
    if not callable(size):
        return None
    slots = size()
    if not isinstance(slots, int) or slots < 1:
        return None
    return anyio.CapacityLimiter(max(1, slots - 1))


def services_of(request: Request) -> Services:
    svc = request.app.state.services
    assert isinstance(svc, Services)
    return svc


async def services(request: Request) -> Services:
    """The dependency (async: no thread hop for a dictionary lookup)."""
    return services_of(request)


#: How the API key travels, for the OpenAPI document (see :func:`document_api_key`).
BEARER = HTTPBearer(auto_error=False, description="An API key from `pivault clients add`.")


async def api_client(request: Request) -> ApiClient:
    """The calling service, from ``Authorization: Bearer <API key>``; 401 otherwise.

    One dependency with no sub-dependencies of its own: FastAPI's per-request cost grows
    with every node of a route's dependency tree (several µs each, on every request)."""
    scheme, key = get_authorization_scheme_param(request.headers.get("authorization"))
    if scheme.lower() != "bearer" or not key:
        raise NotAuthenticatedError("send an API key: Authorization: Bearer <key>")
    client = await services_of(request).authenticate(key)
    if client is None:
        raise NotAuthenticatedError("the API key is not valid")
    request.state.client_name = client.name
    return client


def document_api_key(app: FastAPI, routers: Iterable[APIRouter]) -> None:
    """Declare :data:`BEARER` in the OpenAPI document for every route of ``routers`` (as
    included in ``app``, with no further prefix) that takes a :data:`Client`, which reads
    the header itself rather than through ``Security``."""
    scheme = BEARER.scheme_name
    secured = {
        (method.lower(), route.path)
        for router in routers
        for route in router.routes
        if isinstance(route, APIRoute) and _needs(route.dependant, api_client)
        for method in route.methods or ()
    }
    base = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        spec = base()
        components = spec.setdefault("components", {}).setdefault("securitySchemes", {})
        components[scheme] = BEARER.model.model_dump(mode="json", by_alias=True, exclude_none=True)
        for path, operations in spec.get("paths", {}).items():
            for method, operation in operations.items():
                if (method, path) in secured:
                    operation["security"] = [{scheme: []}]
        app.openapi_schema = spec
        return spec

    app.openapi = openapi  # type: ignore[method-assign]


def _needs(dependant: Dependant, call: Callable[..., Any]) -> bool:
    return dependant.call is call or any(_needs(d, call) for d in dependant.dependencies)


def claim(client: ApiClient, purposes: Iterable[str], policy: Policy) -> None:
    """A key may claim only its own purposes: 403 ``actor_not_authorized`` otherwise.

    A purpose the policy does not know is the caller's mistake, not a denial (422).
    """
    wanted = set(purposes)
    for purpose in sorted(wanted):
        if purpose not in policy.purposes:
            raise UnknownPurposeError(purpose, policy.purposes)
    foreign = sorted(wanted - client.purposes)
    if foreign:
        raise PurposeNotClaimableError(
            f"the API client {client.name!r} is not registered for purpose(s) "
            f"{', '.join(foreign)}; it may claim: {', '.join(sorted(client.purposes))}"
        )


def claim_any(client: ApiClient, purposes: Iterable[str]) -> None:
    """At least one of ``purposes`` must be the client's (collection through a feature)."""
    wanted = sorted(set(purposes))
    if not client.purposes & set(wanted):
        raise PurposeNotClaimableError(
            f"the API client {client.name!r} is registered for none of the purposes "
            f"{', '.join(wanted)}"
        )


#: Operations a person asks for through the app (consents, export, correction, deletion,
#: cancellation, privacy-center links) are part of providing the service (clause 2.1).
RIGHTS_PURPOSE = "service"

Client = Annotated[ApiClient, Depends(api_client)]
Svc = Annotated[Services, Depends(services)]
