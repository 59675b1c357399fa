"""The Merkle audit log: integration rate, verification and proofs at scale, and reads
with several threads against plain selects of the same rows.

Run alone: ``python -m bench.audit_bench`` (prints its Markdown section).
"""

from __future__ import annotations

import json
import random
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import sqlalchemy as sa

from bench.common import pg_problem, pg_url, rate, section_header, sqlite_url
from pivault.crypto.master_key import MasterKey
from pivault.service.vault import Vault
from pivault.store.schema import audit_log

INTEGRATE_N = 200_000
VERIFY_N = 1_000_000
PROOFS = 2_000
THREADS = 8
READS_PER_THREAD = 150
ROUNDS = 5


def _fill_pending(vault: Vault, n: int) -> None:
    """``n`` pending entries shaped like real read entries (about 260 bytes each)."""
    detail = {"purpose": "service", "allowed": ["account.phone"], "not_collected": [], "denied": {}}
    tag = bytes(range(32))
    batch = []
    engine = vault.store.engine
    for i in range(n):
        at = f"2026-12-01T00:00:{i % 60:02d}.{i % 1_000_000:06d}Z"
        batch.append(vault.audit.row(at=at, actor="app", action="read", tag=tag, detail=detail))
        if len(batch) == 20_000:
            with engine.begin() as conn:
                conn.execute(audit_log.insert(), batch)
            batch = []
    if batch:
        with engine.begin() as conn:
            conn.execute(audit_log.insert(), batch)


def _open(url: str, witness: Path) -> Vault:
    return Vault(url, master_key=MasterKey.generate(), witness_dir=witness)


def integration_rate(url: str, witness: Path, n: int) -> float:
    with _open(url, witness) as vault:
        _fill_pending(vault, n)
        started = time.perf_counter()
        done = vault.audit.integrate()
        elapsed = time.perf_counter() - started
        assert done == n
    return n / elapsed


def verify_and_proofs(url: str, witness: Path, n: int) -> tuple[float, float, float, float]:
    """(integration s, verify s, proof p50 ms, proof p99 ms) at ``n`` entries."""
    with _open(url, witness) as vault:
        _fill_pending(vault, n)
        started = time.perf_counter()
        vault.audit.integrate()
        integrate_s = time.perf_counter() - started
        vault.audit.checkpoint()
        started = time.perf_counter()
        report = vault.audit.verify()
        verify_s = time.perf_counter() - started
        assert report.ok and report.entries == n, report.problems
        rng = random.Random(7)
        times = []
        for _ in range(PROOFS):
            index = rng.randrange(n)
            t0 = time.perf_counter()
            vault.audit.prove(index, n)
            times.append(time.perf_counter() - t0)
    times.sort()
    return (
        integrate_s,
        verify_s,
        1000 * statistics.median(times),
        1000 * times[int(0.99 * len(times))],
    )


def _threads(work: Callable[[int], None]) -> float:
    """Seconds for THREADS threads each calling ``work(thread)`` once."""
    barrier = threading.Barrier(THREADS + 1)
    threads = []
    for t in range(THREADS):

        def run(t: int = t) -> None:
            barrier.wait()
            work(t)

        threads.append(threading.Thread(target=run))
        threads[-1].start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def concurrent_reads(url: str, witness: Path) -> tuple[float, float, list[float]]:
    """(vault reads/s, plain selects/s, per-round ratios) with THREADS threads."""
    with _open(url, witness) as vault:
        vault.add_actor("app", ["service"])
        people = THREADS * 20
        for i in range(people):
            vault.collect(
                f"u{i}",
                "registration",
                {"account.nickname": f"用户{i}", "account.phone": f"138{i:08d}"},
                actor="app",
            )
        vault.audit.integrate()
        engine = sa.create_engine(vault.store.engine.url, pool_size=THREADS + 2)
        pi = sa.table(
            "pi_values", sa.column("subject"), sa.column("category"), sa.column("ciphertext")
        )
        query = sa.select(pi.c.category, pi.c.ciphertext).where(
            pi.c.subject == sa.bindparam("s"),
            pi.c.category.in_(["account.nickname", "account.phone"]),
        )

        def plain(t: int) -> None:
            # The same rows, selected in a transaction of their own.
            for k in range(READS_PER_THREAD):
                with engine.connect() as conn:
                    conn.execute(query, {"s": f"u{(t * 20 + k) % people}"}).all()
                    conn.rollback()

        def vault_read(t: int) -> None:
            for k in range(READS_PER_THREAD):
                vault.read(
                    f"u{(t * 20 + k) % people}",
                    ["account.nickname", "account.phone"],
                    purpose="service",
                    actor="app",
                )

        ratios, vault_rates, plain_rates = [], [], []
        for _ in range(ROUNDS):
            p = _threads(plain)
            v = _threads(vault_read)
            ratios.append(v / p)
            vault_rates.append(THREADS * READS_PER_THREAD / v)
            plain_rates.append(THREADS * READS_PER_THREAD / p)
        engine.dispose()
    return statistics.median(vault_rates), statistics.median(plain_rates), ratios


