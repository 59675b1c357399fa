"""Bearer secrets for the HTTP layer: API keys, single-use links, sessions, CSRF tokens.

A secret is 32 random bytes, URL-safe base64. Only its SHA-256 digest is stored
(a 256-bit random secret cannot be guessed from its digest, so no salt or slow
hash is needed). Links and CSRF tokens are signed with HMAC-SHA256 under a key
derived from the vault's ``session`` key, which every server worker shares.
"""

from __future__ import annotations

import base64

from pivault.crypto.master_key import context
from pivault.crypto.primitives import derive_key, digest, digests_equal, keyed_digest, random_token

SECRET_BYTES = 32


def new_secret(prefix: str = "") -> str:
    """A fresh random bearer secret (256 bits), URL-safe, with an optional readable prefix."""
    return prefix + random_token(SECRET_BYTES)


def secret_digest(secret: str) -> bytes:
    """What is stored in place of a bearer secret: its SHA-256 digest."""
    return digest(secret.encode())


def signing_key(session_key: bytes, purpose: str) -> bytes:
    """A sub-key of the vault's session key for one job (``link``, ``csrf``)."""
    return derive_key(session_key, b"pivault/v1/http/" + purpose.encode())


def sign(key: bytes, *parts: str) -> str:
    """HMAC-SHA256 over the length-prefixed ``parts``, URL-safe base64 without padding."""
    digest = keyed_digest(key, context(*parts))
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def signature_valid(key: bytes, signature: str, *parts: str) -> bool:
    """Constant-time check of a :func:`sign` signature."""
    return digests_equal(sign(key, *parts).encode(), signature.encode())
