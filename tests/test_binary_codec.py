"""Binary values travel as {"base64": …}: one codec for the API, the export and the center."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pivault.core.codec import (
    binary_from_json,
    binary_json_size,
    binary_json_text,
    is_binary_json,
    to_json_value,
)
from pivault.core.errors import ValueValidationError

PHOTO = bytes(range(256)) * 5


def test_bytes_round_trip_through_json() -> None:
    sent = json.loads(json.dumps(to_json_value(PHOTO)))
    assert set(sent) == {"base64"}
    assert binary_from_json("media.photo", sent) == PHOTO
    assert binary_json_size(sent) == len(PHOTO)
    assert binary_json_text(sent) == "base64:" + sent["base64"]


@pytest.mark.parametrize("value", ["text", 3, ["a"], {"lat": 1.0, "lon": 2.0}, None])
def test_other_values_pass_through_unchanged(value: Any) -> None:
    assert to_json_value(value) == value
    assert not is_binary_json(value)
    assert binary_json_size(value) == 0
    assert binary_json_text(value) is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("aGVsbG8=", 'binary values are sent as {"base64": "…"}'),
        ({"base64": "aGVsbG8=", "name": "x.jpg"}, 'binary values are sent as {"base64": "…"}'),
        ({"base64": 12}, 'binary values are sent as {"base64": "…"}'),
        ({"base64": "not base64!"}, "not valid base64"),
    ],
)
def test_malformed_binary_values_are_refused_with_the_category(value: Any, message: str) -> None:
    with pytest.raises(ValueValidationError) as raised:
        binary_from_json("media.photo", value)
    assert message in str(raised.value)
    assert "media.photo" in str(raised.value)
