"""The service API against a real uvicorn server, on SQLite and PostgreSQL."""

from __future__ import annotations

import base64

from tests.http.conftest import TEMPLATE, Live

PROBLEM = "application/problem+json"


def test_collect_then_read_with_a_purpose(any_server: Live) -> None:
    with any_server.client(any_server.app_key) as c:
        r = c.post(
            "/v1/subjects/u2/collect",
            json={
                "feature": "registration",
                "values": {"account.nickname": "王芳", "account.phone": "139 0000 1111"},
            },
        )
        assert r.status_code == 201, r.text
        assert r.json()["stored"] == ["account.nickname", "account.phone"]
        r = c.post("/v1/subjects/u2/read", json={"categories": ["account"], "purpose": "service"})
        assert r.status_code == 200
        assert r.json()["values"] == {"account.nickname": "王芳", "account.phone": "+8613900001111"}


def test_binary_values_travel_as_base64(server: Live) -> None:
    with server.client(server.app_key) as c:
        r = c.post(
            "/v1/subjects/u1/read",
            json={"categories": ["biometric.voiceprint"], "purpose": "security"},
        )
    assert r.status_code == 200
    assert base64.b64decode(r.json()["values"]["biometric.voiceprint"]["base64"]) == TEMPLATE


def test_a_key_cannot_claim_another_services_purpose(any_server: Live) -> None:
    with any_server.client(any_server.ads_key) as c:
        r = c.post("/v1/subjects/u1/read", json={"categories": ["account"], "purpose": "service"})
    assert r.status_code == 403
    assert r.headers["content-type"] == PROBLEM
    body = r.json()
    assert body["code"] == body["reason"] == "actor_not_authorized"
    assert {"type", "title", "status", "detail"} <= set(body)


def test_policy_denials_carry_their_reason_codes(server: Live) -> None:
    with server.client(server.ads_key) as c:
        r = c.post(
            "/v1/subjects/u1/read",
            json={"categories": ["account.phone"], "purpose": "ads_recommendation"},
        )
    assert r.status_code == 200
    denied = r.json()["denied"]["account.phone"]
    assert denied["reason"] == "not_permitted_by_policy" and denied["allowed"] is False
    assert r.json()["values"] == {}


def test_withdrawal_takes_effect_on_the_next_read(server: Live) -> None:
    app, ads = server.client(server.app_key), server.client(server.ads_key)
    with app, ads:
        ads.post(
            "/v1/subjects/u1/collect",
            json={
                "feature": "personalised_ads_and_news",
                "values": {
                    "service_log.search_history": "跑步鞋",
                    "service_log.viewed_content": "马拉松训练计划",
                },
            },
        ).raise_for_status()
        read = {"categories": ["service_log.search_history"], "purpose": "ads_recommendation"}
        assert ads.post("/v1/subjects/u1/read", json=read).json()["values"]
        r = app.post("/v1/subjects/u1/consents/ads_recommendation/withdraw", json={})
        assert r.status_code == 200 and r.json()["granted"] is False
        denied = ads.post("/v1/subjects/u1/read", json=read).json()["denied"]
        assert denied["service_log.search_history"]["reason"] == "consent_missing"
        assert denied["service_log.search_history"]["consent_item"] == "ads_recommendation"
        features = {f["feature"]: f for f in app.get("/v1/subjects/u1/features").json()["features"]}
        assert features["personalised_ads_and_news"]["available"] is False
        assert features["registration"]["available"] is True
        r = app.post("/v1/subjects/u1/consents/ads_recommendation/grant")
        assert r.json()["granted"] is True
        assert ads.post("/v1/subjects/u1/read", json=read).json()["values"]


def test_batch_decide(server: Live) -> None:
    with server.client(server.app_key) as c:
        r = c.post(
            "/v1/decide",
            json={
                "requests": [
                    {"subject": "u1", "category": "account.phone", "purpose": "service"},
                    {"subject": "u1", "category": "survey.name", "purpose": "service"},
                    {"subject": "u1", "category": "location.city", "purpose": "personalisation"},
                ]
            },
        )
    assert r.status_code == 200
    reasons = [d["reason"] for d in r.json()["decisions"]]
    assert reasons == ["allowed", "not_permitted_by_policy", "allowed"]


