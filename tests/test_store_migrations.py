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


def test_audit_log_rebuild_keeps_every_entry_and_the_chain(
    store_url: str, master_key: MasterKey
) -> None:
    from alembic import command

    with Vault(store_url, master_key=master_key) as vault:
        vault.add_actor("app", ["service"])
        vault.collect("u1", "registration", {"account.nickname": "小明"}, actor="app")
        before = vault.verify_audit().entries
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(engine_module.__file__).parent / "migrations"))
    engine = engine_module.create_store_engine(store_url)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0002")
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == "0002"
    engine.dispose()
    with Vault(store_url, master_key=master_key) as vault:  # upgrades to the head again
        report = vault.verify_audit()
        assert report.ok and report.entries == before
        vault.read("u1", ["account.nickname"], purpose="service", actor="app")
        assert vault.verify_audit().entries == before + 1
    if store_url.startswith("sqlite"):
        engine = engine_module.create_store_engine(store_url)
        with engine.connect() as conn:
            ddl = conn.execute(
                sa.text("SELECT sql FROM sqlite_master WHERE name = 'audit_log'")
            ).scalar()
            indexes = conn.execute(
                sa.text("SELECT name FROM sqlite_master WHERE tbl_name = 'audit_log'")
            ).scalars()
            assert ddl is not None and "seq INTEGER NOT NULL" in ddl
            assert sorted(indexes) == ["audit_log", "ix_audit_log_subject"]  # no PK index
        engine.dispose()
