"""Privacy-center pages people read: my data, permissions, history, download, policy, cancel."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from pivault.http.center_base import CENTER, DEFAULT_TZ, Session, render, secure, zone
from pivault.http.center_export import export_zip
from pivault.http.center_stream_views import stream_summaries
from pivault.http.center_views import (
    change_message,
    consent_rows,
    data_groups,
    feature_rows,
    history_rows,
    item_label,
)
from pivault.http.deps import Svc
from pivault.http.i18n import tr

router = APIRouter(prefix=CENTER, include_in_schema=False)


@router.get("")
@router.get("/")
def home() -> Response:
    return RedirectResponse(f"{CENTER}/data", status_code=303)


@router.get("/data")
def my_data(
    request: Request,
    session: Session,
    svc: Svc,
    reveal: str | None = None,
    done: str | None = None,
    cat: str | None = None,
) -> HTMLResponse:
    policy, lang = svc.vault.policy, session.lang
    export = svc.vault.export(session.subject)
    tz = zone(session.tz) or zone(DEFAULT_TZ)
    assert tz is not None
    message = error = ""
    if cat is not None and cat in policy.categories and done in ("corrected", "deleted"):
        message = tr(lang, f"done.{done}", label=item_label(policy, cat, lang))
    if cat is not None and cat in policy.categories and done == "invalid":
        error = tr(lang, "correct.invalid", label=item_label(policy, cat, lang))
    return render(
        request,
        "data.html",
        lang,
        session=session,
        current="data",
        title_key="nav.data",
        groups=data_groups(
            policy, export, lang, reveal, stream_summaries(policy, export, lang, tz)
        ),
        message=message,
        error=error,
    )


@router.get("/permissions")
def permissions(
    request: Request,
    session: Session,
    svc: Svc,
    done: str | None = None,
    item: str | None = None,
) -> HTMLResponse:
    vault, lang = svc.vault, session.lang
    rows = consent_rows(vault.policy, vault.consents(session.subject), lang)
    message = ""
    if item in vault.policy.consent_items() and done in ("granted", "withdrawn"):
        message = change_message(vault.policy, item, done == "granted", lang)
    return render(
        request,
        "permissions.html",
        lang,
        session=session,
        current="permissions",
        title_key="nav.permissions",
        sensitive=[r for r in rows if r.sensitive],
        others=[r for r in rows if not r.sensitive],
        features=feature_rows(vault.policy, vault.features(session.subject), lang),
        message=message,
    )


@router.get("/history")
def history(request: Request, session: Session, svc: Svc) -> HTMLResponse:
    vault = svc.vault
    rows = history_rows(vault.policy, vault.audit_log(session.subject), session.lang)
    return render(
        request,
        "history.html",
        session.lang,
        session=session,
        current="history",
        title_key="nav.history",
        rows=rows,
    )


@router.get("/download")
def download(request: Request, session: Session) -> HTMLResponse:
    return render(
        request,
        "download.html",
        session.lang,
        session=session,
        current="download",
        title_key="nav.download",
    )


@router.get("/download/export.zip")
def download_zip(session: Session, svc: Svc) -> Response:
    body = export_zip(svc.vault.export(session.subject))
    response = Response(
        body,
        media_type="application/zip",
        headers={"Content-Disposition": 'attachment; filename="pivault-export.zip"'},
    )
    return secure(response)


@router.get("/policy")
def policy(request: Request, session: Session, svc: Svc) -> HTMLResponse:
    # Lazily: rendering is a separate module. It escapes everything from the policy file.
    from pivault.present.policy_diff_text import change_reason, change_summary
    from pivault.present.policy_render import render_policy_fragment

    vault, lang = svc.vault, session.lang
    renewals = [
        {
            "item": r.item,
            "label": item_label(vault.policy, r.item, lang),
            "changes": [
                change_summary(c).get(lang) + " — " + change_reason(c).get(lang) for c in r.changes
            ],
        }
        for r in svc.versions.renewals(session.subject)
    ]
    return render(
        request,
        "policy.html",
        lang,
        session=session,
        current="policy",
        title_key="nav.policy",
        renewals=renewals,
        policy_html=render_policy_fragment(vault.policy, lang),
    )


@router.get("/policy/full")
def policy_full(session: Session, svc: Svc) -> HTMLResponse:
    from pivault.present.policy_render import render_policy

    response = HTMLResponse(render_policy(svc.vault.policy, session.lang, "html"))
    secure(response)
    # The rendered page carries its own <style>; allow exactly that.
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'"
    )
    return response


@router.get("/cancel")
def cancel(request: Request, session: Session) -> HTMLResponse:
    return render(
        request,
        "cancel.html",
        session.lang,
        session=session,
        current="cancel",
        title_key="nav.cancel",
    )
