"""Service API, the person's choices: consents, features, privacy-center links, the policy."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response

from pivault.core.model import DEFAULT_LANG, Lang
from pivault.http.api_models import ConsentChange
from pivault.http.deps import RIGHTS_PURPOSE, Client, Svc, claim
from pivault.service.context import ConsentState

router = APIRouter(prefix="/v1", tags=["consents, features, policy"])


def _consent(state: ConsentState) -> dict[str, Any]:
    return {
        "item": state.item,
        "kind": state.kind,
        "granted": state.granted,
        "explicit": state.explicit,
        "at": state.at,
        "policy_version": state.policy_version,
    }


@router.get("/subjects/{subject}/consents")
async def consents(subject: str, client: Client, svc: Svc) -> dict[str, Any]:
    """Every consent item and the person's current choice (or its default)."""
    claim(client, [RIGHTS_PURPOSE], svc.vault.policy)
    return {"consents": [_consent(c) for c in await svc.run(svc.vault.consents, subject)]}


async def _set(
    subject: str, item: str, granted: bool, body: ConsentChange | None, client: Client, svc: Svc
) -> dict[str, Any]:
    claim(client, [RIGHTS_PURPOSE], svc.vault.policy)
    change = body or ConsentChange()
    kw: dict[str, Any] = {
        "channel": change.channel,
        "evidence": change.evidence,
        "actor": client.name,
    }
    state = await svc.run(svc.vault.grant if granted else svc.vault.withdraw, subject, item, **kw)
    return _consent(state)


@router.post("/subjects/{subject}/consents/{item}/grant")
async def grant(
    subject: str, item: str, client: Client, svc: Svc, body: ConsentChange | None = None
) -> dict[str, Any]:
    """Record the person's consent to a purpose or a sensitive category."""
    return await _set(subject, item, True, body, client, svc)


@router.post("/subjects/{subject}/consents/{item}/withdraw")
async def withdraw(
    subject: str, item: str, client: Client, svc: Svc, body: ConsentChange | None = None
) -> dict[str, Any]:
    """Withdraw a consent; it takes effect on the very next read."""
    return await _set(subject, item, False, body, client, svc)


@router.get("/subjects/{subject}/features")
async def features(subject: str, client: Client, svc: Svc) -> dict[str, Any]:
    """Every feature, available or not, with the consents it lacks."""
    claim(client, [RIGHTS_PURPOSE], svc.vault.policy)
    policy = svc.vault.policy
    return {
        "features": [
            {
                "feature": f.feature,
                "label": policy.features[f.feature].label.as_dict(),
                "available": f.available,
                "missing_consents": list(f.missing_consents),
            }
            for f in await svc.run(svc.vault.features, subject)
        ]
    }


@router.post("/subjects/{subject}/privacy-center-link", status_code=201)
async def privacy_center_link(
    subject: str, request: Request, client: Client, svc: Svc
) -> dict[str, Any]:
    """A single-use link to the privacy center for this person, valid for 15 minutes."""
    claim(client, [RIGHTS_PURPOSE], svc.vault.policy)
    await svc.run(svc.vault.consents, subject)  # the vault says whether they exist (404/410)
    link = await svc.run(svc.links.issue, subject, created_by=client.name)
    base = svc.settings.base_url(str(request.base_url))
    return {"url": f"{base}/center/open?t={link.token}", "expires_at": link.expires_at}


@router.get("/policy/version")
async def policy_version(client: Client, svc: Svc) -> dict[str, Any]:
    """The version of the policy the vault enforces, and the versions it enforced before."""
    policy = svc.vault.policy
    return {
        "version": policy.version,
        "effective_date": policy.effective_date,
        "known_versions": await svc.run(svc.versions.versions),
    }


@router.get("/policy", response_model=None)
async def policy_text(
    client: Client,
    svc: Svc,
    lang: Annotated[Lang, Query()] = DEFAULT_LANG,
    format: Annotated[Literal["md", "html", "json"], Query()] = "md",
) -> Response | dict[str, Any]:
    """The policy as people read it (Markdown or HTML, zh-CN or en), or resolved as JSON."""
    policy = svc.vault.policy
    if format == "json":
        from pivault.present.policy_json import policy_as_dict

        return policy_as_dict(policy)
    from pivault.present.policy_render import (
        render_policy,  # lazily: rendering is a separate module
    )

    text = render_policy(policy, lang, format)
    if format == "html":
        return HTMLResponse(text)
    return PlainTextResponse(text, media_type="text/markdown; charset=utf-8")
