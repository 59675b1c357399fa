"""A scan report as JSON: counts, locations, masked samples — never a found value."""

from __future__ import annotations

import json
from typing import Any

from pivault.service.scan.report import ScanReport

#: Bumped when the JSON layout changes incompatibly.
JSON_FORMAT_VERSION = 1


def scan_report_as_dict(report: ScanReport) -> dict[str, Any]:
    """The report as plain data (what ``--format json`` prints)."""
    return {
        "format": "pivault-scan",
        "format_version": JSON_FORMAT_VERSION,
        "target": report.target,
        "kind": report.kind,
        "policy": {"source": report.policy_name, "version": report.policy_version},
        "summary": {
            "sources_scanned": report.sources_scanned,
            "units_scanned": report.units_scanned,
            "unit": "lines" if report.kind == "files" else "rows",
            "findings": report.total_findings,
            "drift_findings": sum(g.count for g in report.drift),
            "drift_entities": sorted({g.entity.value for g in report.drift}),
            "place_drift_findings": sum(g.count for g in report.drift if g.out_of_place),
            "skipped": len(report.skipped),
            "drift": report.has_drift,
        },
        "findings": [
            {
                "source": g.source,
                "entity": g.entity.value,
                "fides_category": g.fides_category,
                "policy_category": g.category,
                "drift": g.drift,
                "drift_kind": g.drift_kind,
                "count": g.count,
                "max_score": round(g.max_score, 3),
                "masked_sample": g.sample,
                "locations": list(g.locations),
                "locations_truncated": g.count > len(g.locations),
            }
            for g in report.groups
        ],
        "skipped": [{"source": s.source, "reason": s.reason} for s in report.skipped],
    }


def render_scan_json(report: ScanReport) -> str:
    return json.dumps(scan_report_as_dict(report), ensure_ascii=False, indent=2) + "\n"
