"""The vault's keys: unwrap them with the master key, create them once, rotate the master key.

Vault-wide keys (blind index, pseudonyms, sessions, the audit log's signing key)
are random and independent of the master key, so rotating the master key only
re-wraps them: lookups, pseudonyms and checkpoints stay valid.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, select, update

from pivault.core.errors import MasterKeyError
from pivault.crypto.master_key import MasterKey
from pivault.crypto.primitives import new_key
from pivault.store.schema import subjects, vault_keys, vault_meta

#: ``session`` signs privacy-center links and cookies; every server worker shares it.
#: ``audit_signing`` is the Ed25519 private key of the audit log's checkpoints;
#: ``audit_subject`` commits to subjects the vault holds no data key for.
VAULT_KEY_NAMES = ("blind_index", "pseudonym", "session", "audit_signing", "audit_subject")


@dataclass(frozen=True)
class VaultKeys:
    blind_index: bytes
    pseudonym: bytes
    session: bytes
    audit_signing: bytes
    audit_subject: bytes
    #: A random id of this vault, in its audit log's origin line.
    vault_id: str

    def __repr__(self) -> str:  # never show key material
        return "VaultKeys(<hidden>)"


def open_or_create(conn: Connection, master: MasterKey, created_at: str) -> VaultKeys:
    """Unwrap the vault keys, creating them on a new vault. Wrong master key: MasterKeyError.

    ``conn`` is a :meth:`Store.setup` transaction: two processes opening a new vault at
    once create its keys once."""
    meta = dict(conn.execute(select(vault_meta.c.name, vault_meta.c.value)).all())
    stored_id = meta.get("master_key_id")
    if stored_id is None:
        conn.execute(
            vault_meta.insert(),
            [
                {"name": "master_key_id", "value": master.key_id},
                {"name": "created_at", "value": created_at},
            ],
        )
    if "vault_id" not in meta:
        meta["vault_id"] = new_key()[:8].hex()
        conn.execute(vault_meta.insert().values(name="vault_id", value=meta["vault_id"]))
    elif stored_id != master.key_id:
        raise MasterKeyError(
            f"this master key (id {master.key_id}) is not the vault's (id {stored_id}); "
            "nothing was read or written"
        )
    wrapped = dict(conn.execute(select(vault_keys.c.name, vault_keys.c.wrapped)).all())
    for name in VAULT_KEY_NAMES:
        if name not in wrapped:  # a new vault, or a key a later version added
            wrapped[name] = master.wrap(new_key(), "vault", name)
            conn.execute(vault_keys.insert().values(name=name, wrapped=wrapped[name]))
    keys = {name: master.unwrap(bytes(wrapped[name]), "vault", name) for name in VAULT_KEY_NAMES}
    return VaultKeys(**keys, vault_id=meta["vault_id"])


def rewrap_all(conn: Connection, old: MasterKey, new: MasterKey) -> int:
    """Re-wrap every key under ``new`` in the caller's transaction; returns keys re-wrapped."""
    stored_id = conn.execute(
        select(vault_meta.c.value).where(vault_meta.c.name == "master_key_id")
    ).scalar_one()
    if stored_id != old.key_id:
        raise MasterKeyError("the current master key is not the vault's; nothing was changed")
    count = 0
    for name, blob in conn.execute(select(vault_keys.c.name, vault_keys.c.wrapped)).all():
        key = old.unwrap(bytes(blob), "vault", name)
        conn.execute(
            update(vault_keys)
            .where(vault_keys.c.name == name)
            .values(wrapped=new.wrap(key, "vault", name))
        )
        count += 1
    rows = conn.execute(
        select(subjects.c.subject, subjects.c.wrapped_key).where(
            subjects.c.wrapped_key.is_not(None)
        )
    ).all()
    for subject, blob in rows:
        key = old.unwrap(bytes(blob), "subject", subject)
        conn.execute(
            update(subjects)
            .where(subjects.c.subject == subject)
            .values(wrapped_key=new.wrap(key, "subject", subject))
        )
        count += 1
    conn.execute(
        update(vault_meta).where(vault_meta.c.name == "master_key_id").values(value=new.key_id)
    )
    return count
