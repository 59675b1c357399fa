"""Full-width to half-width normalisation that keeps offsets valid.

Chinese input methods often produce full-width digits and Latin letters
(``１３８``, ``＠``). Detectors run on the normalised text; because every
mapping here is one code point to one code point, an offset into the
normalised text is the same offset into the original text, and
:func:`to_original` is the identity. It exists so callers never have to rely
on that fact: if a later mapping changes lengths, only this module changes.
"""

from __future__ import annotations

import re

# U+FF01..U+FF5E are the full-width forms of U+0021..U+007E; U+3000 is the
# ideographic space. Both map one code point to one code point.
_FULLWIDTH = re.compile("[\uff01-\uff5e\u3000]+")
_FULLWIDTH_TABLE: dict[int, int] = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FULLWIDTH_TABLE[0x3000] = 0x20


def _fold(match: re.Match[str]) -> str:
    return match.group().translate(_FULLWIDTH_TABLE)


def normalize(text: str) -> str:
    """Return ``text`` with full-width ASCII forms folded to half-width (same length)."""
    # str.translate walks every character through a dict; substituting only the
    # (few) full-width runs is several times faster on mostly-Han text.
    return text if text.isascii() else _FULLWIDTH.sub(_fold, text)


def to_original(offset: int) -> int:
    """Map an offset in the normalised text back to the original text."""
    return offset


def has_han(text: str) -> bool:
    """True if ``text`` contains a CJK unified ideograph (basic block or extension A)."""
    return any("\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" for ch in text)
