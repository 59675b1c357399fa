"""``make demo``: the seed policy, enforced, on a fresh SQLite vault in a temporary folder.

Each step prints what happens in Chinese and English. The master key lives in a
folder of its own, apart from the data.
"""

from __future__ import annotations

import io
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path

from PIL import Image
from rich.console import Console
from rich.panel import Panel

from pivault.core.errors import PivaultError
from pivault.crypto.master_key import MasterKey
from pivault.service.vault import Vault

console = Console(highlight=False)


def step(n: int, zh: str, en: str) -> None:
    console.print()
    console.print(Panel(f"[bold]{zh}[/]\n{en}", title=f"步骤 {n} / Step {n}", title_align="left"))


def ok(zh: str, en: str) -> None:
    console.print(f"  [green]✔[/] {zh} / {en}")


def refused(zh: str, en: str, exc: PivaultError) -> None:
    console.print(f"  [red]✘[/] {zh} / {en}")
    console.print(f"    [dim]{type(exc).__name__} ({exc.code}): {exc}[/]", markup=True)


def expect_refusal(action: Callable[[], object], zh: str, en: str) -> None:
    try:
        action()
    except PivaultError as exc:
        refused(zh, en, exc)
    else:
        raise SystemExit("demo: expected a refusal, but the vault accepted")


