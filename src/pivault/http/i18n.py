"""Every string of the privacy center, in zh-CN (the default) and en.

Labels of categories, purposes and features come from the policy file; the
strings here are the pages' own words. ``{name}`` fields are filled by ``tr``.
"""

from __future__ import annotations

from pivault.core.model import Text

S: dict[str, Text] = {
    "app": Text("隐私中心", "Privacy center"),
    "skip": Text("跳到主要内容", "Skip to main content"),
    "nav.main": Text("隐私中心导航", "Privacy center"),
    "nav.lang": Text("语言", "Language"),
    "nav.data": Text("我的信息", "My data"),
    "nav.permissions": Text("授权管理", "Permissions"),
    "nav.streams": Text("使用记录", "Activity records"),
    "nav.history": Text("访问记录", "Access history"),
    "nav.download": Text("下载我的信息", "Download my data"),
    "nav.policy": Text("隐私政策", "Privacy policy"),
    "nav.cancel": Text("注销账号", "Cancel account"),
    "signout": Text("退出", "Sign out"),
    "policy_version": Text("隐私政策版本 {version}", "Privacy policy version {version}"),
    # ---- my data -----------------------------------------------------------
    "data.intro": Text(
        "这里列出我们保存的关于您的全部信息、保存的原因和期限。为保护您的隐私，内容默认部分隐藏。",
        "Everything we hold about you, why we hold it and for how long. Values are partly "
        "hidden to protect your privacy.",
    ),
    "data.empty": Text("我们没有保存您的任何信息。", "We hold no information about you."),
    "source.provided": Text("1.1 您主动提供的信息", "1.1 Information you provided"),
    "source.observed": Text(
        "1.2 我们在您使用服务时获取的信息",
        "1.2 Information we obtained while you used our services",
    ),
    "source.from_others": Text(
        "1.3 其他用户分享的信息中含有您的信息", "1.3 Your information in what others share"
    ),
    "col.info": Text("信息", "Information"),
    "col.value": Text("内容", "Value"),
    "col.why": Text("用途", "Why we hold it"),
    "col.when": Text("收集时间", "Collected"),
    "col.kept": Text("保存期限", "Kept for"),
    "col.actions": Text("操作", "Actions"),
    "sensitive": Text("敏感", "Sensitive"),
    "show": Text("显示", "Show"),
    "show_label": Text("显示{label}", "Show {label}"),
    "hide": Text("隐藏", "Hide"),
    "correct": Text("更正", "Correct"),
    "correct_label": Text("{label}的新内容", "New value for {label}"),
    "save_correction": Text("保存更正", "Save correction"),
    "delete": Text("删除", "Delete"),
    "delete_label": Text("删除{label}", "Delete {label}"),
    "bytes_image": Text("图片，{kb} KB", "image, {kb} KB"),
    "bytes_template": Text("特征值，{n} 字节", "template, {n} bytes"),
    "json_items": Text("{n} 项", "{n} items"),
    "tokens": Text("{n} 个加密后的联系人", "{n} encrypted contacts"),
    "correct.invalid": Text(
        "未保存：{label}的内容格式不正确，请检查后重试。",
        "Not saved: that is not a valid value for {label}. Please check it and try again.",
    ),
    "done.corrected": Text("已更正：{label}", "Corrected: {label}"),
    "done.deleted": Text("已删除：{label}", "Deleted: {label}"),
    "session": Text("{counterpart} · 时长 {duration}", "{counterpart} · {duration}"),
    "duration.h": Text("{h} 小时 {m} 分 {s} 秒", "{h} h {m} min {s} s"),
    "duration.m": Text("{m} 分 {s} 秒", "{m} min {s} s"),
    "duration.s": Text("{s} 秒", "{s} s"),
    # ---- records over time (streams) ---------------------------------------
    "streams.section": Text("按时间记录的信息", "Records over time"),
    "streams.intro": Text(
        "您使用服务时我们按时间记录的信息，例如搜索记录、网络信息和通讯日志。"
        "您可以查看每一条记录，删除其中一条，或清除一段时间或全部的记录。",
        "What we record over time while you use our services, such as your search history, "
        "network information and communication log. You can see every record, delete one, or "
        "clear a period or all of it.",
    ),
    "streams.empty": Text("我们没有按时间记录您的任何信息。", "We hold no records over time."),
    "streams.count": Text("{n} 条记录", "{n} records"),
    "streams.latest": Text("最近一条：{at}", "latest: {at}"),
    "streams.all": Text("查看全部使用记录", "See all activity records"),
    "stream.back": Text("返回使用记录", "Back to activity records"),
    "stream.kept": Text("保存期限：{kept}", "Kept for: {kept}"),
    "stream.chart": Text("过去 30 天的记录数", "Records in the last 30 days"),
    "stream.chart_summary": Text(
        "{first} 至 {last} 每天的记录数：共 {n} 条，最多的一天 {max} 条。",
        "Records per day from {first} to {last}: {n} in all, at most {max} in a day.",
    ),
    "stream.day": Text("{day}：{n} 条", "{day}: {n}"),
    "stream.records": Text("记录（最新的在前）", "Records (newest first)"),
    "stream.tz": Text("时间按 {tz} 显示", "Times are shown in {tz}"),
    "stream.tz_apply": Text("更改时区", "Change time zone"),
    "stream.show_all": Text("显示完整内容", "Show the values"),
    "stream.page": Text("第 {page} 页，共 {pages} 页", "Page {page} of {pages}"),
    "stream.pages": Text("翻页", "Pages"),
    "stream.newer": Text("较新的记录", "Newer"),
    "stream.older": Text("较早的记录", "Older"),
    "stream.empty": Text("没有记录。", "No records."),
    "stream.delete_one": Text("删除 {at} 的记录", "Delete the record of {at}"),
    "stream.clear": Text("清除记录", "Clear this history"),
    "stream.clear_intro": Text(
        "清除后记录会被永久删除，无法恢复。日期按上面的时区计算，包含起止两天。",
        "Cleared records are deleted for good. Dates are days in the time zone above, both "
        "included.",
    ),
    "stream.clear_all": Text("清除全部{label}", "Clear all of {label}"),
    "stream.clear_range": Text("清除这段时间的记录", "Clear this period"),
    "stream.from": Text("开始日期", "From"),
    "stream.to": Text("结束日期", "To"),
    "stream.deleted": Text("已删除 {n} 条记录。", "Deleted {n} records."),
    "stream.range_invalid": Text(
        "未删除：请选择正确的日期范围（开始日期不晚于结束日期）。",
        "Nothing deleted: please choose a valid range (the start no later than the end).",
    ),
    # ---- permissions -------------------------------------------------------
    "perm.intro": Text(
        "您可以随时开启或关闭以下授权。关闭只影响依赖该授权的功能，其他功能照常使用。",
        "You can turn these permissions on or off at any time. Turning one off affects only "
        "the features that need it; everything else keeps working.",
    ),
    "perm.sensitive": Text(
        "敏感个人信息（需要您单独同意）", "Sensitive personal information (separate consent)"
    ),
    "perm.other": Text("其他授权", "Other permissions"),
    "perm.on": Text("已开启", "On"),
    "perm.off": Text("已关闭", "Off"),
    "perm.turn_on": Text("开启", "Turn on"),
    "perm.turn_off": Text("关闭", "Turn off"),
    "perm.switch_label": Text("{label}：{state}", "{label}: {state}"),
    "perm.default_on": Text(
        "默认开启，您可以随时关闭。", "On by default; you can turn it off at any time."
    ),
    "perm.enables": Text("开启后可用的功能：{features}", "Features it enables: {features}"),
    "perm.enables_none": Text("不影响任何功能的可用性。", "No feature depends on it."),
    "perm.effect_off": Text(
        "关闭后：{features}将不可用，其他功能不受影响。",
        "If you turn it off: {features} becomes unavailable; everything else keeps working.",
    ),
    "perm.effect_none": Text(
        "关闭后：所有功能照常可用。", "If you turn it off: every feature keeps working."
    ),
    "done.withdrawn": Text(
        "已关闭“{label}”。{features}将不可用，其他功能不受影响。",
        "Turned off “{label}”. {features} becomes unavailable; everything else keeps working.",
    ),
    "done.withdrawn_none": Text(
        "已关闭“{label}”。所有功能照常可用。", "Turned off “{label}”. Every feature keeps working."
    ),
    "done.granted": Text("已开启“{label}”。", "Turned on “{label}”."),
    "features": Text("功能", "Features"),
    "feature.available": Text("可用", "Available"),
    "feature.unavailable": Text("不可用", "Unavailable"),
    "feature.needs": Text("需要开启：{items}", "Needs: {items}"),
    # ---- access history ----------------------------------------------------
    "history.intro": Text(
        "每一次对您信息的收集、使用和授权变更都会被记录，记录不包含信息内容本身。",
        "Every collection and use of your information and every change of permission is "
        "recorded here; the records never contain the information itself.",
    ),
    "history.empty": Text("暂无记录。", "No records yet."),
    "col.proof": Text("签名日志", "Signed log"),
    "proof.included": Text("已收录（查看证明）", "Included (see the proof)"),
    "proof.pending": Text("正在收录", "Being added"),
    "proof.intro": Text(
        "每条记录都收录在一份经过签名、任何人都可以核验的日志中（RFC 6962 默克尔树），"
        "我们无法在事后悄悄删改。",
        "Every record is included in a signed log that anyone can verify (an RFC 6962 Merkle "
        "tree): we cannot quietly remove or change it afterwards.",
    ),
    "proof.checkpoint": Text("当前签名检查点", "The current signed checkpoint"),
    "col.at": Text("时间", "When"),
    "col.service": Text("服务", "Service"),
    "col.action": Text("操作", "What"),
    "col.purpose": Text("用途", "Purpose"),
    "col.categories": Text("涉及的信息", "Information"),
    "col.outcome": Text("结果", "Outcome"),
    "outcome.allowed": Text("允许", "Allowed"),
    "outcome.denied": Text("拒绝", "Denied"),
    "actor.data-subject": Text("您本人", "You"),
    "actor.privacy-center": Text("隐私中心", "Privacy center"),
    "actor.retention": Text("到期自动删除", "Retention"),
    "action.collect": Text("收集", "Collected"),
    "action.record": Text("记录", "Recorded"),
    "action.read": Text("使用", "Used"),
    "action.export": Text("查看或导出", "Viewed or exported"),
    "action.correct": Text("更正", "Corrected"),
    "action.delete": Text("删除", "Deleted"),
    "action.erase": Text("注销账号", "Account cancelled"),
    "action.consent.grant": Text("开启授权", "Permission turned on"),
    "action.consent.withdraw": Text("关闭授权", "Permission turned off"),
    "action.center.link": Text("生成隐私中心链接", "Privacy center link created"),
    "action.center.open": Text("打开隐私中心", "Privacy center opened"),
    "action.client.register": Text("登记接口客户端", "API client registered"),
    "action.audit.legacy_import": Text("导入旧日志", "Earlier log imported"),
    "action.keys.rotate": Text("更换密钥", "Keys rotated"),
    "action.retention.purge": Text("到期删除", "Deleted at end of retention"),
    "action.consent.refused": Text("授权被拒", "Permission refused"),
    "action.actor.register": Text("登记服务", "Service registered"),
    "action.find": Text("查找", "Looked up"),
    "action.decide": Text("访问判定", "Access decided"),
    "reason.not_permitted_by_policy": Text("隐私政策不允许", "not allowed by the policy"),
    "reason.actor_not_authorized": Text("该服务无权用于此用途", "service not registered"),
    "reason.consent_missing": Text("您未同意", "no consent"),
    "reason.sensitive_consent_missing": Text("您未单独同意", "no separate consent"),
    # ---- download ----------------------------------------------------------
    "download.intro": Text(
        "下载一个 ZIP 文件，其中以 JSON 和 CSV 两种格式包含我们保存的全部信息、"
        "您的授权和访问记录。",
        "Download a ZIP file with everything we hold about you, your permissions and the access "
        "history, as JSON and as CSV.",
    ),
    "download.button": Text("下载 ZIP 文件", "Download the ZIP file"),
    # ---- policy ------------------------------------------------------------
    "policy.renew": Text(
        "隐私政策已更新，以下授权涉及的内容有变化，需要您重新确认：",
        "Our privacy policy changed in ways that affect these permissions; please confirm them "
        "again:",
    ),
    "policy.agree": Text("同意", "Agree"),
    "policy.decline": Text("不同意（关闭）", "Decline (turn off)"),
    "policy.full": Text("在新页面中阅读完整政策", "Read the full policy on its own page"),
    # ---- cancel account ----------------------------------------------------
    "cancel.intro": Text(
        "注销后，我们会销毁用于加密您信息的密钥并删除您的全部信息，无法恢复。"
        "建议您先下载您的信息。",
        "When you cancel your account we destroy the key that encrypts your information and "
        "delete all of it. This cannot be undone. You may want to download your data first.",
    ),
    "cancel.confirm": Text(
        "我了解注销后信息无法恢复，确认注销账号",
        "I understand this cannot be undone; cancel my account",
    ),
    "cancel.button": Text("注销账号", "Cancel my account"),
    "cancel.unchecked": Text("请先勾选确认框。", "Please tick the confirmation box first."),
    "cancelled.title": Text("您的账号已注销", "Your account has been cancelled"),
    "cancelled.body": Text(
        "我们已销毁您的加密密钥，并删除了 {n} 项信息。",
        "We destroyed your encryption key and deleted {n} values.",
    ),
    # ---- links, sessions, errors -------------------------------------------
    "opening": Text("正在打开隐私中心…", "Opening the privacy center…"),
    "continue": Text("继续", "Continue"),
    "link_invalid": Text("此链接无效", "This link is not valid"),
    "link_expired": Text("此链接已过期", "This link has expired"),
    "link_used": Text("此链接已被使用", "This link has already been used"),
    "link.help": Text(
        "为保护您的信息，隐私中心链接只能使用一次，且在 15 分钟后失效。"
        "请回到应用中重新打开隐私中心。",
        "To protect your information, a privacy center link works once and expires after 15 "
        "minutes. Please open the privacy center again from the app.",
    ),
    "session_ended": Text("您的会话已结束", "Your session has ended"),
    "csrf_invalid": Text(
        "表单已过期，请返回重试。", "The form expired; please go back and try again."
    ),
    "signed_out": Text("您已退出隐私中心。", "You have signed out of the privacy center."),
    "error": Text("出错了", "Something went wrong"),
}


def tr(lang: str, key: str, **fields: object) -> str:
    """The string ``key`` in ``lang``, with ``{fields}`` filled in."""
    text = S[key].get(lang)
    return text.format(**fields) if fields else text


def list_sep(lang: str) -> str:
    return "、" if lang == "zh-CN" else ", "
