"""Envelope encryption of personal values, blind indexes and keyed pseudonyms.

A value is sealed with its person's data key; the associated data binds the
person, the category and the record id, so a ciphertext moved to another person,
field or row no longer opens.
"""

from __future__ import annotations

from pivault.crypto.master_key import context
from pivault.crypto.primitives import keyed_digest, open_sealed, seal


def seal_value(
    data_key: bytes, plaintext: bytes, subject: str, category: str, record_id: str
) -> bytes:
    return seal(data_key, plaintext, context("value", subject, category, record_id))


def open_value(data_key: bytes, blob: bytes, subject: str, category: str, record_id: str) -> bytes:
    """Raises the opaque DecryptionError on any mismatch."""
    return open_sealed(data_key, blob, context("value", subject, category, record_id))


def blind_index(index_key: bytes, category: str, normalised: str) -> bytes:
    """Keyed equality token for lookups: equal values give equal tokens, nothing else leaks."""
    return keyed_digest(index_key, context("blind-index", category, normalised))


def pseudonym(pseudonym_key: bytes, category: str, value: str) -> str:
    """A stable keyed pseudonym (hex), unlinkable without the vault's pseudonym key."""
    return keyed_digest(pseudonym_key, context("pseudonym", category, value)).hex()


def chain_digest(audit_key: bytes, previous: bytes, entry: bytes) -> bytes:
    """One link of the audit hash chain of vaults before the Merkle log (verified once, when
    the migration turns the chain into the log's first leaves)."""
    return keyed_digest(audit_key, previous + entry)


def audit_subject_key(data_key: bytes) -> bytes:
    """The person's key for audit commitments, derived from their data key (HMAC as a PRF)
    so that the data key itself never keys two primitives."""
    return keyed_digest(data_key, context("audit-subject-key"))


def subject_commitment(key: bytes, subject: str) -> bytes:
    """The audit log's stand-in for a subject id: a MAC under a key derived from the
    person's data key (or, for someone the vault does not hold, a vault key). Once the
    data key is destroyed nobody can tell whose entries these were."""
    return keyed_digest(key, context("audit-subject", subject))
