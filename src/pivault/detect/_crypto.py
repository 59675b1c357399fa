"""Key checks for the detect operators, over :mod:`pivault.crypto.primitives`.

HMAC-SHA256 for keyed pseudonyms; AES-256-GCM for reversible tokens. Keys
come from the caller; nothing here stores or derives them. The primitives
themselves live in one module of pivault, ``pivault/crypto/primitives.py``.
"""

from __future__ import annotations

from pivault.core.errors import DetectionError
from pivault.crypto import primitives

MIN_PSEUDONYM_KEY_BYTES = 16
TOKEN_KEY_BYTES = 32


def check_pseudonym_key(key: bytes | None) -> bytes:
    """Return ``key`` if it can key HMAC-SHA256 safely, else raise DetectionError."""
    if not isinstance(key, bytes) or len(key) < MIN_PSEUDONYM_KEY_BYTES:
        raise DetectionError(
            f"the pseudonym operator needs key= as bytes of at least {MIN_PSEUDONYM_KEY_BYTES}"
        )
    return key


def check_token_key(key: bytes | None) -> bytes:
    """Return ``key`` if it is a 32-byte AES-256 key, else raise DetectionError."""
    if not isinstance(key, bytes) or len(key) != TOKEN_KEY_BYTES:
        raise DetectionError(f"the token operator needs key= as exactly {TOKEN_KEY_BYTES} bytes")
    return key


def keyed_digest(key: bytes, message: bytes) -> bytes:
    """HMAC-SHA256 of ``message`` under ``key``."""
    return primitives.keyed_digest(key, message)


def seal(key: bytes, plaintext: bytes, associated: bytes) -> bytes:
    """AES-256-GCM encrypt (pivault's sealed format: version, nonce, ciphertext, tag)."""
    return primitives.seal(key, plaintext, associated)


def unseal(key: bytes, sealed: bytes, associated: bytes) -> bytes:
    """Inverse of :func:`seal`; any failure raises the opaque DecryptionError."""
    return primitives.open_sealed(key, sealed, associated)
