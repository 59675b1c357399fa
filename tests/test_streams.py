"""Records over time (1.2): logs, locations and communication sessions as streams.

Ingest validates and minimises each event as its category says, refuses a bad batch
whole (every bad event named), stores a re-sent id once; reads decide like reads and
are one audit entry; retention is calendar arithmetic; erasure covers every event.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from pivault import PolicyError
from pivault.core.durations import parse_duration
from pivault.core.errors import EventBatchError
from pivault.core.policy_parse import parse_policy
from pivault.crypto.master_key import MasterKey
from pivault.service.policy_files import default_policy_text
from pivault.service.vault import Vault
from tests.conftest import FakeClock


def ev(
    category: str, value: Any, at: str = "2026-06-01T09:00:00+08:00", **kw: Any
) -> dict[str, Any]:
    return {"subject": "u1", "category": category, "at": at, "value": value, **kw}


@pytest.fixture
def streams(vault: Vault, clock: FakeClock) -> Vault:
    clock.now = datetime(2026, 6, 2, tzinfo=UTC)
    return vault


def stored_events(vault: Vault) -> int:
    engine = sa.create_engine(vault.store.engine.url)
    with engine.connect() as conn:
        n = int(conn.execute(sa.text("SELECT count(*) FROM pi_events")).scalar_one())
    engine.dispose()
    return n


def test_three_searches_are_three_records_newest_first(streams: Vault) -> None:
    streams.record(
        [
            ev("service_log.search_history", "咖啡", "2026-06-01T09:00:00+08:00"),
            ev("service_log.search_history", "火锅", "2026-06-01T12:00:00+08:00"),
            ev("service_log.search_history", "电影", "2026-06-01T20:00:00+08:00"),
        ],
        actor="app",
    )
    got = streams.events("u1", "service_log.search_history", purpose="service", actor="app")
    assert [e.value for e in got.events] == ["电影", "火锅", "咖啡"]
    assert got.events[0].at == "2026-06-01T12:00:00.000000Z"  # stored in UTC
    latest = streams.read("u1", ["service_log.search_history"], purpose="service", actor="app")
    assert latest.values == {"service_log.search_history": "电影"}
    two = streams.events(
        "u1",
        "service_log.search_history",
        purpose="service",
        actor="app",
        since=datetime(2026, 6, 1, 3, tzinfo=UTC),
        limit=1,
    )
    assert [e.value for e in two.events] == ["电影"]


def test_each_event_is_minimised_as_its_category_says(streams: Vault) -> None:
    streams.record(
        [
            ev("network.ip", "101.88.23.147"),
            ev("location.city", {"lat": 31.23041, "lon": 121.47370}),
            ev("device.id", "a1b2c3d4e5f60718"),
        ],
        actor="app",
    )
    ip = streams.events("u1", "network.ip", purpose="security", actor="app").events
    assert [e.value for e in ip] == ["101.88.23.0"]
    city = streams.events("u1", "location.city", purpose="service", actor="app").events
    assert city[0].value == {"lat": 31.2, "lon": 121.5}
    device = streams.events("u1", "device.id", purpose="service", actor="app").events
    assert device[0].value != "a1b2c3d4e5f60718"


@pytest.mark.parametrize(
    ("event", "reason"),
    [
        (ev("service_log.nope", "x"), "unknown category"),
        (ev("account.nickname", "小明"), "not a stream"),
        (ev("network.ip", "1.2.3.4", at="2026-06-01T09:00:00"), "no time zone"),
        (ev("network.ip", "1.2.3.4", at="2027-01-01T00:00:00Z"), "in the future"),
        (ev("network.ip", "1.2.3.4", at="2025-01-01T00:00:00Z"), "older than"),
        (ev("network.ip", "not an ip"), "invalid value"),
        (ev("communication_log", {"counterpart": "13812345678", "duration_s": 60}), "account id"),
        (
            ev(
                "communication_log",
                {
                    "counterpart": "我们明天在北京市朝阳区建国路88号见面，电话13812345678",
                    "duration_s": 1,
                },
            ),
            "account id",
        ),
        (
            ev("communication_log", {"counterpart": "wxid_a1", "duration_s": 1, "text": "hi"}),
            "content",
        ),
        (ev("location.precise.device", {"lat": 31.2, "lon": 121.4}), "needs consent"),
        ({"subject": "u1", "category": "network.ip"}, "missing"),
    ],
    ids=[
        "unknown category",
        "not a stream",
        "no zone",
        "future",
        "past retention",
        "wrong type",
        "phone as counterpart",
        "message content as counterpart",
        "extra field",
        "sensitive without consent",
        "missing keys",
    ],
)
def test_a_bad_event_refuses_the_whole_batch_naming_it(
    streams: Vault, event: dict[str, Any], reason: str
) -> None:
    good = ev("service_log.search_history", "咖啡")
    with pytest.raises(EventBatchError) as info:
        streams.record([good, good, event], actor="app")
    assert [i for i, _ in info.value.problems] == [2]
    assert reason in info.value.problems[0][1]
    assert stored_events(streams) == 0
    assert "13812345678" not in str(info.value) and "建国路" not in str(info.value)


def test_a_batch_over_the_limit_is_refused(streams: Vault) -> None:
    with pytest.raises(EventBatchError, match="at most 10000"):
        streams.record((ev("network.ip", "1.2.3.4") for _ in range(10_001)), actor="app")
    assert stored_events(streams) == 0


def test_a_resent_id_is_stored_once_and_other_content_under_it_is_refused(streams: Vault) -> None:
    first = ev("service_log.search_history", "咖啡", id="evt-1")
    assert streams.record([first, first], actor="app").stored == 1
    again = streams.record([first], actor="app")
    assert again.stored == 0 and again.duplicates == 1
    with pytest.raises(EventBatchError, match="other content"):
        streams.record([ev("service_log.search_history", "火锅", id="evt-1")], actor="app")
    assert stored_events(streams) == 1


def test_sensitive_streams_need_separate_consent_and_sessions_keep_no_content(
    streams: Vault,
) -> None:
    streams.grant("u1", "location.precise")
    streams.record(
        [ev("location.precise.device", {"lat": 31.230416, "lon": 121.473701})], actor="app"
    )
    streams.grant("u1", "communication_log")
    streams.record(
        [ev("communication_log", {"counterpart": "wxid_a1b2", "duration_s": 63})], actor="app"
    )
    sessions = streams.events("u1", "communication_log", purpose="service", actor="app").events
    assert sessions[0].value == {"counterpart": "wxid_a1b2", "duration_s": 63}


def test_reads_decide_like_reads_and_are_one_audit_entry(streams: Vault) -> None:
    streams.record([ev("network.ip", "1.2.3.4"), ev("network.ip", "5.6.7.8")], actor="app")
    before = len(streams.audit_log("u1"))
    denied = streams.events("u1", "network.ip", purpose="ads_recommendation", actor="ads")
    assert denied.events == [] and denied.denied is not None
    assert denied.denied.reason.value == "not_permitted_by_policy"
    streams.events("u1", "network.ip", purpose="security", actor="app")
    entries = streams.audit_log("u1")[before:]
    assert [e.action for e in entries] == ["read", "read"]
    assert entries[1].detail["events"] == 2 and entries[0].detail["denied"]


def test_retention_is_calendar_arithmetic_and_the_security_log_keeps_six_months(
    vault: Vault, clock: FakeClock
) -> None:
    clock.now = datetime(2026, 1, 1, 12, tzinfo=UTC)
    vault.record([ev("network.ip", "1.2.3.4", at="2026-01-01T00:00:00Z")], actor="app")
    clock.now = datetime(2026, 6, 30, 23, tzinfo=UTC)  # 180 days later: still kept (P6M)
    assert vault.purge_expired() == {}
    clock.now = datetime(2026, 7, 1, 0, 0, 1, tzinfo=UTC)
    assert vault.purge_expired() == {"network.ip": 1}
    assert vault.events("u1", "network.ip", purpose="security", actor="app").events == []
    sec = vault.policy.categories["security_log"]
    assert sec.retention is not None and sec.legal_minimum is not None
    assert sec.retention.iso == "P6M" and sec.legal_minimum.iso == "P6M"


@pytest.mark.parametrize(
    ("iso", "at", "before"),
    [
        ("P6M", datetime(2026, 7, 1), datetime(2026, 1, 1)),
        ("P6M", datetime(2026, 8, 31), datetime(2026, 2, 28)),
        ("P6M", datetime(2024, 8, 31), datetime(2024, 2, 29)),
        ("P1Y", datetime(2025, 2, 28), datetime(2024, 2, 28)),
        ("P30D", datetime(2026, 3, 1), datetime(2026, 1, 30)),
        ("P1M2DT3H", datetime(2026, 3, 3, 3), datetime(2026, 2, 1)),
    ],
)
def test_durations_move_the_calendar(iso: str, at: datetime, before: datetime) -> None:
    duration = parse_duration(iso)
    assert duration is not None and duration.before(at) == before


def test_a_retention_shorter_than_the_legal_minimum_is_refused() -> None:
    text = default_policy_text().replace(
        '    clauses: ["1.2.1(3)"]\n    source: observed\n    kind: stream\n    retention: P6M',
        '    clauses: ["1.2.1(3)"]\n    source: observed\n    kind: stream\n    retention: P180D',
    )
    with pytest.raises(PolicyError, match="shorter than the legal minimum P6M"):
        parse_policy(text, "policy.yaml")


def test_export_covers_every_stream_and_people_delete_events_or_ranges(streams: Vault) -> None:
    streams.record(
        [
            ev("service_log.search_history", "咖啡", "2026-06-01T09:00:00+08:00"),
            ev("service_log.search_history", "火锅", "2026-06-01T12:00:00+08:00"),
            ev("service_log.search_history", "电影", "2026-06-01T20:00:00+08:00"),
        ],
        actor="app",
    )
    exported = streams.export("u1")["streams"]["service_log.search_history"]["events"]
    assert [e["value"] for e in exported] == ["咖啡", "火锅", "电影"]
    assert streams.delete_events("u1", "service_log.search_history", ids=[exported[1]["id"]]) == 1
    cleared = streams.delete_events(
        "u1", "service_log.search_history", since=datetime(2026, 6, 1, 10, tzinfo=UTC)
    )
    assert cleared == 1
    left = streams.events("u1", "service_log.search_history", purpose="service", actor="app")
    assert [e.value for e in left.events] == ["咖啡"]


def test_erasure_destroys_every_event(streams: Vault) -> None:
    streams.record(
        [ev("service_log.search_history", "咖啡"), ev("network.ip", "1.2.3.4")], actor="app"
    )
    assert streams.erase("u1") == 2
    assert stored_events(streams) == 0


def test_the_retention_job_runs_in_one_worker_at_a_time(
    store_url: str, master_key: MasterKey, clock: FakeClock
) -> None:
    workers = [Vault(store_url, master_key=master_key, clock=clock) for _ in range(3)]
    try:
        runs = [w.purge_if_due(3600) for w in workers]
        assert sum(r is not None for r in runs) == 1
        clock.advance(hours=2)
        assert sum(w.purge_if_due(3600) is not None for w in workers) == 1
    finally:
        for w in workers:
            w.close()


def test_values_of_categories_now_streams_become_their_first_events(
    tmp_path: Any, master_key: MasterKey
) -> None:
    url = f"sqlite:///{tmp_path / 'v.db'}"
    as_values = parse_policy(default_policy_text().replace("    kind: stream\n", ""), "old.yaml")
    with Vault(url, master_key=master_key, policy=as_values) as old:
        old.add_actor("app", ["service", "security"])
        old.collect(
            "u1",
            "service_logging",
            {
                "device.model": "HUAWEI Mate 60",
                "device.os_version": "HarmonyOS 4.2",
                "software.app_version": "8.9.1",
                "network.ip": "101.88.23.147",
            },
            actor="app",
        )
    with Vault(url, master_key=master_key) as new:
        ips = new.events("u1", "network.ip", purpose="security", actor="app").events
        assert [e.value for e in ips] == ["101.88.23.0"]
        assert new.read("u1", ["device.model"], purpose="service", actor="app").values == {
            "device.model": "HUAWEI Mate 60"
        }
        assert new.verify_audit().ok


def test_events_span_monthly_partitions_and_old_months_are_dropped(
    pg_url: str, master_key: MasterKey, clock: FakeClock
) -> None:
    clock.now = datetime(2026, 3, 15, tzinfo=UTC)
    with Vault(pg_url, master_key=master_key, clock=clock) as vault:
        vault.add_actor("app", ["service", "security"])
        vault.record(
            [ev("network.ip", "1.2.3.4", at=f"2026-{m:02d}-10T00:00:00Z") for m in (1, 2, 3)],
            actor="app",
        )
        engine = sa.create_engine(pg_url)
        parts = "SELECT count(*) FROM pg_inherits WHERE inhparent = 'pi_events'::regclass"
        with engine.connect() as conn:
            assert conn.execute(sa.text(parts)).scalar_one() == 3
        clock.now = datetime(2026, 8, 20, tzinfo=UTC)  # P6M: the cutoff is 20 February
        assert vault.purge_expired() == {"network.ip": 2}
        with engine.connect() as conn:  # January dropped whole; February's event deleted
            assert conn.execute(sa.text(parts)).scalar_one() == 2
        engine.dispose()
        left = vault.events("u1", "network.ip", purpose="security", actor="app").events
        assert [e.at[:7] for e in left] == ["2026-03"]


def test_times_past_the_calendar_and_unknown_names_get_clear_errors(streams: Vault) -> None:
    far = ev("network.ip", "1.2.3.4", at="9999-12-31T23:59:59-14:00")
    with pytest.raises(EventBatchError, match="outside the years"):
        streams.record([far], actor="app")
    with pytest.raises(EventBatchError) as info:
        streams.record([ev("service_log.nope", "x")], actor="app")
    assert "valid categories" in info.value.problems[0][1]
    assert "categorys" not in str(info.value)


def test_a_refusal_names_every_bad_event_of_the_batch_at_once(streams: Vault) -> None:
    streams.record([ev("service_log.search_history", "咖啡", id="evt-1")], actor="app")
    batch = [
        ev("network.ip", "not an ip"),
        ev("location.precise.device", {"lat": 31.2, "lon": 121.4}),  # needs consent
        ev("service_log.search_history", "火锅", id="evt-1"),  # other content, same id
        ev("service_log.search_history", "电影"),
    ]
    with pytest.raises(EventBatchError) as info:
        streams.record(batch, actor="app")
    assert [i for i, _ in info.value.problems] == [0, 1, 2]
