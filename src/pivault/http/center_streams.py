"""Privacy-center pages and actions for records over time: each stream, newest first.

``/center/streams`` lists the person's streams; ``/center/streams/{category}`` shows
one, 50 events a page, in the person's time zone (``/center/tz``, a cookie like the
language; Asia/Shanghai by default), with a 30-day activity chart. People delete one
event or clear the history (all of it, or a range of days): POST forms with the CSRF
token, then POST-redirect-GET with a message code and a count, never a value.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from pivault.http.center_base import (
    CENTER,
    DEFAULT_TZ,
    TZ_CHOICES,
    TZ_COOKIE,
    CenterSession,
    Session,
    check_form,
    render,
    secure,
    zone,
)
from pivault.http.center_stream_views import day_bounds, stream_page, stream_summaries
from pivault.http.deps import Services, Svc
from pivault.http.i18n import tr
from pivault.http.problems import NotFoundError

router = APIRouter(prefix=CENTER, include_in_schema=False)


def _redirect(path: str) -> Response:
    return secure(RedirectResponse(path, status_code=303))


def _stream(svc: Services, category: str) -> str:
    cat = svc.vault.policy.categories.get(category)
    if cat is None or not cat.is_leaf or not cat.is_stream:
        raise NotFoundError("no such stream")
    return cat.key


def _page_url(category: str, **query: Any) -> str:
    args = "&".join(f"{k}={quote(str(v), safe='')}" for k, v in query.items() if v is not None)
    return f"{CENTER}/streams/{quote(category, safe='')}" + (f"?{args}" if args else "")


@router.get("/streams")
def streams(request: Request, session: Session, svc: Svc) -> HTMLResponse:
    tz = zone(session.tz) or zone(DEFAULT_TZ)
    assert tz is not None
    export = svc.vault.export(session.subject)
    return render(
        request,
        "streams.html",
        session.lang,
        session=session,
        current="streams",
        title_key="nav.streams",
        streams=stream_summaries(svc.vault.policy, export, session.lang, tz),
    )


@router.get("/streams/{category}")
def stream(
    request: Request,
    session: Session,
    svc: Svc,
    category: str,
    page: int = 1,
    reveal: str | None = None,
    done: str | None = None,
    n: int = 0,
) -> HTMLResponse:
    key = _stream(svc, category)
    tz = zone(session.tz) or zone(DEFAULT_TZ)
    assert tz is not None
    export = svc.vault.export(session.subject)
    events = export["streams"].get(key, {}).get("events", [])
    view = stream_page(
        svc.vault.policy,
        key,
        events,
        session.lang,
        session.tz,
        tz,
        svc.vault.context.clock(),
        page=page,
        reveal=reveal == "1",
    )
    message = tr(session.lang, "stream.deleted", n=max(n, 0)) if done == "deleted" else ""
    error = tr(session.lang, "stream.range_invalid") if done == "invalid" else ""
    return render(
        request,
        "stream.html",
        session.lang,
        session=session,
        current="streams",
        title_key="nav.streams",
        title=view.label,
        view=view,
        tz_name=session.tz,
        tz_choices=TZ_CHOICES if session.tz in TZ_CHOICES else (session.tz, *TZ_CHOICES),
        message=message,
        error=error,
    )


@router.post("/streams/{category}/delete")
def delete_event(
    request: Request,
    session: Session,
    svc: Svc,
    category: str,
    csrf: Annotated[str, Form()],
    event: Annotated[int, Form(ge=1, le=2**63 - 1)],
    page: Annotated[int, Form(ge=1, le=10**6)] = 1,
) -> Response:
    check_form(request, svc, session, csrf)
    key = _stream(svc, category)
    n = svc.vault.delete_events(session.subject, key, ids=[event])
    return _redirect(_page_url(key, page=page, done="deleted", n=n))


@router.post("/streams/{category}/clear")
def clear(
    request: Request,
    session: Session,
    svc: Svc,
    category: str,
    csrf: Annotated[str, Form()],
    scope: Annotated[Literal["all", "range"], Form()] = "all",
    since: Annotated[str, Form(max_length=10)] = "",
    until: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Clear the history: every event of the stream, or those of a range of local days."""
    check_form(request, svc, session, csrf)
    key = _stream(svc, category)
    if scope == "all":
        n = svc.vault.delete_events(session.subject, key)
        return _redirect(_page_url(key, done="deleted", n=n))
    bounds = _days(session, since, until)
    if bounds is None:
        return _redirect(_page_url(key, done="invalid"))
    n = svc.vault.delete_events(session.subject, key, since=bounds[0], until=bounds[1])
    return _redirect(_page_url(key, done="deleted", n=n))


def _days(session: CenterSession, since: str, until: str) -> tuple[datetime, datetime] | None:
    """The UTC bounds of local days ``since`` to ``until`` (both included), or None."""
    tz = zone(session.tz) or zone(DEFAULT_TZ)
    assert tz is not None
    try:
        first, last = date.fromisoformat(since), date.fromisoformat(until or since)
    except ValueError:
        return None
    if last < first:
        return None
    try:
        return day_bounds(first, last, tz)
    except OverflowError:  # 0001-01-01 or 9999-12-31 in a zone east or west of UTC
        return None


@router.get("/tz")
def switch_time_zone(to: str, next: str = f"{CENTER}/streams") -> Response:
    """Remember the person's time zone (any IANA name) for the pages' times."""
    target = next if next.startswith(f"{CENTER}/") and "//" not in next else f"{CENTER}/streams"
    response = _redirect(target)
    if zone(to) is not None:
        response.set_cookie(TZ_COOKIE, to, path=CENTER, samesite="strict", max_age=31536000)
    return response
