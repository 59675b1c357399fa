"""Scanning files and directories: every value found at its file:line:col, drift decided."""

from __future__ import annotations

from pathlib import Path

from pivault.detect import Entity
from pivault.service.scan import DRIFT, scan_target
from tests.scan.conftest import (
    EMAIL_1,
    ID_1,
    ID_2,
    IP_1,
    PHONE_1,
    PHONE_2,
    Placed,
)

EXPECTED_ENTITY = {
    IP_1: Entity.IPV4,
    PHONE_1: Entity.CN_MOBILE,
    PHONE_2: Entity.CN_MOBILE,
    ID_1: Entity.CN_RESIDENT_ID,
    ID_2: Entity.CN_RESIDENT_ID,
    EMAIL_1: Entity.EMAIL,
}


def test_directory_scan_finds_every_value_at_its_line_and_column(
    corpus: tuple[Path, dict[str, Placed]],
) -> None:
    root, placed = corpus
    report = scan_target(str(root))
    assert report.sources_scanned == 4
    assert report.skipped == []
    found = {(g.entity, loc) for g in report.groups for loc in g.locations}
    for value, where in placed.items():
        location = f"{root / where.file}:{where.line}:{where.col}"
        assert (EXPECTED_ENTITY[value], location) in found, (value, location, found)
    assert report.total_findings == len(placed)


def test_undeclared_entities_are_drift_and_declared_ones_name_their_category(
    corpus: tuple[Path, dict[str, Placed]],
) -> None:
    report = scan_target(str(corpus[0]))
    verdicts = {g.entity: g.verdict for g in report.groups}
    # The default policy declares phones and IPs, but no ID-number category.
    assert verdicts[Entity.CN_MOBILE] == "account.phone"
    assert verdicts[Entity.IPV4] == "network.ip"
    assert verdicts[Entity.CN_RESIDENT_ID] == DRIFT
    assert report.has_drift


def test_masked_samples_never_hold_the_value(corpus: tuple[Path, dict[str, Placed]]) -> None:
    report = scan_target(str(corpus[0]))
    for group in report.groups:
        assert "*" in group.sample
        for value in EXPECTED_ENTITY:
            assert value not in group.sample


def test_binary_file_is_reported_and_skipped(tmp_path: Path) -> None:
    (tmp_path / "image.bin").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + PHONE_1.encode())
    (tmp_path / "ok.log").write_text(f"call {PHONE_1}\n")
    report = scan_target(str(tmp_path))
    assert [(Path(s.source).name, s.reason) for s in report.skipped] == [
        ("image.bin", "binary file (NUL byte)")
    ]
    assert [Path(g.source).name for g in report.groups] == ["ok.log"]


def test_gb18030_log_is_decoded_and_undecodable_file_skipped(tmp_path: Path) -> None:
    (tmp_path / "cn.log").write_bytes(f"用户手机号：{PHONE_2}，登录成功\n".encode("gb18030"))
    # 0x80 alone is neither UTF-8 nor GB18030; no NUL, so it is not "binary".
    (tmp_path / "junk.dat").write_bytes(b"abc \x80\xff\x80 def\n")
    report = scan_target(str(tmp_path))
    assert [(g.entity, g.locations) for g in report.groups] == [
        (Entity.CN_MOBILE, [f"{tmp_path / 'cn.log'}:1:7"])
    ]
    assert [Path(s.source).name for s in report.skipped] == ["junk.dat"]
    assert "undecodable" in report.skipped[0].reason


def test_crlf_lines_and_a_last_line_without_newline_keep_their_numbers(tmp_path: Path) -> None:
    (tmp_path / "win.txt").write_bytes(f"a\r\nb\r\nphone {PHONE_1}".encode())
    report = scan_target(str(tmp_path / "win.txt"))
    assert report.groups[0].locations == [f"{tmp_path / 'win.txt'}:3:7"]
    assert report.units_scanned == 3


def test_clean_directory_has_no_findings(clean_dir: Path) -> None:
    report = scan_target(str(clean_dir))
    assert report.groups == []
    assert not report.has_drift
    assert report.sources_scanned == 2
