"""C2SP ``tlog-cosignature`` (Ed25519, v1): a witness's timestamped statement that a
checkpoint is the largest consistent tree it has seen of that log.

The signed message is ``cosignature/v1``, ``time <POSIX seconds>`` and the checkpoint's
note text; the signature line is ``— <witness name> base64(key id || u64 timestamp ||
signature)`` with key id SHA-256(name || 0x0A || 0x04 || public key)[:4].
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from pivault.core.errors import CheckpointError
from pivault.crypto.primitives import digest, ed25519_verify

__all__ = ["CosignatureVerifier"]

_COSIGNATURE = b"\x04"
_DASH = "\u2014 "


def _message(checkpoint_text: str, timestamp: int) -> bytes:
    return f"cosignature/v1\ntime {timestamp}\n{checkpoint_text}".encode()


@dataclass(frozen=True)
class CosignatureVerifier:
    """A witness: its name and Ed25519 public key."""

    name: str
    public_key: bytes

    @property
    def key_id(self) -> bytes:
        return digest(self.name.encode() + b"\n" + _COSIGNATURE + self.public_key)[:4]

    def __str__(self) -> str:
        encoded = base64.b64encode(_COSIGNATURE + self.public_key).decode()
        return f"{self.name}+{self.key_id.hex()}+{encoded}"

    @classmethod
    def parse(cls, text: str) -> CosignatureVerifier:
        """Read a witness verifier key ``name+hexid+base64(0x04 || key)``."""
        parts = text.strip().split("+", 2)
        if len(parts) != 3 or not parts[0]:
            raise CheckpointError("a witness key reads NAME+KEYID_HEX+BASE64(0x04 || key)")
        try:
            raw = base64.b64decode(parts[2], validate=True)
            key_id = bytes.fromhex(parts[1])
        except (ValueError, binascii.Error):
            raise CheckpointError("the witness key's id or key is not hex / base64") from None
        if len(raw) != 33 or raw[:1] != _COSIGNATURE:
            raise CheckpointError("the witness key is not an Ed25519 cosignature key (type 0x04)")
        verifier = cls(parts[0], raw[1:])
        if verifier.key_id != key_id:
            raise CheckpointError("the witness key's id does not match its name and key")
        return verifier

    def verify(self, line: str, checkpoint_text: str) -> int | None:
        """The timestamp of ``line`` when it is this witness's valid cosignature of the
        checkpoint; None for another key's line; CheckpointError when ours fails."""
        if not line.startswith(_DASH):
            raise CheckpointError("a cosignature line does not start with '— '")
        name, _, encoded = line[len(_DASH) :].strip().partition(" ")
        try:
            raw = base64.b64decode(encoded, validate=True)
        except (ValueError, binascii.Error):
            raise CheckpointError("a cosignature is not base64") from None
        if name != self.name or raw[:4] != self.key_id:
            return None
        if len(raw) != 4 + 8 + 64:
            raise CheckpointError(f"the cosignature by {self.name} has the wrong length")
        timestamp = int.from_bytes(raw[4:12], "big")
        if timestamp >= 2**63 or not ed25519_verify(
            self.public_key, raw[12:], _message(checkpoint_text, timestamp)
        ):
            raise CheckpointError(f"the cosignature by {self.name} does not verify")
        return timestamp
