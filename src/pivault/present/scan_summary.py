"""A scan report in one line for humans: how much was scanned and found, and any drift."""

from __future__ import annotations

from collections.abc import Iterable

from pivault.service.scan.report import ScanReport


def summary_line(report: ScanReport) -> str:
    """One line for humans: how much was scanned and found, and whether the policy drifts."""
    drift = sum(g.count for g in report.drift)
    entities: Iterable[str] = sorted({g.entity.value for g in report.drift})
    text = (
        f"{report.sources_scanned} source(s) scanned, {report.total_findings} finding(s), "
        f"{len(report.skipped)} skipped"
    )
    if drift:
        text += f"; POLICY DRIFT: {drift} finding(s) of {', '.join(entities)}"
        misplaced = sum(g.count for g in report.drift if g.out_of_place)
        if misplaced:
            text += f" ({misplaced} outside their category's declared places)"
    return text
