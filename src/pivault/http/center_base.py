"""What every privacy-center page shares: the session, the language, CSRF, rendering.

Pages are server-rendered Jinja2 templates with no script. Every response gets
headers that keep it out of caches and other sites' frames, and a strict CSP.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from pivault.core.model import DEFAULT_LANG, LANGS
from pivault.http.deps import Services, services, services_of
from pivault.http.i18n import S, tr
from pivault.http.problems import CsrfError, SessionEndedError

SESSION_COOKIE = "pivault_session"
LANG_COOKIE = "pivault_lang"
#: The person's time zone for times on the pages (an IANA name), like the language.
TZ_COOKIE = "pivault_tz"
DEFAULT_TZ = "Asia/Shanghai"
#: Offered in the time-zone menu; any IANA name works in the cookie.
TZ_CHOICES = (
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Taipei",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "UTC",
)
_TZ_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+){0,2}")
CENTER = "/center"

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.trim_blocks = True
templates.env.lstrip_blocks = True

NAV = (
    ("data", "/center/data"),
    ("permissions", "/center/permissions"),
    ("streams", "/center/streams"),
    ("history", "/center/history"),
    ("download", "/center/download"),
    ("policy", "/center/policy"),
    ("cancel", "/center/cancel"),
)

SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
}


def lang_of(request: Request) -> str:
    lang = request.cookies.get(LANG_COOKIE, DEFAULT_LANG)
    return lang if lang in LANGS else DEFAULT_LANG


@functools.lru_cache(maxsize=64)
def zone(name: str) -> ZoneInfo | None:
    """The zone of an IANA name, or None for a name that is not one."""
    if len(name) > 64 or not _TZ_NAME.fullmatch(name):
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def tz_of(request: Request) -> str:
    name = request.cookies.get(TZ_COOKIE, DEFAULT_TZ)
    return name if zone(name) is not None else DEFAULT_TZ


@dataclass(frozen=True)
class CenterSession:
    subject: str
    token: str
    csrf: str
    lang: str
    tz: str = DEFAULT_TZ


def center_session(request: Request, svc: Annotated[Services, Depends(services)]) -> CenterSession:
    """The person this browser session belongs to; a 'session ended' page otherwise."""
    token = request.cookies.get(SESSION_COOKIE, "")
    subject = svc.links.subject_of(token) if token else None
    if subject is None:
        raise SessionEndedError("no live privacy-center session")
    return CenterSession(
        subject, token, svc.links.csrf_token(token), lang_of(request), tz_of(request)
    )


Session = Annotated[CenterSession, Depends(center_session)]


def check_form(request: Request, svc: Services, session: CenterSession, csrf: str) -> None:
    """A form must carry the session's CSRF token and come from this origin."""
    origin = request.headers.get("origin")
    if origin is not None and origin != f"{request.url.scheme}://{request.url.netloc}":
        raise CsrfError("the form was sent from another site")
    if not svc.links.csrf_valid(session.token, csrf):
        raise CsrfError("the form's CSRF token is not valid")


def secure(response: Response) -> Response:
    response.headers.update(SECURITY_HEADERS)
    return response


def render(
    request: Request,
    name: str,
    lang: str,
    *,
    status: int = 200,
    session: CenterSession | None = None,
    current: str = "",
    title_key: str = "app",
    **context: Any,
) -> HTMLResponse:
    svc = services_of(request)

    def t(key: str, **fields: object) -> str:
        return tr(lang, key, **fields)

    response = templates.TemplateResponse(
        request,
        name,
        {
            "lang": lang,
            "t": t,
            "title": t(title_key),
            "here": request.url.path,
            "nav": NAV if session is not None else (),
            "current": current,
            "csrf": session.csrf if session is not None else "",
            "policy_version": svc.vault.policy.version,
            **context,
        },
        status_code=status,
    )
    secure(response)
    return response


def html_error(request: Request, status: int, code: str, detail: str) -> Response:
    """The privacy center's error page (problems.install calls this for /center paths)."""
    lang = lang_of(request)
    title_key = code if code in S else "error"
    help_key = "link.help" if code in ("session_ended",) or code.startswith("link_") else ""
    return render(
        request,
        "message.html",
        lang,
        status=status,
        title_key=title_key,
        help_key=help_key,
        detail="" if code in S else detail,
    )