def geotagged_jpeg() -> bytes:
    """A small photo carrying a GPS geotag, as phones write them."""
    image = Image.new("RGB", (64, 48), (200, 120, 60))
    exif = Image.Exif()
    exif[0x0112] = 1  # orientation
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 27.0), 3: "E", 4: (116.0, 23.0, 50.0)}
    buf = io.BytesIO()
    image.save(buf, "JPEG", exif=exif.tobytes(), quality=90)
    return buf.getvalue()


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="pivault-demo-"))
    keydir = Path(tempfile.mkdtemp(prefix="pivault-demo-key-"))
    try:
        run(workdir, keydir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        shutil.rmtree(keydir, ignore_errors=True)


def run(workdir: Path, keydir: Path) -> None:
    console.rule("[bold]pivault 演示 / demo — 隐私政策，切实执行 / your privacy policy, enforced")
    key_path = keydir / "master.key"
    master = MasterKey.generate()
    master.write(key_path)
    url = f"sqlite:///{workdir / 'vault.db'}"
    vault = Vault(url, master_key=master)
    console.print(f"  vault: {url}\n  master key: {key_path} (mode 0600, apart from the data)")
    console.print(
        f"  policy: {vault.policy.name.zh} / {vault.policy.name.en}, version {vault.policy.version}"
    )
    vault.add_actor("app", ["service", "security", "software_management", "product_improvement"])
    vault.add_actor("personalisation", ["personalisation"])
    vault.add_actor("ads", ["ads_recommendation", "ads_measurement"])
    vault.add_actor("campaigns", ["surveys"])
    person = "user-1001"

    step(
        1,
        "注册帐户：昵称、手机号码（1.1.1）",
        "Register an account: nickname and phone number (1.1.1)",
    )
    r = vault.collect(
        person,
        "registration",
        {"account.nickname": "小明", "account.phone": "138 1234 5678"},
        actor="app",
    )
    ok(f"已保存 {', '.join(r.stored)}（逐人加密）", "stored, encrypted with the person's own key")
    expect_refusal(
        lambda: vault.collect(
            person,
            "registration",
            {"account.nickname": "小明", "survey.home_address": "x"},
            actor="app",
        ),
        "注册功能不收集家庭地址：整次调用被拒绝，什么都没有保存",
        "registration does not collect a home address: the whole call is refused, nothing stored",
    )

    step(
        2,
        "上传头像（1.1.2），去除地理标记",
        "Upload a profile picture (1.1.2); its geotag is stripped",
    )
    r = vault.collect(
        person,
        "profile",
        {"profile.avatar": geotagged_jpeg(), "preferences.language": "zh-CN"},
        actor="app",
    )
    ok(f"已保存 {', '.join(r.stored)}；处理：{dict(r.transforms)}", "stored; minimised as shown")

    step(
        3,
        "参加调查问卷（1.1.3，用途 2.8 需单独同意）",
        "Answer a survey (1.1.3; purpose 2.8 needs opt-in)",
    )
    expect_refusal(
        lambda: vault.collect(person, "survey", {"survey.name": "王小明"}, actor="campaigns"),
        "尚未同意参与调查：拒绝收集",
        "no consent to surveys yet: collection refused",
    )
    vault.grant(person, "surveys", channel="demo")
    r = vault.collect(
        person,
        "survey",
        {
            "survey.name": "王小明",
            "survey.phone": "+86 139-0000-1111",
            "survey.home_address": "北京市朝阳区建国路88号3号楼2单元501室",
        },
        actor="campaigns",
    )
    ok(f"同意后已保存 {', '.join(r.stored)}", "stored after consent")

    step(
        4,
        "广告服务读取手机号码（用途 2.5）",
        "The ads service reads the phone number (purpose 2.5)",
    )
    result = vault.read(person, ["account.phone"], purpose="ads_recommendation", actor="ads")
    for cat, decision in result.denied.items():
        console.print(
            f"  [red]✘ 拒绝 / denied[/] {cat}: [bold]{decision.reason.value}[/]"
            f" — {decision.message}"
        )

    step(
        5,
        "个性化服务读取语言设定（用途 2.2）",
        "Personalisation reads the language setting (purpose 2.2)",
    )
    result = vault.read(
        person, ["preferences.language"], purpose="personalisation", actor="personalisation"
    )
    ok(f"允许：{result.values}", "allowed")

    step(
        6,
        "未经单独同意收集声纹（1.2.3，敏感信息）",
        "Collect a voiceprint without separate consent (sensitive)",
    )
    template = bytes(range(64))
    expect_refusal(
        lambda: vault.collect(
            person, "voiceprint_login", {"biometric.voiceprint": template}, actor="app"
        ),
        "声纹属于敏感个人信息，需要单独同意",
        "a voiceprint is sensitive personal information and needs separate consent",
    )
    show_features(vault, person)

    step(7, "同意声纹，再撤回", "Grant voiceprint consent, then withdraw it")
    vault.grant(person, "biometric.voiceprint", channel="demo")
    vault.collect(person, "voiceprint_login", {"biometric.voiceprint": template}, actor="app")
    ok("同意后声纹被接受；声纹登录可用", "accepted after consent; voiceprint sign-in available")
    vault.withdraw(person, "biometric.voiceprint", channel="demo")
    expect_refusal(
        lambda: vault.collect(
            person, "voiceprint_login", {"biometric.voiceprint": template}, actor="app"
        ),
        "撤回后立即再次拒绝",
        "refused again right after withdrawal",
    )
    denied = vault.read(person, ["biometric.voiceprint"], purpose="security", actor="app").denied
    for cat, decision in denied.items():
        console.print(f"  [red]✘ 读取也被拒绝 / read denied too[/] {cat}: {decision.reason.value}")

    step(8, "导出我的信息（PIPL 第45条）", "Export my data (PIPL Art. 45)")
    doc = vault.export(person)
    ok(
        f"导出 {len(doc['data'])} 项信息、{len(doc['access_history'])} 条访问记录",
        "values with labels and purposes, plus the access history",
    )
    for item in doc["data"]:
        console.print(
            f"    · {item['label']['zh-CN']} / {item['label']['en']} ({item['category']})"
        )

    step(
        9,
        "注销帐户：销毁此人的密钥",
        "Cancel the account: destroy the person's key (crypto-shredding)",
    )
    backup = workdir / "backup-before-erase.db"
    # A consistent copy, as an operator's backup would be (WAL contents included).
    with sqlite3.connect(workdir / "vault.db") as live, sqlite3.connect(backup) as copy:
        live.backup(copy)
    count = vault.erase(person)
    ok(f"已销毁密钥并删除 {count} 项信息", "data key destroyed, values deleted, tombstone kept")
    expect_refusal(
        lambda: vault.read(person, ["account.phone"], purpose="service", actor="app"),
        "此人的信息已无法读取",
        "nothing of this person can be read any more",
    )
    new_master = MasterKey.generate()
    vault.rotate_master_key(new_master)
    expect_refusal(
        lambda: Vault(f"sqlite:///{backup}", master_key=new_master).close(),
        "轮换主密钥后，注销前的备份也无法解密",
        "after the master key rotation, the backup taken before erasure cannot be decrypted",
    )

    step(10, "校验审计日志", "Verify the audit log")
    report = vault.verify_audit()
    if not report.ok:
        raise SystemExit(f"demo: audit chain broken: {report.problems}")
    ok(
        f"审计日志完整：{report.entries} 条记录，哈希链无断裂",
        f"audit log OK: {report.entries} entries",
    )
    vault.close()
    console.rule("[bold green]完成 / done")


def show_features(vault: Vault, person: str) -> None:
    for status in vault.features(person):
        label = vault.policy.features[status.feature].label
        mark = "[green]可用 available[/]" if status.available else "[red]不可用 unavailable[/]"
        lacking = (
            f" — 需要同意 / needs consent: {', '.join(status.missing_consents)}"
            if not status.available
            else ""
        )
        console.print(f"    {mark}  {label.zh} / {label.en}{lacking}")


if __name__ == "__main__":
    main()
