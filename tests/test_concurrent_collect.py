"""Two OS processes collecting into one vault at the same time lose nothing and keep the
audit chain linear: every value readable, exact counts, ``verify_audit()`` OK.

The workers are separate processes (multiprocessing, 'spawn'), each with its own
``Vault`` on the same store, like two app servers sharing one database.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import time
from multiprocessing.synchronize import Barrier

import sqlalchemy as sa

from pivault.crypto.master_key import MasterKey
from pivault.service.vault import Vault
from pivault.store.engine import normalise_url
from pivault.store.schema import audit_log, consent_events, pi_values, subjects

WORKERS = 2
PEOPLE = 200  # per worker
ACTORS = [f"worker{w}" for w in range(WORKERS)]


def subject(worker: int, i: int) -> str:
    return f"w{worker}-person-{i:03d}"


def nickname(worker: int, i: int) -> str:
    return f"用户{worker}号{i}"


def phone(worker: int, i: int) -> str:
    return f"13{8 + worker}{i:08d}"  # 138…, 139…: valid mainland mobile prefixes


def _worker(
    url: str,
    secret: bytes,
    worker: int,
    barrier: Barrier,
    out: multiprocessing.Queue[tuple[int, float, float]],
) -> None:
    """One app server: register PEOPLE people, grant consents, as fast as it can."""
    vault = Vault(url, master_key=MasterKey(secret))
    try:
        barrier.wait(timeout=60)  # both processes start collecting together
        started = time.time()
        for i in range(PEOPLE):
            s = subject(worker, i)
            vault.collect(
                s,
                "registration",
                {"account.nickname": nickname(worker, i), "account.phone": phone(worker, i)},
                actor=ACTORS[worker],
            )
            if i % 2 == 0:
                vault.grant(s, "surveys", channel="app", evidence={"screen": "survey-invite"})
            if i % 5 == 0:
                vault.withdraw(s, "ads_recommendation")
        out.put((worker, started, time.time()))
    finally:
        vault.close()


def _run_concurrently(url: str, secret: bytes) -> list[tuple[int, float, float]]:
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(WORKERS)
    out: multiprocessing.Queue[tuple[int, float, float]] = ctx.Queue()
    procs = [
        ctx.Process(target=_worker, args=(url, secret, w, barrier, out), name=f"collector-{w}")
        for w in range(WORKERS)
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
    for p in procs:
        if p.is_alive():
            p.kill()
            p.join()
    assert [p.exitcode for p in procs] == [0] * WORKERS, (
        "a collector process failed (see its stderr)"
    )
    return sorted(out.get(timeout=5) for _ in range(WORKERS))


def test_two_processes_collect_into_one_vault(store_url: str) -> None:
    secret = os.urandom(32)
    setup = Vault(store_url, master_key=MasterKey(secret))
    for name in ACTORS:
        setup.add_actor(name, ["service", "security"])
    setup.add_actor("app", ["service"])
    setup.close()

    spans = _run_concurrently(store_url, secret)
    # The two workers really ran at the same time.
    (_, start0, end0), (_, start1, end1) = spans
    assert start0 < end1 and start1 < end0

    vault = Vault(store_url, master_key=MasterKey(secret))
    try:
        for w in range(WORKERS):
            for i in range(PEOPLE):
                got = vault.read(subject(w, i), ["account"], purpose="service", actor="app")
                assert got.values == {
                    "account.nickname": nickname(w, i),
                    "account.phone": "+86" + phone(w, i),
                }, subject(w, i)
                granted = {c.item: c.granted for c in vault.consents(subject(w, i))}
                assert granted["surveys"] is (i % 2 == 0)
                assert granted["ads_recommendation"] is (i % 5 != 0)
        assert vault.find("account.phone", phone(1, 123), actor="app") == [subject(1, 123)]

        report = vault.verify_audit()
        assert report.ok, report.problems
        registrations = len(ACTORS) + 1
        collects = WORKERS * PEOPLE
        grants = WORKERS * (PEOPLE // 2)
        withdrawals = WORKERS * (PEOPLE // 5)
        reads_and_finds = WORKERS * PEOPLE + 1
        assert report.entries == registrations + collects + grants + withdrawals + reads_and_finds

        entries = vault.audit_log()
        assert [e.index for e in entries] == list(range(len(entries)))
        collectors = [e.actor for e in entries if e.action == "collect"]
        assert sorted(set(collectors)) == ACTORS
        # Both writers are in one unbroken chain. How often they alternate is the
        # scheduler's business (SQLite may let one writer run ahead while the other
        # waits on the lock), so only their overlapping time spans are asserted above.
        switches = sum(1 for a, b in itertools.pairwise(collectors) if a != b)
        assert switches >= 1
    finally:
        vault.close()

    engine = sa.create_engine(normalise_url(store_url))
    try:
        with engine.connect() as conn:
            count = conn.execute(sa.select(sa.func.count()).select_from(pi_values)).scalar_one()
            people = conn.execute(sa.select(sa.func.count()).select_from(subjects)).scalar_one()
            ledger = conn.execute(
                sa.select(sa.func.count()).select_from(consent_events)
            ).scalar_one()
            seqs = conn.execute(sa.select(sa.func.count(sa.distinct(audit_log.c.idx)))).scalar_one()
    finally:
        engine.dispose()
    assert count == WORKERS * PEOPLE * 2
    assert people == WORKERS * PEOPLE
    assert ledger == grants + withdrawals
    assert seqs == report.entries
