"""The HTTP benchmark's load generator, and CPU accounting for the processes under load.

One generator for every HTTP row (pivault and the bare FastAPI app alike): ``processes``
load processes (spawned once, reused), each running ``connections / processes`` threads,
each thread with its own ``httpx.Client`` holding ONE keep-alive connection to a loopback
server. A thread sends requests back to back until the time bound or its share of the
request bound, whichever comes first; every request has a timeout, so a round always ends
on its own. Latency = ``client.post`` end to end, seen from the client.
"""

from __future__ import annotations

import math
import os
import random
import resource
import threading
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx

#: Seconds a single request may take before it counts as an error.
REQUEST_TIMEOUT_S = 10.0


@dataclass
class LoadResult:
    """What one round of load saw, summed over its load processes."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    #: Wall time from the first process's start to the last one's end.
    seconds: float = 0.0
    #: CPU time the load processes spent (user + system), all threads.
    client_cpu: float = 0.0

    @property
    def count(self) -> int:
        return len(self.latencies)

    @property
    def rps(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        """The ``q`` quantile of latency, in milliseconds."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def load_process(
    base_url: str,
    headers: Mapping[str, str],
    requests: Sequence[tuple[str, bytes]],
    threads: int,
    seconds: float,
    max_per_thread: int,
    seed: int,
) -> tuple[list[float], int, float, float, float]:
    """In a load process: ``threads`` clients; (latencies, errors, start, end, CPU seconds).

    ``requests`` are (path, JSON body) pairs; each thread picks one at random per request.
    """
    latencies: list[list[float]] = [[] for _ in range(threads)]
    errors = [0] * threads
    cpu0 = _cpu()
    start = time.monotonic()
    stop = time.perf_counter() + seconds

    def worker(i: int) -> None:
        rng = random.Random(seed * 1000 + i)
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        with httpx.Client(
            base_url=base_url, headers=dict(headers), limits=limits, timeout=REQUEST_TIMEOUT_S
        ) as client:
            mine = latencies[i]
            for _ in range(max_per_thread):
                if time.perf_counter() >= stop:
                    break
                path, body = rng.choice(requests)
                t0 = time.perf_counter()
                try:
                    response = client.post(path, content=body)
                except httpx.HTTPError:
                    errors[i] += 1
                    continue
                mine.append(time.perf_counter() - t0)
                if response.status_code != 200:
                    errors[i] += 1

    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    end = time.monotonic()
    return [x for lst in latencies for x in lst], sum(errors), start, end, _cpu() - cpu0


def run_load(
    pool: ProcessPoolExecutor,
    processes: int,
    base_url: str,
    headers: Mapping[str, str],
    requests: Sequence[tuple[str, bytes]],
    connections: int,
    seconds: float,
    max_requests: int,
) -> LoadResult:
    """One round: ``connections`` connections over ``processes`` load processes of ``pool``
    (which must have that many workers: each job blocks, so each lands on its own)."""
    per_process = [
        connections // processes + (i < connections % processes) for i in range(processes)
    ]
    per_thread = max(1, math.ceil(max_requests / connections))
    jobs = [
        pool.submit(load_process, base_url, headers, requests, n, seconds, per_thread, seed)
        for seed, n in enumerate(per_process)
        if n
    ]
    result = LoadResult()
    starts, ends = [], []
    for job in jobs:
        lat, errors, start, end, cpu = job.result(timeout=seconds + REQUEST_TIMEOUT_S + 60)
        result.latencies += lat
        result.errors += errors
        result.client_cpu += cpu
        starts.append(start)
        ends.append(end)
    result.seconds = max(ends) - min(starts)
    return result


# ---- CPU of the processes under load (Linux /proc; zeros elsewhere) ----------------------
_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds) of ``pid``, or None. CPU = user + system time of the
    process and of its children that have ended (once reaped)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text.rsplit(")", 1)[1].split()
    return int(fields[1]), sum(int(x) for x in fields[11:15]) / _TICK


def parent_pid(pid: int) -> int | None:
    found = _stat(pid)
    return None if found is None else found[0]


def tree_cpu(root: int) -> float:
    """CPU seconds used so far by ``root`` and all its descendants, ended ones included
    (a process that ended and was reaped counts in its parent's children time)."""
    stats: dict[int, tuple[int, float]] = {}
    for entry in Path("/proc").iterdir() if Path("/proc").is_dir() else ():
        if entry.name.isdigit() and (found := _stat(int(entry.name))) is not None:
            stats[int(entry.name)] = found
    total, wanted = 0.0, {root}
    changed = True
    while changed:  # descendants: parents before children is not guaranteed
        changed = False
        for pid, (ppid, _) in stats.items():
            if ppid in wanted and pid not in wanted:
                wanted.add(pid)
                changed = True
    for pid in wanted:
        if pid in stats:
            total += stats[pid][1]
    return total


def machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, all cores (``/proc/stat``)."""
    try:
        first = Path("/proc/stat").read_text().splitlines()[0].split()
    except OSError:
        return 0.0, 0.0
    ticks = [int(x) for x in first[1:]]
    idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)  # idle + iowait
    total = sum(ticks[:8])  # guest time is already in user
    return (total - idle) / _TICK, total / _TICK
