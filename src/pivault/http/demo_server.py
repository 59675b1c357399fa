"""A demo of pivault as a service: a fresh vault, one demo person, two API keys, a live server.

``python -m pivault.http.demo_server [--port 8000]`` creates a vault and a master
key in a temporary folder (deleted on exit), seeds a person, prints a privacy-center
link, the API keys and example ``curl`` calls, and serves until Ctrl-C.
"""

from __future__ import annotations

import argparse
import io
import shlex
import tempfile
from pathlib import Path

import uvicorn

from pivault.crypto.master_key import MasterKey
from pivault.http.app import create_app
from pivault.http.settings import HttpSettings
from pivault.service.clients import ApiClients
from pivault.service.policy_files import default_policy_text
from pivault.service.privacy_links import PrivacyLinks
from pivault.service.vault import Vault

SUBJECT = "demo-user-1001"


def _avatar() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (64, 64), (52, 120, 246)).save(buf, format="PNG")
    return buf.getvalue()


def seed(vault: Vault) -> None:
    """A person who registered, filled a profile, uses location, voiceprint sign-in and ads."""
    vault.collect(
        SUBJECT,
        "registration",
        {"account.nickname": "李雨桐", "account.phone": "13812345678"},
        actor="app",
    )
    vault.collect(
        SUBJECT,
        "profile",
        {
            "profile.avatar": _avatar(),
            "preferences.language": "zh-CN",
            "location.region": "上海市浦东新区",
        },
        actor="app",
    )
    vault.collect(
        SUBJECT,
        "service_logging",
        {
            "device.model": "HUAWEI Mate 60 Pro",
            "device.os_version": "HarmonyOS 4.2",
            "software.app_version": "8.9.1",
            "network.ip": "101.88.23.147",
        },
        actor="app",
    )
    vault.collect(SUBJECT, "location_services", {"location.city": "31.2304,121.4737"}, actor="app")
    vault.grant(SUBJECT, "biometric.voiceprint", channel="app", evidence={"screen": "voice-setup"})
    vault.collect(
        SUBJECT, "voiceprint_login", {"biometric.voiceprint": bytes(range(256)) * 2}, actor="app"
    )
    vault.collect(
        SUBJECT,
        "messaging",
        {"social.friend_list": ["demo-user-2044", "demo-user-3190", "demo-user-5127"]},
        actor="app",
    )
    vault.collect(
        SUBJECT,
        "personalised_ads_and_news",
        {
            "service_log.search_history": "跑步鞋 减震",
            "service_log.viewed_content": "上海马拉松报名",
        },
        actor="ads",
    )
    vault.read(SUBJECT, ["service_log"], purpose="ads_recommendation", actor="ads")
    vault.read(SUBJECT, ["account.phone"], purpose="ads_recommendation", actor="ads")  # denied


def _curl(key: str, method: str, path: str, body: str | None, base: str) -> str:
    parts = ["curl", "-s", "-X", method, "-H", f"Authorization: Bearer {key}"]
    if body is not None:
        parts += ["-H", "Content-Type: application/json", "-d", body]
    return " ".join(shlex.quote(p) for p in [*parts, base + path])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    base = f"http://{args.host}:{args.port}"
    with tempfile.TemporaryDirectory(prefix="pivault-demo-") as tmp:
        folder = Path(tmp)
        key = MasterKey.generate()
        key.write(folder / "keys" / "master.key")  # apart from the data folder
        (folder / "data").mkdir()
        url = f"sqlite:///{folder / 'data' / 'vault.db'}"
        with Vault(url, master_key=key) as vault:
            clients = ApiClients(vault.context)
            app_key = clients.add(
                "app", ["service", "security", "personalisation", "product_improvement"]
            ).key
            ads_key = clients.add("ads", ["ads_recommendation", "ads_measurement"]).key
            seed(vault)
            link = PrivacyLinks(vault.context).issue(SUBJECT, created_by="app")
            settings = HttpSettings(vault_url=url, public_url=base)
            app = create_app(settings, vault=vault, policy_source=default_policy_text())
            read = '{"categories": ["account"], "purpose": "service"}'
            lines = [
                "",
                f"pivault demo: a vault in {folder} (deleted when you stop the demo)",
                "",
                f"Privacy center for {SUBJECT} (single use, valid 15 minutes):",
                f"  {base}/center/open?t={link.token}",
                "",
                "API keys (shown once):",
                f"  app (service, security, personalisation, product_improvement): {app_key}",
                f"  ads (ads_recommendation, ads_measurement): {ads_key}",
                "",
                "Try:",
                "  " + _curl(app_key, "POST", f"/v1/subjects/{SUBJECT}/read", read, base),
                "  "
                + _curl(ads_key, "POST", f"/v1/subjects/{SUBJECT}/read", read, base)
                + "   # 403 actor_not_authorized",
                "  "
                + _curl(app_key, "POST", f"/v1/subjects/{SUBJECT}/privacy-center-link", None, base)
                + "   # a fresh link",
                "  " + _curl(app_key, "GET", f"/v1/subjects/{SUBJECT}/features", None, base),
                f"  open {base}/docs for every endpoint; metrics at {base}/metrics",
                "",
                "Ctrl-C stops the demo.",
            ]
            print("\n".join(lines), flush=True)
            uvicorn.run(app, host=args.host, port=args.port, access_log=False, log_level="warning")


if __name__ == "__main__":
    main()
