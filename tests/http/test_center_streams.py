"""The privacy center's stream pages: newest first, paginated, local times, masked values,
the activity chart, and deleting one record or clearing the history (CSRF-protected)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx

from pivault.http.center_stream_views import activity, utc_offset
from pivault.http.masks import masked
from tests.http.conftest import Live
from tests.http.test_events_api import SEARCH, ev, held

PAGE = f"/center/streams/{SEARCH}"


@contextmanager
def _browser(live: Live) -> Iterator[httpx.Client]:
    """A client with a live privacy-center session."""
    with httpx.Client(base_url=live.url, timeout=10) as b:
        assert b.get(live.link()).status_code == 200
        yield b


def _csrf(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m is not None
    return m.group(1)


def _times(html: str) -> list[str]:
    return re.findall(r'<tr data-event="\d+">\s*<td>([^<]+)</td>', html)


def _record_searches(live: Live, n: int) -> None:
    """``n`` searches, one an hour, the newest an hour before the clock's now."""
    now = live.clock.now
    live.vault.record(
        [
            ev(SEARCH, (now - timedelta(hours=n - i)).isoformat(), f"火锅 {i}", f"q{i}")
            for i in range(n)
        ],
        actor="app",
    )


def test_a_stream_page_newest_first_in_shanghai_time_with_a_chart(server: Live) -> None:
    server.vault.record([ev(SEARCH, "2026-11-01T07:00:00Z", "火锅 人民广场")], actor="app")
    server.vault.record([ev(SEARCH, "2026-10-31T16:30:00Z", "外滩")], actor="app")
    with _browser(server) as b:
        data = b.get("/center/data")
        assert "按时间记录的信息" in data.text and f'href="{PAGE}"' in data.text
        page = b.get(PAGE)
    assert page.status_code == 200
    html = page.text
    assert "<h1>搜索记录</h1>" in html
    assert _times(html) == ["2026-11-01 15:00:00", "2026-11-01 00:30:00"]  # UTC+8
    assert "Asia/Shanghai (UTC+08:00)" in html
    assert "火锅 人民广场" not in html and "外滩" not in html  # masked by default
    assert 'role="img"' in html and html.count('<rect class="bar"') == 30
    # Both are on 2026-11-01 in Shanghai (one was still 10-31 in UTC).
    assert 'data-day="2026-11-01" data-count="2"' in html
    assert "共 2 条，最多的一天 2 条" in html
    assert "<script" not in html
    assert "default-src 'none'" in page.headers["content-security-policy"]


def test_values_are_masked_where_personal_and_revealed_on_request(server: Live) -> None:
    server.vault.grant("u1", "communication_log", channel="app")
    server.vault.record(
        [
            ev("network.ip", "2026-11-01T07:00:00Z", "101.88.23.147"),
            ev("location.city", "2026-11-01T07:00:00Z", {"lat": 31.2304, "lon": 121.4737}),
            ev(
                "communication_log",
                "2026-11-01T07:00:00Z",
                {"counterpart": "wxid_a1b2c3", "duration_s": 63},
            ),
            ev(SEARCH, "2026-11-01T07:00:00Z", "火锅 人民广场"),
        ],
        actor="app",
    )
    with _browser(server) as b:
        ip = b.get("/center/streams/network.ip").text
        assert "101.88.*.*" in ip and "101.88.23.0" not in ip
        assert "31.2, 121.5" in b.get("/center/streams/location.city").text
        comm = b.get("/center/streams/communication_log").text
        assert "wxid_****c3 · 时长 1 分 3 秒" in comm and "wxid_a1b2c3" not in comm
        assert (
            "wxid_a1b2c3 · 时长 1 分 3 秒"
            in b.get("/center/streams/communication_log?reveal=1").text
        )
        assert "火锅 人民广场" in b.get(PAGE + "?reveal=1").text
        b.get("/center/lang", params={"to": "en"})
        assert "wxid_****c3 · 1 min 3 s" in b.get("/center/streams/communication_log").text
    assert masked({"counterpart": "wxid_a1", "duration_s": 3725}, "comm_session", "x", "en") == (
        "****_** · 1 h 2 min 5 s"  # too short to keep any of it
    )


def test_pages_of_fifty_and_the_time_zone_preference(server: Live) -> None:
    _record_searches(server, 120)
    with _browser(server) as b:
        first = b.get(PAGE).text
        assert len(_times(first)) == 50 and "第 1 页，共 3 页" in first
        assert _times(first)[0] == "2026-11-01 15:00:00"  # 07:00Z, the newest
        last = b.get(PAGE, params={"page": 3}).text
        assert len(_times(last)) == 20 and "第 3 页，共 3 页" in last
        assert len(_times(b.get(PAGE, params={"page": 99}).text)) == 20  # clamped
        r = b.get("/center/tz", params={"to": "Europe/London", "next": PAGE}, follow_redirects=True)
        assert _times(r.text)[0] == "2026-11-01 07:00:00"
        assert "Europe/London (UTC+00:00)" in r.text
        b.get("/center/tz", params={"to": "Mars/Olympus", "next": "https://evil/"})
        assert _times(b.get(PAGE).text)[0] == "2026-11-01 07:00:00"  # unchanged


