"""Collection: only a feature's declared categories, validated, minimised, all or nothing."""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pivault import (
    CollectionRefusedError,
    UndeclaredFieldError,
    UnknownFeatureError,
    ValueValidationError,
)
from pivault.core.values import validate
from pivault.service.policy_files import load_policy
from pivault.service.vault import Vault


def test_undeclared_field_is_refused_naming_it_and_the_allowed_ones(vault: Vault) -> None:
    with pytest.raises(UndeclaredFieldError) as info:
        vault.collect(
            "u1",
            "registration",
            {"account.nickname": "小明", "survey.home_address": "北京市朝阳区建国路88号"},
            actor="app",
        )
    message = str(info.value)
    assert "survey.home_address" in message
    assert "account.nickname" in message and "account.phone" in message
    assert "建国路" not in message
    # Nothing of the call was stored: the person does not even exist.
    with pytest.raises(Exception, match="unknown subject"):
        vault.read("u1", ["account.nickname"], purpose="service", actor="app")


def test_invalid_value_names_the_category_not_the_value_and_stores_nothing(vault: Vault) -> None:
    with pytest.raises(ValueValidationError) as info:
        vault.collect(
            "u1",
            "registration",
            {"account.nickname": "小明", "account.phone": "12345"},
            actor="app",
        )
    assert info.value.category == "account.phone"
    assert "12345" not in str(info.value)
    vault.collect(
        "u1",
        "registration",
        {"account.nickname": "阿强", "account.phone": "13800138000"},
        actor="app",
    )
    assert vault.read("u1", ["account"], purpose="service", actor="app").values == {
        "account.nickname": "阿强",
        "account.phone": "+8613800138000",
    }


@pytest.mark.parametrize("raw", ["欧阳娜娜13912345678", "call 13912345678", "13912345678 ext. x"])
def test_a_phone_field_holds_a_phone_number_and_nothing_else(vault: Vault, raw: str) -> None:
    with pytest.raises(ValueValidationError, match="only digits"):
        vault.collect("u1", "registration", {"account.phone": raw}, actor="app")


def test_unknown_feature_lists_the_valid_features(vault: Vault) -> None:
    with pytest.raises(UnknownFeatureError) as info:
        vault.collect("u1", "registraton", {"account.nickname": "x"}, actor="app")
    assert "did you mean 'registration'" in str(info.value)
    assert "voiceprint_login" in str(info.value)


def test_actor_must_serve_one_of_the_feature_purposes(vault: Vault) -> None:
    with pytest.raises(CollectionRefusedError, match="not registered for any purpose"):
        vault.collect("u1", "registration", {"account.nickname": "x"}, actor="ads")


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("203.0.113.77", "203.0.113.0"),
        ("2001:db8:abcd:12:34::1", "2001:db8:abcd::"),
    ],
)
def test_ip_addresses_are_truncated_on_collection(vault: Vault, raw: str, stored: str) -> None:
    vault.collect(
        "u1",
        "service_logging",
        {
            "device.model": "Mi 11",
            "device.os_version": "Android 14",
            "software.app_version": "8.0",
            "network.ip": raw,
        },
        actor="app",
    )
    assert (
        vault.read("u1", ["network.ip"], purpose="security", actor="app").values["network.ip"]
        == stored
    )


def test_device_ids_are_kept_only_as_a_stable_keyed_pseudonym(vault: Vault) -> None:
    base = {
        "device.model": "Mi 11",
        "device.os_version": "Android 14",
        "software.app_version": "8.0",
    }
    vault.collect("u1", "service_logging", {**base, "device.id": "a1b2c3d4e5f60789"}, actor="app")
    vault.collect("u2", "service_logging", {**base, "device.id": "a1b2c3d4e5f60789"}, actor="app")
    first = vault.read("u1", ["device.id"], purpose="security", actor="app").values["device.id"]
    second = vault.read("u2", ["device.id"], purpose="security", actor="app").values["device.id"]
    assert first == second and len(first) == 64 and "a1b2c3d4" not in first


def test_location_is_coarsened_to_city_level(vault: Vault) -> None:
    vault.collect("u1", "location_services", {"location.city": "39.90923,116.397428"}, actor="app")
    value = vault.read("u1", ["location.city"], purpose="service", actor="app").values[
        "location.city"
    ]
    assert value == {"lat": 39.9, "lon": 116.4}


def test_contacts_import_accepts_only_blinded_tokens(vault: Vault) -> None:
    vault.grant("u1", "contacts.imported")
    with pytest.raises(ValueValidationError, match="blinded"):
        vault.collect("u1", "contacts_import", {"contacts.imported": ["13800138000"]}, actor="app")
    token = "ab" * 32
    vault.collect("u1", "contacts_import", {"contacts.imported": [token]}, actor="app")
    assert vault.read("u1", ["contacts"], purpose="service", actor="app").values == {
        "contacts.imported": [token]
    }


def test_raw_audio_is_refused_as_a_voiceprint(vault: Vault) -> None:
    vault.grant("u1", "biometric.voiceprint")
    wav = b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(40)
    with pytest.raises(ValueValidationError, match="raw audio"):
        vault.collect("u1", "voiceprint_login", {"biometric.voiceprint": wav}, actor="app")


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_mainland_mobile_numbers_are_accepted_exactly_when_phonenumbers_calls_them_valid(
    digits: str,
) -> None:
    # The fast path for mainland mobiles must agree with the full library on every number.
    category = load_policy().categories["account.phone"]
    expected = phonenumbers.is_valid_number(phonenumbers.parse(digits, "CN"))
    try:
        stored = validate(category, digits)
    except ValueValidationError:
        assert not expected
    else:
        assert expected and stored == "+86" + digits
