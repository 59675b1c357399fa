"""The audit log: an entry for every operation, no values, and detection of any tampering."""

from __future__ import annotations

import json

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
    engine = sa.create_engine(vault._engine.url)  # a second, ordinary connection: the "attacker"
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


def test_an_altered_entry_is_detected(busy: Vault) -> None:
    edit(busy, "UPDATE audit_log SET actor = 'someone-else' WHERE seq = 5")
    report = busy.verify_audit()
    assert not report.ok and any("entry 5" in p for p in report.problems)


def test_a_removed_entry_is_detected(busy: Vault) -> None:
    edit(busy, "DELETE FROM audit_log WHERE seq = 6")
    report = busy.verify_audit()
    assert not report.ok and any("missing" in p for p in report.problems)


def test_reordered_entries_are_detected(busy: Vault) -> None:
    # Swap two entries' positions: each keeps its own content and digest.
    edit(busy, "UPDATE audit_log SET seq = seq + 1000 WHERE seq IN (7, 8)")
    edit(busy, "UPDATE audit_log SET seq = 8 WHERE seq = 1007")
    edit(busy, "UPDATE audit_log SET seq = 7 WHERE seq = 1008")
    report = busy.verify_audit()
    assert not report.ok
    assert any("entry 7" in p for p in report.problems)


def test_a_rewritten_chain_without_the_audit_key_is_detected(
    busy: Vault, master_key: MasterKey
) -> None:
    # An attacker recomputing digests with plain SHA-256 cannot match the keyed chain.
    import hashlib

    engine = sa.create_engine(busy._engine.url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE audit_log SET detail = '{}' WHERE seq = 3"))
        rows = conn.execute(sa.text("SELECT seq, digest FROM audit_log ORDER BY seq")).all()
        prev = bytes(32)
        for seq, _ in rows:
            fake = hashlib.sha256(prev + str(seq).encode()).digest()
            conn.execute(
                sa.text("UPDATE audit_log SET digest = :d WHERE seq = :s"), {"d": fake, "s": seq}
            )
            prev = fake
    engine.dispose()
    assert not busy.verify_audit().ok
