"""Privacy-center actions: open a link, switch language, correct, delete, consent, cancel.

Every form carries the session's CSRF token; every change goes through the vault
with the person as the actor. After a change the browser is redirected to the
page (POST-redirect-GET) with a message code, never a value, in the URL.
"""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from pivault.core.errors import ValueValidationError
from pivault.core.model import LANGS
from pivault.http.center_base import (
    CENTER,
    LANG_COOKIE,
    SESSION_COOKIE,
    Session,
    check_form,
    lang_of,
    render,
    secure,
)
from pivault.http.deps import Svc
from pivault.service.privacy_links import SESSION_TTL, LinkRefusal

router = APIRouter(prefix=CENTER, include_in_schema=False)
_REFUSAL_STATUS = {LinkRefusal.INVALID: 400, LinkRefusal.EXPIRED: 410, LinkRefusal.USED: 410}


def _redirect(path: str) -> Response:
    return secure(RedirectResponse(path, status_code=303))


def _is_https(request: Request, svc: Svc) -> bool:
    return svc.settings.base_url(str(request.base_url)).startswith("https://")


@router.get("/open")
def open_link(request: Request, svc: Svc, t: str = "", lang: str | None = None) -> Response:
    """Use a single-use link: set the session cookie, then continue to the pages.

    The continuation is a same-site navigation from this page (a meta refresh and a
    link), because a SameSite=Strict cookie set during a cross-site arrival is not
    sent on a redirect in that same cross-site chain.
    """
    page_lang = lang if lang in LANGS else lang_of(request)
    outcome = svc.links.open(t)
    if outcome.session is None:
        assert outcome.refusal is not None
        code = outcome.refusal.value
        return render(
            request,
            "message.html",
            page_lang,
            status=_REFUSAL_STATUS[outcome.refusal],
            title_key=code,
            help_key="link.help",
            detail="",
        )
    response = render(request, "opening.html", page_lang, title_key="opening", target="data")
    response.set_cookie(
        SESSION_COOKIE,
        outcome.session,
        max_age=int(SESSION_TTL.total_seconds()),
        path=CENTER,
        httponly=True,
        samesite="strict",
        secure=_is_https(request, svc),
    )
    if lang in LANGS:
        response.set_cookie(LANG_COOKIE, lang, path=CENTER, samesite="strict")
    return response


@router.get("/lang")
def switch_language(to: str, next: str = f"{CENTER}/data") -> Response:
    target = next if next.startswith(f"{CENTER}/") and "//" not in next else f"{CENTER}/data"
    response = _redirect(target)
    if to in LANGS:
        response.set_cookie(LANG_COOKIE, to, path=CENTER, samesite="strict", max_age=31536000)
    return response


@router.post("/correct")
def correct(
    request: Request,
    session: Session,
    svc: Svc,
    csrf: Annotated[str, Form()],
    category: Annotated[str, Form(max_length=128)],
    value: Annotated[str, Form(max_length=4000)],
) -> Response:
    check_form(request, svc, session, csrf)
    anchor = quote(category, safe="")
    try:
        svc.vault.correct(session.subject, category, value, from_text=True)
    except ValueValidationError:
        return _redirect(f"{CENTER}/data?done=invalid&cat={anchor}#c-{anchor}")
    return _redirect(f"{CENTER}/data?done=corrected&cat={anchor}#c-{anchor}")


@router.post("/delete")
def delete(
    request: Request,
    session: Session,
    svc: Svc,
    csrf: Annotated[str, Form()],
    category: Annotated[str, Form(max_length=128)],
) -> Response:
    check_form(request, svc, session, csrf)
    svc.vault.delete_categories(session.subject, [category])
    return _redirect(f"{CENTER}/data?done=deleted&cat={quote(category, safe='')}")


@router.post("/consent")
def consent(
    request: Request,
    session: Session,
    svc: Svc,
    csrf: Annotated[str, Form()],
    item: Annotated[str, Form(max_length=128)],
    action: Annotated[Literal["grant", "withdraw"], Form()],
    back: Annotated[Literal["permissions", "policy"], Form()] = "permissions",
) -> Response:
    """One click either way: withdrawing is exactly as easy as granting (PIPL Art. 15)."""
    check_form(request, svc, session, csrf)
    change = svc.vault.grant if action == "grant" else svc.vault.withdraw
    change(session.subject, item, channel="privacy-center", evidence={"page": back})
    done = "granted" if action == "grant" else "withdrawn"
    return _redirect(f"{CENTER}/{back}?done={done}&item={quote(item, safe='')}")


@router.post("/cancel")
def cancel(
    request: Request,
    session: Session,
    svc: Svc,
    csrf: Annotated[str, Form()],
    confirm: Annotated[str, Form()] = "",
) -> Response:
    """Cancel the account after an explicit confirmation: the vault destroys the person's key."""
    check_form(request, svc, session, csrf)
    if confirm != "yes":
        return render(
            request,
            "cancel.html",
            session.lang,
            status=400,
            session=session,
            current="cancel",
            title_key="nav.cancel",
            unchecked=True,
        )
    count = svc.vault.erase(session.subject)
    svc.links.end_all(session.subject)
    response = render(
        request, "cancelled.html", session.lang, title_key="cancelled.title", count=count
    )
    response.delete_cookie(SESSION_COOKIE, path=CENTER)
    return response


@router.post("/signout")
def signout(request: Request, session: Session, svc: Svc, csrf: Annotated[str, Form()]) -> Response:
    check_form(request, svc, session, csrf)
    svc.links.end(session.token)
    response = render(
        request, "message.html", session.lang, title_key="signed_out", help_key="", detail=""
    )
    response.delete_cookie(SESSION_COOKIE, path=CENTER)
    return response
