"""pivault scan: find personal data in files and databases and compare it with the policy.

>>> from pivault.service.scan import scan_target
>>> report = scan_target("logs/")                    # doctest: +SKIP
>>> [g.entity.value for g in report.drift]            # doctest: +SKIP
['CN_RESIDENT_ID']

Sources: :mod:`.files` (text, logs, CSV, JSON/JSONL; directories recursively)
and :mod:`.database` (SQLite and PostgreSQL tables, sampled, read-only).
:mod:`.report` groups findings and decides policy drift; :mod:`pivault.present`
renders a report (table, JSON, HTML, one summary line). No found value is
ever kept, logged or rendered: only masked samples.
"""

from __future__ import annotations

from pathlib import Path

from pivault.core.model import Policy
from pivault.detect import DEFAULT_MIN_SCORE
from pivault.service.policy_files import load_policy
from pivault.service.scan.database import DEFAULT_SAMPLE, looks_like_db_url, scan_database
from pivault.service.scan.files import scan_path
from pivault.service.scan.progress import NoProgress, Progress
from pivault.service.scan.report import (
    DRIFT,
    Group,
    PolicyMatcher,
    ScanReport,
    Skipped,
)
from pivault.store.engine import hide_password

#: Exit status of ``pivault scan`` when the policy drifts (findings the policy does not declare).
EXIT_DRIFT = 3

__all__ = [
    "DEFAULT_SAMPLE",
    "DRIFT",
    "EXIT_DRIFT",
    "Group",
    "NoProgress",
    "PolicyMatcher",
    "Progress",
    "ScanReport",
    "Skipped",
    "looks_like_db_url",
    "scan_target",
]


def scan_target(
    target: str,
    policy: Policy | None = None,
    *,
    sample: int = DEFAULT_SAMPLE,
    min_score: float = DEFAULT_MIN_SCORE,
    progress: Progress | None = None,
) -> ScanReport:
    """Scan a path (file or directory) or a database URL against ``policy`` (default: bundled)."""
    matcher = PolicyMatcher(policy if policy is not None else load_policy(None))
    if looks_like_db_url(target):
        report = ScanReport.for_target(hide_password(target), "database", matcher)
        scan_database(
            target, report, matcher, sample=sample, min_score=min_score, progress=progress
        )
    else:
        report = ScanReport.for_target(target, "files", matcher)
        scan_path(Path(target), report, matcher, min_score=min_score, progress=progress)
    return report
