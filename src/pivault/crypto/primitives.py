"""The only module of pivault that touches cryptographic primitives.

Everything else asks for a recipe by name: seal/open a value (AES-256-GCM with
associated data), a keyed digest (HMAC-SHA256), a derived key (HKDF-SHA256), a
digest (SHA-256, for the Merkle audit log) and Ed25519 signatures (its checkpoints).
Any failure to open is the one opaque :class:`~pivault.core.errors.DecryptionError`.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from pivault.core.errors import DecryptionError

KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
#: First byte of every sealed blob, so the format can evolve.
_FORMAT_V1 = b"\x01"


def new_key() -> bytes:
    """A fresh random 256-bit key from the operating system's CSPRNG."""
    return os.urandom(KEY_BYTES)


def seal(key: bytes, plaintext: bytes, associated_data: bytes) -> bytes:
    """AES-256-GCM encrypt; the result is version byte || nonce || ciphertext || tag."""
    nonce = os.urandom(NONCE_BYTES)
    return _FORMAT_V1 + nonce + AESGCM(key).encrypt(nonce, plaintext, associated_data)


def open_sealed(key: bytes, blob: bytes, associated_data: bytes) -> bytes:
    """Decrypt what :func:`seal` made with the same key and associated data."""
    if len(blob) < 1 + NONCE_BYTES + TAG_BYTES or blob[:1] != _FORMAT_V1 or len(key) != KEY_BYTES:
        raise DecryptionError()
    try:
        return AESGCM(key).decrypt(
            blob[1 : 1 + NONCE_BYTES], blob[1 + NONCE_BYTES :], associated_data
        )
    except (InvalidTag, ValueError):
        raise DecryptionError() from None


def aesgcm_raw_encrypt(key: bytes, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
    """Plain AES-GCM with a given nonce: only for checking published test vectors."""
    return AESGCM(key).encrypt(nonce, plaintext, aad)


def keyed_digest(key: bytes, data: bytes) -> bytes:
    """HMAC-SHA256 of ``data`` under ``key`` (blind indexes, pseudonyms, audit chain)."""
    return hmac.digest(key, data, hashlib.sha256)


def digest(data: bytes) -> bytes:
    """SHA-256 of ``data`` (for high-entropy secrets only; keyed_digest for anything guessable)."""
    return hashlib.sha256(data).digest()


def random_token(nbytes: int) -> str:
    """``nbytes`` from the CSPRNG as URL-safe base64 text."""
    return secrets.token_urlsafe(nbytes)


def digests_equal(a: bytes, b: bytes) -> bool:
    """Constant-time comparison of two digests."""
    return hmac.compare_digest(a, b)


def derive_key(key: bytes, info: bytes, length: int = KEY_BYTES) -> bytes:
    """HKDF-SHA256 (RFC 5869) without salt: a sub-key of ``key`` for one job."""
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=info).derive(key)


def hkdf_raw(ikm: bytes, salt: bytes | None, info: bytes, length: int) -> bytes:
    """HKDF-SHA256 with every parameter exposed: only for checking RFC 5869 vectors."""
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(ikm)


# ---- Ed25519 (RFC 8032): the audit log's checkpoint signatures ---------------------


def ed25519_public_key(seed: bytes) -> bytes:
    """The 32-byte Ed25519 public key of a 32-byte private key (RFC 8032 §5.1.5)."""
    return (
        Ed25519PrivateKey.from_private_bytes(seed)
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )


def ed25519_sign(seed: bytes, message: bytes) -> bytes:
    """The 64-byte Ed25519 signature of ``message`` under the private key ``seed``."""
    return Ed25519PrivateKey.from_private_bytes(seed).sign(message)


def ed25519_verify(public_key: bytes, signature: bytes, message: bytes) -> bool:
    """True when ``signature`` is a valid Ed25519 signature of ``message``."""
    if len(public_key) != 32 or len(signature) != 64:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True
