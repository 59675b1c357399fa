"""The ``pivault`` command, run as a real process: exit codes, one-line errors, the whole flow."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

PIVAULT = [sys.executable, "-m", "pivault.cli.main"]


class Cli:
    def __init__(self, tmp: Path) -> None:
        self.env = {
            **os.environ,
            "PIVAULT_MASTER_KEY_FILE": str(tmp / "keys" / "master.key"),
            "PIVAULT_VAULT_URL": f"sqlite:///{tmp / 'data' / 'vault.db'}",
            "COLUMNS": "200",
        }
        (tmp / "data").mkdir()
        self.db = tmp / "data" / "vault.db"
        self.key = tmp / "keys" / "master.key"

    def __call__(self, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(
            [*PIVAULT, *args], env=self.env, capture_output=True, text=True, timeout=60, check=False
        )
        if ok:
            assert proc.returncode == 0, proc.stderr
        else:
            assert proc.returncode != 0, proc.stdout
            assert "Traceback" not in proc.stderr, proc.stderr
        return proc


def _ready(tmp: Path) -> Cli:
    c = Cli(tmp)
    c("init")
    c("actors", "add", "app", "--purposes", "service,security")
    c("actors", "add", "ads", "--purposes", "ads_recommendation")
    return c


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return _ready(tmp_path)


@pytest.fixture(scope="module")
def shared_cli(tmp_path_factory: pytest.TempPathFactory) -> Cli:
    """One vault for the tests that only provoke refusals (they change nothing)."""
    return _ready(tmp_path_factory.mktemp("cli"))


def test_the_whole_flow_through_the_cli(cli: Cli, tmp_path: Path) -> None:
    assert (os.stat(cli.key).st_mode & 0o777) == 0o600
    assert cli.key.parent != cli.db.parent
    cli(
        "collect",
        "u1",
        "registration",
        "account.nickname=小明",
        "account.phone=13812345678",
        "--actor",
        "app",
    )
    read = json.loads(
        cli("read", "u1", "account", "--purpose", "service", "--actor", "app", "--json").stdout
    )
    assert read["values"] == {"account.nickname": "小明", "account.phone": "+8613812345678"}
    denied = json.loads(
        cli(
            "read",
            "u1",
            "account.phone",
            "--purpose",
            "ads_recommendation",
            "--actor",
            "ads",
            "--json",
        ).stdout
    )
    assert denied["denied"]["account.phone"]["reason"] == "not_permitted_by_policy"

    features = json.loads(cli("features", "u1", "--json").stdout)
    voice = next(f for f in features if f["feature"] == "voiceprint_login")
    assert voice == {
        "feature": "voiceprint_login",
        "available": False,
        "missing_consents": ["biometric.voiceprint"],
    }
    granted = cli("consent", "grant", "u1", "biometric.voiceprint")
    assert "voiceprint_login" in granted.stdout
    features = json.loads(cli("features", "u1", "--json").stdout)
    assert next(f for f in features if f["feature"] == "voiceprint_login")["available"] is True
    cli("consent", "withdraw", "u1", "biometric.voiceprint")

    export_file = tmp_path / "export.json"
    cli("export", "u1", "-o", str(export_file))
    doc = json.loads(export_file.read_text())
    assert {d["category"] for d in doc["data"]} == {"account.nickname", "account.phone"}
    log = cli("audit", "log", "u1").stdout
    assert "ads_recommendation" in log and "not_permitted_by_policy" in log
    assert "audit log OK" in cli("audit", "verify").stdout

    cli("keys", "rotate")
    read = json.loads(
        cli(
            "read", "u1", "account.phone", "--purpose", "service", "--actor", "app", "--json"
        ).stdout
    )
    assert read["values"] == {"account.phone": "+8613812345678"}
    cli("erase", "u1")
    err = cli(
        "read", "u1", "account.phone", "--purpose", "service", "--actor", "app", ok=False
    ).stderr
    assert "cancelled their account" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["collect", "u1", "registraton", "account.nickname=x", "--actor", "app"],
            "did you mean 'registration'",
        ),
        (
            ["collect", "u1", "registration", "account.phone=12345", "--actor", "app"],
            "invalid value for 'account.phone'",
        ),
        (
            ["collect", "u1", "registration", "survey.name=王", "--actor", "app"],
            "does not collect 'survey.name'",
        ),
        (
            ["read", "u1", "account.phone", "--purpose", "marketing", "--actor", "app"],
            "unknown purpose 'marketing'",
        ),
        (["consent", "grant", "u1", "voiceprint"], "valid consent items"),
        (["actors", "add", "crm", "--purposes", "sales"], "unknown purpose 'sales'"),
        (["keys", "init"], "refusing to overwrite"),
    ],
)
def test_bad_input_gets_one_clear_line_and_a_failure_exit(
    shared_cli: Cli, args: list[str], message: str
) -> None:
    proc = shared_cli(*args, ok=False)
    assert message in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "12345" not in proc.stderr


def test_missing_master_key_is_a_clear_error(cli: Cli) -> None:
    cli.env["PIVAULT_MASTER_KEY_FILE"] = str(cli.key) + ".missing"
    proc = cli("read", "u1", "account.phone", "--purpose", "service", "--actor", "app", ok=False)
    assert "no master key file" in proc.stderr and "pivault keys init" in proc.stderr


def test_audit_verify_fails_after_the_database_is_edited(cli: Cli) -> None:
    cli("collect", "u1", "registration", "account.nickname=小明", "--actor", "app")
    cli("read", "u1", "account", "--purpose", "service", "--actor", "app")
    cli("audit", "checkpoint")
    with sqlite3.connect(cli.db) as conn:
        leaf = conn.execute("SELECT leaf FROM audit_log WHERE idx = 3").fetchone()[0]
        edited = leaf.replace(b'"action":"read"', b'"action":"export"')
        assert edited != leaf
        conn.execute("UPDATE audit_log SET leaf = ? WHERE idx = 3", (edited,))
    proc = cli("audit", "verify", ok=False)
    assert "TAMPERED" in proc.stderr and "does not match the log" in proc.stderr


def test_policy_check_reports_file_line_col(tmp_path: Path) -> None:
    env = {**os.environ}
    ok = subprocess.run(
        [*PIVAULT, "policy", "check"], env=env, capture_output=True, text=True, check=False
    )
    assert ok.returncode == 0 and "OK" in ok.stdout
    broken = tmp_path / "policy.yaml"
    from pivault.service.policy_files import default_policy_text

    broken.write_text(default_policy_text().replace("purposes: [security]", "purposes: [securty]"))
    bad = subprocess.run(
        [*PIVAULT, "policy", "check", str(broken)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 1
    line = next(ln for ln in bad.stderr.splitlines() if "securty" in ln)
    path, lineno, col, message = line.split(":", 3)
    assert path == str(broken) and int(lineno) > 0 and int(col) > 0
    assert "did you mean 'security'" in message
    wanted = broken.read_text().splitlines()[int(lineno) - 1]
    assert "securty" in wanted
