"""Checking the audit log's proofs offline: the verifier key, a signed checkpoint and a
proof file are enough (no master key, no database)."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

from pivault.core.errors import ProofError
from pivault.crypto import merkle
from pivault.crypto.signed_note import NoteVerifier, open_note, parse_checkpoint

__all__ = ["decode_hash", "encode_leaf", "verify_proof_offline"]


def decode_hash(text: str, what: str) -> bytes:
    try:
        raw = bytes.fromhex(text)
    except (ValueError, TypeError):
        raise ProofError(f"{what} is not a hex SHA-256 hash") from None
    if len(raw) != 32:
        raise ProofError(f"{what} is not 32 bytes")
    return raw


def encode_leaf(leaf: bytes) -> str:
    return base64.b64encode(leaf).decode()


def verify_proof_offline(
    public_key: str, checkpoint_note: str | bytes, proof: Mapping[str, Any]
) -> str:
    """Check an inclusion or consistency proof (the JSON of ``audit prove`` or
    ``audit prove-consistency``) against a checkpoint signed by ``public_key``; no vault,
    no database. Returns a one-line description; raises CheckpointError / ProofError."""
    checkpoint = parse_checkpoint(open_note(checkpoint_note, NoteVerifier.parse(public_key)))
    try:
        if "inclusion_path" in proof:
            index, size = int(proof["index"]), int(proof["tree_size"])
            leaf = decode_hash(str(proof["leaf_hash"]), "leaf_hash")
            path = [decode_hash(str(h), "an inclusion_path hash") for h in proof["inclusion_path"]]
            if size != checkpoint.size:
                raise ProofError(
                    f"the proof is for a tree of {size} entries, "
                    f"the checkpoint for {checkpoint.size}"
                )
            if not merkle.verify_inclusion(index, size, leaf, path, checkpoint.root):
                raise ProofError(f"entry {index} is NOT included in the checkpoint's tree")
            return f"entry {index} is included in the signed tree of {size} entries"
        if "consistency_path" in proof:
            old, new = int(proof["old_size"]), int(proof["new_size"])
            old_root = decode_hash(str(proof["old_root_hash"]), "old_root_hash")
            path = [
                decode_hash(str(h), "a consistency_path hash") for h in proof["consistency_path"]
            ]
            if checkpoint.size != new:
                raise ProofError(
                    f"the proof ends at {new} entries, the checkpoint has {checkpoint.size}"
                )
            if not merkle.verify_consistency(old, new, old_root, checkpoint.root, path):
                raise ProofError(f"the tree of {new} entries does NOT extend the tree of {old}")
            return f"the signed tree of {new} entries is an append-only extension of {old}"
    except (KeyError, TypeError, ValueError) as exc:
        raise ProofError(f"the proof file is malformed: {exc}") from None
    raise ProofError("the proof file has neither inclusion_path nor consistency_path")
