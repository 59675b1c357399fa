"""Reads: each names a purpose; the policy, the caller and the person's consents decide."""

from __future__ import annotations

import pytest

from pivault import (
    UnknownActorError,
    UnknownCategoryError,
    UnknownPurposeError,
    UnknownSubjectError,
)
from pivault.core.decide import Reason
from pivault.service.vault import Vault


@pytest.fixture
def registered(vault: Vault) -> Vault:
    vault.collect(
        "u1",
        "registration",
        {"account.nickname": "小明", "account.phone": "13812345678"},
        actor="app",
    )
    vault.collect(
        "u1",
        "personalised_ads_and_news",
        {"service_log.search_history": "跑步鞋", "service_log.viewed_content": "article-17"},
        actor="ads",
    )
    return vault


def test_ads_service_is_denied_the_phone_number_by_policy(registered: Vault) -> None:
    result = registered.read("u1", ["account.phone"], purpose="ads_recommendation", actor="ads")
    assert result.values == {}
    decision = result.denied["account.phone"]
    assert decision.reason is Reason.NOT_PERMITTED_BY_POLICY
    assert "2.5" in decision.message


def test_a_service_cannot_claim_a_purpose_it_is_not_registered_for(registered: Vault) -> None:
    result = registered.read("u1", ["account.phone"], purpose="service", actor="ads")
    assert result.denied["account.phone"].reason is Reason.ACTOR_NOT_AUTHORIZED


def test_opt_out_purpose_works_until_withdrawn_and_stops_on_the_next_read(
    registered: Vault,
) -> None:
    allowed = registered.read(
        "u1", ["service_log.search_history"], purpose="ads_recommendation", actor="ads"
    )
    assert allowed.values == {"service_log.search_history": "跑步鞋"}
    registered.withdraw("u1", "ads_recommendation")
    denied = registered.read(
        "u1", ["service_log.search_history"], purpose="ads_recommendation", actor="ads"
    )
    assert denied.values == {}
    assert denied.denied["service_log.search_history"].reason is Reason.CONSENT_MISSING
    assert denied.denied["service_log.search_history"].consent_item == "ads_recommendation"
    registered.grant("u1", "ads_recommendation")
    again = registered.read(
        "u1", ["service_log.search_history"], purpose="ads_recommendation", actor="ads"
    )
    assert again.values == {"service_log.search_history": "跑步鞋"}


def test_a_parent_category_reads_its_children(registered: Vault) -> None:
    result = registered.read("u1", ["account"], purpose="service", actor="app")
    assert set(result.values) == {"account.nickname", "account.phone"}


def test_allowed_but_never_collected_is_reported_as_missing(registered: Vault) -> None:
    result = registered.read("u1", ["preferences.language"], purpose="personalisation", actor="app")
    assert result.values == {} and result.missing == ["preferences.language"]


def test_unknown_names_raise_typed_errors_listing_choices(registered: Vault) -> None:
    with pytest.raises(UnknownPurposeError, match="valid purposes: .*ads_measurement"):
        registered.read("u1", ["account.phone"], purpose="marketing", actor="app")
    with pytest.raises(UnknownCategoryError, match="did you mean 'account.phone'"):
        registered.read("u1", ["account.phon"], purpose="service", actor="app")
    with pytest.raises(UnknownActorError, match="valid actors: ads, app, surveys"):
        registered.read("u1", ["account.phone"], purpose="service", actor="crm")
    with pytest.raises(UnknownSubjectError):
        registered.read("nobody", ["account.phone"], purpose="service", actor="app")


def test_pure_decide_matches_the_vault(registered: Vault) -> None:
    decision = registered.decide("u1", "account.phone", "ads_recommendation", "ads")
    assert not decision.allowed and decision.reason is Reason.NOT_PERMITTED_BY_POLICY
    assert registered.decide("u1", "account.phone", "service", "app").allowed


def test_find_through_the_blind_index_accepts_any_spelling(registered: Vault) -> None:
    for spelling in ("13812345678", "+86 138 1234 5678", "138-1234-5678"):
        assert registered.find("account.phone", spelling, actor="app") == ["u1"]
    assert registered.find("account.phone", "13900000000", actor="app") == []
    with pytest.raises(UnknownCategoryError, match="account.phone"):
        registered.find("account.nickname", "小明", actor="app")
