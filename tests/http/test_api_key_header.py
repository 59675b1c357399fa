"""The API key header, read by one flat dependency, and how the OpenAPI document shows it."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.pool import NullPool, QueuePool

from pivault.http.deps import call_limiter
from tests.http.conftest import Live
from tests.http.test_authorization_matrix import ENDPOINTS, PUBLIC, template_of

READ = "/v1/subjects/u1/read"
BODY = {"categories": ["account.phone"], "purpose": "service"}


def _read(live: Live, authorization: str | None) -> httpx.Response:
    headers = {} if authorization is None else {"Authorization": authorization}
    with httpx.Client(base_url=live.url, timeout=10) as c:
        return c.post(READ, json=BODY, headers=headers)


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Basic {key}", "Token {key}", "{key}", "Bearer{key}"],
)
def test_a_missing_or_malformed_header_is_401(server: Live, authorization: str | None) -> None:
    value = None if authorization is None else authorization.format(key=server.app_key)
    r = _read(server, value)
    assert r.status_code == 401, r.text
    assert r.json()["code"] == "not_authenticated"
    assert r.json()["detail"] == "send an API key: Authorization: Bearer <key>"
    assert r.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("authorization", ["Bearer {key}", "bearer {key}", "BEARER   {key}"])
def test_the_scheme_is_case_insensitive_and_spaces_before_the_key_do_not_matter(
    server: Live, authorization: str
) -> None:
    r = _read(server, authorization.format(key=server.app_key))
    assert r.status_code == 200, r.text


def test_a_wrong_key_is_401_not_valid(server: Live) -> None:
    r = _read(server, "Bearer pvk_" + "A" * 43)
    assert r.status_code == 401
    assert r.json()["detail"] == "the API key is not valid"


def test_openapi_declares_the_bearer_scheme_on_exactly_the_keyed_routes(server: Live) -> None:
    with server.client() as c:
        spec = c.get("/openapi.json").json()
    assert spec["components"]["securitySchemes"]["HTTPBearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "An API key from `pivault clients add`.",
    }
    keyed = {(m, template_of(p)) for m, p, *_ in ENDPOINTS}
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            route = (method.upper(), path)
            if route in keyed:
                assert operation.get("security") == [{"HTTPBearer": []}], route
            elif path.startswith("/v1") or route in PUBLIC:
                assert "security" not in operation, route


def test_vault_calls_per_worker_stay_below_the_connection_pool() -> None:
    limiter = call_limiter(QueuePool(lambda: None, pool_size=5))  # type: ignore[arg-type, return-value]
    assert limiter is not None
    assert limiter.total_tokens == 4  # one connection left for the audit sequencer
    single = call_limiter(QueuePool(lambda: None, pool_size=1))  # type: ignore[arg-type, return-value]
    assert single is not None and single.total_tokens == 1
    assert call_limiter(NullPool(lambda: None)) is None  # type: ignore[arg-type, return-value]
