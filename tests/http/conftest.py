"""A real uvicorn server on loopback, in a thread, serving a vault the test can also open.

``server`` runs on SQLite; ``any_server`` on SQLite and on PostgreSQL (which must be
reachable when CI=true). Each gives the base URL, the vault (with the test's clock),
API keys for an ``app`` client (service, security, …), an ``ads`` client
(ads_recommendation, ads_measurement) and a demo person ``u1``.
"""

from __future__ import annotations

import io
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn

from pivault.crypto.master_key import MasterKey
from pivault.http.app import create_app
from pivault.http.settings import HttpSettings
from pivault.service.clients import ApiClients
from pivault.service.policy_files import default_policy_text
from pivault.service.vault import Vault
from tests.conftest import FakeClock

APP_PURPOSES = ["service", "security", "personalisation", "product_improvement"]
ADS_PURPOSES = ["ads_recommendation", "ads_measurement"]
#: A small voiceprint template (not audio) and a tiny PNG, as a real app would send.
TEMPLATE = bytes(range(64)) * 4


def _png() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (16, 16), (200, 120, 40)).save(buf, format="PNG")
    return buf.getvalue()


PNG = _png()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Live:
    url: str
    vault: Vault
    clock: FakeClock
    app_key: str
    ads_key: str
    settings: HttpSettings
    master_key: MasterKey

    def client(self, key: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=10)

    def link(self, subject: str = "u1") -> str:
        with self.client(self.app_key) as c:
            r = c.post(f"/v1/subjects/{subject}/privacy-center-link")
        assert r.status_code == 201, r.text
        return str(r.json()["url"])


def seed_person(vault: Vault, subject: str = "u1") -> None:
    """A person who registered, set a profile, uses location and voiceprint sign-in."""
    vault.collect(
        subject,
        "registration",
        {"account.nickname": "李雨桐", "account.phone": "13812345678"},
        actor="app",
    )
    vault.collect(
        subject,
        "profile",
        {"profile.avatar": PNG, "preferences.language": "zh-CN", "location.region": "上海市"},
        actor="app",
    )
    vault.collect(
        subject,
        "service_logging",
        {
            "device.model": "HUAWEI Mate 60",
            "device.os_version": "HarmonyOS 4.2",
            "software.app_version": "8.9.1",
            "network.ip": "101.88.23.147",
        },
        actor="app",
    )
    vault.grant(subject, "biometric.voiceprint", channel="app")
    vault.collect(subject, "voiceprint_login", {"biometric.voiceprint": TEMPLATE}, actor="app")


def serve(app: object) -> Iterator[str]:
    port = free_port()
    config = uvicorn.Config(
        app,  # type: ignore[arg-type]
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
        lifespan="on",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def _live(
    url: str,
    tmp_path: Path,
    max_body: int = 10 * 1024 * 1024,
    max_events_body: int = 32 * 1024 * 1024,
) -> Iterator[Live]:
    clock = FakeClock()
    key = MasterKey.generate()
    vault = Vault(url, master_key=key, clock=clock)
    clients = ApiClients(vault.context)
    app_key = clients.add("app", APP_PURPOSES).key
    ads_key = clients.add("ads", ADS_PURPOSES).key
    seed_person(vault)
    settings = HttpSettings(
        vault_url=url, max_body_bytes=max_body, max_events_body_bytes=max_events_body
    )
    app = create_app(settings, vault=vault, policy_source=default_policy_text())
    try:
        for base in serve(app):
            yield Live(base, vault, clock, app_key, ads_key, settings, key)
    finally:
        vault.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Live]:
    yield from _live(f"sqlite:///{tmp_path / 'vault.db'}", tmp_path)


@pytest.fixture
def any_server(store_url: str, tmp_path: Path) -> Iterator[Live]:
    yield from _live(store_url, tmp_path)
