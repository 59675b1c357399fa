"""`make demo` runs the whole walk-through and every step shows what the issue promises."""

from __future__ import annotations

import subprocess
import sys


def test_demo_walks_through_the_seed_policy() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pivault.cli.demo"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "not_permitted_by_policy" in out  # ads service denied the phone number
    assert "允许：{'preferences.language': 'zh-CN'}" in out  # personalisation allowed
    assert "声纹登录 / Voiceprint sign-in — 需要同意 / needs consent: biometric.voiceprint" in out
    assert "注册与登录 / Registration and sign-in" in out
    assert "sensitive_consent_missing" in out  # withdrawn consent stops the next read
    assert "strip_exif_location" in out
    assert "SubjectErasedError" in out and "MasterKeyError" in out
    assert "audit log OK" in out
    assert "13812345678" not in out and "13800" not in out
