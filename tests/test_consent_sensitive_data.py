"""Consent: sensitive data needs separate consent; refusing it disables only what needs it."""

from __future__ import annotations

import pytest

from pivault import ConsentRequiredError, UnknownConsentItemError
from pivault.core.decide import Reason
from pivault.service.vault import Vault

TEMPLATE = bytes(range(200))


def available(vault: Vault, subject: str) -> dict[str, bool]:
    return {s.feature: s.available for s in vault.features(subject)}


def test_voiceprint_without_consent_is_refused_and_only_voiceprint_login_stops(
    vault: Vault,
) -> None:
    vault.collect(
        "u1",
        "registration",
        {"account.nickname": "小明", "account.phone": "13812345678"},
        actor="app",
    )
    with pytest.raises(ConsentRequiredError) as info:
        vault.collect("u1", "voiceprint_login", {"biometric.voiceprint": TEMPLATE}, actor="app")
    assert info.value.consent_items == ["biometric.voiceprint"]
    features = available(vault, "u1")
    assert features["voiceprint_login"] is False
    unavailable = {f for f, ok in features.items() if not ok}
    # Only the features needing a refused consent stop; registration, messaging etc. work.
    assert unavailable == {"voiceprint_login", "contacts_import", "survey"}
    status = next(s for s in vault.features("u1") if s.feature == "voiceprint_login")
    assert status.missing_consents == ("biometric.voiceprint",)


def test_grant_then_withdraw_takes_effect_immediately(vault: Vault) -> None:
    vault.grant(
        "u1", "biometric.voiceprint", channel="app-settings", evidence={"screen": "voice-setup"}
    )
    vault.collect("u1", "voiceprint_login", {"biometric.voiceprint": TEMPLATE}, actor="app")
    assert available(vault, "u1")["voiceprint_login"] is True
    read = vault.read("u1", ["biometric.voiceprint"], purpose="security", actor="app")
    assert read.values["biometric.voiceprint"] == TEMPLATE
    vault.withdraw("u1", "biometric.voiceprint", channel="app-settings")
    after = vault.read("u1", ["biometric.voiceprint"], purpose="security", actor="app")
    assert after.denied["biometric.voiceprint"].reason is Reason.SENSITIVE_CONSENT_MISSING
    with pytest.raises(ConsentRequiredError):
        vault.collect("u1", "voiceprint_login", {"biometric.voiceprint": TEMPLATE}, actor="app")
    assert available(vault, "u1")["voiceprint_login"] is False


def test_the_ledger_keeps_every_event_with_time_version_channel_and_evidence(vault: Vault) -> None:
    vault.grant("u1", "location.precise", channel="app", evidence={"prompt": "v3"})
    vault.withdraw("u1", "location.precise", channel="privacy-center")
    ledger = vault.consent_ledger("u1")
    assert [(e["item"], e["granted"], e["channel"]) for e in ledger] == [
        ("location.precise", True, "app"),
        ("location.precise", False, "privacy-center"),
    ]
    assert ledger[0]["evidence"] == {"prompt": "v3"}
    assert all(e["policy_version"] == vault.policy.version for e in ledger)
    state = {c.item: c for c in vault.consents("u1")}
    assert state["location.precise"].granted is False and state["location.precise"].explicit
    assert state["ads_recommendation"].granted is True and not state["ads_recommendation"].explicit


def test_precise_location_needs_consent_but_city_level_does_not(vault: Vault) -> None:
    vault.collect("u1", "location_services", {"location.city": "31.2304,121.4737"}, actor="app")
    with pytest.raises(ConsentRequiredError, match="location.precise"):
        vault.collect(
            "u1",
            "location_services",
            {
                "location.city": "31.2304,121.4737",
                "location.precise.device": "31.230416,121.473701",
            },
            actor="app",
        )


def test_unknown_consent_item_lists_the_valid_items(vault: Vault) -> None:
    with pytest.raises(UnknownConsentItemError) as info:
        vault.grant("u1", "voiceprint")
    assert "biometric.voiceprint" in str(info.value) and "surveys" in str(info.value)
