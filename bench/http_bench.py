"""HTTP benchmark: pivault over loopback, in-process calls, and a bare FastAPI yardstick.

Run from the repository root (``make bench`` runs it as one section of docs/benchmarks.md)::

    .venv-bench/bin/python -m bench.http_bench    # this section alone: rewrites it in place

A temporary SQLite vault, then a fresh PostgreSQL database, each with ``PEOPLE`` people.
``pivault serve --workers N`` runs in a subprocess; the load comes from other processes
(:mod:`bench.http_load`: httpx, one keep-alive connection per thread, bounded in time and
count). Rows: ``Vault.read`` / ``Vault.decide`` in a loop in this process, then the same
over HTTP. On PostgreSQL, the issue-8 comparison: pivault and a bare FastAPI app running
the same statements (:mod:`bench.http_bare`), both with 2 uvicorn workers and 16
connections, in alternating rounds; medians over the rounds. Server, database, load and
bench share the machine's cores, as they would on one small host.
"""

from __future__ import annotations

import json
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

import httpx
import sqlalchemy as sa

from bench import http_bare
from bench.common import pg_problem, pg_url, replace_section, section_header
from bench.http_load import LoadResult, machine_cpu, parent_pid, run_load, tree_cpu
from pivault.crypto.master_key import MasterKey
from pivault.service.clients import ApiClients
from pivault.service.vault import Vault

TITLE = "HTTP API: read and decide over loopback"
ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "benchmarks.md"
SECTION_COMMAND = ".venv-bench/bin/python -m bench.http_bench"

PEOPLE = 300
SECONDS = 5.0
WARMUP_SECONDS = 1.0
#: Load processes; each runs connections / LOAD_PROCESSES threads.
LOAD_PROCESSES = 2
#: Requests one round may send at most (the time bound usually ends it first).
MAX_REQUESTS = 50_000
#: Per store, the HTTP rows: (uvicorn workers, operation, connections).
SCENARIOS = {
    "sqlite": ((1, "read", 8), (2, "read", 8), (2, "read", 16), (2, "decide", 16)),
    "postgresql": ((1, "read", 16), (2, "decide", 16)),
}
READ_BODY_CATEGORIES = ["account.nickname", "account.phone"]
TARGET_RPS = 1000
TARGET_P99_MS = 25.0
#: Issue 8: PostgreSQL reads, 2 workers, 16 connections, against the bare app.
COMPARE_WORKERS = 2
COMPARE_CONNECTIONS = 16
COMPARE_ROUNDS = 5  # of each side, alternating: pivault, bare, pivault, bare, …
PG_TARGET_RPS = 800
PG_TARGET_P99_MS = 50.0
PG_TARGET_RATIO = 0.7


@dataclass
class Run:
    store: str
    op: str
    mode: str
    result: LoadResult
    #: CPU seconds over the round: the server's processes, the database backends, the
    #: whole machine (busy, total: every core, every user).
    server_cpu: float = 0.0
    db_cpu: float = 0.0
    machine: tuple[float, float] = (0.0, 0.0)
    #: Database sessions opened during the round (pool churn); NaN for SQLite.
    db_sessions: float = 0.0

    @property
    def rps(self) -> float:
        return self.result.rps

    def pct(self, q: float) -> float:
        return self.result.pct(q)

    def per_request_ms(self, cpu: float) -> float:
        return 1000 * cpu / self.result.count if self.result.count else float("nan")


def _subjects() -> list[str]:
    return [f"bench-{i:05d}" for i in range(PEOPLE)]


def _requests(op: str) -> list[tuple[str, bytes]]:
    out = []
    for subject in _subjects():
        if op == "read":
            path = f"/v1/subjects/{subject}/read"
            body: dict[str, object] = {"categories": READ_BODY_CATEGORIES, "purpose": "service"}
        else:
            path = "/v1/decide"
            body = {
                "requests": [
                    {"subject": subject, "category": "account.phone", "purpose": "service"}
                ]
            }
        out.append((path, json.dumps(body).encode()))
    return out


