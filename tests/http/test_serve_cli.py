"""``pivault clients`` and ``pivault serve`` as real processes; links are single-use across
several uvicorn workers because their state is in the store."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.http.conftest import free_port

PIVAULT = [sys.executable, "-m", "pivault.cli.main"]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "data").mkdir()
    return {
        **os.environ,
        "PIVAULT_MASTER_KEY_FILE": str(tmp_path / "keys" / "master.key"),
        "PIVAULT_VAULT_URL": f"sqlite:///{tmp_path / 'data' / 'vault.db'}",
        "COLUMNS": "200",
    }


def run(env: dict[str, str], *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [*PIVAULT, *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert (proc.returncode == 0) is ok, proc.stderr
    assert "Traceback" not in proc.stderr
    return proc


def test_clients_add_shows_the_key_once_and_list_never(env: dict[str, str]) -> None:
    run(env, "init")
    added = run(env, "clients", "add", "ads", "--purposes", "ads_recommendation,ads_measurement")
    key = re.search(r"pvk_[A-Za-z0-9_\-]{43}", added.stdout)
    assert key is not None
    listed = run(env, "clients", "list").stdout
    assert "ads" in listed and "ads_measurement, ads_recommendation" in listed
    assert key.group(0) not in listed and key.group(0)[:8] in listed
    again = run(env, "clients", "add", "ads", "--purposes", "ads_recommendation", ok=False)
    assert "--replace" in again.stderr
    bad = run(env, "clients", "add", "x", "--purposes", "advertising", ok=False)
    assert "unknown purpose 'advertising'" in bad.stderr
    actors = run(env, "actors", "list").stdout  # the client is a vault actor too
    assert "ads: ads_measurement, ads_recommendation" in actors


@pytest.fixture
def served(env: dict[str, str]) -> Iterator[tuple[str, str]]:
    run(env, "init")
    added = run(env, "clients", "add", "app", "--purposes", "service,security")
    key = re.search(r"pvk_\S+", added.stdout)
    assert key is not None
    run(env, "collect", "u1", "registration", "account.nickname=小明", "--actor", "app")
    port = free_port()
    proc = subprocess.Popen(
        [*PIVAULT, "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        assert time.monotonic() < deadline, "pivault serve did not start"
        time.sleep(0.2)
    try:
        yield url, key.group(0)
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=20)
        assert "Traceback" not in err and "小明" not in err and "u1" not in err
        assert "POST /v1/subjects/{subject}/read 200" in err  # the access line, by template


def test_a_link_opens_once_across_two_workers(served: tuple[str, str]) -> None:
    url, key = served
    auth = {"Authorization": f"Bearer {key}"}
    link = httpx.post(f"{url}/v1/subjects/u1/privacy-center-link", headers=auth).json()["url"]

    def use(_: int) -> int:
        return httpx.get(link, timeout=10).status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = sorted(pool.map(use, range(16)))
    assert statuses == [200] + [410] * 15
    r = httpx.post(
        f"{url}/v1/subjects/u1/read",
        json={"categories": ["account"], "purpose": "service"},
        headers=auth,
    )
    assert r.json()["values"] == {"account.nickname": "小明"}


def test_multi_worker_listener_lets_asyncio_turn_off_nagle() -> None:
    # Without TCP_NODELAY every keep-alive request after a connection's first waited ~40 ms
    # for the client's delayed ACK; `pivault serve --workers N` binds its listener this way.
    import asyncio
    import socket

    from pivault.cli.uvicorn_config import TcpConfig

    listener = TcpConfig("pivault.http.app:create_app_from_env", port=free_port()).bind_socket()
    nodelay: list[int] = []

    async def main() -> None:
        def accepted(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            sock = writer.get_extra_info("socket")
            nodelay.append(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        server = await asyncio.start_server(accepted, sock=listener)
        async with server:
            _, writer = await asyncio.open_connection(*listener.getsockname())
            while not nodelay:
                await asyncio.sleep(0.01)
            writer.close()

    asyncio.run(asyncio.wait_for(main(), 20))
    assert listener.proto == socket.IPPROTO_TCP
    assert nodelay == [1]
