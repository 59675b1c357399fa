"""API clients: the service identities of the HTTP API, each bound to its purposes.

An API client is a vault actor (registered with :meth:`Vault.add_actor`, so the
vault itself enforces its purposes) plus a bearer API key. The key is shown once
when it is issued; only its SHA-256 digest is stored, so a copy of the database
gives no working key.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, select, text

from pivault.core.errors import InvalidArgumentError
from pivault.crypto.tokens import new_secret, secret_digest
from pivault.service.actors import add_actor
from pivault.service.context import VaultContext
from pivault.store.schema import actors, api_clients

KEY_PREFIX = "pvk_"


@dataclass(frozen=True)
class ApiClient:
    """A calling service: its name (also its vault actor) and the purposes it may claim."""

    name: str
    purposes: frozenset[str]
    key_hint: str = ""
    created_at: str = ""


@dataclass(frozen=True)
class IssuedKey:
    """A newly issued API key. ``key`` is shown once and never stored."""

    client: ApiClient
    key: str


#: A client with its purposes, which are its actor's: a client's purposes live in one table.
_CLIENTS = select(
    api_clients.c.name, api_clients.c.key_hint, api_clients.c.created_at, actors.c.purposes
).join(actors, actors.c.name == api_clients.c.name)


class ApiClients:
    """The registry of API clients, stored beside the vault (tables of migration 0002)."""

    def __init__(self, ctx: VaultContext) -> None:
        self._ctx = ctx

    def add(self, name: str, purposes: Iterable[str], *, replace: bool = False) -> IssuedKey:
        """Register ``name`` as a vault actor with ``purposes`` and issue its API key.

        An existing client keeps its key unless ``replace`` is set (then the old key stops
        working at once).
        """
        wanted = sorted(set(purposes))
        if not wanted:
            raise InvalidArgumentError("an API client needs at least one purpose")
        if not replace and self.get(name) is not None:
            raise InvalidArgumentError(
                f"API client {name!r} exists; pass --replace to issue it a new key"
            )
        actor = add_actor(self._ctx, name, wanted)  # validates the name and the purposes
        key = new_secret(KEY_PREFIX)
        client = ApiClient(name, actor.purposes, key[: len(KEY_PREFIX) + 4], self._ctx.now())
        with self._ctx.store.append() as conn:
            conn.execute(delete(api_clients).where(api_clients.c.name == name))
            conn.execute(
                api_clients.insert().values(
                    name=name,
                    key_digest=secret_digest(key),
                    key_hint=client.key_hint,
                    created_at=client.created_at,
                )
            )
        return IssuedKey(client, key)

    def get(self, name: str) -> ApiClient | None:
        with self._ctx.store.read() as conn:
            row = conn.execute(_CLIENTS.where(api_clients.c.name == name)).first()
        return None if row is None else _client(row)

    def list(self) -> list[ApiClient]:
        with self._ctx.store.read() as conn:
            rows = conn.execute(_CLIENTS.order_by(api_clients.c.name)).all()
        return [_client(r) for r in rows]

    def authenticate(self, key: str) -> ApiClient | None:
        """The client holding ``key``, or None. The lookup is by digest of the key."""
        if not key.startswith(KEY_PREFIX) or len(key) > 128:
            return None
        with self._ctx.store.read() as conn:
            row = conn.execute(
                _CLIENTS.where(api_clients.c.key_digest == secret_digest(key))
            ).first()
        return None if row is None else _client(row)

    def ping(self) -> None:
        """Raise if the store cannot be reached (for health checks)."""
        with self._ctx.store.read() as conn:
            conn.execute(text("SELECT 1"))


def _client(row: object) -> ApiClient:
    return ApiClient(
        row.name,  # type: ignore[attr-defined]
        frozenset(json.loads(row.purposes)),  # type: ignore[attr-defined]
        row.key_hint,  # type: ignore[attr-defined]
        row.created_at,  # type: ignore[attr-defined]
    )
