"""Binary values (photos, biometric templates) in JSON: ``{"base64": "…"}``, defined once.

The HTTP API takes and returns them so, the export writes them so, the privacy
center sizes and lists them from that form. Standard base64 with padding.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from pivault.core.errors import ValueValidationError

__all__ = [
    "BINARY_KEY",
    "binary_from_json",
    "binary_json_size",
    "binary_json_text",
    "is_binary_json",
    "to_json_value",
]

#: The one key of a binary value's JSON object.
BINARY_KEY = "base64"


def to_json_value(value: Any) -> Any:
    """``value`` for JSON: bytes become ``{"base64": …}``; anything else is unchanged."""
    if isinstance(value, bytes | bytearray):
        return {BINARY_KEY: base64.b64encode(bytes(value)).decode()}
    return value


def is_binary_json(value: Any) -> bool:
    """Whether ``value`` is a binary value's JSON form."""
    return (
        isinstance(value, dict)
        and set(value) == {BINARY_KEY}
        and isinstance(value[BINARY_KEY], str)
    )


def binary_from_json(category: str, value: Any) -> bytes:
    """The bytes of ``{"base64": …}`` sent for ``category``; a
    :class:`~pivault.core.errors.ValueValidationError` for anything else."""
    if not is_binary_json(value):
        raise ValueValidationError(category, f'binary values are sent as {{"{BINARY_KEY}": "…"}}')
    try:
        return base64.b64decode(value[BINARY_KEY], validate=True)
    except (binascii.Error, ValueError):
        raise ValueValidationError(category, "not valid base64") from None


def binary_json_size(value: Any) -> int:
    """How many bytes a binary value's JSON form holds, without decoding it (0 for
    anything else)."""
    if not is_binary_json(value):
        return 0
    text: str = value[BINARY_KEY]
    return len(text) * 3 // 4 - (len(text) - len(text.rstrip("=")))


def binary_json_text(value: Any) -> str | None:
    """A binary value's JSON form as one text cell (``base64:…``), or None if it is not one."""
    return f"{BINARY_KEY}:{value[BINARY_KEY]}" if is_binary_json(value) else None
