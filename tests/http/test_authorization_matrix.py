"""Every /v1 endpoint × no key / a forged key / a key without the purpose / the right key."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from tests.http.conftest import Live

# (method, path, JSON body, client lacking the purpose (None: any key may call), right client)
ENDPOINTS: list[tuple[str, str, Any, str | None, str]] = [
    (
        "POST",
        "/v1/subjects/u1/collect",
        {"feature": "registration", "values": {"account.nickname": "小明"}},
        "ads",
        "app",
    ),
    (
        "POST",
        "/v1/subjects/u1/read",
        {"categories": ["account"], "purpose": "service"},
        "ads",
        "app",
    ),
    (
        "POST",
        "/v1/subjects/u1/read",
        {"categories": ["service_log"], "purpose": "ads_recommendation"},
        "app",
        "ads",
    ),
    (
        "POST",
        "/v1/decide",
        {"requests": [{"subject": "u1", "category": "account.phone", "purpose": "service"}]},
        "ads",
        "app",
    ),
    ("POST", "/v1/find", {"category": "account.phone", "value": "13812345678"}, "ads", "app"),
    ("GET", "/v1/subjects/u1/consents", None, "ads", "app"),
    ("POST", "/v1/subjects/u1/consents/surveys/grant", None, "ads", "app"),
    ("POST", "/v1/subjects/u1/consents/surveys/withdraw", {"channel": "app"}, "ads", "app"),
    ("GET", "/v1/subjects/u1/features", None, "ads", "app"),
    ("GET", "/v1/subjects/u1/export", None, "ads", "app"),
    (
        "POST",
        "/v1/subjects/u1/correct",
        {"category": "account.nickname", "value": "小红"},
        "ads",
        "app",
    ),
    ("POST", "/v1/subjects/u1/delete", {"categories": ["network"]}, "ads", "app"),
    ("POST", "/v1/subjects/u1/privacy-center-link", None, "ads", "app"),
    ("DELETE", "/v1/subjects/u1", None, "ads", "app"),
    (
        "POST",
        "/v1/events",
        [
            {
                "subject": "u1",
                "category": "network.ip",
                "at": "2026-11-01T07:00:00Z",
                "value": "101.88.23.147",
            }
        ],
        "ads",
        "app",
    ),
    ("GET", "/v1/subjects/u1/events/network.ip?purpose=service", None, "ads", "app"),
    (
        "GET",
        "/v1/subjects/u1/events/service_log.search_history?purpose=ads_recommendation",
        None,
        "app",
        "ads",
    ),
    ("DELETE", "/v1/subjects/u1/events/network.ip?since=2026-10-01T00:00:00Z", None, "ads", "app"),
    #: {event}: the id of u1's network.ip event (the seed's), looked up by the test.
    ("DELETE", "/v1/subjects/u1/events/network.ip/{event}", None, "ads", "app"),
    ("GET", "/v1/policy", None, None, "ads"),
    ("GET", "/v1/policy/version", None, None, "ads"),
]
#: Public by design: the signed checkpoint and inclusion proofs hold nothing but hashes.
PUBLIC = {("GET", "/v1/audit/checkpoint"), ("GET", "/v1/audit/proofs/{index}")}


def _call(live: Live, key: str | None, method: str, path: str, body: Any) -> httpx.Response:
    if "{event}" in path:
        [event] = live.vault.events("u1", "network.ip", purpose="service", actor="app").events
        path = path.replace("{event}", str(event.id))
    with live.client(key) as c:
        return c.request(method, path, json=body) if body is not None else c.request(method, path)


def template_of(path: str) -> str:
    """The route template a concrete path of the table calls."""
    path = path.split("?", 1)[0].replace("/u1", "/{subject}").replace("/surveys/", "/{item}/")
    path = re.sub(r"/events/[^/]+", "/events/{category}", path)
    return path.replace("{event}", "{event_id}")


def _key(live: Live, who: str) -> str:
    return live.app_key if who == "app" else live.ads_key


@pytest.mark.parametrize(
    ("method", "path", "body", "wrong", "right"),
    ENDPOINTS,
    ids=[
        f"{m} {p} {b.get('purpose', '') if isinstance(b, dict) else ''}"
        for m, p, b, *_ in ENDPOINTS
    ],
)
def test_matrix(
    server: Live, method: str, path: str, body: Any, wrong: str | None, right: str
) -> None:
    for key in (None, "pvk_" + "A" * 43, "not-even-a-key"):
        r = _call(server, key, method, path, body)
        assert r.status_code == 401, (key, r.text)
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["code"] == "not_authenticated"
        assert r.headers["www-authenticate"] == "Bearer"
    if wrong is not None:
        r = _call(server, _key(server, wrong), method, path, body)
        assert r.status_code == 403, r.text
        assert r.json()["code"] == "actor_not_authorized"
    r = _call(server, _key(server, right), method, path, body)
    assert 200 <= r.status_code < 300, r.text


def test_the_matrix_covers_every_api_route(server: Live) -> None:
    with server.client() as c:
        spec = c.get("/openapi.json").json()
    routes = {
        (m.upper(), p) for p, ops in spec["paths"].items() for m in ops if p.startswith("/v1")
    }
    covered = {(m, template_of(p)) for m, p, *_ in ENDPOINTS}
    assert routes == covered | PUBLIC
