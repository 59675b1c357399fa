"""External witnesses: push each checkpoint to C2SP ``tlog-witness`` servers and keep
their cosignatures.

A witness remembers the largest checkpoint of this log it cosigned and cosigns a new
one only with a consistency proof from it, so a log that forks or rewinds its history
cannot get a cosignature again. ``add-checkpoint`` takes ``old <size>``, the proof
lines (base64 hashes), a blank line and the signed checkpoint; 409 answers the size
the witness holds (we retry once from there).
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pivault.core.errors import CheckpointError, WitnessError
from pivault.crypto.cosignature import CosignatureVerifier

__all__ = ["ExternalWitness", "parse_witnesses", "push"]

#: A witness answers in bounded time, or the push is given up (the next checkpoint retries).
TIMEOUT_S = 5.0
MAX_RESPONSE_BYTES = 64 * 1024


@dataclass(frozen=True)
class ExternalWitness:
    """A witness's submission prefix (``…/add-checkpoint`` is appended) and its key."""

    url: str
    verifier: CosignatureVerifier


def parse_witnesses(text: str) -> list[ExternalWitness]:
    """``PIVAULT_AUDIT_WITNESSES``: a JSON list of ``{"url": …, "key": NAME+ID+KEY}``."""
    if not text.strip():
        return []
    try:
        items = json.loads(text)
        if not isinstance(items, list):
            raise TypeError
        out = []
        for item in items:
            url, key = item["url"], item["key"]
            if not isinstance(url, str) or not url.startswith(("http://", "https://")):
                raise WitnessError(f"a witness URL must be http(s)://…, not {url!r}")
            out.append(ExternalWitness(url.rstrip("/"), CosignatureVerifier.parse(str(key))))
    except (ValueError, TypeError, KeyError):
        raise WitnessError(
            'PIVAULT_AUDIT_WITNESSES is a JSON list of {"url": "https://…", "key": "NAME+ID+KEY"}'
        ) from None
    return out


def _post(url: str, body: bytes) -> tuple[int, str]:
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "text/plain; charset=utf-8"}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            return int(response.status), response.read(MAX_RESPONSE_BYTES).decode(
                "utf-8", "replace"
            )
    except urllib.error.HTTPError as exc:
        return int(exc.code), exc.read(MAX_RESPONSE_BYTES).decode("utf-8", "replace")
    except (urllib.error.URLError, OSError) as exc:
        raise WitnessError(f"witness {url} cannot be reached: {exc}") from None


def push(
    witness: ExternalWitness,
    note: str,
    checkpoint_text: str,
    size: int,
    old_size: int,
    proof: Callable[[int, int], Sequence[bytes]],
) -> str:
    """Submit ``note`` (of a tree of ``size``) starting from ``old_size``; the witness's
    verified cosignature line. WitnessError names what went wrong."""
    url = f"{witness.url}/add-checkpoint"
    for _attempt in range(2):
        if old_size > size:
            raise WitnessError(
                f"witness {witness.verifier.name} has seen {old_size} entries of this log, "
                f"more than the {size} it holds now: the log was rewound"
            )
        hashes = proof(old_size, size) if old_size else []
        body = (
            f"old {old_size}\n"
            + "".join(base64.b64encode(h).decode() + "\n" for h in hashes)
            + "\n"
            + note
        )
        status, text = _post(url, body.encode())
        if status == 409 and text.strip().isdigit() and int(text) != old_size:
            old_size = int(text)  # the witness holds another size: prove from there
            continue
        if status != 200:
            reason = text.strip().splitlines()[0][:200] if text.strip() else ""
            raise WitnessError(
                f"witness {witness.verifier.name} refused the checkpoint: HTTP {status} {reason}"
            )
        for line in text.splitlines():
            try:
                if witness.verifier.verify(line, checkpoint_text) is not None:
                    return line + "\n"
            except CheckpointError as exc:
                raise WitnessError(f"witness {witness.verifier.name}: {exc}") from None
        raise WitnessError(f"witness {witness.verifier.name} answered no cosignature of its key")
    raise WitnessError(f"witness {witness.verifier.name} keeps answering 409 Conflict")