def test_the_chart_counts_local_days_of_the_last_thirty() -> None:
    now = datetime(2026, 11, 1, 8, tzinfo=UTC)
    events = [
        {"at": "2026-10-02T15:59:00.000000Z"},  # 10-02 in Shanghai: before the window
        {"at": "2026-10-02T16:00:00.000000Z"},  # 10-03 00:00 in Shanghai: its first day
        {"at": "2026-11-01T00:00:00.000000Z"},
        {"at": "2026-11-01T01:00:00.000000Z"},
    ]
    bars = activity(events, ZoneInfo("Asia/Shanghai"), now)
    assert len(bars) == 30 and bars[0].day == "2026-10-03" and bars[-1].day == "2026-11-01"
    assert [(b.day, b.count) for b in bars if b.count] == [("2026-10-03", 1), ("2026-11-01", 2)]
    assert bars[-1].height == 60 and bars[0].height == 30 and bars[1].height == 0
    summer = datetime(2026, 7, 1, tzinfo=UTC)
    assert utc_offset(ZoneInfo("America/New_York"), summer) == "UTC-04:00"
    assert utc_offset(ZoneInfo("Asia/Kolkata"), summer) == "UTC+05:30"


def test_delete_one_record_and_clear_a_range_or_all(server: Live) -> None:
    _record_searches(server, 48)  # 2026-10-30 08:00Z … 2026-11-01 07:00Z
    with _browser(server) as b:
        html = b.get(PAGE).text
        csrf = _csrf(html)
        newest = re.findall(r'<tr data-event="(\d+)">', html)[0]
        r = b.post(f"{PAGE}/delete", data={"csrf": csrf, "event": newest})
        assert r.status_code == 303 and "done=deleted&n=1" in r.headers["location"]
        assert "已删除 1 条记录。" in b.get(r.headers["location"]).text
        assert len(held(server)) == 47
        # 2026-10-31 in Shanghai: 10-30 16:00Z to 10-31 16:00Z, 24 searches.
        form = {"csrf": csrf, "scope": "range", "since": "2026-10-31", "until": "2026-10-31"}
        r = b.post(f"{PAGE}/clear", data=form)
        assert "n=24" in r.headers["location"]
        assert len(held(server)) == 23
        for since, until in [
            ("2026-11-02", "2026-11-01"),
            ("0001-01-01", "0001-01-01"),
            ("9999-12-31", "9999-12-31"),
            ("2026-13-01", "2026-13-02"),
            ("yesterday", ""),
        ]:
            bad = {**form, "since": since, "until": until}
            r = b.post(f"{PAGE}/clear", data=bad)
            assert "done=invalid" in r.headers["location"], (since, until)
        assert "未删除" in b.get(r.headers["location"]).text
        assert b.post(f"{PAGE}/clear", data={"scope": "all"}).status_code == 422
        assert b.post(f"{PAGE}/clear", data={"csrf": csrf + "x", "scope": "all"}).status_code == 403
        assert len(held(server)) == 23
        r = b.post(f"{PAGE}/clear", data={"csrf": csrf, "scope": "all"})
        assert "n=23" in r.headers["location"]
        assert "没有记录。" in b.get(PAGE).text
        assert b.get("/center/streams/account.phone").status_code == 404
        assert b.post("/center/streams/account.phone/clear", data={"csrf": csrf}).status_code == 404
    assert held(server) == []
    deletes = [e for e in server.vault.audit_log("u1") if e.action == "delete"]
    assert [e.detail["events"] for e in deletes] == [1, 24, 23]
    assert {e.actor for e in deletes} == {"data-subject"}


def test_the_center_deletes_only_the_persons_own_records(server: Live) -> None:
    server.vault.record(
        [ev(SEARCH, "2026-10-01T00:00:00Z", "外滩", "x", subject="u2")], actor="app"
    )
    [theirs] = server.vault.events("u2", SEARCH, purpose="service", actor="app").events
    with _browser(server) as b:
        csrf = _csrf(b.get(PAGE).text)
        r = b.post(f"{PAGE}/delete", data={"csrf": csrf, "event": str(theirs.id)})
        assert "n=0" in r.headers["location"]
        assert b.post(f"{PAGE}/clear", data={"csrf": csrf, "scope": "all"}).status_code == 303
    assert held(server, subject="u2") == [("2026-10-01T00:00:00.000000Z", "外滩")]


def test_the_access_history_names_the_streams_recorded_and_cleared(server: Live) -> None:
    server.vault.record([ev(SEARCH, "2026-11-01T07:00:00Z", "火锅")], actor="app")
    with _browser(server) as b:
        csrf = _csrf(b.get(PAGE).text)
        b.post(f"{PAGE}/clear", data={"csrf": csrf, "scope": "all"})
        html = b.get("/center/history").text
    rows = re.findall(r"<tr class=\"[^\"]*\">(.*?)</tr>", html, re.S)
    recorded = [r for r in rows if "<td>记录</td>" in r]
    deleted = [r for r in rows if "<td>删除</td>" in r and "<td>您本人</td>" in r]
    assert recorded and "搜索记录" in recorded[0]
    assert deleted and "搜索记录" in deleted[0]
    assert "火锅" not in html
