"""External witnesses (C2SP tlog-witness) against a real HTTP witness on loopback.

The witness here is written from the specification for the test, with its own
Ed25519 (pyca/cryptography directly): it checks the log's signature and the
consistency proof from the size it holds, answers 409 with its size when the log
starts from another, and returns a C2SP tlog-cosignature.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from pivault.core.errors import CheckpointError
from pivault.crypto import merkle
from pivault.crypto.cosignature import CosignatureVerifier
from pivault.crypto.master_key import MasterKey
from pivault.crypto.signed_note import NoteVerifier, open_note, parse_checkpoint
from pivault.service.vault import Vault
from pivault.service.witnesses import ExternalWitness, parse_witnesses

NAME = "witness.test/w1"


class Witness:
    def __init__(self, log_key: NoteVerifier) -> None:
        self.key = Ed25519PrivateKey.generate()
        self.log_key = log_key
        self.size = 0
        self.root = merkle.EMPTY_ROOT
        self.lock = threading.Lock()
        self.now = 1_760_000_000

    @property
    def verifier_text(self) -> str:
        public = self.key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        key_id = hashlib.sha256(NAME.encode() + b"\n\x04" + public).digest()[:4]
        encoded = base64.b64encode(b"\x04" + public).decode()
        return f"{NAME}+{key_id.hex()}+{encoded}"

    def add_checkpoint(self, body: str) -> tuple[int, str, str]:
        head, _, note = body.partition("\n\n")
        lines = head.split("\n")
        old = int(lines[0].removeprefix("old "))
        proof = [base64.b64decode(x) for x in lines[1:] if x]
        try:
            text = open_note(note, self.log_key)
        except CheckpointError:
            return 403, "text/plain", "bad log signature\n"
        cp = parse_checkpoint(text)
        with self.lock:
            if old > cp.size:
                return 400, "text/plain", "old size beyond the checkpoint\n"
            if old != self.size:
                return 409, "text/x.tlog.size", f"{self.size}\n"
            if old == cp.size and cp.root != self.root:
                return 409, "text/x.tlog.size", f"{self.size}\n"
            if old and not merkle.verify_consistency(old, cp.size, self.root, cp.root, proof):
                return 422, "text/plain", "inconsistent\n"
            self.size, self.root = cp.size, cp.root
            self.now += 1
            message = f"cosignature/v1\ntime {self.now}\n{text}".encode()
            key_id = bytes.fromhex(self.verifier_text.split("+")[1])
            raw = key_id + self.now.to_bytes(8, "big") + self.key.sign(message)
            return 200, "text/plain", f"— {NAME} {base64.b64encode(raw).decode()}\n"


@pytest.fixture
def vault(tmp_path: Path) -> Iterator[Vault]:
    v = Vault(f"sqlite:///{tmp_path / 'v.db'}", master_key=MasterKey.generate())
    v.add_actor("app", ["service"])
    v.collect("u1", "registration", {"account.nickname": "小明"}, actor="app")
    yield v
    v.close()


@pytest.fixture
def witness(vault: Vault) -> Iterator[tuple[Witness, str]]:
    state = Witness(vault.audit.verifier)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            assert self.path == "/prefix/add-checkpoint"
            body = self.rfile.read(int(self.headers["Content-Length"])).decode()
            status, content_type, text = state.add_checkpoint(body)
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.end_headers()
            self.wfile.write(text.encode())

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state, f"http://127.0.0.1:{server.server_address[1]}/prefix"
    finally:
        server.shutdown()
        server.server_close()


def _with_witness(vault: Vault, url: str, state: Witness) -> None:
    vault.audit.witnesses = parse_witnesses(json.dumps([{"url": url, "key": state.verifier_text}]))


def test_each_checkpoint_is_cosigned_and_the_cosignature_verifies(
    vault: Vault, witness: tuple[Witness, str]
) -> None:
    state, url = witness
    _with_witness(vault, url, state)
    first = vault.audit.checkpoint()
    assert vault.audit.witness_problems == []
    vault.read("u1", ["account"], purpose="service", actor="app")
    second = vault.audit.checkpoint()
    assert vault.audit.witness_problems == [] and state.size == vault.audit.tree()[0]
    verifier = CosignatureVerifier.parse(state.verifier_text)
    for note in (first, second):
        text = open_note(note, vault.audit.verifier)  # the log's own signature still checks
        line = note.strip().splitlines()[-1]
        assert verifier.verify(line, text) is not None
    stored = vault.audit.latest_checkpoint()
    assert stored == second and [n for _, n in vault.audit.witness_notes()][-1] == second
    assert vault.audit.verify().ok


def test_a_new_process_learns_the_witness_size_from_409(
    vault: Vault, witness: tuple[Witness, str], tmp_path: Path
) -> None:
    state, url = witness
    _with_witness(vault, url, state)
    vault.audit.checkpoint()
    vault.read("u1", ["account"], purpose="service", actor="app")
    vault.audit._cosigned.clear()  # as a freshly started worker would be
    vault.audit.checkpoint()
    assert vault.audit.witness_problems == [] and state.size == vault.audit.tree()[0]


def test_a_rewound_log_gets_no_cosignature(vault: Vault, witness: tuple[Witness, str]) -> None:
    state, url = witness
    _with_witness(vault, url, state)
    for _ in range(3):
        vault.read("u1", ["account"], purpose="service", actor="app")
    vault.audit.checkpoint()
    held = state.size
    engine = sa.create_engine(vault.store.engine.url)  # the attacker truncates the log
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM audit_log WHERE idx >= 2"))
        conn.execute(sa.text("DELETE FROM audit_tiles"))
        conn.execute(sa.text("DELETE FROM audit_tree"))
        conn.execute(sa.text("UPDATE audit_log SET idx = NULL"))
    engine.dispose()
    vault.audit.integrate()
    vault.audit.checkpoint()
    assert state.size == held
    assert any("rewound" in p for p in vault.audit.witness_problems)


def test_bad_witness_settings_are_named() -> None:
    with pytest.raises(Exception, match="JSON list"):
        parse_witnesses("not json")
    with pytest.raises(Exception, match="http"):
        parse_witnesses('[{"url": "ftp://x", "key": "a+00000000+AA=="}]')
    assert isinstance(ExternalWitness, type)
