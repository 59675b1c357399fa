"""The only module of pivault.detect that calls cryptographic primitives.

HMAC-SHA256 for keyed pseudonyms; AES-256-GCM for reversible tokens. Keys
come from the caller; nothing here stores or derives them.
"""

from __future__ import annotations

import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from pivault.core.errors import DecryptionError, DetectionError

_NONCE_BYTES = 12
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
    return hmac.new(key, message, hashlib.sha256).digest()


def seal(key: bytes, plaintext: bytes, associated: bytes) -> bytes:
    """AES-256-GCM encrypt; returns nonce || ciphertext || tag."""
    nonce = os.urandom(_NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, associated)


def unseal(key: bytes, sealed: bytes, associated: bytes) -> bytes:
    """Inverse of :func:`seal`; any failure raises the opaque DecryptionError."""
    if len(sealed) < _NONCE_BYTES + 16:
        raise DecryptionError()
    try:
        return AESGCM(key).decrypt(sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:], associated)
    except (InvalidTag, ValueError):
        raise DecryptionError() from None
