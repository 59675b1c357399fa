"""The audit log, public: its signed checkpoint and inclusion proofs.

Neither reveals anything but hashes and the tree's size: anyone — the person, an
auditor, a regulator — can check an entry's inclusion against the signed
checkpoint with the vault's public key (``pivault audit public-key``), offline.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import PlainTextResponse

from pivault.http.deps import Svc
from pivault.http.problems import NotFoundError

router = APIRouter(prefix="/v1/audit", tags=["audit log"])


@router.get(
    "/checkpoint",
    response_class=PlainTextResponse,
    responses={
        200: {"content": {"text/plain": {}}, "description": "The latest signed checkpoint."},
    },
)
async def checkpoint(svc: Svc) -> PlainTextResponse:
    """The latest signed checkpoint (C2SP tlog-checkpoint in a C2SP signed-note)."""
    note = await svc.run(svc.vault.audit.latest_checkpoint)
    if note is None:
        raise NotFoundError("no checkpoint has been published yet")
    return PlainTextResponse(note)


@router.get("/proofs/{index}")
async def proof(
    index: int,
    svc: Svc,
    tree_size: Annotated[int | None, Query(ge=1, description="Default: the tree's size.")] = None,
) -> dict[str, Any]:
    """The inclusion proof of entry ``index`` in the tree of ``tree_size`` entries
    (hashes in hex, RFC 9162 §2.1.3)."""
    found = await svc.run(svc.vault.audit.prove, index, tree_size)
    return found.as_json()
