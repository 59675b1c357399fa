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
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

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
    _keys: dict[bytes, tuple[float, ApiClient | None]] = field(default_factory=dict)

    async def run(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Call a blocking vault function off the event loop."""
        call = functools.partial(fn, *args, **kwargs)
        if self.inline:
            return call()
        return await anyio.to_thread.run_sync(call)

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


def services_of(request: Request) -> Services:
    svc = request.app.state.services
    assert isinstance(svc, Services)
    return svc


async def services(request: Request) -> Services:
    """The dependency (async: no thread hop for a dictionary lookup)."""
    return services_of(request)


_bearer = HTTPBearer(auto_error=False, description="An API key from `pivault clients add`.")


async def api_client(
    request: Request,
    svc: Annotated[Services, Depends(services)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> ApiClient:
    """The calling service, from ``Authorization: Bearer <API key>``; 401 otherwise."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise NotAuthenticatedError("send an API key: Authorization: Bearer <key>")
    client = await svc.authenticate(credentials.credentials)
    if client is None:
        raise NotAuthenticatedError("the API key is not valid")
    request.state.client_name = client.name
    return client


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
