"""Presentation: what people and other tools read, built from the policy and from reports.

Between ``cli | http`` and ``service``: the human-readable privacy policy (Markdown,
an HTML page, or an HTML fragment for the privacy center), the words of a policy
diff, the policy as JSON, the Fides export, and scan reports as a table, JSON, HTML
or one summary line. Pure string building; nothing here reads or writes the vault.

Names are imported on first use, so rendering a scan report does not load the
policy renderer and the other way round.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pivault._lazy import lazy_namespace

if TYPE_CHECKING:
    from pivault.present.fides_export import to_fides_manifest
    from pivault.present.policy_diff_text import (
        change_reason,
        change_summary,
        diff_as_dict,
        format_diff_text,
    )
    from pivault.present.policy_json import policy_as_dict
    from pivault.present.policy_render import (
        FORMATS,
        render_policy,
        render_policy_fragment,
    )
    from pivault.present.policy_text import date_text, retention_text
    from pivault.present.scan_html import render_scan_html
    from pivault.present.scan_json import render_scan_json, scan_report_as_dict
    from pivault.present.scan_summary import summary_line
    from pivault.present.scan_table import render_scan_table

_WHERE = {
    "FORMATS": "pivault.present.policy_render",
    "change_reason": "pivault.present.policy_diff_text",
    "change_summary": "pivault.present.policy_diff_text",
    "date_text": "pivault.present.policy_text",
    "diff_as_dict": "pivault.present.policy_diff_text",
    "format_diff_text": "pivault.present.policy_diff_text",
    "policy_as_dict": "pivault.present.policy_json",
    "render_policy": "pivault.present.policy_render",
    "render_policy_fragment": "pivault.present.policy_render",
    "render_scan_html": "pivault.present.scan_html",
    "render_scan_json": "pivault.present.scan_json",
    "render_scan_table": "pivault.present.scan_table",
    "retention_text": "pivault.present.policy_text",
    "scan_report_as_dict": "pivault.present.scan_json",
    "summary_line": "pivault.present.scan_summary",
    "to_fides_manifest": "pivault.present.fides_export",
}

__all__ = [
    "FORMATS",
    "change_reason",
    "change_summary",
    "date_text",
    "diff_as_dict",
    "format_diff_text",
    "policy_as_dict",
    "render_policy",
    "render_policy_fragment",
    "render_scan_html",
    "render_scan_json",
    "render_scan_table",
    "retention_text",
    "scan_report_as_dict",
    "summary_line",
    "to_fides_manifest",
]

__getattr__, __dir__ = lazy_namespace(__name__, _WHERE, globals())