def test_consents_export_correct_delete_find_erase(any_server: Live) -> None:
    with any_server.client(any_server.app_key) as c:
        states = {s["item"]: s for s in c.get("/v1/subjects/u1/consents").json()["consents"]}
        assert states["biometric.voiceprint"]["granted"] is True
        export = c.get("/v1/subjects/u1/export").json()
        assert export["format"] == "pivault-export-v1"
        assert {d["category"] for d in export["data"]} >= {"account.phone", "profile.avatar"}
        found = c.post("/v1/find", json={"category": "account.phone", "value": "13812345678"})
        assert found.json() == {"subjects": ["u1"]}
        r = c.post(
            "/v1/subjects/u1/correct", json={"category": "account.phone", "value": "13700002222"}
        )
        assert r.status_code == 200
        found = c.post("/v1/find", json={"category": "account.phone", "value": "13700002222"})
        assert found.json() == {"subjects": ["u1"]}
        r = c.post("/v1/subjects/u1/delete", json={"categories": ["device"]})
        assert r.json()["deleted"] == ["device.model", "device.os_version"]
        r = c.delete("/v1/subjects/u1")
        assert r.status_code == 200 and r.json()["erased"] is True
        r = c.post("/v1/subjects/u1/read", json={"categories": ["account"], "purpose": "service"})
        assert r.status_code == 410 and r.json()["code"] == "subject_erased"
        assert "u1" not in r.text  # the subject id is not echoed


def test_collection_refusals_are_problems(server: Live) -> None:
    with server.client(server.app_key) as c:
        r = c.post(
            "/v1/subjects/u1/collect",
            json={"feature": "registration", "values": {"survey.name": "张三"}},
        )
        assert r.status_code == 422 and r.json()["code"] == "undeclared_field"
        assert "张三" not in r.text
        r = c.post(
            "/v1/subjects/u9/collect",
            json={
                "feature": "voiceprint_login",
                "values": {"biometric.voiceprint": {"base64": base64.b64encode(TEMPLATE).decode()}},
            },
        )
        assert r.status_code == 409 and r.json()["consent_items"] == ["biometric.voiceprint"]
        r = c.post(
            "/v1/subjects/u1/collect",
            json={"feature": "registration", "values": {"account.phone": "12345"}},
        )
        assert r.status_code == 422 and r.json()["code"] == "invalid_value"
        assert "12345" not in r.text
        r = c.post(
            "/v1/subjects/nobody/read", json={"categories": ["account"], "purpose": "service"}
        )
        assert r.status_code == 404 and r.json()["code"] == "unknown_subject"
        assert "nobody" not in r.text


def test_policy_and_version(server: Live) -> None:
    with server.client(server.app_key) as c:
        version = c.get("/v1/policy/version").json()
        assert version["version"] == "2026.1" and version["known_versions"] == ["2026.1"]
        md = c.get("/v1/policy", params={"lang": "zh-CN"})
        assert md.status_code == 200 and "隐私" in md.text
        html = c.get("/v1/policy", params={"lang": "en", "format": "html"})
        assert html.headers["content-type"].startswith("text/html") and 'lang="en"' in html.text
        js = c.get("/v1/policy", params={"format": "json"}).json()
        assert "account.phone" in {c["key"] for c in js["categories"]}
        assert c.get("/v1/policy", params={"lang": "fr"}).status_code == 422


def test_health_metrics_and_openapi(server: Live) -> None:
    with server.client(server.app_key) as c:
        c.post("/v1/subjects/u1/read", json={"categories": ["account"], "purpose": "service"})
        with server.client(server.ads_key) as ads:
            ads.post(
                "/v1/subjects/u1/read",
                json={"categories": ["account.phone"], "purpose": "ads_recommendation"},
            )
        assert c.get("/healthz").json()["status"] == "ok"
        metrics = c.get("/metrics").text
        assert (
            'pivault_decisions_total{outcome="allowed",purpose="service",reason="allowed"} 2.0'
            in (metrics)
        )
        assert 'outcome="denied",purpose="ads_recommendation",reason="not_permitted_by_policy"' in (
            metrics
        )
        assert 'route="/v1/subjects/{subject}/read"' in metrics
        assert "pivault_http_request_duration_seconds_bucket" in metrics
        assert "u1" not in metrics
        spec = c.get("/openapi.json").json()
        assert "/v1/subjects/{subject}/read" in spec["paths"]
        assert c.get("/docs").status_code == 200
