"""C2SP ``signed-note`` with Ed25519, and the ``tlog-checkpoint`` it carries.

A note is its text (ending in a newline), a blank line, then signature lines
``— <key name> base64(key id || signature)``. The key id is the first four bytes of
SHA-256(name || 0x0A || 0x01 || public key); a verifier key is written
``name+<key id hex>+base64(0x01 || public key)``. A checkpoint's text is the log's
origin line, its size in decimal and its base64 root hash (c2sp.org/tlog-checkpoint).
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

from pivault.core.errors import CheckpointError
from pivault.crypto.primitives import (
    digest,
    ed25519_public_key,
    ed25519_sign,
    ed25519_verify,
)

__all__ = [
    "Checkpoint",
    "NoteSigner",
    "NoteVerifier",
    "format_checkpoint",
    "open_note",
    "parse_checkpoint",
]

_ED25519 = b"\x01"
_DASH = "\u2014 "
#: The longest note this module reads: a checkpoint is ~150 bytes; 16 signatures fit well.
MAX_NOTE_BYTES = 64 * 1024
_NAME = re.compile(r"[^\s+]+")


def _key_id(name: str, public_key: bytes) -> bytes:
    return digest(name.encode() + b"\n" + _ED25519 + public_key)[:4]


def _check_name(name: str) -> None:
    if not _NAME.fullmatch(name):
        raise CheckpointError(f"a key name is non-empty, without spaces or '+': {name!r}")


@dataclass(frozen=True)
class NoteVerifier:
    """An Ed25519 note verifier key: its name, key id and public key."""

    name: str
    key_id: bytes
    public_key: bytes

    def __str__(self) -> str:
        encoded = base64.b64encode(_ED25519 + self.public_key).decode()
        return f"{self.name}+{self.key_id.hex()}+{encoded}"

    @classmethod
    def parse(cls, text: str) -> NoteVerifier:
        """Read ``name+hexid+base64key``; a malformed or inconsistent key: CheckpointError."""
        parts = text.strip().split("+", 2)
        if len(parts) != 3:
            raise CheckpointError("a verifier key reads NAME+KEYID_HEX+BASE64(0x01 || key)")
        name, hex_id, encoded = parts
        _check_name(name)
        try:
            key_id = bytes.fromhex(hex_id)
            raw = base64.b64decode(encoded, validate=True)
        except (ValueError, binascii.Error):
            raise CheckpointError("the verifier key's id or key is not hex / base64") from None
        if len(key_id) != 4 or len(raw) != 33 or raw[:1] != _ED25519:
            raise CheckpointError(
                "the verifier key is not an Ed25519 key (type 0x01, 32 bytes, 4-byte id)"
            )
        verifier = cls(name, key_id, raw[1:])
        if _key_id(name, verifier.public_key) != key_id:
            raise CheckpointError("the verifier key's id does not match its name and key")
        return verifier


@dataclass(frozen=True)
class NoteSigner:
    """Signs notes as ``name`` with an Ed25519 private key (its 32-byte seed)."""

    name: str
    seed: bytes

    def __post_init__(self) -> None:
        _check_name(self.name)

    def __repr__(self) -> str:  # never show key material
        return f"NoteSigner({self.name!r}, <hidden>)"

    @property
    def verifier(self) -> NoteVerifier:
        public = ed25519_public_key(self.seed)
        return NoteVerifier(self.name, _key_id(self.name, public), public)

    def sign(self, text: str) -> str:
        """The signed note: ``text`` (must end in a newline), a blank line, one signature."""
        if not text.endswith("\n") or "\n\n" in text:
            raise CheckpointError("a note's text ends in one newline and has no blank line")
        verifier = self.verifier
        signature = ed25519_sign(self.seed, text.encode())
        line = base64.b64encode(verifier.key_id + signature).decode()
        return f"{text}\n{_DASH}{self.name} {line}\n"


def open_note(note: str | bytes, verifier: NoteVerifier) -> str:
    """The text of ``note`` once a signature by ``verifier`` checks; else CheckpointError.

    Signatures by other keys are ignored (C2SP signed-note); a known key whose signature
    fails rejects the whole note.
    """
    if isinstance(note, bytes):
        if len(note) > MAX_NOTE_BYTES:
            raise CheckpointError(f"the note is larger than {MAX_NOTE_BYTES} bytes")
        try:
            note = note.decode("utf-8")
        except UnicodeDecodeError:
            raise CheckpointError("the note is not valid UTF-8") from None
    if len(note) > MAX_NOTE_BYTES:
        raise CheckpointError(f"the note is larger than {MAX_NOTE_BYTES} bytes")
    if any(ord(ch) < 0x20 and ch != "\n" for ch in note):
        raise CheckpointError("the note holds a control character")
    split = note.rfind("\n\n")
    if split < 0 or not note.endswith("\n"):
        raise CheckpointError(
            "the note is truncated: no blank line before its signatures, or no final newline"
        )
    text, signatures = note[: split + 1], note[split + 2 :]
    verified = False
    for line in signatures.splitlines():
        if not line.startswith(_DASH):
            raise CheckpointError("a signature line does not start with '— '")
        name, _, encoded = line[len(_DASH) :].partition(" ")
        try:
            raw = base64.b64decode(encoded, validate=True)
        except (ValueError, binascii.Error):
            raise CheckpointError("a signature is not base64") from None
        if len(raw) < 5:
            raise CheckpointError("a signature is too short to hold a key id")
        if name != verifier.name or raw[:4] != verifier.key_id:
            continue  # another key's signature: not ours to judge
        if not ed25519_verify(verifier.public_key, raw[4:], text.encode()):
            raise CheckpointError(
                f"the signature by {verifier.name} does not verify: the note was altered "
                "or signed by another key"
            )
        verified = True
    if not verified:
        raise CheckpointError(
            f"the note carries no signature by {verifier.name}+{verifier.key_id.hex()}"
        )
    return text


@dataclass(frozen=True)
class Checkpoint:
    """A log's origin, size and root hash (the body of a c2sp.org/tlog-checkpoint)."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()


def format_checkpoint(checkpoint: Checkpoint) -> str:
    lines = [
        checkpoint.origin,
        str(checkpoint.size),
        base64.b64encode(checkpoint.root).decode(),
        *checkpoint.extensions,
    ]
    return "\n".join(lines) + "\n"


def parse_checkpoint(text: str) -> Checkpoint:
    """Read a checkpoint body (the text of an opened note); malformed: CheckpointError."""
    lines = text.split("\n")
    if len(lines) < 4 or lines[-1] != "":
        raise CheckpointError("a checkpoint is an origin line, a size and a root hash line")
    origin, size_text, root_text, *extensions = lines[:-1]
    if not origin or origin != origin.strip():
        raise CheckpointError("the checkpoint's origin line is empty or padded")
    if not size_text.isdigit() or (size_text.startswith("0") and size_text != "0"):
        raise CheckpointError(f"the checkpoint's size is not a decimal number: {size_text!r}")
    try:
        root = base64.b64decode(root_text, validate=True)
    except (ValueError, binascii.Error):
        raise CheckpointError("the checkpoint's root hash is not base64") from None
    if len(root) != 32:
        raise CheckpointError("the checkpoint's root hash is not 32 bytes (SHA-256)")
    return Checkpoint(origin, int(size_text), root, tuple(extensions))
