"""Records over time over HTTP: POST /v1/events (JSON and NDJSON), read, delete.

Real server, real vault: every refusal is checked against what the vault then holds.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.http.conftest import Live, _live

PROBLEM = "application/problem+json"
NDJSON = {"content-type": "application/x-ndjson"}
JSON = {"content-type": "application/json"}
SEARCH = "service_log.search_history"
SECRET_PHONE = "13912345678"


def ev(
    category: str, at: str, value: Any, event_id: str | None = None, subject: str = "u1"
) -> dict[str, Any]:
    out: dict[str, Any] = {"subject": subject, "category": category, "at": at, "value": value}
    if event_id is not None:
        out["id"] = event_id
    return out


def searches(n: int, day: int = 1, hour0: int = 0) -> list[dict[str, Any]]:
    """``n`` searches on 2026-10-``day``, a minute apart."""
    return [
        ev(
            SEARCH,
            f"2026-10-{day:02d}T{hour0 + i // 60:02d}:{i % 60:02d}:00Z",
            f"火锅 {i}",
            f"s{day}-{i}",
        )
        for i in range(n)
    ]


def held(live: Live, category: str = SEARCH, subject: str = "u1") -> list[Any]:
    result = live.vault.events(subject, category, purpose="service", actor="app", limit=10_000)
    return [(e.at, e.value) for e in result.events]


def problem(r: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == PROBLEM
    body = r.json()
    assert body["code"] == code and body["status"] == status
    return dict(body)


def test_ingest_a_json_array_of_realistic_streams(server: Live) -> None:
    server.vault.grant("u1", "communication_log", channel="app")
    batch = [
        ev(SEARCH, "2026-11-01T09:30:00+08:00", "火锅 人民广场", "q-1"),
        ev("network.ip", "2026-11-01T01:31:00Z", "101.88.23.147"),
        ev("location.city", "2026-11-01T01:32:00Z", {"lat": 31.2304, "lon": 121.4737}),
        ev(
            "communication_log",
            "2026-11-01T01:33:00Z",
            {"counterpart": "wxid_a1b2", "duration_s": 63},
        ),
        ev(SEARCH, "2026-11-01T01:34:00Z", "外滩 夜景", "q-2", subject="u2"),
    ]
    with server.client(server.app_key) as c:
        r = c.post("/v1/events", json=batch)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["stored"] == 5 and body["duplicates"] == 0
    assert body["transforms"] == {"network.ip": "truncate_ip", "location.city": "coarsen_location"}
    assert held(server) == [("2026-11-01T01:30:00.000000Z", "火锅 人民广场")]
    assert held(server, subject="u2") == [("2026-11-01T01:34:00.000000Z", "外滩 夜景")]
    assert held(server, "network.ip")[-1] == ("2026-11-01T01:31:00.000000Z", "101.88.23.0")
    assert held(server, "location.city") == [
        ("2026-11-01T01:32:00.000000Z", {"lat": 31.2, "lon": 121.5})
    ]
    assert held(server, "communication_log") == [
        ("2026-11-01T01:33:00.000000Z", {"counterpart": "wxid_a1b2", "duration_s": 63})
    ]


def test_ingest_ndjson_and_resent_ids_are_stored_once(server: Live) -> None:
    batch = searches(3)
    text = "\ufeff" + "\r\n".join(json.dumps(e, ensure_ascii=False) for e in batch) + "\n\n"
    with server.client(server.app_key) as c:
        r = c.post("/v1/events", content=text.encode(), headers=NDJSON)
        assert r.status_code == 201, r.text
        assert r.json()["stored"] == 3
        again = c.post("/v1/events", json=[*batch, *searches(1, day=2)])
    assert again.status_code == 201, again.text
    assert again.json() == {"stored": 1, "duplicates": 3, "transforms": {}}
    assert len(held(server)) == 4


def test_ndjson_problems_are_reported_by_line(server: Live) -> None:
    lines = [
        json.dumps(ev(SEARCH, "2026-10-01T00:00:00Z", "火锅")),
        "",
        json.dumps(ev("network.ip", "2026-10-01T00:00:00Z", 12)),
        '{"subject": "u1", "category": ',
        json.dumps(ev(SEARCH, "2026-10-01T00:00:00", "火锅")),
    ]
    with server.client(server.app_key) as c:
        r = c.post("/v1/events", content="\n".join(lines).encode(), headers=NDJSON)
        body = problem(r, 422, "invalid_events")
        assert body["errors"] == [{"line": 4, "reason": "not a valid JSON object"}]
        del lines[3]
        r = c.post("/v1/events", content="\n".join(lines).encode(), headers=NDJSON)
    body = problem(r, 422, "invalid_events")
    assert [e["line"] for e in body["errors"]] == [3, 4]
    assert "not an IPv4 or IPv6 address" in body["errors"][0]["reason"]
    assert "no time zone" in body["errors"][1]["reason"]
    assert held(server) == []


GOOD = ev(SEARCH, "2026-10-01T00:00:00Z", "火锅", "good-1")
BAD = {
    "unknown category": (ev("service_log.nope", "2026-10-01T00:00:00Z", "x"), "unknown category"),
    "not a stream": (ev("account.phone", "2026-10-01T00:00:00Z", SECRET_PHONE), "not a stream"),
    "no time zone": (ev(SEARCH, "2026-10-01T00:00:00", "火锅"), "no time zone"),
    "far future": (ev(SEARCH, "2027-06-01T00:00:00Z", "火锅"), "in the future"),
    "not a time": (ev(SEARCH, "yesterday", "火锅"), "not an ISO-8601 time"),
    "wrong type": (ev("network.ip", "2026-10-01T00:00:00Z", 12), "not an IPv4 or IPv6"),
    "too long": (ev(SEARCH, "2026-10-01T00:00:00Z", "搜" * 600), "invalid value"),
    "phone as counterpart": (
        ev(
            "communication_log",
            "2026-10-01T00:00:00Z",
            {"counterpart": SECRET_PHONE, "duration_s": 5},
        ),
        "counterpart looks like personal information",
    ),
    "unknown key": ({**GOOD, "id": "x-1", "content": SECRET_PHONE}, "unknown keys"),
    "not an object": ("火锅", "an event is an object"),
    "bad id": ({**GOOD, "id": ""}, "id must be"),
    "lone surrogate": (ev(SEARCH, "2026-10-01T00:00:00Z", "\udcff"), "not valid Unicode"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_bad_event_refuses_the_whole_batch(server: Live, name: str) -> None:
    server.vault.grant("u1", "communication_log", channel="app")
    bad, reason = BAD[name]
    body_bytes = json.dumps([GOOD, bad], ensure_ascii=False).encode("utf-8", "surrogatepass")
    with server.client(server.app_key) as c:
        r = c.post("/v1/events", content=body_bytes, headers=JSON)
    body = problem(r, 422, "invalid_events")
    assert [e["index"] for e in body["errors"]] == [1], body
    assert reason in body["errors"][0]["reason"]
    assert SECRET_PHONE not in r.text and "火锅" not in r.text
    assert held(server) == [] and held(server, "communication_log") == []


def test_a_resent_id_with_other_content_is_refused(server: Live) -> None:
    with server.client(server.app_key) as c:
        assert c.post("/v1/events", json=[GOOD]).status_code == 201
        changed = {**GOOD, "value": "麻辣烫"}
        r = c.post("/v1/events", json=[searches(1, day=3)[0], changed])
    body = problem(r, 422, "invalid_events")
    assert body["errors"] == [
        {"index": 1, "reason": "id 'good-1' was sent before with other content"}
    ]
    assert held(server) == [("2026-10-01T00:00:00.000000Z", "火锅")]


def test_a_batch_over_the_limit_names_it(server: Live) -> None:
    batch = [ev(SEARCH, "2026-10-01T00:00:00Z", "q")] * 10_001
    with server.client(server.app_key) as c:
        body = problem(c.post("/v1/events", json=batch), 413, "too_many_events")
        assert body["limit"] == 10_000 and "10000" in body["detail"]
        text = "\n".join(json.dumps(e) for e in batch)
        body = problem(
            c.post("/v1/events", content=text.encode(), headers=NDJSON), 413, "too_many_events"
        )
    assert held(server) == []


def test_malformed_bodies_are_4xx(server: Live) -> None:
    with server.client(server.app_key) as c:
        post = c.post
        problem(post("/v1/events", content=b"[{", headers=JSON), 400, "malformed_json")
        problem(post("/v1/events", json=GOOD), 422, "invalid_request")
        problem(post("/v1/events", content=b"[NaN]", headers=JSON), 400, "malformed_json")
        problem(post("/v1/events", content=b"\xff\xfe", headers=NDJSON), 400, "malformed_json")
        problem(
            post("/v1/events", content=b"[]", headers={"content-type": "text/csv"}),
            415,
            "unsupported_media_type",
        )
        problem(post("/v1/events", content=b"[" * 100_000, headers=JSON), 400, "malformed_json")
        assert post("/v1/events", json=[]).json()["stored"] == 0


def test_a_key_may_send_only_streams_of_its_purposes(server: Live) -> None:
    with server.client(server.ads_key) as c:
        r = c.post("/v1/events", json=[ev("network.ip", "2026-10-01T00:00:00Z", "1.2.3.4")])
    body = problem(r, 403, "actor_not_authorized")
    assert "network.ip" in body["detail"]
    assert len(held(server, "network.ip")) == 1  # the seed's only


@pytest.fixture
def small_limits(tmp_path: Path) -> Iterator[Live]:
    """A general body limit of 64 KiB and an events limit of 256 KiB."""
    url = f"sqlite:///{tmp_path / 'vault.db'}"
    yield from _live(url, tmp_path, max_body=64 * 1024, max_events_body=256 * 1024)


def test_events_have_their_own_body_limit(small_limits: Live) -> None:
    batch = searches(600)  # ~70 KiB: over the general limit, under the events limit
    assert 64 * 1024 < len(json.dumps(batch).encode()) < 256 * 1024
    with small_limits.client(small_limits.app_key) as c:
        r = c.post("/v1/events", json=batch)
        assert r.status_code == 201, r.text
        big = json.dumps(searches(2000, day=2)).encode()
        assert len(big) > 256 * 1024
        body = problem(c.post("/v1/events", content=big, headers=JSON), 413, "body_too_large")
        assert str(256 * 1024) in body["detail"]
        read = {"categories": ["account"], "purpose": "service", "pad": "x" * 70_000}
        problem(c.post("/v1/subjects/u1/read", json=read), 413, "body_too_large")
    assert len(held(small_limits)) == 600


def test_read_newest_first_with_since_until_and_limit(server: Live) -> None:
    server.vault.record(searches(5), actor="app")
    with server.client(server.app_key) as c:
        r = c.get(f"/v1/subjects/u1/events/{SEARCH}", params={"purpose": "service"})
        assert r.status_code == 200, r.text
        events = r.json()["events"]
        assert [e["value"] for e in events] == ["火锅 4", "火锅 3", "火锅 2", "火锅 1", "火锅 0"]
        assert "denied" not in r.json() and all(isinstance(e["id"], int) for e in events)
        r = c.get(
            f"/v1/subjects/u1/events/{SEARCH}",
            params={
                "purpose": "service",
                "since": "2026-10-01T08:01:00+08:00",
                "until": "2026-10-01T00:04:00Z",
                "limit": 2,
            },
        )
        assert [e["at"] for e in r.json()["events"]] == [
            "2026-10-01T00:03:00.000000Z",
            "2026-10-01T00:02:00.000000Z",
        ]
        params = {"purpose": "service", "since": "2026-10-01T00:00:00"}
        body = problem(
            c.get(f"/v1/subjects/u1/events/{SEARCH}", params=params), 400, "invalid_argument"
        )
        assert "since has no time zone" in body["detail"]
        params = {
            "purpose": "service",
            "since": "2026-10-02T00:00:00Z",
            "until": "2026-10-01T00:00:00Z",
        }
        problem(c.get(f"/v1/subjects/u1/events/{SEARCH}", params=params), 400, "invalid_argument")
        r = c.get(f"/v1/subjects/u1/events/{SEARCH}", params={"purpose": "service", "limit": 0})
        problem(r, 422, "invalid_request")
        problem(
            c.get("/v1/subjects/u1/events/account.phone", params={"purpose": "service"}),
            422,
            "unknown_category",
        )
        problem(
            c.get(f"/v1/subjects/u1/events/{SEARCH}", params={"purpose": "fun"}),
            422,
            "unknown_purpose",
        )
        problem(
            c.get(f"/v1/subjects/nobody/events/{SEARCH}", params={"purpose": "service"}),
            404,
            "unknown_subject",
        )


def test_a_denied_read_says_why(server: Live) -> None:
    with server.client(server.ads_key) as c:
        r = c.get("/v1/subjects/u1/events/network.ip", params={"purpose": "ads_recommendation"})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["events"] == []
        assert body["denied"]["reason"] == "not_permitted_by_policy"
        assert "ads_recommendation" in body["denied"]["message"]
        r = c.get("/v1/subjects/u1/events/network.ip", params={"purpose": "service"})
        problem(r, 403, "actor_not_authorized")
    history = server.vault.audit_log("u1")
    assert history[-1].detail["denied"] == {"network.ip": "not_permitted_by_policy"}


def test_delete_one_event_and_a_range(server: Live) -> None:
    server.vault.record(searches(5), actor="app")
    with server.client(server.app_key) as c:
        events = c.get(f"/v1/subjects/u1/events/{SEARCH}", params={"purpose": "service"}).json()[
            "events"
        ]
        newest = events[0]["id"]
        r = c.delete(f"/v1/subjects/u1/events/{SEARCH}/{newest}")
        assert r.status_code == 200 and r.json() == {"deleted": 1}
        problem(c.delete(f"/v1/subjects/u1/events/{SEARCH}/{newest}"), 404, "not_found")
        problem(c.delete(f"/v1/subjects/u1/events/network.ip/{events[1]['id']}"), 404, "not_found")
        problem(c.delete(f"/v1/subjects/u1/events/{SEARCH}/abc"), 422, "invalid_request")
        r = c.delete(
            f"/v1/subjects/u1/events/{SEARCH}",
            params={"since": "2026-10-01T00:01:00Z", "until": "2026-10-01T00:03:00Z"},
        )
        assert r.json() == {"deleted": 2}
        assert [v for _, v in held(server)] == ["火锅 3", "火锅 0"]
        r = c.delete(f"/v1/subjects/u1/events/{SEARCH}")
        assert r.json() == {"deleted": 2}
        problem(c.delete("/v1/subjects/u1/events/account.phone"), 422, "unknown_category")
    with server.client(server.ads_key) as c:
        problem(c.delete(f"/v1/subjects/u1/events/{SEARCH}"), 403, "actor_not_authorized")
    assert held(server) == []


def test_no_value_of_a_refused_batch_is_logged(
    server: Live, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    bad = BAD["phone as counterpart"][0]
    with server.client(server.app_key) as c:
        r = c.post("/v1/events", json=[bad, ev(SEARCH, "2026-10-01", SECRET_PHONE)])
    assert r.status_code == 422 and SECRET_PHONE not in r.text

    def logged() -> str:
        return "\n".join(
            rec.getMessage()
            for rec in caplog.records
            if not rec.name.startswith(("httpx", "httpcore"))
        )

    deadline = time.monotonic() + 5  # the access-log line is written after the response
    while "/v1/events" not in logged() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert "/v1/events" in logged() and SECRET_PHONE not in logged()


def test_the_routes_and_their_problems_are_in_openapi(server: Live) -> None:
    with server.client() as c:
        spec = c.get("/openapi.json").json()
    ingest = spec["paths"]["/v1/events"]["post"]
    assert set(ingest["requestBody"]["content"]) == {"application/json", "application/x-ndjson"}
    for status in ("401", "403", "413", "415", "422"):
        assert "application/problem+json" in ingest["responses"][status]["content"]
    read = spec["paths"]["/v1/subjects/{subject}/events/{category}"]
    assert {"get", "delete"} <= set(read)
    assert "delete" in spec["paths"]["/v1/subjects/{subject}/events/{category}/{event_id}"]


def test_ingest_read_and_delete_on_both_stores(any_server: Live) -> None:
    """SQLite and PostgreSQL (monthly partitions): a batch across two months."""
    batch = [*searches(3, day=1), ev(SEARCH, "2026-09-30T23:59:00Z", "九月", "sep")]
    text = "\n".join(json.dumps(e, ensure_ascii=False) for e in batch)
    with any_server.client(any_server.app_key) as c:
        r = c.post("/v1/events", content=text.encode(), headers=NDJSON)
        assert r.status_code == 201 and r.json()["stored"] == 4, r.text
        r = c.post("/v1/events", content=text.encode(), headers=NDJSON)
        assert r.json()["duplicates"] == 4
        url = f"/v1/subjects/u1/events/{SEARCH}"
        r = c.get(url, params={"purpose": "service", "until": "2026-10-01T00:00:00Z"})
        assert [e["value"] for e in r.json()["events"]] == ["九月"]
        oldest = r.json()["events"][0]["id"]
        assert c.delete(f"{url}/{oldest}").json() == {"deleted": 1}
        assert c.delete(url, params={"since": "2026-10-01T00:01:00Z"}).json() == {"deleted": 2}
    assert [v for _, v in held(any_server)] == ["火锅 0"]


def test_a_full_batch_over_the_general_body_limit_is_stored(server: Live) -> None:
    """10,000 events, ~13 MB: over the general 10 MB limit, under the events limit."""
    batch = [
        ev(SEARCH, f"2026-10-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:00Z", "搜" * 400, f"b{i}")
        for i in range(10_000)
    ]
    text = "\n".join(json.dumps(e, ensure_ascii=False) for e in batch).encode()
    assert len(text) > server.settings.max_body_bytes
    with server.client(server.app_key) as c:
        r = c.post("/v1/events", content=text, headers=NDJSON, timeout=60)
    assert r.status_code == 201, r.text
    assert r.json()["stored"] == 10_000
    assert len(held(server)) == 10_000


def test_a_person_deletes_only_their_own_events(server: Live) -> None:
    server.vault.record(
        [ev(SEARCH, "2026-10-01T00:00:00Z", "外滩", "other", subject="u2")], actor="app"
    )
    [theirs] = server.vault.events("u2", SEARCH, purpose="service", actor="app").events
    with server.client(server.app_key) as c:
        problem(c.delete(f"/v1/subjects/u1/events/{SEARCH}/{theirs.id}"), 404, "not_found")
        assert c.delete(f"/v1/subjects/u1/events/{SEARCH}").json() == {"deleted": 0}
    assert held(server, subject="u2") == [("2026-10-01T00:00:00.000000Z", "外滩")]


ODD_EVENTS = [
    None,
    1,
    [],
    {},
    {"subject": None, "category": SEARCH, "at": "2026-10-01T00:00:00Z", "value": "q"},
    {"subject": "u1", "category": ["a"], "at": "2026-10-01T00:00:00Z", "value": "q"},
    {"subject": "u1", "category": {"a": 1}, "at": "2026-10-01T00:00:00Z", "value": "q"},
    {"subject": "x" * 200, "category": SEARCH, "at": "2026-10-01T00:00:00Z", "value": "q"},
    ev(SEARCH, 1, "q"),  # type: ignore[arg-type]
    ev(SEARCH, None, "q"),  # type: ignore[arg-type]
    ev(SEARCH, "9999-12-31T23:59:59-14:00", "q"),
    ev(SEARCH, "0001-01-01T00:00:00+14:00", "q"),
    ev(SEARCH, "2026-10-01T00:00:00+99:00", "q"),
    ev(SEARCH, "2026-10-01T00:00:00Z", None),
    ev(SEARCH, "2026-10-01T00:00:00Z", {"q": 1}),
    ev(SEARCH, "2026-10-01T00:00:00Z", "q", 5),  # type: ignore[arg-type]
    ev("location.city", "2026-10-01T00:00:00Z", {"lat": 1e999, "lon": 0}),
    ev("location.city", "2026-10-01T00:00:00Z", {"lat": 91, "lon": 0}),
    ev("location.city", "2026-10-01T00:00:00Z", "31.2,121.4"),
    ev("communication_log", "2026-10-01T00:00:00Z", {"counterpart": "wxid_a", "duration_s": 1e999}),
    ev("communication_log", "2026-10-01T00:00:00Z", {"counterpart": "wxid_a", "duration_s": -1}),
    ev("communication_log", "2026-10-01T00:00:00Z", {"counterpart": "wxid_a", "content": "hi"}),
    ev("device.battery", "2026-10-01T00:00:00Z", "full"),
]


@pytest.mark.parametrize("index", range(len(ODD_EVENTS)))
def test_odd_events_are_4xx_never_500(server: Live, index: int) -> None:
    server.vault.grant("u1", "communication_log", channel="app")
    body = json.dumps([GOOD, ODD_EVENTS[index]])
    with server.client(server.app_key) as c:
        r = c.post("/v1/events", content=body.encode(), headers=JSON)
    assert 400 <= r.status_code < 500, r.text
    assert r.headers["content-type"] == PROBLEM
    assert held(server) == []


def test_times_out_of_range_in_queries_are_400(server: Live) -> None:
    with server.client(server.app_key) as c:
        url = f"/v1/subjects/u1/events/{SEARCH}"
        for since in ("9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00"):
            r = c.get(url, params={"purpose": "service", "since": since})
            assert "outside the years" in problem(r, 400, "invalid_argument")["detail"]
            problem(c.delete(url, params={"until": since}), 400, "invalid_argument")
