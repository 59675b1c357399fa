"""ASGI middleware: body limits and content types, then metrics, access log and last resort.

* :class:`BodyGuard` reads a request body (at most ``max_body_bytes``, or the path's
  own limit: event batches at ``POST /v1/events`` have theirs) before the application
  sees it, and refuses bodies of the wrong media type, so no route has to care: 413
  and 415 as problem+json.
* :class:`Observe` times every request for the metrics and writes one access-log
  line naming the route TEMPLATE (``/v1/subjects/{subject}/read``), never the raw
  path or query, which can hold subject ids and link tokens. An unexpected
  exception becomes a 500 problem; its message is not logged (database errors can
  carry parameters), only its type.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping, MutableMapping
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pivault.http.metrics import Metrics
from pivault.http.problems import PROBLEM_JSON, TYPE_BASE

#: Event batches (JSON arrays or NDJSON) have their own body limit and media types.
EVENTS_PATH = "/v1/events"

log = logging.getLogger("pivault.http")

_BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
#: Media types accepted at exact paths (checked first), then per URL prefix.
_PATH_MEDIA = {EVENTS_PATH: ("application/json", "application/x-ndjson")}
_MEDIA = (
    ("/v1/", ("application/json",)),
    ("/center/", ("application/x-www-form-urlencoded",)),
)


async def send_problem(send: Send, status: int, code: str, detail: str, title: str) -> None:
    body = json.dumps(
        {"type": TYPE_BASE + code, "title": title, "status": status, "detail": detail, "code": code}
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", PROBLEM_JSON.encode()),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class BodyGuard:
    """``path_limits``: exact paths with their own body limit (``/v1/events``)."""

    def __init__(
        self, app: ASGIApp, max_body_bytes: int, path_limits: Mapping[str, int] | None = None
    ) -> None:
        self.app = app
        self.max = max_body_bytes
        self.path_limits = dict(path_limits or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _BODY_METHODS:
            await self.app(scope, receive, send)
            return
        limit = self.path_limits.get(scope["path"], self.max)
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        declared = headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await self._too_large(send, limit)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await self._too_large(send, limit)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        if body and not self._media_ok(scope["path"], headers.get("content-type", "")):
            await send_problem(
                send,
                415,
                "unsupported_media_type",
                "send the request body as " + self._expected(scope["path"]),
                "Unsupported media type",
            )
            return
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _too_large(self, send: Send, limit: int) -> None:
        await send_problem(
            send,
            413,
            "body_too_large",
            f"the request body is larger than {limit} bytes",
            "Request body too large",
        )

    @staticmethod
    def _expected(path: str) -> str:
        if path in _PATH_MEDIA:
            return " or ".join(_PATH_MEDIA[path])
        for prefix, types in _MEDIA:
            if path.startswith(prefix):
                return " or ".join(types)
        return "application/json"

    @staticmethod
    def _media_ok(path: str, content_type: str) -> bool:
        media = content_type.split(";", 1)[0].strip().lower()
        if path in _PATH_MEDIA:
            return media in _PATH_MEDIA[path]
        for prefix, types in _MEDIA:
            if path.startswith(prefix):
                return media in types
        return True


class Observe:
    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        response_started = False

        async def watch(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status = int(message["status"])
                response_started = True
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception as exc:  # the last resort: never a traceback with values in it
            status = 500
            log.error("unhandled %s on %s", type(exc).__name__, route_of(scope))
            if not response_started:
                await send_problem(
                    send,
                    500,
                    "internal_error",
                    "the server could not complete the request",
                    "Internal error",
                )
        finally:
            seconds = time.perf_counter() - started
            route = route_of(scope)
            self.metrics.observe_request(scope["method"], route, status, seconds)
            client = scope.get("state", {}).get("client_name", "-")
            log.info(
                "%s %s %d %.1fms client=%s", scope["method"], route, status, seconds * 1000, client
            )


def route_of(scope: MutableMapping[str, Any]) -> str:
    """The matched route's template, or a fixed label: never the raw path."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str):
        return path
    if scope.get("path", "").startswith("/center/static/"):
        return "/center/static"
    return "unmatched"
