"""The published audit CLI contract, run exactly as issue 8 writes it, as real processes.

Checkpoints, the verifier key, leaves, inclusion and consistency proofs, offline proof
checks without a master key or database; bad input gets one line and a non-zero exit,
and the read-only commands append nothing.
"""

from __future__ import annotations

import base64
import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from tests.test_cli import Cli, _ready


@pytest.fixture
def logged(tmp_path: Path) -> Cli:
    c = _ready(tmp_path)
    c.env["PIVAULT_AUDIT_WITNESS_DIR"] = str(tmp_path / "witness")
    c("collect", "u1", "registration", "account.nickname=小明", "--actor", "app")
    c("read", "u1", "account", "--purpose", "service", "--actor", "app")
    c("read", "u1", "account", "--purpose", "ads_recommendation", "--actor", "ads")  # denied
    return c


def leaf_count(c: Cli) -> int:
    with sqlite3.connect(c.db) as conn:
        return int(conn.execute("SELECT count(*) FROM audit_log").fetchone()[0])


def test_checkpoint_public_key_leaves_prove_and_verify_offline(logged: Cli, tmp_path: Path) -> None:
    c = logged
    note = c("audit", "checkpoint", "-o", str(tmp_path / "cp1")).stdout
    assert note == (tmp_path / "cp1").read_text()
    origin, size, root_b64 = note.split("\n")[:3]
    assert origin.startswith("pivault.audit/") and int(size) == leaf_count(c)
    key = c("audit", "public-key").stdout.strip()
    name, key_id, encoded = key.split("+", 2)
    raw = base64.b64decode(encoded)
    assert name == origin and raw[0] == 1 and len(raw) == 33
    assert bytes.fromhex(key_id) == hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4]
    witnessed = list((tmp_path / "witness").rglob("*.checkpoint"))
    assert [p.read_text() for p in witnessed] == [note]

    before = leaf_count(c)
    lines = c("audit", "leaves", "--json").stdout.splitlines()
    leaves = [json.loads(line) for line in lines]
    assert [x["index"] for x in leaves] == list(range(int(size)))
    assert all(b"13812345678" not in base64.b64decode(x["leaf"]) for x in leaves)

    proof = json.loads(c("audit", "prove", "1", "--json").stdout)
    assert set(proof) == {"index", "tree_size", "leaf_hash", "inclusion_path", "root_hash"}
    assert proof["tree_size"] == int(size)
    assert base64.b64encode(bytes.fromhex(proof["root_hash"])).decode() == root_b64
    leaf = base64.b64decode(leaves[1]["leaf"])
    assert proof["leaf_hash"] == hashlib.sha256(b"\x00" + leaf).hexdigest()
    (tmp_path / "proof.json").write_text(json.dumps(proof))

    # Offline: no master key, no database.
    offline = {k: v for k, v in c.env.items() if not k.startswith("PIVAULT_")}
    offline["PIVAULT_VAULT_URL"] = "sqlite:////nonexistent/none.db"
    offline["PIVAULT_MASTER_KEY_FILE"] = "/nonexistent/master.key"
    c.env, saved = offline, c.env
    ok = c(
        "audit",
        "verify-proof",
        "--public-key",
        key,
        "--checkpoint",
        str(tmp_path / "cp1"),
        "--proof",
        str(tmp_path / "proof.json"),
    )
    assert ok.stdout.startswith("OK: entry 1 is included")
    forged = {**proof, "leaf_hash": "00" * 32}
    (tmp_path / "forged.json").write_text(json.dumps(forged))
    bad = c(
        "audit",
        "verify-proof",
        "--public-key",
        key,
        "--checkpoint",
        str(tmp_path / "cp1"),
        "--proof",
        str(tmp_path / "forged.json"),
        ok=False,
    )
    assert "NOT included" in bad.stderr and len(bad.stderr.strip().splitlines()) == 1
    c.env = saved

    # The read-only commands appended nothing.
    c("audit", "verify")
    c("audit", "prove", "0", "--checkpoint", str(tmp_path / "cp1"), "--json")
    assert leaf_count(c) == before

    # Consistency between two checkpoint files, also checked offline.
    c("read", "u1", "account", "--purpose", "service", "--actor", "app")
    c("audit", "checkpoint", "-o", str(tmp_path / "cp2"))
    consistency = json.loads(
        c(
            "audit", "prove-consistency", str(tmp_path / "cp1"), str(tmp_path / "cp2"), "--json"
        ).stdout
    )
    assert consistency["old_size"] == int(size) and consistency["new_size"] > int(size)
    (tmp_path / "consistency.json").write_text(json.dumps(consistency))
    c.env = offline
    ok = c(
        "audit",
        "verify-proof",
        "--public-key",
        key,
        "--checkpoint",
        str(tmp_path / "cp2"),
        "--proof",
        str(tmp_path / "consistency.json"),
    )
    assert "append-only extension" in ok.stdout


def test_truncating_the_log_is_reported_by_verify(logged: Cli) -> None:
    c = logged
    c("audit", "checkpoint")
    n = leaf_count(c)
    with sqlite3.connect(c.db) as conn:
        conn.execute("DELETE FROM audit_log WHERE idx >= ?", (n - 1,))
    proc = c("audit", "verify", ok=False)
    assert f"commits to {n} entries but the log holds only {n - 1}" in proc.stderr


def _one_line(proc_stderr: str) -> str:
    lines = proc_stderr.strip().splitlines()
    assert len(lines) == 1, proc_stderr
    return lines[0]


def test_bad_checkpoints_proofs_and_witness_dirs_get_one_line(logged: Cli, tmp_path: Path) -> None:
    c = logged
    note = c("audit", "checkpoint", "-o", str(tmp_path / "cp")).stdout
    (tmp_path / "truncated").write_text(note[: note.index("\n\n")])
    (tmp_path / "other").mkdir()
    other = _ready(tmp_path / "other")
    other.env["PIVAULT_AUDIT_WITNESS_DIR"] = str(tmp_path / "other-witness")
    (tmp_path / "foreign").write_text(other("audit", "checkpoint").stdout)
    corrupt = note.split("\n")
    corrupt[1] = str(int(corrupt[1]) + 1)
    (tmp_path / "corrupt").write_text("\n".join(corrupt))
    for name, message in [
        ("truncated", "truncated"),
        ("corrupt", "does not verify"),
        ("foreign", "no signature by"),
    ]:
        proc = c("audit", "prove", "0", "--checkpoint", str(tmp_path / name), "--json", ok=False)
        assert message in _one_line(proc.stderr)
    past = c("audit", "prove", "999", "--json", ok=False)
    assert "not in the tree" in _one_line(past.stderr)

    before = c("audit", "leaves", "--json").stdout
    # A witness "directory" that is a file cannot be written, whoever runs the command.
    c.env["PIVAULT_AUDIT_WITNESS_DIR"] = str(tmp_path / "file-not-dir")
    (tmp_path / "file-not-dir").write_text("")
    proc = c("audit", "checkpoint", ok=False)
    assert "cannot write the checkpoint to the witness directory" in _one_line(proc.stderr)
    with sqlite3.connect(c.db) as conn:
        stored = conn.execute("SELECT count(*) FROM audit_checkpoints").fetchone()[0]
    assert stored == 1  # the refused checkpoints were not stored
    assert c("audit", "leaves", "--json").stdout == before
