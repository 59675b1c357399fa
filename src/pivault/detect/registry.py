"""The default recognizers, in the order they run.

Structured identifiers run first, on the normalised text; names and
addresses run second, on a copy where the structured findings are blanked
out, because segmentation (and name boundaries) would otherwise cut through
IDs and phone numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from pivault.detect.addresses import ChineseAddressRecognizer, EnglishAddressRecognizer
from pivault.detect.base import Recognizer, TextProfile
from pivault.detect.devices import DEVICE_RECOGNIZERS
from pivault.detect.hmt import HMT_RECOGNIZERS
from pivault.detect.identifiers import IDENTIFIER_RECOGNIZERS
from pivault.detect.intl_ids import INTL_ID_RECOGNIZERS
from pivault.detect.location import LOCATION_RECOGNIZERS
from pivault.detect.model import Entity, Finding
from pivault.detect.names import ChineseNameRecognizer, LatinNameRecognizer
from pivault.detect.network import NETWORK_RECOGNIZERS
from pivault.detect.phones import PHONE_RECOGNIZERS
from pivault.detect.phones_intl import INTL_PHONE_RECOGNIZERS

Finder = Callable[[str], Iterable[Finding]]

STRUCTURED_RECOGNIZERS: tuple[Recognizer, ...] = (
    *IDENTIFIER_RECOGNIZERS,
    *HMT_RECOGNIZERS,
    *INTL_ID_RECOGNIZERS,
    *PHONE_RECOGNIZERS,
    *INTL_PHONE_RECOGNIZERS,
    *NETWORK_RECOGNIZERS,
    *DEVICE_RECOGNIZERS,
    *LOCATION_RECOGNIZERS,
)


def _calls(recognizer: Recognizer) -> tuple[Recognizer, Callable[[TextProfile], bool], Finder]:
    # Pattern recognizers return a list directly (no generator per call).
    find_all: Finder | None = getattr(recognizer, "find_all", None)
    return recognizer, recognizer.may_match, find_all or recognizer.find


#: (recognizer, its may_match, its fastest find) for the engine's hot loop.
STRUCTURED_CALLS = tuple(_calls(r) for r in STRUCTURED_RECOGNIZERS)

TEXTUAL_RECOGNIZERS: tuple[Recognizer, ...] = (
    ChineseAddressRecognizer(),
    EnglishAddressRecognizer(),
    ChineseNameRecognizer(),
    LatinNameRecognizer(),
)

#: Same as TEXTUAL_RECOGNIZERS but with jieba.posseg tagging of free text (slower).
DEEP_TEXTUAL_RECOGNIZERS: tuple[Recognizer, ...] = (
    ChineseAddressRecognizer(),
    EnglishAddressRecognizer(),
    ChineseNameRecognizer(deep=True),
    LatinNameRecognizer(),
)


def list_recognizers() -> list[tuple[str, tuple[Entity, ...]]]:
    """(name, entities) of every default recognizer, in run order."""
    return [
        (r.name, tuple(sorted(r.entities))) for r in (*STRUCTURED_RECOGNIZERS, *TEXTUAL_RECOGNIZERS)
    ]


def supported_entities() -> frozenset[Entity]:
    """Every entity some default recognizer can report."""
    found: set[Entity] = set()
    for recognizer in (*STRUCTURED_RECOGNIZERS, *TEXTUAL_RECOGNIZERS):
        found |= recognizer.entities
    return frozenset(found)
