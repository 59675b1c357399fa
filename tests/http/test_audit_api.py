"""The audit log over HTTP: the server sequences on its own, publishes the signed
checkpoint, answers inclusion proofs that verify against it, and the privacy center
links each entry of a person's history to its proof."""

from __future__ import annotations

import time

from pivault.core.audit_entry import AuditAction
from pivault.crypto import merkle
from pivault.crypto.signed_note import open_note, parse_checkpoint
from pivault.http.i18n import S
from tests.http.conftest import Live


def _wait_until_integrated(server: Live) -> int:
    """Until nothing is pending for a few sequencer rounds (the server's own first
    retention purge writes an entry of its own soon after it starts)."""
    deadline, quiet = time.monotonic() + 10, 0
    while quiet < 3 and time.monotonic() < deadline:
        quiet = quiet + 1 if server.vault.audit.pending() == 0 else 0
        time.sleep(0.3)
    assert quiet == 3, "the server's sequencer did not integrate"
    return server.vault.audit.tree()[0]


def test_the_server_sequences_and_proofs_verify_against_the_signed_checkpoint(
    server: Live,
) -> None:
    with server.client(server.app_key) as c:
        r = c.post("/v1/subjects/u1/read", json={"categories": ["account"], "purpose": "service"})
        assert r.status_code == 200
    size = _wait_until_integrated(server)  # by the background sequencer, no CLI involved
    server.vault.audit.checkpoint()
    with server.client() as c:  # public: no API key
        note = c.get("/v1/audit/checkpoint")
        assert note.status_code == 200 and note.headers["content-type"].startswith("text/plain")
        checkpoint = parse_checkpoint(open_note(note.text, server.vault.audit.verifier))
        assert checkpoint.size == size
        proof = c.get(f"/v1/audit/proofs/{size - 1}", params={"tree_size": size}).json()
        past = c.get(f"/v1/audit/proofs/{size}", params={"tree_size": size})
    assert merkle.verify_inclusion(
        proof["index"],
        proof["tree_size"],
        bytes.fromhex(proof["leaf_hash"]),
        [bytes.fromhex(h) for h in proof["inclusion_path"]],
        checkpoint.root,
    )
    assert past.status_code == 404
    assert past.headers["content-type"] == "application/problem+json"
    assert past.json()["code"] == "proof_invalid"


def test_the_server_publishes_a_checkpoint_by_itself_to_the_witness_directory(
    server: Live,
) -> None:
    size = _wait_until_integrated(server)
    deadline = time.monotonic() + 10
    with server.client() as c:
        while (r := c.get("/v1/audit/checkpoint")).status_code == 404:
            assert time.monotonic() < deadline, "no checkpoint was published"
            time.sleep(0.05)
    assert 0 < parse_checkpoint(open_note(r.text, server.vault.audit.verifier)).size <= size
    assert r.text in [note for _, note in server.vault.audit.witness_notes()]


def test_the_access_history_links_each_entry_to_its_proof(server: Live) -> None:
    _wait_until_integrated(server)
    with server.client() as c:
        page = c.get(server.link(), follow_redirects=True)
        history = c.get("/center/history")
    assert page.status_code == 200
    assert "/v1/audit/proofs/" in history.text and "已收录" in history.text
    assert "/v1/audit/checkpoint" in history.text


def test_every_audit_action_has_a_name_for_people() -> None:
    for action in AuditAction:
        assert f"action.{action.value}" in S, action
