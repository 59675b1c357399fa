"""Files a newcomer hands the CLI: ``-o`` into a folder that does not exist is one line,
not a traceback; a master key file others can read is refused, naming ``chmod 600``;
the library takes the key file's path as text too (as the README writes it)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pivault import MasterKey, MasterKeyError
from tests.test_cli import Cli, _ready


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return _ready(tmp_path)


@pytest.mark.parametrize(
    "args",
    [
        ("export", "u1", "-o", "/nonexistent/x.json"),
        ("policy", "render", "-o", "/nonexistent/policy.md"),
        ("policy", "export", "--format", "fides", "-o", "/nonexistent/fides.yaml"),
        ("audit", "checkpoint", "-o", "/nonexistent/cp.txt"),
    ],
    ids=["export", "policy render", "policy export", "audit checkpoint"],
)
def test_output_into_a_missing_folder_is_one_line(cli: Cli, args: tuple[str, ...]) -> None:
    cli("collect", "u1", "registration", "account.nickname=小明", "--actor", "app")
    proc = cli(*args, ok=False)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "/nonexistent" in lines[0] and "does not exist" in lines[0]


def test_scan_output_into_a_missing_folder_is_one_line(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "app.log").write_text("user 13812345678 logged in\n", encoding="utf-8")
    proc = cli("scan", str(tmp_path / "app.log"), "-o", "/nonexistent/report.txt", ok=False)
    assert "does not exist" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_a_key_file_others_can_read_is_refused_naming_chmod(cli: Cli) -> None:
    os.chmod(cli.key, 0o644)
    proc = cli("actors", "list", ok=False)
    assert "can be read by other users" in proc.stderr and f"chmod 600 {cli.key}" in proc.stderr
    with pytest.raises(MasterKeyError, match="chmod 600"):
        MasterKey.from_file(cli.key)
    os.chmod(cli.key, 0o600)
    cli("actors", "list")


def test_the_library_takes_the_key_path_as_text(tmp_path: Path) -> None:
    key = MasterKey.generate()
    key.write(tmp_path / "master.key")
    assert MasterKey.from_file(str(tmp_path / "master.key")).key_id == key.key_id
