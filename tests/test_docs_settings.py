"""Docs kept honest: every PIVAULT_ setting in the code and every CLI command is in the README."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_environment_setting_is_documented() -> None:
    readme = (ROOT / "README.md").read_text()
    used = set()
    for path in [*(ROOT / "src").rglob("*.py"), *(ROOT / "tests").rglob("*.py")]:
        used |= set(re.findall(r"PIVAULT_[A-Z_]+[A-Z]", path.read_text()))
    assert used, "expected some settings"
    missing = sorted(name for name in used if f"`{name}`" not in readme)
    assert missing == []


def test_every_cli_command_is_documented() -> None:
    from typer.main import get_command

    from pivault.cli.main import app

    lines = [ln.strip() for ln in (ROOT / "README.md").read_text().splitlines()]
    root = get_command(app)
    missing = []
    for name, cmd in root.commands.items():  # type: ignore[attr-defined]
        subs = list(cmd.commands) if hasattr(cmd, "commands") else [None]
        for sub in subs:
            prefix = f"pivault {name}" + ("" if sub is None else " ")
            if not any(
                ln.startswith(prefix) and (sub is None or sub in re.split(r"[ |]", ln))
                for ln in lines
            ):
                missing.append(f"pivault {name} {sub or ''}".strip())
    assert missing == []
