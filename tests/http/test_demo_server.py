"""The demo server (``make demo`` will run it): a link, keys and curl lines that work."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.http.conftest import free_port


def test_demo_server_prints_a_working_link_and_key() -> None:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "pivault.http.demo_server", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        lines: list[str] = []
        deadline = time.monotonic() + 60
        while not any("Ctrl-C" in ln for ln in lines):
            assert time.monotonic() < deadline and proc.poll() is None
            lines.append(proc.stdout.readline())
        text = "".join(lines)
        link = re.search(r"http://\S+/center/open\?t=\S+", text)
        key = re.search(r"app \(.*\): (pvk_\S+)", text)
        folder = re.search(r"a vault in (\S+)", text)
        assert link and key and folder
        base = f"http://127.0.0.1:{port}"
        while True:  # the server starts right after printing
            try:
                httpx.get(base + "/healthz", timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline
                time.sleep(0.1)
        with httpx.Client() as browser:
            assert browser.get(link.group(0)).status_code == 200
            page = browser.get(base + "/center/data").text
            assert "138****5678" in page and "李**" in page
        r = httpx.post(
            base + "/v1/subjects/demo-user-1001/read",
            json={"categories": ["account"], "purpose": "service"},
            headers={"Authorization": f"Bearer {key.group(1)}"},
        )
        assert r.json()["values"]["account.phone"] == "+8613812345678"
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    assert not Path(folder.group(1)).exists()  # the temporary vault is gone
