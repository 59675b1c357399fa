"""People's rights: export, correct, delete, erase (crypto-shredding); retention purge."""

from __future__ import annotations

import pytest

from pivault import SubjectErasedError, ValueValidationError
from pivault.service.vault import Vault
from tests.conftest import FakeClock

LOGGING = {
    "device.model": "Mi 11",
    "device.os_version": "Android 14",
    "software.app_version": "8.0",
}


@pytest.fixture
def person(vault: Vault) -> Vault:
    vault.collect(
        "u1",
        "registration",
        {"account.nickname": "小明", "account.phone": "13812345678"},
        actor="app",
    )
    vault.collect("u1", "service_logging", {**LOGGING, "network.ip": "198.51.100.23"}, actor="app")
    vault.read("u1", ["account.phone"], purpose="ads_recommendation", actor="ads")
    return vault


def test_export_has_every_value_with_labels_purposes_provenance_and_history(person: Vault) -> None:
    doc = person.export("u1")
    by_cat = {item["category"]: item for item in doc["data"]}
    assert by_cat["account.phone"]["value"] == "+8613812345678"
    assert by_cat["account.phone"]["label"] == {"zh-CN": "手机号码", "en": "Mobile phone number"}
    assert {p["purpose"] for p in by_cat["account.phone"]["purposes"]} == {"service", "security"}
    assert by_cat["account.phone"]["collected_by"] == {"feature": "registration", "actor": "app"}
    ip = doc["streams"]["network.ip"]
    assert ip["retention"] == "P6M" and [e["value"] for e in ip["events"]] == ["198.51.100.0"]
    reads = [e for e in doc["access_history"] if e["action"] == "read"]
    assert reads and reads[0]["actor"] == "ads"
    assert reads[0]["detail"]["denied"] == {"account.phone": "not_permitted_by_policy"}


def test_correct_replaces_the_value_and_its_lookup(person: Vault) -> None:
    person.correct("u1", "account.phone", "13900001111")
    assert person.read("u1", ["account.phone"], purpose="service", actor="app").values[
        "account.phone"
    ] == ("+8613900001111")
    assert person.find("account.phone", "13900001111", actor="app") == ["u1"]
    assert person.find("account.phone", "13812345678", actor="app") == []
    with pytest.raises(ValueValidationError, match="nothing is held"):
        person.correct("u1", "survey.name", "王")


def test_delete_a_category_leaves_the_rest(person: Vault) -> None:
    assert person.delete_categories("u1", ["network"]) == ["network.ip"]
    result = person.read("u1", ["network.ip", "account.phone"], purpose="security", actor="app")
    assert result.missing == ["network.ip"] and "account.phone" in result.values


def test_erase_destroys_the_key_and_leaves_a_tombstone(person: Vault) -> None:
    assert person.erase("u1") == 6
    with pytest.raises(SubjectErasedError):
        person.read("u1", ["account.phone"], purpose="service", actor="app")
    with pytest.raises(SubjectErasedError):
        person.collect("u1", "registration", {"account.nickname": "again"}, actor="app")
    with pytest.raises(SubjectErasedError):
        person.export("u1")
    assert person.find("account.phone", "13812345678", actor="app") == []
    # PIPL Art. 47 vs a log that never forgets: the entries stay (the log verifies), but the
    # commitment that tied them to u1 was made under the key that is now destroyed.
    with pytest.raises(SubjectErasedError):
        person.audit_log("u1")
    everything = person.audit_log()
    assert [e.action for e in everything if e.action == "erase"] == ["erase"]
    assert all(e.subject is None for e in everything)
    assert "u1" not in "".join(leaf.decode() for _, leaf in person.audit.leaves())
    assert person.verify_audit().ok


def test_retention_purges_only_what_is_past_its_period(person: Vault, clock: FakeClock) -> None:
    clock.advance(days=150)
    assert person.purge_expired() == {}
    clock.advance(days=40)  # 190 days: past network (P6M ≈ 180 days), within device (P1Y)
    assert person.purge_expired() == {"network.ip": 1}
    left = person.read(
        "u1", ["account.phone", "device.model"], purpose="security", actor="app"
    ).values
    assert set(left) == {"account.phone", "device.model"}
    clock.advance(days=400)
    purged = person.purge_expired()
    assert set(purged) == {"device.model", "device.os_version", "software.app_version"}
    assert (
        "account.phone"
        in person.read("u1", ["account.phone"], purpose="service", actor="app").values
    )
