"""Request bodies of the service API. Unknown fields are refused (``extra="forbid"``).

Binary values (images, biometric templates) travel as ``{"base64": "…"}``.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from pivault.core.codec import binary_from_json
from pivault.core.model import Policy
from pivault.core.values import BINARY_TYPES

Name = Field(min_length=1, max_length=128)


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CollectRequest(Body):
    feature: str = Field(min_length=1, max_length=64, examples=["registration"])
    values: dict[str, JsonValue] = Field(
        examples=[{"account.nickname": "小明", "account.phone": "13812345678"}]
    )


class ReadRequest(Body):
    categories: list[str] = Field(min_length=1, max_length=200, examples=[["account.phone"]])
    purpose: str = Field(min_length=1, max_length=64, examples=["service"])


class DecideItem(Body):
    subject: str = Field(min_length=1, max_length=128)
    category: str = Field(min_length=1, max_length=128)
    purpose: str = Field(min_length=1, max_length=64)


class DecideRequest(Body):
    requests: list[DecideItem] = Field(min_length=1, max_length=1000)


class ConsentChange(Body):
    channel: str = Field(default="app", min_length=1, max_length=32)
    evidence: dict[str, JsonValue] = Field(default_factory=dict)


class CorrectRequest(Body):
    category: str = Field(min_length=1, max_length=128)
    value: JsonValue


class DeleteRequest(Body):
    categories: list[str] = Field(min_length=1, max_length=200)


class FindRequest(Body):
    category: str = Field(min_length=1, max_length=128, examples=["account.phone"])
    value: JsonValue = Field(examples=["13812345678"])
    purpose: str = Field(default="service", min_length=1, max_length=64)


def from_json(policy: Policy, category: str, value: Any) -> Any:
    """A value from JSON: ``{"base64": …}`` becomes bytes for binary categories."""
    cat = policy.categories.get(category)
    if cat is None or cat.value_type is None or cat.value_type.name not in BINARY_TYPES:
        return value
    return binary_from_json(category, value)
