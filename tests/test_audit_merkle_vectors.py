"""The audit log's cryptography against published vectors, through the production code.

- RFC 6962 / RFC 9162 Merkle hashes and proofs: the reference tree of transparency-dev/merkle
  (tests/vectors/merkle_rfc6962_transparency_dev.json). The tree is built by the same
  :class:`~pivault.crypto.merkle.Frontier` and tile reader the sequencer uses.
- Ed25519: RFC 8032 §7.1 (tests/vectors/ed25519_rfc8032.json).
- C2SP signed-note: the Go reference example (tests/vectors/signed_note_c2sp.json).
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from pivault.core.errors import CheckpointError
from pivault.crypto import merkle
from pivault.crypto.primitives import ed25519_public_key, ed25519_sign, ed25519_verify
from pivault.crypto.signed_note import (
    Checkpoint,
    NoteSigner,
    NoteVerifier,
    format_checkpoint,
    open_note,
    parse_checkpoint,
)

VECTORS = Path(__file__).parent / "vectors"


def _doc(name: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((VECTORS / name).read_text())
    assert doc["source"], f"{name} must cite its source"
    return doc


TREE = _doc("merkle_rfc6962_transparency_dev.json")
LEAVES = [bytes.fromhex(h) for h in TREE["leaves_hex"]]
ROOTS = [bytes.fromhex(h) for h in TREE["roots_by_size"]]


def _stored_nodes() -> merkle.NodeSource:
    """Every perfect node the sequencer would store, reported by Frontier.append."""
    nodes: dict[tuple[int, int], bytes] = {}
    frontier = merkle.Frontier()
    for leaf in LEAVES:
        completed: list[tuple[int, int, bytes]] = []
        frontier.append(merkle.leaf_hash(leaf), completed)
        nodes.update({(lv, ix): h for lv, ix, h in completed})
    return lambda level, index: nodes[(level, index)]


def test_roots_of_every_size_match_the_reference_tree() -> None:
    frontier = merkle.Frontier()
    assert frontier.root() == ROOTS[0]
    for size, leaf in enumerate(LEAVES, start=1):
        frontier.append(merkle.leaf_hash(leaf))
        assert frontier.root() == ROOTS[size]
        assert merkle.Frontier.at(size, _stored_nodes()).root() == ROOTS[size]
        assert merkle.root_of(size, _stored_nodes()) == ROOTS[size]


@pytest.mark.parametrize("case", TREE["inclusion"], ids=lambda c: f"{c['index']}:{c['size']}")
def test_inclusion_proofs_match_and_verify(case: dict[str, Any]) -> None:
    index, size = case["index"], case["size"]
    path = merkle.inclusion_path(index, size, _stored_nodes())
    assert [h.hex() for h in path] == case["path"]
    leaf = merkle.leaf_hash(LEAVES[index])
    assert merkle.verify_inclusion(index, size, leaf, path, ROOTS[size])
    assert not merkle.verify_inclusion(index, size, merkle.leaf_hash(b"forged"), path, ROOTS[size])
    if path:
        assert not merkle.verify_inclusion(index, size, leaf, path[:-1], ROOTS[size])


@pytest.mark.parametrize("case", TREE["consistency"], ids=lambda c: f"{c['old']}:{c['new']}")
def test_consistency_proofs_match_and_verify(case: dict[str, Any]) -> None:
    old, new = case["old"], case["new"]
    path = merkle.consistency_path(old, new, _stored_nodes())
    assert [h.hex() for h in path] == case["path"]
    assert merkle.verify_consistency(old, new, ROOTS[old], ROOTS[new], path)
    if old != new:
        assert not merkle.verify_consistency(old, new, ROOTS[old - 1], ROOTS[new], path)


def test_every_proof_of_the_reference_tree_verifies_and_no_altered_one_does() -> None:
    nodes = _stored_nodes()
    for size in range(1, len(LEAVES) + 1):
        for index in range(size):
            path = merkle.inclusion_path(index, size, nodes)
            leaf = merkle.leaf_hash(LEAVES[index])
            assert merkle.verify_inclusion(index, size, leaf, path, ROOTS[size])
            for i in range(len(path)):
                bad = [*path[:i], bytes(32), *path[i + 1 :]]
                assert not merkle.verify_inclusion(index, size, leaf, bad, ROOTS[size])
        for old in range(size + 1):
            path = merkle.consistency_path(old, size, nodes)
            assert merkle.verify_consistency(old, size, ROOTS[old], ROOTS[size], path)


@pytest.mark.parametrize("case", _doc("ed25519_rfc8032.json")["vectors"], ids=lambda c: c["name"])
def test_ed25519_matches_rfc_8032(case: dict[str, str]) -> None:
    seed, message = bytes.fromhex(case["secret_key"]), bytes.fromhex(case["message"])
    assert ed25519_public_key(seed).hex() == case["public_key"]
    assert ed25519_sign(seed, message).hex() == case["signature"]
    public, signature = bytes.fromhex(case["public_key"]), bytes.fromhex(case["signature"])
    assert ed25519_verify(public, signature, message)
    assert not ed25519_verify(public, signature, message + b"x")


NOTE = _doc("signed_note_c2sp.json")


def test_the_reference_signed_note_is_reproduced_byte_for_byte() -> None:
    seed = base64.b64decode(NOTE["signer_key"].split("+", 4)[4])[1:]
    signer = NoteSigner("PeterNeumann", seed)
    assert str(signer.verifier) == NOTE["verifier_key"]
    assert signer.sign(NOTE["text"]) == NOTE["note"]
    assert open_note(NOTE["note"], NoteVerifier.parse(NOTE["verifier_key"])) == NOTE["text"]


@pytest.mark.parametrize(
    ("note", "message"),
    [
        (NOTE["note"].replace("cryptography", "cryptographY"), "does not verify"),
        (NOTE["note"][: NOTE["note"].index("\n\n")], "truncated"),
        (NOTE["note"].replace("— PeterNeumann", "— Someone"), "no signature by PeterNeumann"),
        (NOTE["note"].replace("x08go", "!!!go"), "not base64"),
        (NOTE["note"].replace("problem,", "problem,\x07"), "control character"),
        (b"\xff\xfe" + NOTE["note"].encode(), "not valid UTF-8"),
    ],
    ids=["altered", "truncated", "other key", "bad base64", "control", "not utf-8"],
)
def test_a_bad_note_is_refused_with_the_reason(note: str | bytes, message: str) -> None:
    with pytest.raises(CheckpointError, match=message):
        open_note(note, NoteVerifier.parse(NOTE["verifier_key"]))


@pytest.mark.parametrize(
    "key",
    [
        "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # wrong id
        "PeterNeumann+c74f20a3+AhpcXQcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # not type 1
        "PeterNeumann+c74f20a3",
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    ],
)
def test_a_malformed_verifier_key_is_refused(key: str) -> None:
    with pytest.raises(CheckpointError):
        NoteVerifier.parse(key)


def test_checkpoint_text_round_trips_and_bad_ones_are_named() -> None:
    cp = Checkpoint("example.com/log", 8, ROOTS[8])
    text = format_checkpoint(cp)
    assert text == f"example.com/log\n8\n{base64.b64encode(ROOTS[8]).decode()}\n"
    assert parse_checkpoint(text) == cp
    for bad, message in [
        ("example.com/log\n8\n", "origin line, a size"),
        ("example.com/log\n08\nAAAA\n", "not a decimal"),
        ("example.com/log\n8\nAAAA\n", "not 32 bytes"),
    ]:
        with pytest.raises(CheckpointError, match=message):
            parse_checkpoint(bad)
