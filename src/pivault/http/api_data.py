"""Service API, personal values: collect, read, decide, find, export, correct, delete, erase.

Each route checks what the API key may claim (:func:`claim`) and calls the vault,
which enforces the policy and records the call in the audit trail. Vault calls
block, so they run off the event loop (:meth:`Services.run`).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from pivault.core.codec import to_json_value
from pivault.http.api_models import (
    CollectRequest,
    CorrectRequest,
    DecideRequest,
    DeleteRequest,
    FindRequest,
    ReadRequest,
    from_json,
)
from pivault.http.deps import RIGHTS_PURPOSE, Client, Svc, claim, claim_any

router = APIRouter(prefix="/v1", tags=["personal data"])


@router.post("/subjects/{subject}/collect", status_code=201)
async def collect(subject: str, body: CollectRequest, client: Client, svc: Svc) -> dict[str, Any]:
    """Store values through a feature; refused whole if any is undeclared or lacks consent."""
    policy = svc.vault.policy
    feature = policy.features.get(body.feature)
    if feature is not None:
        claim_any(client, feature.purposes)
    values = {k: from_json(policy, k, v) for k, v in body.values.items()}
    receipt = await svc.run(svc.vault.collect, subject, body.feature, values, actor=client.name)
    return {
        "subject": receipt.subject,
        "feature": receipt.feature,
        "stored": list(receipt.stored),
        "transforms": dict(receipt.transforms),
    }


@router.post("/subjects/{subject}/read")
async def read(subject: str, body: ReadRequest, client: Client, svc: Svc) -> dict[str, Any]:
    """Values the caller may use for ``purpose``; each denied category with its reason code."""
    claim(client, [body.purpose], svc.vault.policy)
    result = await svc.run(
        svc.vault.read, subject, body.categories, purpose=body.purpose, actor=client.name
    )
    svc.metrics.count_allowed(body.purpose, len(result.values) + len(result.missing))
    svc.metrics.count_decisions(result.denied.values())
    return {
        "subject": result.subject,
        "purpose": result.purpose,
        "values": {k: to_json_value(v) for k, v in result.values.items()},
        "denied": {k: d.as_dict() for k, d in result.denied.items()},
        "not_collected": result.missing,
    }


@router.post("/decide")
async def decide(body: DecideRequest, client: Client, svc: Svc) -> dict[str, Any]:
    """Decisions for (subject, category, purpose) triples; no value is read."""
    claim(client, {r.purpose for r in body.requests}, svc.vault.policy)

    def decide_all() -> list[Any]:
        return [
            svc.vault.decide(r.subject, r.category, r.purpose, client.name) for r in body.requests
        ]

    decisions = await svc.run(decide_all)
    svc.metrics.count_decisions(decisions)
    return {
        "decisions": [
            {"subject": r.subject, **d.as_dict()}
            for r, d in zip(body.requests, decisions, strict=True)
        ]
    }


@router.post("/find")
async def find(body: FindRequest, client: Client, svc: Svc) -> dict[str, Any]:
    """Subjects whose value of a lookup category equals ``value`` (keyed blind index)."""
    claim(client, [body.purpose], svc.vault.policy)
    value = from_json(svc.vault.policy, body.category, body.value)
    subjects = await svc.run(
        svc.vault.find, body.category, value, actor=client.name, purpose=body.purpose
    )
    return {"subjects": subjects}


@router.get("/subjects/{subject}/export")
async def export(subject: str, client: Client, svc: Svc) -> dict[str, Any]:
    """Everything held about the person, machine-readable (PIPL Art. 45)."""
    claim(client, [RIGHTS_PURPOSE], svc.vault.policy)
    return await svc.run(svc.vault.export, subject, actor=client.name)


@router.post("/subjects/{subject}/correct")
async def correct(subject: str, body: CorrectRequest, client: Client, svc: Svc) -> dict[str, Any]:
    """Replace a held value (PIPL Art. 46); validation and minimisation apply."""
    claim(client, [RIGHTS_PURPOSE], svc.vault.policy)
    value = from_json(svc.vault.policy, body.category, body.value)
    await svc.run(svc.vault.correct, subject, body.category, value, actor=client.name)
    return {"corrected": body.category}


@router.post("/subjects/{subject}/delete")
async def delete(subject: str, body: DeleteRequest, client: Client, svc: Svc) -> dict[str, Any]:
    """Delete the values of categories (a parent covers its children)."""
    claim(client, [RIGHTS_PURPOSE], svc.vault.policy)
    deleted = await svc.run(
        svc.vault.delete_categories, subject, body.categories, actor=client.name
    )
    return {"deleted": deleted}


@router.delete("/subjects/{subject}")
async def erase(subject: str, client: Client, svc: Svc) -> dict[str, Any]:
    """Cancel the account: the person's key is destroyed, their values deleted."""
    claim(client, [RIGHTS_PURPOSE], svc.vault.policy)
    count = await svc.run(svc.vault.erase, subject, actor=client.name)
    await svc.run(svc.links.end_all, subject)
    return {"erased": True, "values_destroyed": count}
