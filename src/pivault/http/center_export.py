"""The download of a person's data: one ZIP with the vault's export as JSON and as CSV."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from typing import Any

from pivault.core.codec import binary_json_text

CSV_COLUMNS = (
    "category",
    "label_zh",
    "label_en",
    "source",
    "sensitive",
    "value",
    "collected_at",
    "retention",
    "purposes",
)


def _cell(value: Any) -> str:
    if isinstance(value, str):
        return value
    binary = binary_json_text(value)
    if binary is not None:
        return binary
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def export_csv(export: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for item in export["data"]:
        writer.writerow(
            [
                item["category"],
                item["label"].get("zh-CN", ""),
                item["label"].get("en", ""),
                item["source"],
                item["sensitive"] or "",
                _cell(item["value"]),
                item["collected_at"],
                item["retention"] or "",
                " ".join(p["purpose"] for p in item["purposes"]),
            ]
        )
    return out.getvalue()


STREAM_COLUMNS = ("category", "label_zh", "label_en", "id", "at", "value", "retention")


def streams_csv(export: dict[str, Any]) -> str:
    """One row per event of every stream, oldest first (times in UTC)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(STREAM_COLUMNS)
    for category, stream in sorted(export.get("streams", {}).items()):
        for event in stream["events"]:
            writer.writerow(
                [
                    category,
                    stream["label"].get("zh-CN", ""),
                    stream["label"].get("en", ""),
                    event["id"],
                    event["at"],
                    _cell(event["value"]),
                    stream["retention"] or "",
                ]
            )
    return out.getvalue()


def export_zip(export: dict[str, Any]) -> bytes:
    """``export.json`` (everything), ``export.csv`` (one row per value) and
    ``streams.csv`` (one row per event of the records over time), UTF-8."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("export.json", json.dumps(export, ensure_ascii=False, indent=2))
        # A BOM so that spreadsheet programs read the Chinese labels as UTF-8.
        zf.writestr("export.csv", "\ufeff" + export_csv(export))
        zf.writestr("streams.csv", "\ufeff" + streams_csv(export))
    return buf.getvalue()
