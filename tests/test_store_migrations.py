"""The store: Alembic migrations are the schema; bad store URLs get clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

import pivault.store.engine as engine_module
from pivault import StoreError
from pivault.crypto.master_key import MasterKey
from pivault.service.vault import Vault
from pivault.store.schema import metadata


def test_head_revision_constant_is_alembics_head() -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(engine_module.__file__).parent / "migrations"))
    assert ScriptDirectory.from_config(cfg).get_current_head() == engine_module.HEAD_REVISION


def test_migrated_database_matches_the_table_definitions(
    store_url: str, master_key: MasterKey
) -> None:
    Vault(store_url, master_key=master_key).close()
    engine = engine_module.create_store_engine(store_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    engine.dispose()
    assert diff == []


def test_opening_twice_migrates_once_and_keeps_data(store_url: str, master_key: MasterKey) -> None:
    with Vault(store_url, master_key=master_key) as vault:
        vault.add_actor("app", ["service"])
        vault.collect("u1", "registration", {"account.nickname": "小明"}, actor="app")
    with Vault(store_url, master_key=master_key) as vault:
        assert vault.read("u1", ["account.nickname"], purpose="service", actor="app").values


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://root:secret@localhost/x", "unsupported store URL"),
        ("sqlite:////no/such/folder/v.db", "does not exist"),
        ("postgresql://postgres:hunter2@127.0.0.1:1/none", "cannot open the vault store"),
    ],
)
def test_bad_store_urls_get_clear_errors_without_passwords(url: str, message: str) -> None:
    with pytest.raises(StoreError, match=message) as info:
        Vault(url, master_key=MasterKey.generate())
    assert "secret" not in str(info.value) and "hunter2" not in str(info.value)


def test_sqlite_url_spellings(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'v.db'}"
    engine = engine_module.create_store_engine(url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(sa.text("PRAGMA secure_delete")).scalar() == 1
    engine.dispose()


def _vault_at_0003_with_a_chain(url: str, master: MasterKey, *, tamper: bool) -> None:
    """A vault as revision 0003 kept it: a subject and an HMAC-chained audit log."""
    from alembic import command

    from pivault.crypto.envelope import chain_digest
    from pivault.crypto.primitives import new_key
    from pivault.store import legacy_chain

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(engine_module.__file__).parent / "migrations"))
    engine = engine_module.create_store_engine(url)
    audit_key, data_key = new_key(), new_key()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0003")
        conn.execute(
            sa.text("INSERT INTO vault_meta (name, value) VALUES ('master_key_id', :k)"),
            {"k": master.key_id},
        )
        conn.execute(
            sa.text("INSERT INTO vault_keys (name, wrapped) VALUES ('audit', :w)"),
            {"w": master.wrap(audit_key, "vault", "audit")},
        )
        conn.execute(
            sa.text(
                "INSERT INTO subjects (subject, wrapped_key, consents, created_at) "
                "VALUES ('u1', :w, '{}', '2026-01-01T00:00:00.000000Z')"
            ),
            {"w": master.wrap(data_key, "subject", "u1")},
        )
        previous = legacy_chain.GENESIS
        old = [("admin", "actor.register", None), ("app", "collect", "u1"), ("app", "read", "u1")]
        for seq, (actor, action, subject) in enumerate(old, start=1):
            at = f"2026-01-01T00:00:0{seq}.000000Z"
            body = legacy_chain.canonical(seq, at, actor, action, subject, "{}")
            previous = chain_digest(audit_key, previous, body)
            detail = '{"edited":1}' if tamper and seq == 2 else "{}"
            conn.execute(
                sa.text(
                    "INSERT INTO audit_log (seq, at, actor, action, subject, detail, digest) "
                    "VALUES (:s, :at, :a, :ac, :su, :d, :g)"
                ),
                {
                    "s": seq,
                    "at": at,
                    "a": actor,
                    "ac": action,
                    "su": subject,
                    "d": detail,
                    "g": previous,
                },
            )
    engine.dispose()


@pytest.mark.parametrize("tamper", [False, True], ids=["intact", "edited"])
def test_the_old_audit_chain_becomes_the_first_leaves_of_the_merkle_log(
    store_url: str, master_key: MasterKey, tamper: bool
) -> None:
    _vault_at_0003_with_a_chain(store_url, master_key, tamper=tamper)
    with Vault(store_url, master_key=master_key) as vault:  # upgrades to the head
        report = vault.verify_audit()
        assert report.ok and report.entries == 4
        entries = vault.audit_log()
        assert [e.action for e in entries] == [
            "actor.register",
            "collect",
            "read",
            "audit.legacy_import",
        ]
        assert entries[-1].detail["entries"] == 3
        assert entries[-1].detail["chain_intact"] is (not tamper)
        # The person's own entries are still theirs, through the commitment under their key.
        assert [e.action for e in vault.audit_log("u1")] == ["collect", "read"]
        leaves = b"".join(leaf for _, leaf in vault.audit.leaves())
        assert b"u1" not in leaves


def test_the_merkle_migration_cannot_be_undone_silently(
    store_url: str, master_key: MasterKey
) -> None:
    from alembic import command

    Vault(store_url, master_key=master_key).close()
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(engine_module.__file__).parent / "migrations"))
    engine = engine_module.create_store_engine(store_url)
    with pytest.raises(RuntimeError, match="restore a backup"), engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0003")
    engine.dispose()
