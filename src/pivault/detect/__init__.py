"""pivault.detect: find, mask and tokenise personal values in text and images.

Pure functions: no storage, no file or network I/O, no environment reads,
no logging handlers. jieba's dictionary is loaded lazily, once per process.

>>> from pivault.detect import analyze, redact
>>> [f.entity.value for f in analyze("手机13812345678")]
['CN_MOBILE']
>>> redact("手机13812345678", operator="mask")
'手机138****5678'
"""

from __future__ import annotations

from pivault.detect._lexicon import warm_up
from pivault.detect.engine import DEFAULT_MIN_SCORE, analyze, resolve_overlaps
from pivault.detect.model import (
    ENTITY_INFO,
    PHOTO_GEOTAG_POLICY_CATEGORY,
    Entity,
    EntityInfo,
    Finding,
)
from pivault.detect.operators import (
    Operator,
    RedactionResult,
    detokenize,
    redact,
    redact_with_findings,
)
from pivault.detect.registry import list_recognizers, supported_entities

__all__ = [
    "DEFAULT_MIN_SCORE",
    "ENTITY_INFO",
    "PHOTO_GEOTAG_POLICY_CATEGORY",
    "Entity",
    "EntityInfo",
    "Finding",
    "Operator",
    "RedactionResult",
    "analyze",
    "detokenize",
    "list_recognizers",
    "redact",
    "redact_with_findings",
    "resolve_overlaps",
    "supported_entities",
    "warm_up",
]
