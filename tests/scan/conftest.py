"""Shared pieces of the scanner tests: valid identifiers, a corpus directory, the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

PIVAULT = [sys.executable, "-m", "pivault.cli.main"]

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def cn_id(first17: str) -> str:
    """A resident ID with its GB 11643 check character."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


ID_1 = cn_id("11010519491231002")  # 11010519491231002X
ID_2 = cn_id("44030419900307125")
PHONE_1 = "13812345678"
PHONE_2 = "15900001111"
EMAIL_1 = "zhang.wei@example.com"
IP_1 = "203.0.113.42"

#: Every raw value placed in the corpus: none may appear in any report.
RAW_VALUES = (ID_1, ID_2, PHONE_1, PHONE_2, EMAIL_1, IP_1)


@dataclass(frozen=True)
class Placed:
    """Where a value sits: file name, 1-based line and column."""

    file: str
    line: int
    col: int


def col_of(line: str, value: str) -> int:
    return line.index(value) + 1


@pytest.fixture
def corpus(tmp_path: Path) -> tuple[Path, dict[str, Placed]]:
    """A directory of a .log, .csv, .jsonl and .txt with known values at known places."""
    root = tmp_path / "corpus"
    (root / "sub").mkdir(parents=True)
    log_lines = [
        "2026-01-02 10:00:00 INFO service started",
        f"2026-01-02 10:00:01 INFO login ok ip={IP_1} user=u1",
        f"2026-01-02 10:00:02 WARN sms to {PHONE_1} failed",
    ]
    csv_lines = ["id,name,phone,id_number", f"1,u1,{PHONE_2},{ID_1}"]
    jsonl_lines = ['{"user": "u0", "note": "none"}', f'{{"user": "u2", "email": "{EMAIL_1}"}}']
    txt_lines = ["客户资料", f"身份证号：{ID_2}，请核对。"]
    files = {
        "app.log": log_lines,
        "users.csv": csv_lines,
        "sub/events.jsonl": jsonl_lines,
        "sub/notes.txt": txt_lines,
    }
    for name, lines in files.items():
        (root / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    placed = {
        IP_1: Placed("app.log", 2, col_of(log_lines[1], IP_1)),
        PHONE_1: Placed("app.log", 3, col_of(log_lines[2], PHONE_1)),
        PHONE_2: Placed("users.csv", 2, col_of(csv_lines[1], PHONE_2)),
        ID_1: Placed("users.csv", 2, col_of(csv_lines[1], ID_1)),
        EMAIL_1: Placed("sub/events.jsonl", 2, col_of(jsonl_lines[1], EMAIL_1)),
        ID_2: Placed("sub/notes.txt", 2, col_of(txt_lines[1], ID_2)),
    }
    return root, placed


@pytest.fixture
def clean_dir(tmp_path: Path) -> Path:
    root = tmp_path / "clean"
    root.mkdir()
    (root / "app.log").write_text("2026-01-02 INFO started\n2026-01-02 INFO stopped\n")
    (root / "data.csv").write_text("id,colour\n1,blue\n2,green\n")
    return root


def run_scan(*args: str) -> subprocess.CompletedProcess[str]:
    """``pivault scan ARGS`` as a real process."""
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run(
        [*PIVAULT, "scan", *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )
