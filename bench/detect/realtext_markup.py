"""Turn the hand-written evaluation texts (inline markup) into JSONL with character spans.

Markup: each record starts with a header line ``# <id> <style>`` and runs to
the next header (it may contain blank lines)::

    # h01 chat
    [[CN_PERSON_NAME|王小明]]的电话是[[CN_MOBILE|138 1234 5678]]，订单{{order_number|2024120112345}}

``[[ENTITY|value]]`` is a labelled span, ``{{kind|value}}`` a hard negative
(a value that looks personal but is not). The markup files are the source;
``python -m bench.detect.realtext_markup`` rewrites ``realtext_<split>.jsonl``
next to them, and a test checks the two agree.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

from pivault.detect import Entity

DATA = Path(__file__).resolve().parents[2] / "tests" / "detect" / "data"
#: A record starts at a line ``# <id> <style>``; records may contain blank lines.
_HEADER = re.compile(r"^(# [a-z]+[0-9]+ [a-z_]+)$", re.M)
_TOKEN = re.compile(r"\[\[([A-Z_0-9]+)\|(.*?)\]\]|\{\{([a-z_0-9]+)\|(.*?)\}\}", re.S)


def parse_record(header: str, body: str) -> dict[str, Any]:
    """One record: plain text, labelled spans and hard negatives."""
    record_id, _, style = header.lstrip("# ").partition(" ")
    text_parts: list[str] = []
    spans: list[dict[str, Any]] = []
    negatives: list[dict[str, Any]] = []
    pos = 0
    length = 0
    for match in _TOKEN.finditer(body):
        plain = body[pos : match.start()]
        text_parts.append(plain)
        length += len(plain)
        entity, value, kind, neg_value = match.groups()
        value = value if entity else neg_value
        item: dict[str, Any] = {"start": length, "end": length + len(value)}
        if entity:
            Entity(entity)  # unknown labels fail loudly
            spans.append({"entity": entity, **item})
        else:
            negatives.append({"kind": kind, **item})
        text_parts.append(value)
        length += len(value)
        pos = match.end()
    text_parts.append(body[pos:])
    text = "".join(text_parts)
    if "[[" in text or "{{" in text:
        raise ValueError(f"unbalanced markup in record {record_id}")
    return {
        "id": record_id,
        "style": style.strip(),
        "text": text,
        "spans": spans,
        "negatives": negatives,
    }


def parse_markup(source: str) -> list[dict[str, Any]]:
    """Every record of a markup file."""
    blocks = _HEADER.split(source)
    if blocks[0].strip():
        raise ValueError("text before the first '# id style' header")
    return [
        parse_record(header, body.strip("\n"))
        for header, body in zip(blocks[1::2], blocks[2::2], strict=True)
    ]


def to_jsonl(records: list[dict[str, Any]]) -> str:
    """JSONL, one record a line."""
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def build(split: str) -> str:
    """The JSONL for ``split`` from its markup file."""
    source = (DATA / f"realtext_{split}.txt").read_text(encoding="utf-8")
    return to_jsonl(parse_markup(source))


if __name__ == "__main__":
    for name in sys.argv[1:] or ("dev", "heldout"):
        out = DATA / f"realtext_{name}.jsonl"
        out.write_text(build(name), encoding="utf-8")
        records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        spans = sum(len(r["spans"]) for r in records)
        negatives = sum(len(r["negatives"]) for r in records)
        print(f"{out.name}: {len(records)} texts, {spans} spans, {negatives} hard negatives")
