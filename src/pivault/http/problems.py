"""Errors as RFC 9457 problem details (``application/problem+json``).

:data:`STATUS_BY_ERROR` is the ONE place where pivault errors get their HTTP
status; an error's nearest listed class decides. Every problem carries the
error's stable ``code``. Details name fields, categories and purposes, never a
value someone sent: validation errors are rebuilt from their location and kind
only, and errors that would echo a subject id get a fixed text.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from pivault.core.decide import Reason
from pivault.core.errors import (
    AccessDeniedError,
    AuditError,
    CollectionRefusedError,
    ConsentRequiredError,
    DecryptionError,
    DetectionError,
    EventBatchError,
    InvalidArgumentError,
    MasterKeyError,
    PivaultError,
    PolicyError,
    ProofError,
    StoreError,
    SubjectErasedError,
    UndeclaredFieldError,
    UnknownActorError,
    UnknownNameError,
    UnknownSubjectError,
    ValueValidationError,
)

log = logging.getLogger("pivault.http")
PROBLEM_JSON = "application/problem+json"
#: Problem types are URNs: stable names, not pages to fetch (RFC 9457 allows either).
TYPE_BASE = "urn:pivault:problem:"


# ---- errors only the HTTP layer raises (still in the one pivault tree) -----------
class HttpProblem(PivaultError):
    """A problem with the request itself rather than with what it asks the vault."""

    code = "bad_request"


class NotAuthenticatedError(HttpProblem):
    code = "not_authenticated"


class PurposeNotClaimableError(HttpProblem):
    """The API key claims a purpose its client is not registered for."""

    code = Reason.ACTOR_NOT_AUTHORIZED.value


class MalformedBodyError(HttpProblem):
    code = "malformed_json"


class RequestFieldsError(HttpProblem):
    """Unknown, missing or mistyped fields (``errors`` lists each, by location)."""

    code = "invalid_request"

    def __init__(self, message: str, errors: Sequence[dict[str, Any]], code: str) -> None:
        super().__init__(message)
        self.errors = list(errors)
        self.code = code


class UnsupportedMediaTypeError(HttpProblem):
    code = "unsupported_media_type"


class BodyTooLargeError(HttpProblem):
    code = "body_too_large"


class NotFoundError(HttpProblem):
    code = "not_found"


class SessionEndedError(HttpProblem):
    """No live privacy-center session (never opened, expired, or signed out)."""

    code = "session_ended"


class CsrfError(HttpProblem):
    """A privacy-center form without a valid CSRF token, or from another origin."""

    code = "csrf_invalid"


class EventLinesError(EventBatchError):
    """An NDJSON batch refused: ``problems`` are (line number, 1-based; reason)."""


class TooManyEventsError(HttpProblem):
    """A batch of more events than one request may carry (``limit`` says how many)."""

    code = "too_many_events"

    def __init__(self, limit: int) -> None:
        super().__init__(f"a batch holds at most {limit} events; send the rest in more requests")
        self.limit = limit


#: The HTTP status of every pivault error (nearest class in the MRO wins).
STATUS_BY_ERROR: dict[type[PivaultError], int] = {
    PivaultError: 500,
    PolicyError: 500,
    MasterKeyError: 500,
    DecryptionError: 500,
    StoreError: 503,
    UnknownNameError: 422,
    UnknownSubjectError: 404,
    UnknownActorError: 403,
    CollectionRefusedError: 422,
    UndeclaredFieldError: 422,
    ConsentRequiredError: 409,
    ValueValidationError: 422,
    EventBatchError: 422,
    InvalidArgumentError: 400,
    SubjectErasedError: 410,
    DetectionError: 422,
    AccessDeniedError: 403,
    AuditError: 500,
    ProofError: 404,
    HttpProblem: 400,
    NotAuthenticatedError: 401,
    PurposeNotClaimableError: 403,
    MalformedBodyError: 400,
    RequestFieldsError: 422,
    UnsupportedMediaTypeError: 415,
    BodyTooLargeError: 413,
    TooManyEventsError: 413,
    NotFoundError: 404,
    SessionEndedError: 401,
    CsrfError: 403,
}

_TITLES = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    410: "Gone",
    413: "Request body too large",
    415: "Unsupported media type",
    422: "Unprocessable request",
    500: "Internal error",
    503: "Service unavailable",
}

#: Errors whose message would echo a subject id: a fixed text instead.
_FIXED_DETAIL: dict[type[PivaultError], str] = {
    UnknownSubjectError: "no such person in this vault",
    SubjectErasedError: "this person cancelled their account; their data was destroyed",
}


#: The problem+json body, for OpenAPI ``responses``.
PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "title", "status", "detail", "code"],
    "properties": {
        "type": {"type": "string", "examples": [TYPE_BASE + "invalid_events"]},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "errors": {
            "type": "array",
            "description": "invalid_events: every bad event, by index (JSON) or line (NDJSON)",
            "items": {
                "type": "object",
                "properties": {
                    "index": {"type": "integer"},
                    "line": {"type": "integer"},
                    "reason": {"type": "string"},
                },
            },
        },
        "limit": {"type": "integer", "description": "too_many_events: the largest batch"},
        "reason": {"type": "string"},
    },
}
_PROBLEM_CODES = {
    400: "malformed_json, invalid_argument (e.g. a time without zone)",
    401: "not_authenticated",
    403: "actor_not_authorized (a purpose or stream the key may not claim)",
    404: "unknown_subject, not_found",
    410: "subject_erased",
    413: "body_too_large, too_many_events",
    415: "unsupported_media_type",
    422: "invalid_events (with errors), invalid_request, unknown_category, unknown_purpose",
}


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for problem+json errors of these statuses."""
    return {
        status: {
            "description": f"{_TITLES.get(status, 'Error')}: {_PROBLEM_CODES.get(status, '')}",
            "content": {PROBLEM_JSON: {"schema": PROBLEM_SCHEMA}},
        }
        for status in statuses
    }


