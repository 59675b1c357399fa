"""Operators that replace personal values: mask, redact, replace, pseudonym, token.

``pseudonym`` is HMAC-SHA256 under a caller-given key over a canonical form
of the value (separators dropped, case folded), so ``138 1234 5678`` and
``+8613812345678`` get the same pseudonym under one key and unrelated ones
under another. ``token`` encrypts the value with AES-256-GCM under a
caller-given 32-byte key; :func:`detokenize` reverses it.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum

from pivault.core.errors import DetectionError
from pivault.detect import _crypto
from pivault.detect.engine import DEFAULT_MIN_SCORE, analyze
from pivault.detect.masks import mask
from pivault.detect.model import Entity, Finding


class Operator(StrEnum):
    """How redact() rewrites each personal value."""

    MASK = "mask"  # 138****5678
    REDACT = "redact"  # removed
    REPLACE = "replace"  # <PHONE>
    PSEUDONYM = "pseudonym"  # <PHONE:3f9a0c…>, stable per key
    TOKEN = "token"  # [[pv:PHONE:…]], reversible with detokenize()


_PSEUDONYM_HEX = 16
_TOKEN_RE = re.compile(r"\[\[pv:([A-Z_]+):([A-Za-z0-9_\-]{20,})\]\]")
_TOKEN_AAD = b"pivault.detect.token.v1:"


@dataclass(frozen=True, slots=True)
class RedactionResult:
    """The rewritten text and the findings that were rewritten (offsets into the input)."""

    text: str
    findings: list[Finding]


def canonical(finding: Finding) -> str:
    """A separator- and case-insensitive form of the value, for stable pseudonyms."""
    value = finding.value
    if finding.entity in (Entity.CN_MOBILE,):
        return "".join(ch for ch in value if ch.isdigit())[-11:]
    if finding.entity in (Entity.CN_PERSON_NAME, Entity.PERSON_NAME, Entity.CN_ADDRESS):
        return " ".join(value.split())
    return "".join(ch for ch in value if ch.isalnum() or ch in "@.:").lower()


def pseudonym(finding: Finding, key: bytes) -> str:
    """``<TAG:hex>``: the first 64 bits of HMAC-SHA256(key, entity, canonical value)."""
    message = f"{finding.entity.value}\x00{canonical(finding)}".encode()
    digest = _crypto.keyed_digest(key, message).hex()[:_PSEUDONYM_HEX]
    return f"<{finding.tag}:{digest}>"


def tokenize(finding: Finding, key: bytes) -> str:
    """``[[pv:ENTITY:…]]``: the value encrypted with AES-256-GCM (entity bound as AAD)."""
    entity = finding.entity.value
    sealed = _crypto.seal(key, finding.value.encode(), _TOKEN_AAD + entity.encode())
    body = base64.urlsafe_b64encode(sealed).rstrip(b"=").decode()
    return f"[[pv:{entity}:{body}]]"


def detokenize(text: str, key: bytes) -> str:
    """Replace every ``[[pv:…]]`` token in ``text`` by its original value.

    Raises :class:`~pivault.core.errors.DecryptionError` if a token does not
    decrypt under ``key`` (wrong key or tampered token).
    """
    key = _crypto.check_token_key(key)

    def restore(match: re.Match[str]) -> str:
        entity, body = match.group(1), match.group(2)
        sealed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        return _crypto.unseal(key, sealed, _TOKEN_AAD + entity.encode()).decode()

    return _TOKEN_RE.sub(restore, text)


def _outermost(findings: list[Finding]) -> list[Finding]:
    """Drop findings nested inside another (e.g. a phone in a URL's query string)."""
    kept: list[Finding] = []
    for finding in sorted(findings, key=lambda f: (f.start, -f.end)):
        if kept and finding.start < kept[-1].end:
            continue
        kept.append(finding)
    return kept


def redact_with_findings(
    text: str,
    operator: Operator | str = Operator.REPLACE,
    entities: Collection[Entity | str] | None = None,
    key: bytes | None = None,
    min_score: float = DEFAULT_MIN_SCORE,
) -> RedactionResult:
    """Like :func:`redact`, but also returns the findings that were rewritten."""
    try:
        op = Operator(operator)
    except ValueError:
        choices = ", ".join(o.value for o in Operator)
        raise DetectionError(f"unknown operator {operator!r}; choose one of: {choices}") from None
    if op is Operator.PSEUDONYM:
        key = _crypto.check_pseudonym_key(key)
    elif op is Operator.TOKEN:
        key = _crypto.check_token_key(key)
    findings = _outermost(analyze(text, entities, min_score))
    pieces: list[str] = []
    last = 0
    for finding in findings:
        pieces.append(text[last : finding.start])
        pieces.append(_apply(op, finding, key))
        last = finding.end
    pieces.append(text[last:])
    return RedactionResult("".join(pieces), findings)


def _apply(op: Operator, finding: Finding, key: bytes | None) -> str:
    if op is Operator.MASK:
        return mask(finding)
    if op is Operator.REDACT:
        return ""
    if op is Operator.REPLACE:
        return f"<{finding.tag}>"
    assert key is not None  # checked by the caller
    if op is Operator.PSEUDONYM:
        return pseudonym(finding, key)
    return tokenize(finding, key)


def redact(
    text: str,
    operator: Operator | str = Operator.REPLACE,
    entities: Collection[Entity | str] | None = None,
    key: bytes | None = None,
    min_score: float = DEFAULT_MIN_SCORE,
) -> str:
    """Return ``text`` with every personal value rewritten by ``operator``.

    ``operator`` is one of ``mask``, ``redact``, ``replace`` (default),
    ``pseudonym`` (needs ``key``: bytes, ≥ 16) or ``token`` (needs ``key``:
    32 bytes; reverse with :func:`detokenize`). ``entities`` limits which
    entities are rewritten.
    """
    return redact_with_findings(text, operator, entities, key, min_score).text
