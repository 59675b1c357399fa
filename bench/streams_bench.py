"""Streams (records over time): ingest, reading the latest events, purging expired months.

- ingest: ``vault.record`` in batches of 500 (validation, minimisation, sealing, one audit
  entry per person) against a plain SQLAlchemy Core ``executemany`` of the same rows in the
  clear, interleaved rounds, median ratio;
- read: the latest 100 events of one stream (decided, decrypted, one audit entry) against a
  plain select of the same 100 rows;
- purge: 1,000,000 expired events on PostgreSQL (whole months dropped).

Run alone: ``python -m bench.streams_bench``.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from bench.common import pg_problem, pg_url, section_header, sqlite_url
from pivault.crypto.master_key import MasterKey
from pivault.service.vault import Vault

BATCH = 500
BATCHES = 20
ROUNDS = 5
PURGE_N = 1_000_000
NOW = datetime(2026, 6, 20, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def _events(round_: int, batch: int) -> list[dict[str, Any]]:
    base = NOW - timedelta(days=10)
    return [
        {
            "subject": f"u{i % 50}",
            "category": "service_log.search_history" if i % 2 else "network.ip",
            "at": (base + timedelta(seconds=round_ * 20_000 + batch * BATCH + i)).isoformat(),
            "value": f"搜索 {i} 火锅" if i % 2 else f"101.88.{i % 250}.{(i * 7) % 250}",
        }
        for i in range(BATCH)
    ]


def _plain_table(engine: sa.Engine) -> sa.Table:
    meta = sa.MetaData()
    table = sa.Table(
        "plain_events",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("subject", sa.String(128)),
        sa.Column("category", sa.String(128)),
        sa.Column("at", sa.String(32)),
        sa.Column("value", sa.Text),
        sa.Index("ix_plain_events", "subject", "category", "at"),
    )
    meta.create_all(engine)
    return table


def ingest(url: str) -> tuple[float, float, list[float]]:
    """(vault events/s, plain events/s, per-round ratios)."""
    clock = Clock()
    with Vault(url, master_key=MasterKey.generate(), clock=clock, witness_dir=None) as vault:
        vault.add_actor("app", ["service", "security"])
        engine = sa.create_engine(vault.store.engine.url)
        plain = _plain_table(engine)
        ratios, vault_rates, plain_rates = [], [], []
        for r in range(ROUNDS):
            batches = [_events(r, b) for b in range(BATCHES)]
            started = time.perf_counter()
            for events in batches:
                with engine.begin() as conn:
                    conn.execute(
                        plain.insert(),
                        [
                            {k: str(e[k]) for k in ("subject", "category", "at", "value")}
                            for e in events
                        ],
                    )
            p = time.perf_counter() - started
            started = time.perf_counter()
            for events in batches:
                vault.record(events, actor="app")
            v = time.perf_counter() - started
            n = BATCH * BATCHES
            ratios.append(v / p)
            vault_rates.append(n / v)
            plain_rates.append(n / p)
        engine.dispose()
    return statistics.median(vault_rates), statistics.median(plain_rates), ratios


def read_latest(url: str) -> tuple[float, float, list[float]]:
    """(vault ms, plain ms, ratios) for the latest 100 events of one stream."""
    clock = Clock()
    with Vault(url, master_key=MasterKey.generate(), clock=clock, witness_dir=None) as vault:
        vault.add_actor("app", ["service", "security"])
        for b in range(10):
            vault.record(_events(0, b), actor="app")
        engine = sa.create_engine(vault.store.engine.url)
        pi = sa.table(
            "pi_events", *(sa.column(c) for c in ("subject", "category", "at", "ciphertext", "id"))
        )
        query = (
            sa.select(pi.c.at, pi.c.ciphertext)
            .where(pi.c.subject == "u1", pi.c.category == "service_log.search_history")
            .order_by(pi.c.at.desc())
            .limit(100)
        )
        ratios, vault_ms, plain_ms = [], [], []
        for _ in range(ROUNDS):
            started = time.perf_counter()
            for _ in range(100):
                with engine.connect() as conn:
                    conn.execute(query).all()
            p = (time.perf_counter() - started) / 100
            started = time.perf_counter()
            for _ in range(100):
                got = vault.events(
                    "u1", "service_log.search_history", purpose="service", actor="app"
                )
            v = (time.perf_counter() - started) / 100
            assert len(got.events) == 100
            ratios.append(v / p)
            vault_ms.append(1000 * v)
            plain_ms.append(1000 * p)
        engine.dispose()
    return statistics.median(vault_ms), statistics.median(plain_ms), ratios


def purge_pg(url: str) -> tuple[float, int]:
    """(seconds, events purged) for PURGE_N expired events spread over old months."""
    clock = Clock()
    with Vault(url, master_key=MasterKey.generate(), clock=clock, witness_dir=None) as vault:
        vault.add_actor("app", ["service", "security"])
        template = vault.record(_events(0, 0)[:1], actor="app")
        assert template.stored == 1
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            # Copy the sealed event a million times over three old months (the content does
            # not matter to a purge); partitions for each month first.
            for month in ("2025-10", "2025-11"):
                vault.store.prepare_event_months(conn, {month})
            conn.execute(
                sa.text(
                    "INSERT INTO pi_events (subject, category, at, record_id, event_id, digest, "
                    "ciphertext, actor, collected_at, policy_version) "
                    "SELECT 'u' || (g % 1000), e.category, "
                    "to_char(timestamp '2025-10-01' + (g * interval '5 seconds'), "
                    '\'YYYY-MM-DD"T"HH24:MI:SS.US"Z"\'), e.record_id, NULL, e.digest, '
                    "e.ciphertext, e.actor, e.collected_at, e.policy_version "
                    "FROM pi_events e, generate_series(1, :n) g LIMIT :n"
                ),
                {"n": PURGE_N - 1},
            )
        engine.dispose()
        clock.now = NOW + timedelta(days=30)  # P6M cutoff: 20 January 2026
        started = time.perf_counter()
        purged = vault.purge_expired()
        elapsed = time.perf_counter() - started
    return elapsed, sum(purged.values())


def main(progress: Callable[[str], None] = print) -> Iterator[str]:
    yield from section_header("Streams: ingest, latest events, purge")
    yield (
        f"Ingest: batches of {BATCH} events (half search history, half IP addresses; 50 "
        "people), validated, minimised, sealed, one audit entry per person and batch, against "
        "a plain SQLAlchemy Core executemany of the same rows in the clear; "
        f"{BATCHES} batches a round, {ROUNDS} interleaved rounds, median."
    )
    yield ""
    yield "| measure | SQLite | PostgreSQL | target |"
    yield "|---|---|---|---|"
    pg = pg_problem()
    cells: dict[str, list[str]] = {"ingest": [], "rate": [], "read": []}
    stores: list[tuple[str, Callable[[], Any]]] = [("SQLite", sqlite_url)]
    if pg is None:
        stores.append(("PostgreSQL", pg_url))
    for name, make in stores:
        progress(f"streams: ingest on {name}")
        with make() as url:
            v, p, ratios = ingest(url)
        cells["ingest"].append(
            f"{statistics.median(ratios):.2f}× ({min(ratios):.2f}–{max(ratios):.2f})"
        )
        cells["rate"].append(f"{v:,.0f} vs {p:,.0f}")
        progress(f"streams: latest 100 on {name}")
        with make() as url:
            vm, pm, ratios = read_latest(url)
        cells["read"].append(f"{statistics.median(ratios):.2f}× ({vm:.2f} vs {pm:.2f} ms)")
    for key in cells:
        while len(cells[key]) < 2:
            cells[key].append(f"not run ({pg})")
    yield f"| ingest vs plain executemany | {cells['ingest'][0]} | {cells['ingest'][1]} | ≤ 3× |"
    rates = f"{cells['rate'][0]} | {cells['rate'][1]}"
    yield f"| ingest events/s (vault vs plain) | {rates} | ≥ 20,000 on SQLite |"
    yield f"| latest 100 events vs plain select | {cells['read'][0]} | {cells['read'][1]} | ≤ 2× |"
    yield ""
    if pg is None:
        progress(f"streams: purge {PURGE_N:,} expired events on PostgreSQL")
        with pg_url() as url:
            seconds, n = purge_pg(url)
        yield (
            f"Purge on PostgreSQL: **{n:,} expired events in {seconds:.1f} s** (target < 10 s): "
            "whole months past every stream's cutoff are dropped as partitions, the rest deleted."
        )
        yield ""


if __name__ == "__main__":
    for line in main(lambda m: print(f"[bench] {m}", flush=True)):
        print(line)
