"""The audit log: an entry for every operation, no values, and detection of any tampering."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from pivault.crypto.master_key import MasterKey
from pivault.service.vault import Vault


@pytest.fixture
def busy(vault: Vault) -> Vault:
    vault.collect(
        "u1",
        "registration",
        {"account.nickname": "小明", "account.phone": "13812345678"},
        actor="app",
    )
    vault.read("u1", ["account.phone"], purpose="service", actor="app")
    vault.read("u1", ["account.phone"], purpose="ads_recommendation", actor="ads")
    vault.grant("u1", "biometric.voiceprint")
    vault.withdraw("u1", "biometric.voiceprint")
    vault.export("u1")
    vault.collect("u2", "registration", {"account.nickname": "阿强"}, actor="app")
    vault.erase("u2")
    return vault


def edit(vault: Vault, sql: str, **params: object) -> None:
    engine = sa.create_engine(
        vault.store.engine.url
    )  # a second, ordinary connection: the "attacker"
    with engine.begin() as conn:
        conn.execute(sa.text(sql), params)
    engine.dispose()


def test_every_operation_is_logged_without_values(busy: Vault) -> None:
    actions = [e.action for e in busy.audit_log()]
    for expected in (
        "actor.register",
        "collect",
        "read",
        "consent.grant",
        "consent.withdraw",
        "export",
        "erase",
    ):
        assert expected in actions
    text = json.dumps([e.as_dict() for e in busy.audit_log()], ensure_ascii=False)
    assert "13812345678" not in text and "小明" not in text and "阿强" not in text
    history = busy.audit_log("u1")
    assert {e.subject for e in history} == {"u1"}
    denied = [e for e in history if e.action == "read" and e.detail["denied"]]
    assert denied[0].detail == {
        "purpose": "ads_recommendation",
        "allowed": [],
        "not_collected": [],
        "denied": {"account.phone": "not_permitted_by_policy"},
    }


def test_intact_chain_verifies(busy: Vault) -> None:
    report = busy.verify_audit()
    assert report.ok and report.entries == len(busy.audit_log())


def leaf_of(vault: Vault, index: int) -> dict[str, object]:
    engine = sa.create_engine(vault.store.engine.url)
    with engine.connect() as conn:
        leaf = conn.execute(sa.text("SELECT leaf FROM audit_log WHERE idx = :i"), {"i": index})
        body: dict[str, object] = json.loads(leaf.scalar_one())
    engine.dispose()
    return body


@pytest.fixture
def published(busy: Vault) -> Vault:
    """The busy vault with a signed checkpoint in its witness directory."""
    busy.audit.checkpoint()
    return busy


def test_an_altered_entry_is_detected(published: Vault) -> None:
    body = leaf_of(published, 5)
    body["actor"] = "someone-else"
    edit(
        published,
        "UPDATE audit_log SET leaf = :leaf WHERE idx = 5",
        leaf=json.dumps(body, sort_keys=True, separators=(",", ":")).encode(),
    )
    report = published.audit.verify()
    assert not report.ok and any("does not match" in p for p in report.problems)


def test_a_removed_entry_is_detected(published: Vault) -> None:
    edit(published, "DELETE FROM audit_log WHERE idx = 6")
    report = published.audit.verify()
    assert not report.ok and any("entries 6–6 are missing" in p for p in report.problems)


def test_removing_the_last_entries_is_detected(published: Vault) -> None:
    size = published.audit.tree()[0]
    # The attacker also rewinds the tree's recorded size and drops the database's checkpoints;
    # the copy in the witness directory outside the database still commits to every entry.
    edit(published, "DELETE FROM audit_log WHERE idx >= :n", n=size - 2)
    edit(published, "UPDATE audit_tree SET size = :n", n=size - 2)
    edit(published, "DELETE FROM audit_checkpoints")
    edit(published, "DELETE FROM audit_tiles")
    report = published.audit.verify()
    assert not report.ok
    assert any(
        f"commits to {size} entries but the log holds only {size - 2}" in p for p in report.problems
    )


def test_reordered_entries_are_detected(published: Vault) -> None:
    # Swap two entries' places: each keeps its own bytes.
    edit(published, "UPDATE audit_log SET idx = idx + 1000 WHERE idx IN (7, 8)")
    edit(published, "UPDATE audit_log SET idx = 8 WHERE idx = 1007")
    edit(published, "UPDATE audit_log SET idx = 7 WHERE idx = 1008")
    report = published.audit.verify()
    assert not report.ok and any("does not match" in p for p in report.problems)


def test_an_inserted_entry_is_detected(published: Vault) -> None:
    # Make room at place 3 and slip in a forged entry: every later root changes.
    edit(published, "UPDATE audit_log SET idx = idx + 100000 WHERE idx >= 3")
    edit(published, "UPDATE audit_log SET idx = idx - 99999 WHERE idx >= 100000")
    edit(
        published,
        "INSERT INTO audit_log (idx, leaf) VALUES (3, :leaf)",
        leaf=b'{"action":"read","actor":"app","at":"x","detail":{},"subject":null,"v":1}',
    )
    report = published.audit.verify()
    assert not report.ok and any("does not match" in p for p in report.problems)


def test_an_older_copy_of_the_database_restored_after_a_checkpoint_is_detected(
    tmp_path: Path,
) -> None:
    # A file copy is how a SQLite vault is backed up and restored.
    path = tmp_path / "vault.db"
    busy = Vault(f"sqlite:///{path}", master_key=MasterKey.generate())
    busy.add_actor("app", ["service"])
    busy.collect("u1", "registration", {"account.phone": "13812345678"}, actor="app")
    busy.audit.checkpoint()
    busy.store.engine.dispose()
    backup = tmp_path / "backup.db"
    shutil.copy(path, backup)
    busy.read("u1", ["account.phone"], purpose="service", actor="app")  # a read to hide
    busy.audit.checkpoint()
    busy.store.engine.dispose()
    shutil.copy(backup, path)
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    report = busy.audit.verify()
    busy.close()
    assert not report.ok and any("older copy" in p for p in report.problems)