def _in_process(store: str, op: str, vault: Vault) -> Run:
    subjects = _subjects()
    rng = random.Random(7)
    call: Callable[[str], object]
    if op == "read":
        call = lambda s: vault.read(s, READ_BODY_CATEGORIES, purpose="service", actor="app")  # noqa: E731
    else:
        call = lambda s: vault.decide(s, "account.phone", "service", "app")  # noqa: E731
    latencies: list[float] = []
    started = time.perf_counter()
    stop = started + SECONDS
    while time.perf_counter() < stop:
        t0 = time.perf_counter()
        call(rng.choice(subjects))
        latencies.append(time.perf_counter() - t0)
    result = LoadResult(latencies, 0, time.perf_counter() - started)
    return Run(store, op, "in-process (1 thread)", result)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _serving(
    argv: Sequence[str], env: dict[str, str], port: int
) -> Iterator[subprocess.Popen[bytes]]:
    """``argv`` (a server on ``port``) running until the block ends; waits for /healthz."""
    proc = subprocess.Popen(
        [sys.executable, *argv],
        env={
            **env,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
        },
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError(f"{' '.join(argv[:3])} did not start")
            time.sleep(0.2)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def _pivault_argv(port: int, workers: int) -> list[str]:
    return ["-m", "pivault.cli.main", "serve", "--port", str(port), "--workers", str(workers)]


def _bare_argv(port: int, workers: int) -> list[str]:
    return ["-m", "bench.http_bare", "--port", str(port), "--workers", str(workers)]


class Loader:
    """The load processes, the database backends to account for, and one timed round."""

    def __init__(self, pool: ProcessPoolExecutor, db: PgProbe | NoProbe) -> None:
        self.pool = pool
        self.db = db

    def round(
        self,
        store: str,
        op: str,
        mode: str,
        server: subprocess.Popen[bytes],
        base: str,
        headers: dict[str, str],
        connections: int,
    ) -> Run:
        requests = _requests(op)
        # Warm-up: every connection opened, every worker's caches and statements ready.
        run_load(
            self.pool,
            LOAD_PROCESSES,
            base,
            headers,
            requests,
            connections,
            WARMUP_SECONDS,
            MAX_REQUESTS,
        )
        server0, db0, m0 = tree_cpu(server.pid), self.db.cpu(), machine_cpu()
        sessions0 = self.db.sessions()
        result = run_load(
            self.pool, LOAD_PROCESSES, base, headers, requests, connections, SECONDS, MAX_REQUESTS
        )
        m1 = machine_cpu()
        return Run(
            store,
            op,
            mode,
            result,
            server_cpu=tree_cpu(server.pid) - server0,
            db_cpu=self.db.cpu() - db0,
            machine=(m1[0] - m0[0], m1[1] - m0[1]),
            db_sessions=self.db.sessions() - sessions0,
        )


def _mode(workers: int, connections: int, who: str = "pivault") -> str:
    return f"{who}, {workers} worker{'s' * (workers > 1)}, {connections} connections"


class PgProbe:
    """The database server's CPU time (postmaster and every backend: other databases'
    too) and how many sessions the benchmark database has had."""

    def __init__(self, url: str) -> None:
        self.name = url.rsplit("/", 1)[1]
        self.admin = url.rsplit("/", 1)[0] + "/postgres"
        backend = self._query("SELECT pg_backend_pid()")[0]
        self.postmaster = parent_pid(backend)  # None when the server is on another host

    def _query(self, sql: str) -> list[int]:
        engine = sa.create_engine(self.admin, poolclass=sa.NullPool)
        try:
            with engine.connect() as conn:
                return [int(r[0]) for r in conn.execute(sa.text(sql), {"d": self.name})]
        finally:
            engine.dispose()

    def cpu(self) -> float:
        return 0.0 if self.postmaster is None else tree_cpu(self.postmaster)

    def sessions(self) -> int:
        found = self._query("SELECT sessions FROM pg_stat_database WHERE datname = :d")
        return found[0] if found else 0


class NoProbe:
    """SQLite: the database is the server process itself."""

    def cpu(self) -> float:
        return float("nan")

    def sessions(self) -> float:
        return float("nan")


def run_all(progress: Callable[[str], None]) -> tuple[list[Run], list[Run], list[str]]:
    runs: list[Run] = []
    compare: list[Run] = []
    skipped: list[str] = []
    with (
        tempfile.TemporaryDirectory(prefix="pivault-http-bench-") as tmp,
        ProcessPoolExecutor(LOAD_PROCESSES, mp_context=get_context("spawn")) as pool,
    ):
        folder = Path(tmp)
        key_file = folder / "keys" / "master.key"
        MasterKey.generate().write(key_file)
        (folder / "data").mkdir()
        env = {
            **os.environ,
            "PIVAULT_MASTER_KEY_FILE": str(key_file),
            "PIVAULT_AUDIT_WITNESS_DIR": str(folder / "witness"),
        }
        url = f"sqlite:///{folder / 'data' / 'vault.db'}"
        runs += _run_store("sqlite", url, env, Loader(pool, NoProbe()), progress)[0]
        problem = pg_problem()
        if problem is None:
            with pg_url() as url:
                loader = Loader(pool, PgProbe(url))
                pg_runs, api_key = _run_store("postgresql", url, env, loader, progress)
                runs += pg_runs
                compare = _compare(url, env, api_key, loader, progress)
        else:
            skipped.append(f"PostgreSQL skipped: the server is unreachable ({problem}).")
            progress(skipped[-1])
    return runs, compare, skipped


def _prepare(url: str, key_file: Path) -> str:
    """People with two values each; returns the API key of client ``app``."""
    with Vault(url, master_key=MasterKey.from_file(key_file), witness_dir=None) as vault:
        key = ApiClients(vault.context).add("app", ["service", "security"]).key
        for s in _subjects():
            vault.collect(
                s,
                "registration",
                {"account.nickname": "李雨桐", "account.phone": "13812345678"},
                actor="app",
            )
    return key


def _run_store(
    store: str, url: str, env: dict[str, str], loader: Loader, progress: Callable[[str], None]
) -> tuple[list[Run], str]:
    """The in-process rows and the HTTP rows of ``store``; and the API key of ``app``."""
    runs: list[Run] = []
    key_file = Path(env["PIVAULT_MASTER_KEY_FILE"])
    api_key = _prepare(url, key_file)
    with Vault(url, master_key=MasterKey.from_file(key_file), witness_dir=None) as vault:
        for op in ("read", "decide"):
            progress(f"http bench: {store}: {op} in-process")
            runs.append(_in_process(store, op, vault))
    env = {**env, "PIVAULT_VAULT_URL": url}
    headers = {"Authorization": f"Bearer {api_key}", "Content-Type": "application/json"}
    scenarios = SCENARIOS[store]
    for workers in sorted({w for w, _, _ in scenarios}):
        port = _free_port()
        with _serving(_pivault_argv(port, workers), env, port) as server:
            for _, op, connections in (s for s in scenarios if s[0] == workers):
                mode = _mode(workers, connections)
                progress(f"http bench: {store}: {op}, {mode}")
                base = f"http://127.0.0.1:{port}"
                runs.append(loader.round(store, op, mode, server, base, headers, connections))
    return runs, api_key


def _compare(
    url: str,
    env: dict[str, str],
    api_key: str,
    loader: Loader,
    progress: Callable[[str], None],
) -> list[Run]:
    """Issue 8: pivault vs the bare app, alternating rounds, both servers up throughout."""
    http_bare.create_tables(url)
    headers = {"Authorization": f"Bearer {api_key}", "Content-Type": "application/json"}
    env = {**env, "PIVAULT_VAULT_URL": url, http_bare.ENV_URL: url}
    w, n = COMPARE_WORKERS, COMPARE_CONNECTIONS
    vault_port, bare_port = _free_port(), _free_port()
    runs: list[Run] = []
    with (
        _serving(_pivault_argv(vault_port, w), env, vault_port) as vault_server,
        _serving(_bare_argv(bare_port, w), env, bare_port) as bare_server,
    ):
        sides = (
            ("pivault", vault_server, f"http://127.0.0.1:{vault_port}"),
            ("bare", bare_server, f"http://127.0.0.1:{bare_port}"),
        )
        for i in range(COMPARE_ROUNDS):
            for who, server, base in sides:
                progress(f"http bench: postgresql: read, {_mode(w, n, who)}, round {i + 1}")
                runs.append(loader.round("postgresql", "read", who, server, base, headers, n))
    return runs


# ---- the Markdown section --------------------------------------------------------------
@dataclass(frozen=True)
class Summary:
    """The figures of one row: one round, or the medians over several."""

    rps: float
    p50: float
    p99: float
    errors: int
    client_ms: float
    server_ms: float
    db_ms: float
    busy: float  # share of the machine's CPU time that was busy
    others: float  # share of it busy with processes other than the load, server and database
    sessions: float  # database sessions opened during the round

    @classmethod
    def of(cls, r: Run) -> Summary:
        busy, total = r.machine
        ours = r.result.client_cpu + r.server_cpu + (0.0 if math.isnan(r.db_cpu) else r.db_cpu)
        return cls(
            r.rps,
            r.pct(0.5),
            r.pct(0.99),
            r.result.errors,
            r.per_request_ms(r.result.client_cpu),
            r.per_request_ms(r.server_cpu),
            r.per_request_ms(r.db_cpu),
            busy / total if total else float("nan"),
            max(0.0, busy - ours) / total if total else float("nan"),
            r.db_sessions,
        )

    @classmethod
    def median(cls, runs: Sequence[Run]) -> Summary:
        each = [cls.of(r) for r in runs]

        def med(name: str) -> float:
            return float(statistics.median(float(getattr(s, name)) for s in each))

        return cls(
            med("rps"),
            med("p50"),
            med("p99"),
            sum(s.errors for s in each),
            med("client_ms"),
            med("server_ms"),
            med("db_ms"),
            med("busy"),
            med("others"),
            med("sessions"),
        )

    def cpu_cells(self) -> str:
        def cell(x: float, spec: str) -> str:
            return "–" if math.isnan(x) else format(x, spec)

        return (
            f"{self.client_ms:.2f} | {self.server_ms:.2f} | {cell(self.db_ms, '.2f')} | "
            f"{100 * self.busy:.0f}% ({100 * self.others:.0f}%) | {cell(self.sessions, '.0f')}"
        )


def report(runs: list[Run], compare: list[Run], skipped: list[str]) -> list[str]:
    cores = os.cpu_count()
    lines = [
        *section_header(TITLE),
        f"This section alone: `{SECTION_COMMAND}` (rewrites it in docs/benchmarks.md).",
        "",
        f"`pivault serve --workers N` (uvicorn, h11) on a temporary SQLite vault, then on a "
        f"fresh PostgreSQL database on 127.0.0.1, each with {PEOPLE} people. The load comes "
        f"from {LOAD_PROCESSES} other processes (`bench/http_load.py`): N connections in all, "
        "one thread and one keep-alive `httpx.Client` each, requests back to back (N in "
        f"flight), {SECONDS:.0f} s per row after a {WARMUP_SECONDS:.0f} s warm-up, at most "
        f"{MAX_REQUESTS:,} requests. Read = `POST /v1/subjects/{{s}}/read` of nickname and "
        "phone for purpose `service` (API-key lookup, decision, decrypt, audit entry); decide "
        "= `POST /v1/decide` with one triple (no value read, no audit entry). In-process = the "
        "same `Vault.read` / `Vault.decide` calls in a loop in the bench process. CPU columns: "
        "CPU time per request of the load processes, of the server (all its processes) and of "
        "the PostgreSQL server (all its processes, so other databases' queries too); how busy "
        "the whole machine was (all cores, every process), and "
        "in brackets the share taken by processes outside the benchmark (other users); "
        "database sessions opened during the row (connection-pool churn). Server, database, "
        f"load and bench share the machine's {cores} cores.",
        "",
        "| store | op | mode | requests/s | p50 ms | p99 ms | errors | client CPU ms/req | "
        "server CPU ms/req | db CPU ms/req | machine busy (others) | db sessions opened | "
        "target (reads) |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in runs:
        s = Summary.of(r)
        target = ""
        cpu = " | | | | "
        if r.mode.startswith("pivault"):
            cpu = s.cpu_cells()
            if r.op == "read" and r.store == "sqlite":
                ok = s.rps >= TARGET_RPS and s.p99 < TARGET_P99_MS
                target = f"≥ {TARGET_RPS:,}/s, p99 < {TARGET_P99_MS:.0f} ms {'✓' if ok else '✗'}"
        lines.append(
            f"| {r.store} | {r.op} | {r.mode} | {s.rps:,.0f} | {s.p50:.2f} | {s.p99:.2f} | "
            f"{s.errors} | {cpu} | {target} |"
        )
    for note in skipped:
        lines += ["", f"> {note}"]
    client = [Summary.of(r).client_ms for r in runs if r.mode.startswith("pivault")]
    if client:
        lines += [
            "",
            "Every HTTP row uses the same generator, httpx: its CPU per request (median "
            f"{statistics.median(client):.2f} ms here) comes out of the same cores as the "
            "server's, so these rates are lower than with a leaner client; runs before "
            "2026-12-01 used `http.client` and are not comparable with these.",
        ]
    if compare:
        lines += ["", *_compare_report(compare)]
    return [*lines, ""]


def _compare_report(compare: list[Run]) -> list[str]:
    vault = [r for r in compare if r.mode == "pivault"]
    bare = [r for r in compare if r.mode == "bare"]
    ratios = [v.rps / b.rps for v, b in zip(vault, bare, strict=True) if b.rps]
    w, n = COMPARE_WORKERS, COMPARE_CONNECTIONS
    lines = [
        f"### PostgreSQL reads, {w} workers, {n} connections: pivault vs a bare FastAPI app",
        "",
        f"Issue 8. The bare app (`bench/http_bare.py`) serves the same path and body with {w} "
        "uvicorn workers started the same way (pivault's `TcpConfig`); its plain `def` endpoint "
        "selects the person's two ciphertext rows from the same `pi_values` table, inserts one "
        "audit row (`leaf`, `subject_tag` bytes) into a table shaped like `audit_log` and "
        f"commits: SQLAlchemy Core on a pooled engine ({http_bare.POOL_SIZE} connections per "
        "worker, so it never opens one per request); no authentication, policy, "
        "decryption or Merkle log. Both servers stay up through the comparison; "
        f"{len(vault)} rounds each, alternating (pivault, bare, pivault, …), each "
        f"{SECONDS:.0f} s after a {WARMUP_SECONDS:.0f} s warm-up, the same load generator. "
        "Figures are medians over the rounds (p99: the median of the rounds' p99).",
        "",
        "| server | reads/s | p50 ms | p99 ms | errors | client CPU ms/req | server CPU ms/req | "
        "db CPU ms/req | machine busy (others) | db sessions opened | per-round reads/s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, side in (("pivault", vault), ("bare FastAPI", bare)):
        s = Summary.median(side)
        rounds = ", ".join(f"{r.rps:,.0f}" for r in side)
        lines.append(
            f"| {name} | **{s.rps:,.0f}** | {s.p50:.2f} | **{s.p99:.2f}** | {s.errors} | "
            f"{s.cpu_cells()} | {rounds} |"
        )
    v, b = Summary.median(vault), Summary.median(bare)
    ratio = statistics.median(ratios) if ratios else float("nan")
    ok_rate = v.rps >= PG_TARGET_RPS and v.p99 < PG_TARGET_P99_MS
    cores = os.cpu_count() or 1
    lines += [
        "",
        f"Ratio pivault / bare, reads/s per pair of rounds: "
        f"{', '.join(f'{x:.2f}' for x in ratios)}; median **{ratio:.2f}×**.",
        "",
        "Where the CPU goes, per read (medians): pivault "
        f"{v.client_ms:.2f} ms in the load generator + {v.server_ms:.2f} ms in the server + "
        f"{v.db_ms:.2f} ms in PostgreSQL = {_total(v):.2f} ms; bare {b.client_ms:.2f} + "
        f"{b.server_ms:.2f} + {b.db_ms:.2f} = {_total(b):.2f} ms. With all {cores} cores to "
        f"themselves that would allow at most {_ceiling(v, cores):,.0f} reads/s (pivault) "
        f"and {_ceiling(b, cores):,.0f} (bare); the machine was "
        f"{100 * v.busy:.0f}% busy during pivault's rounds, {100 * v.others:.0f}% of it with "
        "other processes.",
        "",
        f"Target: ≥ {PG_TARGET_RPS}/s with p99 < {PG_TARGET_P99_MS:.0f} ms "
        f"{'✓' if ok_rate else '✗'}; ≥ {PG_TARGET_RATIO}× the bare app "
        f"{'✓' if ratio >= PG_TARGET_RATIO else '✗'}.",
    ]
    return lines


def _total(s: Summary) -> float:
    return s.client_ms + s.server_ms + s.db_ms


def _ceiling(s: Summary, cores: int) -> float:
    """Reads/s if the CPU time per read were the only limit and every core were free."""
    return 1000 * cores / _total(s) if _total(s) > 0 else float("nan")


def main(progress: Callable[[str], None] = lambda _msg: None) -> list[str]:
    return report(*run_all(progress))


if __name__ == "__main__":
    section = main(lambda msg: print(f"[bench] {msg}", file=sys.stderr, flush=True))
    print("\n".join(section))
    current = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Benchmarks\n"
    DOCS.write_text(replace_section(current, TITLE, section), encoding="utf-8")
    print(f"[bench] wrote the HTTP section of {DOCS}", file=sys.stderr)