def status_of(exc: PivaultError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[cls]
    return 500


def detail_of(exc: PivaultError) -> str:
    for cls, text in _FIXED_DETAIL.items():
        if isinstance(exc, cls):
            return text
    if status_of(exc) >= 500:
        return "the server could not complete the request"
    return str(exc)


def problem(
    status: int,
    code: str,
    detail: str,
    *,
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": TYPE_BASE + code,
        "title": _TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "code": code,
        **extra,
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def problem_for(exc: PivaultError) -> JSONResponse:
    status = status_of(exc)
    extra: dict[str, Any] = {}
    if isinstance(exc, RequestFieldsError):
        extra["errors"] = exc.errors
    if isinstance(exc, ConsentRequiredError):
        extra["consent_items"] = exc.consent_items
    if isinstance(exc, PurposeNotClaimableError):
        extra["reason"] = exc.code
    if isinstance(exc, TooManyEventsError):
        extra["limit"] = exc.limit
    detail = detail_of(exc)
    if isinstance(exc, EventBatchError):
        # Each reason names the event's place, category and what is wrong, never its value.
        where = "line" if isinstance(exc, EventLinesError) else "index"
        extra["errors"] = [{where: i, "reason": why} for i, why in exc.problems]
        detail = (
            f"the batch was refused, nothing stored: {len(exc.problems)} bad event(s), "
            "each listed in errors"
        )
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    if status >= 500:
        log.error("request failed: %s (%s)", type(exc).__name__, exc.code)
    return problem(status, exc.code, detail, headers=headers, **extra)


def validation_problem(exc: RequestValidationError) -> PivaultError:
    """A FastAPI validation error as a pivault error naming fields, never values."""
    errors = []
    kinds = set()
    for err in exc.errors():
        kind = str(err.get("type", "invalid"))
        if kind in ("json_invalid", "json_type"):
            return MalformedBodyError("the request body is not valid JSON")
        loc = [str(p) for p in err.get("loc", ()) if p != "body"]
        kinds.add(kind)
        message = "unknown field" if kind == "extra_forbidden" else str(err.get("msg", kind))
        errors.append({"field": ".".join(loc) or "(body)", "problem": message, "type": kind})
    names = ", ".join(e["field"] for e in errors)
    if kinds == {"extra_forbidden"}:
        return RequestFieldsError(f"unknown field(s): {names}", errors, "unknown_field")
    return RequestFieldsError(f"invalid or missing field(s): {names}", errors, "invalid_request")


_HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 401: "not_authenticated"}


def install(app: FastAPI, html_error: Any = None) -> None:
    """Register the handlers: pivault errors, validation errors, Starlette HTTP errors.

    ``html_error(request, status, code, detail)`` renders errors of privacy-center pages.
    """

    def wants_html(request: Request) -> bool:
        return html_error is not None and request.url.path.startswith("/center")

    async def on_pivault(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, PivaultError)
        if wants_html(request):
            return html_error(request, status_of(exc), exc.code, detail_of(exc))  # type: ignore[no-any-return]
        return problem_for(exc)

    async def on_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return await on_pivault(request, validation_problem(exc))

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        detail = exc.detail if isinstance(exc.detail, str) else code
        if wants_html(request):
            return html_error(request, exc.status_code, code, detail)  # type: ignore[no-any-return]
        return problem(exc.status_code, code, detail, headers=exc.headers)

    app.add_exception_handler(PivaultError, on_pivault)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
