"""Service API, records over time (streams): ingest, read and delete events.

``POST /v1/events`` takes a JSON array or NDJSON (one event a line) of up to
:data:`~pivault.service.events.MAX_BATCH` events, under its own body limit
(``PIVAULT_MAX_EVENTS_BODY_BYTES``). A batch with a bad event is refused whole:
the problem lists every bad event by index (JSON) or line (NDJSON, 1-based) with a
reason that never holds the value. Reads decide exactly as ``/read`` does; deleting
events is a right the person exercises through the app (purpose ``service``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request

from pivault.core.codec import to_json_value
from pivault.core.errors import EventBatchError, InvalidArgumentError
from pivault.core.model import Policy
from pivault.http.deps import RIGHTS_PURPOSE, Client, Svc, claim
from pivault.http.problems import (
    EventLinesError,
    MalformedBodyError,
    NotFoundError,
    PurposeNotClaimableError,
    RequestFieldsError,
    TooManyEventsError,
    problem_responses,
)
from pivault.service.clients import ApiClient
from pivault.service.events import MAX_BATCH, parse_time

router = APIRouter(prefix="/v1", tags=["records over time"])
NDJSON = "application/x-ndjson"

_EVENT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["subject", "category", "at", "value"],
    "additionalProperties": False,
    "properties": {
        "subject": {"type": "string", "maxLength": 128},
        "category": {"type": "string", "description": "a stream of the policy"},
        "at": {"type": "string", "format": "date-time", "description": "with its zone"},
        "value": {"description": "a value of the stream's type"},
        "id": {"type": "string", "maxLength": 64, "description": "re-sent ids are stored once"},
    },
}
_EXAMPLE = [
    {
        "subject": "u1",
        "category": "service_log.search_history",
        "at": "2026-11-01T09:30:00+08:00",
        "value": "火锅 人民广场",
        "id": "search-7f3a",
    },
    {
        "subject": "u1",
        "category": "communication_log",
        "at": "2026-11-01T01:30:00Z",
        "value": {"counterpart": "wxid_a1b2", "duration_s": 63},
    },
]
_INGEST_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {"type": "array", "maxItems": MAX_BATCH, "items": _EVENT_SCHEMA},
                "example": _EXAMPLE,
            },
            NDJSON: {
                "schema": {"type": "string", "description": "one event (JSON object) a line"},
                "example": "\n".join(json.dumps(e, ensure_ascii=False) for e in _EXAMPLE),
            },
        },
    }
}


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _loads(text: str | bytes) -> Any:
    return json.loads(text, parse_constant=_no_constant)


def parse_batch(body: bytes, content_type: str) -> tuple[list[Any], list[int] | None]:
    """The events of a body, and for NDJSON each event's line number (1-based).

    Malformed NDJSON lines are refused by line (:class:`EventLinesError`); a body that
    is not JSON at all is 400 ``malformed_json``; more than MAX_BATCH events is 413.
    """
    media = content_type.split(";", 1)[0].strip().lower()
    if media == NDJSON:
        try:
            text = body.decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError:
            raise MalformedBodyError("the NDJSON body is not UTF-8") from None
        numbered = [(n, line) for n, line in enumerate(text.split("\n"), 1) if line.strip()]
        if len(numbered) > MAX_BATCH:
            raise TooManyEventsError(MAX_BATCH)
        events: list[Any] = []
        bad: list[tuple[int, str]] = []
        for n, line in numbered:
            try:
                events.append(_loads(line))
            except (ValueError, RecursionError):
                bad.append((n, "not a valid JSON object"))
        if bad:
            raise EventLinesError(bad)
        return events, [n for n, _ in numbered]
    try:
        parsed = _loads(body)
    except (ValueError, RecursionError):
        raise MalformedBodyError("the request body is not valid JSON") from None
    if not isinstance(parsed, list):
        raise RequestFieldsError(
            "the body is a JSON array of events (or NDJSON, one event a line)",
            [{"field": "(body)", "problem": "not an array", "type": "list_type"}],
            "invalid_request",
        )
    if len(parsed) > MAX_BATCH:
        raise TooManyEventsError(MAX_BATCH)
    return parsed, None


def _unstorable(events: Sequence[Any]) -> list[tuple[int, str]]:
    """Events the vault cannot even look at: text that is not Unicode (lone surrogates),
    a time whose UTC would be outside years 1–9999. Refused here, by index."""
    bad = []
    for i, event in enumerate(events):
        try:
            json.dumps(event, ensure_ascii=False).encode("utf-8")
        except (UnicodeEncodeError, ValueError, RecursionError):
            bad.append((i, "holds text that is not valid Unicode"))
            continue
    return bad


def claim_streams(client: ApiClient, events: Sequence[Any], policy: Policy) -> None:
    """The key may send events only of streams one of its purposes may use (403)."""
    named: set[str] = set()
    for e in events:
        if isinstance(e, dict) and isinstance(e.get("category"), str):
            named.add(e["category"])
    foreign = sorted(
        key
        for key in named
        if key in policy.categories
        and policy.categories[key].is_stream
        and not client.purposes & policy.allowed.get(key, frozenset())
    )
    if foreign:
        raise PurposeNotClaimableError(
            f"the API client {client.name!r} is registered for no purpose that may use "
            f"{', '.join(foreign)}; it may claim: {', '.join(sorted(client.purposes))}"
        )


def _by_line(exc: EventBatchError, lines: list[int] | None) -> EventBatchError:
    if lines is None:
        return exc
    return EventLinesError(
        [(lines[i] if i < len(lines) else i + 1, why) for i, why in exc.problems]
    )


@router.post(
    "/events",
    status_code=201,
    openapi_extra=_INGEST_BODY,
    responses=problem_responses(400, 401, 403, 413, 415, 422),
)
async def ingest(request: Request, client: Client, svc: Svc) -> dict[str, Any]:
    """Store a batch of events (many people per request); refused whole if any is bad.

    Answers ``{"stored", "duplicates", "transforms"}``: a re-sent ``id`` with the same
    content counts as a duplicate and is stored once.
    """
    body = await request.body()
    content_type = request.headers.get("content-type", "application/json")
    policy = svc.vault.policy

    def run() -> dict[str, Any]:
        events, lines = parse_batch(body, content_type)
        bad = _unstorable(events)
        if bad:
            raise _by_line(EventBatchError(bad), lines)
        claim_streams(client, events, policy)
        try:
            receipt = svc.vault.record(events, actor=client.name)
        except EventBatchError as exc:
            raise _by_line(exc, lines) from None
        return {
            "stored": receipt.stored,
            "duplicates": receipt.duplicates,
            "transforms": dict(receipt.transforms),
        }

    return await svc.run(run)


def _time(raw: str | None, what: str) -> datetime | None:
    if raw is None:
        return None
    return parse_time(raw, what)  # InvalidArgumentError names the problem


def _range(since: str | None, until: str | None) -> tuple[datetime | None, datetime | None]:
    start, end = _time(since, "since"), _time(until, "until")
    if start is not None and end is not None and start >= end:
        raise InvalidArgumentError("since must be before until")
    return start, end


TimeQuery = Query(
    max_length=40,
    description="ISO-8601 with its zone (`Z` or `%2B08:00`); `since` inclusive, `until` not.",
)
Category = Annotated[str, Path(max_length=128, examples=["service_log.search_history"])]


@router.get(
    "/subjects/{subject}/events/{category}",
    responses=problem_responses(400, 401, 403, 404, 410, 422),
)
async def read_events(
    subject: str,
    category: Category,
    client: Client,
    svc: Svc,
    purpose: Annotated[str, Query(min_length=1, max_length=64, examples=["service"])],
    since: Annotated[str | None, TimeQuery] = None,
    until: Annotated[str | None, TimeQuery] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_BATCH)] = 100,
) -> dict[str, Any]:
    """A stream's events newest first, decided like ``/read``: ``events`` when the purpose
    may use the stream, else ``denied`` with its reason code and no event."""
    claim(client, [purpose], svc.vault.policy)
    start, end = _range(since, until)
    result = await svc.run(
        svc.vault.events,
        subject,
        category,
        purpose=purpose,
        actor=client.name,
        since=start,
        until=end,
        limit=limit,
    )
    out: dict[str, Any] = {
        "subject": result.subject,
        "category": result.category,
        "purpose": result.purpose,
        "events": [
            {"id": e.id, "at": e.at, "value": to_json_value(e.value)} for e in result.events
        ],
    }
    if result.denied is not None:
        svc.metrics.count_decisions([result.denied])
        out["denied"] = result.denied.as_dict()
    else:
        svc.metrics.count_allowed(purpose, 1)
    return out


@router.delete(
    "/subjects/{subject}/events/{category}",
    responses=problem_responses(400, 401, 403, 404, 410, 422),
)
async def delete_range(
    subject: str,
    category: Category,
    client: Client,
    svc: Svc,
    since: Annotated[str | None, TimeQuery] = None,
    until: Annotated[str | None, TimeQuery] = None,
) -> dict[str, Any]:
    """Delete a stream's events in a time range (all of them without since and until):
    "clear my search history". Answers how many were deleted."""
    claim(client, [RIGHTS_PURPOSE], svc.vault.policy)
    start, end = _range(since, until)
    n = await svc.run(
        svc.vault.delete_events, subject, category, since=start, until=end, actor=client.name
    )
    return {"deleted": n}


@router.delete(
    "/subjects/{subject}/events/{category}/{event_id}",
    responses=problem_responses(401, 403, 404, 410, 422),
)
async def delete_one(
    subject: str,
    category: Category,
    event_id: Annotated[int, Path(ge=1, le=2**63 - 1)],
    client: Client,
    svc: Svc,
) -> dict[str, Any]:
    """Delete one event (its ``id`` from a read); 404 when the stream holds no such event."""
    claim(client, [RIGHTS_PURPOSE], svc.vault.policy)
    n = await svc.run(svc.vault.delete_events, subject, category, ids=[event_id], actor=client.name)
    if n == 0:
        raise NotFoundError("this stream holds no event with that id")
    return {"deleted": n}
