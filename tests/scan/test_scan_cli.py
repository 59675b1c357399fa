"""``pivault scan`` as a real process: exit status for CI, and reports that hold no raw value."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

from pivault.service.policy_files import default_policy_text
from tests.scan.conftest import ID_1, RAW_VALUES, Placed, run_scan


def test_policy_drift_makes_the_scan_exit_3(corpus: tuple[Path, dict[str, Placed]]) -> None:
    proc = run_scan(str(corpus[0]))
    assert proc.returncode == 3, proc.stderr
    assert "CN_RESIDENT_ID" in proc.stdout
    assert "DRIFT" in proc.stdout
    assert "Traceback" not in proc.stderr


def test_clean_directory_exits_0(clean_dir: Path) -> None:
    proc = run_scan(str(clean_dir))
    assert proc.returncode == 0, proc.stderr
    assert "no personal data found" in proc.stdout


def test_declared_values_only_exit_0(tmp_path: Path) -> None:
    (tmp_path / "access.log").write_text("GET / from 203.0.113.7\nsms 13812345678\n")
    proc = run_scan(str(tmp_path))
    assert proc.returncode == 0, proc.stdout + proc.stderr


_DECLARED = """    fides: user.device.ip_address
  network.login_email:
    label: {zh-CN: 登录邮箱, en: 'Login e-mail'}
    type: text
    max_length: 200
    fides: user.contact.email
  network.id_number:
    label: {zh-CN: 身份证号, en: 'ID number'}
    type: text
    max_length: 18
    fides: user.government_id.national_identification_number
"""


def test_a_policy_declaring_ids_and_emails_by_fides_key_has_no_drift(
    tmp_path: Path, corpus: tuple[Path, dict[str, Placed]]
) -> None:
    text = default_policy_text()
    text = text.replace("    fides: user.device.ip_address\n", _DECLARED, 1)
    text = text.replace(
        "optional: [device, software, network.ip, service_log]",
        "optional: [device, software, network, service_log]",
        1,
    )
    policy = tmp_path / "policy.yaml"
    policy.write_text(text, encoding="utf-8")
    proc = run_scan(str(corpus[0]), "--policy", str(policy))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "network.id_number" in proc.stdout
    assert "network.login_email" in proc.stdout


def test_a_missing_policy_file_is_a_one_line_error(
    tmp_path: Path, corpus: tuple[Path, dict[str, Placed]]
) -> None:
    proc = run_scan(str(corpus[0]), "--policy", str(tmp_path / "nope.yaml"))
    assert proc.returncode == 1
    assert "no such policy file" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_json_report_holds_no_raw_value(corpus: tuple[Path, dict[str, Placed]]) -> None:
    root, placed = corpus
    proc = run_scan(str(root), "--format", "json")
    assert proc.returncode == 3
    doc = json.loads(proc.stdout)
    assert doc["summary"]["drift"] is True
    assert doc["summary"]["drift_entities"] == ["CN_RESIDENT_ID", "EMAIL"]
    assert doc["summary"]["findings"] == len(placed)
    for value in RAW_VALUES:
        assert value not in proc.stdout, value
        assert value not in proc.stderr, value
    ids = [f for f in doc["findings"] if f["entity"] == "CN_RESIDENT_ID"]
    assert {f["policy_category"] for f in ids} == {None}
    assert all(f["masked_sample"].startswith(ID_1[:6]) or "*" in f["masked_sample"] for f in ids)


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.links += [v or "" for k, v in attrs if k in ("src", "href", "xlink:href")]


def test_html_report_is_self_contained_parses_and_holds_no_raw_value(
    tmp_path: Path, corpus: tuple[Path, dict[str, Placed]]
) -> None:
    out = tmp_path / "report.html"
    proc = run_scan(str(corpus[0]), "--format", "html", "-o", str(out))
    assert proc.returncode == 3, proc.stderr
    html = out.read_text(encoding="utf-8")
    for value in RAW_VALUES:
        assert value not in html, value
    assert not re.search(r"(src|href)\s*=\s*[\"']?\s*(https?:)?//", html, re.I)
    assert "<link" not in html and "<script" not in html
    parser = _Collect()
    parser.feed(html)
    parser.close()
    assert {"html", "style", "svg", "rect", "table"} <= set(parser.tags)
    assert parser.links == []
    # Well-formed, too: it parses as XML once the doctype is dropped.
    root = ET.fromstring(html.split("\n", 1)[1])
    assert root.tag == "html"
    assert "DRIFT" in "".join(root.itertext())


def test_table_report_written_to_a_file(
    tmp_path: Path, corpus: tuple[Path, dict[str, Placed]]
) -> None:
    out = tmp_path / "report.txt"
    proc = run_scan(str(corpus[0]), "-o", str(out))
    assert proc.returncode == 3
    text = out.read_text(encoding="utf-8")
    assert "CN_MOBILE" in text and "account.phone" in text
    for value in RAW_VALUES:
        assert value not in text
    assert "POLICY DRIFT" in proc.stderr
