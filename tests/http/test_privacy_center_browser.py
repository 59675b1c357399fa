"""The privacy center in a real browser (Playwright driving Debian's headless Chromium).

Screenshots go to test-artifacts/ (gitignored). Chromium and a CJK font are
installed with apt-get when missing; ``playwright install`` is not used.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from pivault.core.errors import SubjectErasedError
from tests.http.conftest import Live

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}


FONT_DIR = Path("/usr/share/fonts/truetype/wqy")


def _ensure_chromium() -> None:
    """Debian's chromium, and a CJK font so Chinese does not render as empty boxes."""
    if Path(CHROMIUM).exists() and FONT_DIR.exists():
        return
    apt = shutil.which("apt-get")
    if apt is not None:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        # A new machine's package lists may be empty: update first.
        for cmd in (
            [apt, "update", "-qq"],
            [apt, "install", "-y", "--no-install-recommends", "chromium", "fonts-wqy-microhei"],
        ):
            subprocess.run(cmd, check=False, capture_output=True, timeout=900, env=env)
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing and apt-get could not install it"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    _ensure_chromium()
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: object, server: Live) -> Iterator[object]:
    context = browser.new_context(viewport=PHONE, accept_downloads=True)  # type: ignore[attr-defined]
    pg = context.new_page()
    yield pg
    context.close()


def shot(page: object, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


def test_open_a_link_and_see_masked_data(page: object, server: Live) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    page.goto(server.link())
    expect(page).to_have_url(server.url + "/center/data")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    phone = page.locator('.value[data-category="account.phone"]')
    expect(phone).to_have_text("138****5678")
    expect(page.locator('.value[data-category="account.nickname"]')).to_have_text("李**")
    expect(page.get_by_role("heading", name="1.1 您主动提供的信息")).to_be_visible()
    expect(page.get_by_role("heading", name="1.2 我们在您使用服务时获取的信息")).to_be_visible()
    assert "13812345678" not in page.content()
    shot(page, "center-my-data-masked")
    # Keyboard: the skip link is the first stop; the reveal link works from the keyboard.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="跳到主要内容")).to_be_focused()
    page.get_by_role("link", name="显示手机号码").focus()
    page.keyboard.press("Enter")
    expect(phone).to_have_text("13812345678")
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="My data")).to_be_visible()
    shot(page, "center-my-data-en")


def test_withdraw_and_regrant_a_consent(page: object, server: Live) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    page.goto(server.link())
    page.get_by_role("link", name="授权管理").click()
    switch = page.get_by_role("switch", name="声纹特征值")
    voice = page.locator('[data-feature="voiceprint_login"] .status')
    expect(switch).to_have_attribute("aria-checked", "true")
    expect(voice).to_have_text("可用")
    switch.click()  # one click to withdraw
    expect(page.get_by_role("status")).to_contain_text("声纹登录将不可用，其他功能不受影响")
    expect(page.get_by_role("switch", name="声纹特征值")).to_have_attribute("aria-checked", "false")
    expect(voice).to_have_text("不可用")
    expect(page.locator('[data-feature="registration"] .status')).to_have_text("可用")
    shot(page, "center-permissions-withdrawn")
    with server.client(server.app_key) as c:
        r = c.post(
            "/v1/subjects/u1/read",
            json={"categories": ["biometric.voiceprint"], "purpose": "security"},
        )
    assert r.json()["denied"]["biometric.voiceprint"]["reason"] == "sensitive_consent_missing"
    page.get_by_role("switch", name="声纹特征值").click()  # and one click to grant again
    expect(page.get_by_role("switch", name="声纹特征值")).to_have_attribute("aria-checked", "true")
    expect(voice).to_have_text("可用")


def test_download_the_export(page: object, server: Live) -> None:
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    page.goto(server.link())
    page.get_by_role("link", name="下载我的信息").click()
    with page.expect_download() as info:
        page.get_by_role("link", name="下载 ZIP 文件").click()
    path = info.value.path()
    with zipfile.ZipFile(path) as zf:
        assert sorted(zf.namelist()) == ["export.csv", "export.json", "streams.csv"]
        streams_csv = zf.read("streams.csv").decode("utf-8-sig")
        export = json.loads(zf.read("export.json"))
        csv_text = zf.read("export.csv").decode("utf-8-sig")
    values = {d["category"]: d["value"] for d in export["data"]}
    assert values["account.phone"] == "+8613812345678"
    assert values["account.nickname"] == "李雨桐"
    assert "biometric.voiceprint" in values
    assert "account.phone,手机号码,Mobile phone number,provided,,+8613812345678" in csv_text
    assert any(e["action"] == "collect" for e in export["access_history"])
    assert export["streams"]["network.ip"]["events"][0]["value"] == "101.88.23.0"
    rows = list(csv.reader(io.StringIO(streams_csv)))
    assert rows[0] == ["category", "label_zh", "label_en", "id", "at", "value", "retention"]
    assert any(
        r[:3] == ["network.ip", "IP地址", "IP address"] and r[5:] == ["101.88.23.0", "P6M"]
        for r in rows
    )
    assert info.value.suggested_filename == "pivault-export.zip"


