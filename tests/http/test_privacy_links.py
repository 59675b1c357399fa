"""Privacy-center links and sessions: single use, 15 minutes, signed; cookies and CSRF."""

from __future__ import annotations

import re

import httpx

from pivault.core.policy_parse import parse_policy
from pivault.service.policy_files import default_policy_text
from pivault.service.policy_versions import PolicyVersions
from pivault.service.vault import Vault
from tests.http.conftest import Live


def _browser(live: Live) -> httpx.Client:
    return httpx.Client(base_url=live.url, timeout=10)


def _csrf(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m is not None
    return m.group(1)


def test_a_link_opens_one_session_with_a_strict_http_only_cookie(server: Live) -> None:
    link = server.link()
    assert link.startswith(server.url + "/center/open?t=v1.")
    with _browser(server) as b:
        r = b.get(link)
        assert r.status_code == 200
        cookie = r.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/center" in cookie
        assert r.headers["referrer-policy"] == "same-origin"
        assert r.headers["cache-control"] == "no-store"
        page = b.get("/center/data")
        assert page.status_code == 200 and '<html lang="zh-CN">' in page.text
        assert "138****5678" in page.text and "13812345678" not in page.text
        assert "default-src 'none'" in page.headers["content-security-policy"]


def test_reused_expired_and_forged_links_are_refused_with_a_page(server: Live) -> None:
    used = server.link()
    with _browser(server) as b:
        assert b.get(used).status_code == 200
        r = b.get(used)
        assert r.status_code == 410 and "此链接已被使用" in r.text
        assert "set-cookie" not in r.headers

        expired = server.link()
        server.clock.advance(minutes=15, seconds=1)
        r = b.get(expired)
        assert r.status_code == 410 and "此链接已过期" in r.text

        fresh = server.link()
        token = fresh.split("t=", 1)[1]
        forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
        for bad in (forged, "v1.abc.def", "", "v2." + token[3:], token + "x"):
            r = b.get("/center/open", params={"t": bad})
            assert r.status_code == 400 and "此链接无效" in r.text, bad
        assert b.get(fresh).status_code == 200  # forgeries did not use up the real link


def test_links_only_for_existing_people(server: Live) -> None:
    with server.client(server.app_key) as c:
        r = c.post("/v1/subjects/nobody/privacy-center-link")
    assert r.status_code == 404 and r.json()["code"] == "unknown_subject"


def test_pages_need_a_live_session(server: Live) -> None:
    with _browser(server) as b:
        r = b.get("/center/data")
        assert r.status_code == 401 and "您的会话已结束" in r.text
        b.get(server.link())
        assert b.get("/center/permissions").status_code == 200
        server.clock.advance(minutes=31)
        assert b.get("/center/permissions").status_code == 401


def test_forms_need_the_csrf_token_and_this_origin(server: Live) -> None:
    with _browser(server) as b:
        b.get(server.link())
        csrf = _csrf(b.get("/center/permissions").text)
        form = {"item": "ads_recommendation", "action": "withdraw"}
        assert b.post("/center/consent", data=form).status_code == 422  # no token at all
        r = b.post("/center/consent", data={**form, "csrf": csrf[:-2] + "xx"})
        assert r.status_code == 403 and "表单已过期" in r.text
        r = b.post(
            "/center/consent", data={**form, "csrf": csrf}, headers={"origin": "https://evil"}
        )
        assert r.status_code == 403
        r = b.post("/center/consent", data={**form, "csrf": csrf})
        assert r.status_code == 303
        assert r.headers["location"] == "/center/permissions?done=withdrawn&item=ads_recommendation"
        page = b.get(r.headers["location"]).text
        assert "个性化广告与资讯推荐将不可用，其他功能不受影响" in page


def test_english_pages_and_the_language_switch(server: Live) -> None:
    with _browser(server) as b:
        b.get(server.link())
        r = b.get("/center/lang", params={"to": "en", "next": "/center/history"})
        assert r.status_code == 303 and r.headers["location"] == "/center/history"
        page = b.get("/center/history").text
        assert '<html lang="en">' in page and "Access history" in page and "中文" in page
        r = b.get("/center/lang", params={"to": "en", "next": "https://evil.example/"})
        assert r.headers["location"] == "/center/data"


def test_sign_out_ends_the_session(server: Live) -> None:
    with _browser(server) as b:
        b.get(server.link())
        csrf = _csrf(b.get("/center/data").text)
        assert b.post("/center/signout", data={"csrf": csrf}).status_code == 200
        assert b.get("/center/data").status_code == 401


def test_a_newer_policy_asks_for_fresh_consent(server: Live) -> None:
    """Consent given under an older recorded version whose terms changed: a banner."""
    old_text = default_policy_text().replace('version: "2026.1"', 'version: "2025.2"')
    ads_rule = "categories: [service_log.search_history, service_log.viewed_content, "
    old_text = old_text.replace(
        ads_rule + "preferences.language,\n                 location.city]",
        ads_rule + "preferences.language]",
    )
    assert old_text.count("2025.2") == 1 and "preferences.language]" in old_text
    # The person agreed to ads_recommendation while version 2025.2 was in force.
    old_policy = parse_policy(old_text)
    with Vault(server.vault.url, master_key=server.master_key, policy=old_policy) as old:
        PolicyVersions(old.context).record(old_text)
        old.grant("u1", "ads_recommendation")
    renewals = PolicyVersions(server.vault.context).renewals("u1")
    assert [r.item for r in renewals] == ["ads_recommendation"]
    assert renewals[0].changes[0].code == "new_purpose_for_existing_data"
    with _browser(server) as b:
        b.get(server.link())
        page = b.get("/center/policy").text
        assert "隐私政策已更新" in page and "location.city" in page
        r = b.post(
            "/center/consent",
            data={
                "csrf": _csrf(page),
                "item": "ads_recommendation",
                "action": "grant",
                "back": "policy",
            },
        )
        assert r.status_code == 303
        assert "隐私政策已更新" not in b.get("/center/policy").text
