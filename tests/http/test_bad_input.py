"""Bad requests get 4xx problem+json naming the problem: never a 500, never a personal value."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import httpx
import pytest

from tests.http.conftest import Live

PROBLEM = "application/problem+json"
SECRET_PHONE = "13912345678"
SECRET_NAME = "欧阳娜娜"


def _problem(r: httpx.Response, status: int, code: str) -> dict[str, object]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == PROBLEM
    body = r.json()
    assert body["code"] == code and body["status"] == status
    assert {"type", "title", "detail"} <= set(body)
    return dict(body)


def test_malformed_json(server: Live) -> None:
    with server.client(server.app_key) as c:
        r = c.post(
            "/v1/subjects/u1/read",
            content=b'{"categories": ["account"], "purpose": ',
            headers={"content-type": "application/json"},
        )
    _problem(r, 400, "malformed_json")


def test_unknown_and_missing_fields_are_named(server: Live) -> None:
    with server.client(server.app_key) as c:
        r = c.post(
            "/v1/subjects/u1/read",
            json={"categories": ["account"], "purpose": "service", "phone": SECRET_PHONE},
        )
        body = _problem(r, 422, "unknown_field")
        assert "phone" in str(body["detail"]) and SECRET_PHONE not in r.text
        r = c.post("/v1/subjects/u1/read", json={"categories": ["account"]})
        body = _problem(r, 422, "invalid_request")
        assert "purpose" in str(body["detail"])
        r = c.post(
            "/v1/subjects/u1/collect",
            json={"feature": "registration", "values": [SECRET_NAME]},
        )
        _problem(r, 422, "invalid_request")
        assert SECRET_NAME not in r.text


def test_wrong_content_types(server: Live) -> None:
    with server.client(server.app_key) as c:
        r = c.post(
            "/v1/subjects/u1/read",
            content=b"categories=account&purpose=service",
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
        _problem(r, 415, "unsupported_media_type")
        r = c.post("/v1/subjects/u1/read", content=b"{}", headers={"content-type": "text/plain"})
        _problem(r, 415, "unsupported_media_type")


def test_oversize_bodies(server: Live) -> None:
    big = b'{"categories": ["' + b"a" * (11 * 1024 * 1024) + b'"], "purpose": "service"}'
    with server.client(server.app_key) as c:
        r = c.post(
            "/v1/subjects/u1/read", content=big, headers={"content-type": "application/json"}
        )
        _problem(r, 413, "body_too_large")

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
            for _ in range(12):
                yield b" " * (1024 * 1024)

        r = c.post(
            "/v1/subjects/u1/read", content=chunks(), headers={"content-type": "application/json"}
        )
        _problem(r, 413, "body_too_large")


def test_unknown_routes_methods_and_names(server: Live) -> None:
    with server.client(server.app_key) as c:
        _problem(c.get("/v1/nothing-here"), 404, "not_found")
        _problem(c.get("/v1/subjects/u1/read"), 405, "method_not_allowed")
        r = c.post("/v1/subjects/u1/read", json={"categories": ["acount"], "purpose": "service"})
        body = _problem(r, 422, "unknown_category")
        assert "did you mean 'account'" in str(body["detail"])
        r = c.post("/v1/subjects/u1/read", json={"categories": ["account"], "purpose": "fun"})
        _problem(r, 422, "unknown_purpose")
        _problem(c.post("/v1/subjects/u1/consents/nope/grant"), 422, "unknown_consent_item")
        r = c.post(
            "/v1/subjects/" + "x" * 200 + "/collect",
            json={"feature": "registration", "values": {"account.nickname": SECRET_NAME}},
        )
        _problem(r, 400, "invalid_argument")
        r = c.post(
            "/v1/subjects/u1/collect",
            json={"feature": "voiceprint_login", "values": {"biometric.voiceprint": "raw"}},
        )
        _problem(r, 422, "invalid_value")


@pytest.mark.parametrize(
    "body",
    [
        b"null",
        b"[]",
        b'"text"',
        b'{"categories": null, "purpose": "service"}',
        b'{"categories": [1, 2], "purpose": "service"}',
        b'{"categories": ["account"], "purpose": {"a": 1}}',
        '{"categories": ["account"], "purpose": "\udcff"}'.encode("utf-8", "surrogatepass"),
        b"\xff\xfe\x00",
    ],
)
def test_odd_bodies_are_4xx_never_500(server: Live, body: bytes) -> None:
    with server.client(server.app_key) as c:
        r = c.post(
            "/v1/subjects/u1/read", content=body, headers={"content-type": "application/json"}
        )
    assert 400 <= r.status_code < 500, r.text
    assert r.headers["content-type"] == PROBLEM


def test_no_personal_value_in_errors_or_logs(
    server: Live, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with server.client(server.app_key) as c:
        bad = [
            c.post(
                "/v1/subjects/u1/collect",
                json={"feature": "registration", "values": {"account.phone": SECRET_NAME}},
            ),
            c.post(
                "/v1/subjects/u1/collect",
                json={"feature": "registration", "values": {"survey.phone": SECRET_PHONE}},
            ),
            c.post("/v1/find", json={"category": "survey.name", "value": SECRET_NAME}),
            c.post(
                "/v1/subjects/u1/correct",
                json={"category": "account.phone", "value": SECRET_PHONE + "0"},
            ),
        ]
        good = c.post(
            "/v1/subjects/u1/collect",
            json={"feature": "registration", "values": {"account.nickname": SECRET_NAME}},
        )
    assert good.status_code == 201
    for r in bad:
        assert 400 <= r.status_code < 500
        assert SECRET_NAME not in r.text and SECRET_PHONE not in r.text
    # Everything the server side logged (the test's own HTTP client logs its URLs).
    logged = "\n".join(
        f"{r.getMessage()} {r.exc_text or ''}"
        for r in caplog.records
        if not r.name.startswith(("httpx", "httpcore"))
    )
    assert "/v1/subjects/{subject}/collect" in logged  # route templates are logged…
    for secret in (SECRET_NAME, SECRET_PHONE, "/v1/subjects/u1/"):  # …never values or raw paths
        assert secret not in logged