def main(progress: Callable[[str], None] = print) -> Iterator[str]:
    yield from section_header(
        "Audit log: Merkle integration, verification, proofs, concurrent reads"
    )
    yield (
        "Entries are shaped like real read entries (~260-byte leaves). Integration: pending "
        "entries → tree (contiguous indexes, tiles, size and root), batches of up to 4,096 per "
        "transaction. The read ratio is a vault read (decrypt, decide, audit entry, commit) "
        f"against a plain SQLAlchemy select of the same rows (no audit, no commit), "
        f"{THREADS} threads × {READS_PER_THREAD} reads, {ROUNDS} interleaved rounds, median."
    )
    yield ""
    yield "| measure | SQLite | PostgreSQL | target |"
    yield "|---|---|---|---|"
    stores: list[tuple[str, Callable[[], object]]] = [("SQLite", sqlite_url)]
    pg = pg_problem()
    if pg is None:
        stores.append(("PostgreSQL", pg_url))
    results: dict[str, dict[str, str]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        witness = Path(tmp)
        for name, make in stores:
            row = results.setdefault(name, {})
            progress(f"audit: integration rate on {name}")
            with make() as url:  # type: ignore[attr-defined]
                row["integrate"] = rate(1, 1 / integration_rate(url, witness, INTEGRATE_N))
            progress(f"audit: {THREADS}-thread reads on {name}")
            with make() as url:  # type: ignore[attr-defined]
                v, p, ratios = concurrent_reads(url, witness)
                row["reads"] = (
                    f"{statistics.median(ratios):.2f}× ({v:,.0f} vs {p:,.0f}/s; rounds "
                    f"{min(ratios):.2f}–{max(ratios):.2f})"
                )
        progress(f"audit: verify and proofs at {VERIFY_N:,} entries (SQLite)")
        with sqlite_url() as url:
            integrate_s, verify_s, p50, p99 = verify_and_proofs(url, witness, VERIFY_N)

    def cells(key: str) -> str:
        sqlite = results["SQLite"][key]
        return f"{sqlite} | {results.get('PostgreSQL', {}).get(key, f'not run ({pg})')}"

    yield f"| integration, entries/s | {cells('integrate')} | ≥ 50,000 / ≥ 30,000 |"
    label = f"{THREADS} threads: vault read vs plain select of the same rows"
    yield f"| {label} | {cells('reads')} | ≤ 2.0× / ≤ 1.6× |"
    yield ""
    yield f"At {VERIFY_N:,} entries on SQLite: integrating them took {integrate_s:.1f} s; "
    yield (
        f"`audit verify` (recompute every leaf and node, compare every tile, size, root and "
        f"checkpoint) **{verify_s:.1f} s** (target < 10 s); an inclusion proof from the tiles "
        f"p50 {p50:.2f} ms, **p99 {p99:.2f} ms** over {PROOFS:,} random indexes (target < 5 ms)."
    )
    yield ""


if __name__ == "__main__":
    for line in main(lambda m: print(f"[bench] {m}", flush=True)):
        print(line)
    print(json.dumps({"done": True}))