def test_access_history_shows_denials(page: object, server: Live) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    with server.client(server.ads_key) as c:
        c.post(
            "/v1/subjects/u1/read",
            json={"categories": ["account.phone"], "purpose": "ads_recommendation"},
        )
    page.goto(server.link())
    page.get_by_role("link", name="访问记录").click()
    denied = page.locator("tr.denied").first
    expect(denied).to_contain_text("ads")
    expect(denied).to_contain_text("拒绝（隐私政策不允许）")
    expect(denied).to_contain_text("手机号码")
    shot(page, "center-access-history")


def test_cancel_the_account(page: object, server: Live) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    page.goto(server.link())
    page.get_by_role("link", name="注销账号").click()
    shot(page, "center-cancel-confirm")
    page.get_by_role("button", name="注销账号").click()  # unticked: the browser refuses
    expect(page).to_have_url(server.url + "/center/cancel")
    page.get_by_label("我了解注销后信息无法恢复，确认注销账号").check()
    page.get_by_role("button", name="注销账号").click()
    expect(page.get_by_role("heading", name="您的账号已注销")).to_be_visible()
    shot(page, "center-cancelled")
    with pytest.raises(SubjectErasedError):
        server.vault.export("u1")
    with pytest.raises(SubjectErasedError):
        server.vault.read("u1", ["account"], purpose="service", actor="app")
    page.goto(server.url + "/center/data")
    expect(page.get_by_role("heading", name="您的会话已结束")).to_be_visible()


def test_refused_links_say_why(page: object, server: Live) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    link = server.link()
    page.goto(link)
    # Opening a link forwards to the center's first page; let that finish, or the second
    # visit races the forwarding navigation.
    page.wait_for_url("**/center/data*")
    page.goto(link)
    expect(page.get_by_role("heading", name="此链接已被使用")).to_be_visible()
    expect(page.get_by_text("只能使用一次")).to_be_visible()
    shot(page, "center-link-used")
    page.goto(link.replace("t=v1.", "t=v1.x"))
    expect(page.get_by_role("heading", name="此链接无效")).to_be_visible()
    expired = server.link()
    server.clock.advance(minutes=16)
    page.goto(expired)
    expect(page.get_by_role("heading", name="此链接已过期")).to_be_visible()


def test_a_stream_page_with_its_chart_and_clearing_the_history(page: object, server: Live) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    now = server.clock.now
    server.vault.record(
        [
            {
                "subject": "u1",
                "category": "service_log.search_history",
                "at": (now - timedelta(hours=3 * i + 1)).isoformat(),
                "value": f"火锅 {i}",
            }
            for i in range(40)
        ],
        actor="app",
    )
    page.goto(server.link())
    page.get_by_role("link", name="使用记录").click()
    page.get_by_role("link", name="搜索记录").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.get_by_role("heading", name="搜索记录", level=1)).to_be_visible()
    chart = page.get_by_role("img", name="每天的记录数")
    expect(chart).to_be_visible()
    expect(page.locator("svg rect.bar")).to_have_count(30)
    expect(page.locator('svg rect.bar[data-day="2026-11-01"]')).to_have_attribute("data-count", "6")
    assert page.locator("svg rect.bar").last.bounding_box()["height"] > 0  # type: ignore[index]
    expect(page.get_by_text("时间按 Asia/Shanghai (UTC+08:00) 显示")).to_be_visible()
    expect(page.locator("tr[data-event]")).to_have_count(40)
    expect(page.locator("tr[data-event] td").first).to_have_text("2026-11-01 15:00:00")
    shot(page, "center-stream-search-history")
    page.get_by_role("button", name="清除全部搜索记录").click()
    expect(page.get_by_role("status")).to_have_text("已删除 40 条记录。")
    expect(page.get_by_text("没有记录。")).to_be_visible()
    result = server.vault.events("u1", "service_log.search_history", purpose="service", actor="app")
    assert result.events == []
