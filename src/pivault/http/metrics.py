"""Prometheus metrics: requests, latency, and access decisions by purpose and outcome.

Each app gets its own registry (several apps in one process, as in tests, do not
clash). With several worker processes, set ``PROMETHEUS_MULTIPROC_DIR`` to a
shared empty folder: every worker then writes its samples there and ``/metrics``
sums them (prometheus-client's multiprocess mode).
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector

from pivault.core.decide import Decision

_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)


class Metrics:
    def __init__(self) -> None:
        self.multiprocess = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))
        # In multiprocess mode samples go to files, not to a registry.
        registry = None if self.multiprocess else CollectorRegistry()
        self._registry = registry
        self.requests = Counter(
            "pivault_http_requests",
            "HTTP requests by method, route template and status.",
            ["method", "route", "status"],
            registry=registry,
        )
        self.latency = Histogram(
            "pivault_http_request_duration_seconds",
            "Time to answer an HTTP request, by method and route template.",
            ["method", "route"],
            buckets=_LATENCY_BUCKETS,
            registry=registry,
        )
        self.decisions = Counter(
            "pivault_decisions",
            "Access decisions made for HTTP callers, by purpose, outcome and reason.",
            ["purpose", "outcome", "reason"],
            registry=registry,
        )

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)

    def count_decisions(self, decisions: Iterable[Decision]) -> None:
        for d in decisions:
            self.decisions.labels(
                d.purpose, "allowed" if d.allowed else "denied", d.reason.value
            ).inc()

    def count_allowed(self, purpose: str, n: int) -> None:
        if n:
            self.decisions.labels(purpose, "allowed", "allowed").inc(n)

    def exposition(self) -> tuple[bytes, str]:
        if self._registry is None:
            registry = CollectorRegistry()
            MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
            return generate_latest(registry), CONTENT_TYPE_LATEST
        return generate_latest(self._registry), CONTENT_TYPE_LATEST
