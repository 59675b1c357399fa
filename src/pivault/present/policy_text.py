"""Fixed texts of the rendered privacy policy, in both languages.

The six principles, the clause headings and the paragraphs below are the seed
policy's own words (privacy-policy.zh-CN.txt, with its English rendering); they
are part of the product, not of a policy file. Everything a policy file can
change (categories, purposes, features, retention) is filled in by
:mod:`pivault.present.policy_render`.
"""

from __future__ import annotations

import re

from pivault.core.model import Category, Retention, Text

PRINCIPLES_LEAD = Text(
    "严格遵守法律法规，遵循以下隐私保护原则，为您提供更加安全、可靠的服务：",
    "We strictly follow laws and regulations and these privacy principles, to give you a "
    "safer and more reliable service:",
)

#: The six principles (P1–P6): name and text.
PRINCIPLES: tuple[tuple[Text, Text], ...] = (
    (
        Text("安全可靠", "Secure and reliable"),
        Text(
            "我们竭尽全力通过合理有效的信息安全技术及管理流程，防止您的信息泄露、损毁、丢失。",
            "We use reasonable, effective security technology and management processes to "
            "prevent your information from leaking, being damaged or being lost.",
        ),
    ),
    (
        Text("自主选择", "Your own choice"),
        Text(
            "我们为您提供便利的信息管理选项，以便您做出合适的选择，管理您的个人信息。",
            "We give you convenient options for managing your information, so that you can "
            "make the choices that suit you.",
        ),
    ),
    (
        Text("保护通信秘密", "Secrecy of communications"),
        Text(
            "我们严格遵照法律法规，保护您的通信秘密，为您提供安全的通信服务。",
            "We strictly follow laws and regulations to protect the secrecy of your "
            "communications and provide secure communication services.",
        ),
    ),
    (
        Text("合理必要", "Reasonable and necessary"),
        Text(
            "为了向您和其他用户提供更好的服务，我们仅收集必要的信息。",
            "To serve you and other users better, we collect only the information that is "
            "necessary.",
        ),
    ),
    (
        Text("清晰透明", "Clear and transparent"),
        Text(
            "我们努力使用简明易懂的表述，向您介绍隐私政策，以便您清晰地了解我们的信息处理方式。",
            "We explain the policy in plain, easy words so that you clearly understand how we "
            "process your information.",
        ),
    ),
    (
        Text("将隐私保护融入产品设计", "Privacy by design"),
        Text(
            "我们在产品或服务开发的各个环节，综合法律、产品、设计等多方因素，融入隐私保护的理念。",
            "Every stage of product and service development weighs legal, product and design "
            "factors and builds privacy protection in.",
        ),
    ),
)

PRINCIPLES_CLOSE = Text(
    "我们根据合法、正当、必要的原则，仅收集实现产品功能所必要的信息。",
    "Under the principles of lawfulness, legitimacy and necessity we collect only the "
    "information needed to deliver product features.",
)

#: Clause -> (heading, lead paragraph or None). Headings carry no final full stop.
CLAUSES: dict[str, tuple[Text, Text | None]] = {
    "1.1": (
        Text(
            "您在使用我们服务时主动提供的信息", "Information you provide when you use our services"
        ),
        None,
    ),
    "1.1.1": (
        Text("您在注册帐户时填写的信息", "Information you fill in when registering an account"),
        None,
    ),
    "1.1.2": (
        Text("您在使用服务时上传的信息", "Information you upload while using the services"),
        None,
    ),
    "1.1.3": (
        Text(
            "您通过我们的客服或参加我们举办的活动时所提交的信息",
            "Information you submit through our customer service or at our events",
        ),
        None,
    ),
    "1.2": (
        Text("我们在您使用服务时获取的信息", "Information we obtain while you use the services"),
        None,
    ),
    "1.2.1": (
        Text("日志信息", "Log information"),
        Text(
            "当您使用我们的服务时，我们可能会自动收集相关信息并存储为服务日志信息。",
            "When you use our services we may collect related information automatically and "
            "store it as service logs.",
        ),
    ),
    "1.2.1(1)": (Text("设备信息", "Device information"), None),
    "1.2.1(2)": (
        Text("软件信息", "Software information"),
        Text(
            "为确保操作环境的安全或提供服务所需，我们会收集有关您使用的移动应用和其他软件的信息。",
            "To keep the operating environment secure or to provide the service, we collect "
            "information about the mobile apps and other software you use.",
        ),
    ),
    "1.2.1(3)": (Text("IP地址", "IP address"), None),
    "1.2.1(4)": (Text("服务日志信息", "Service log information"), None),
    "1.2.1(5)": (Text("通讯日志信息", "Communication log information"), None),
    "1.2.2": (
        Text("位置信息", "Location information"),
        Text(
            "当您使用与位置有关的服务时，我们可能会记录您设备所在的位置信息，以便为您提供相关服务。",
            "When you use location-related services we may record where your device is, so "
            "that we can provide those services.",
        ),
    ),
    "1.2.2(1)": (
        Text(
            "在您使用服务时，我们可能会通过IP地址、GPS、WiFi或基站等途径获取您的地理位置信息",
            "While you use the services we may obtain your geographic location through the IP "
            "address, GPS, Wi-Fi or cell towers",
        ),
        None,
    ),
    "1.2.2(2)": (
        Text(
            "您或其他用户在使用服务时提供的信息中可能包含您所在地理位置信息",
            "Information that you or others provide while using the services may contain your "
            "location",
        ),
        None,
    ),
    "1.2.3": (
        Text("其他相关信息", "Other related information"),
        Text(
            "为了帮助您更好地使用我们的产品或服务，我们会收集相关信息。",
            "To help you make better use of our products and services, we collect related "
            "information.",
        ),
    ),
    "1.3": (
        Text("其他用户分享的信息中含有您的信息", "Your information in what other users share"),
        None,
    ),
}

SENSITIVE_PARAGRAPH = Text(
    "我们的部分服务可能需要您提供特定的个人敏感信息来实现特定功能。若您选择不提供该类信息，"
    "则可能无法正常使用服务中的特定功能，但不影响您使用服务中的其他功能。若您主动提供您的个人敏感"
    "信息，即表示您同意我们按本政策所述目的和方式来处理您的个人敏感信息。",
    "Some services need specific sensitive personal information for specific features. If you "
    "choose not to provide it, you may be unable to use those specific features, but your use "
    "of the other features is not affected. If you provide sensitive personal information "
    "yourself, you agree that we process it for the purposes and in the ways this policy "
    "describes.",
)
SENSITIVE_LIST = Text(
    "本政策中的敏感个人信息，每一类都仅在您单独同意后处理，您可以随时撤回同意：",
    "Each kind of sensitive personal information in this policy is processed only with your "
    "separate consent, which you can withdraw at any time:",
)

USE_INTRO = Text(
    "我们严格遵守法律法规的规定及与用户的约定，将收集的信息用于以下用途。若我们超出以下用途使用您的"
    "信息，我们将再次向您进行说明，并征得您的同意。",
    "We strictly follow the law and our agreements with users, and use the information we "
    "collect only for the purposes below. If we use your information beyond them, we will "
    "explain again and obtain your consent.",
)
CROSS_SERVICE_TITLE = Text("用于我们的其他服务", "Use in our other services")
CROSS_SERVICE_PARAGRAPH = Text(
    "为了让您有更好的体验、改善我们的服务或经您同意的其他用途，在符合相关法律法规的前提下，我们可能将"
    "通过某些服务所收集的信息用于我们的其他服务。",
    "For a better experience, to improve our services, or for other purposes you agree to, and "
    "where the law allows, information collected by one service may be used in our other "
    "services.",
)
ANALYTICS_TITLE = Text("应用程序运行情况", "How our apps run")
ANALYTICS_LEAD = Text(
    "为了确保服务的安全，帮助我们更好地了解我们应用程序的运行情况，我们可能记录相关信息，例如，",
    "To keep the services secure and understand how our applications run, we may record "
    "information such as ",
)
ANALYTICS_NEVER_COMBINED = Text(
    "我们不会将我们存储在分析软件中的信息与您在应用程序中提供的个人身份信息相结合。",
    "We do not combine the information stored in analytics software with the personally "
    "identifying information you provide in the application.",
)

SECTION_INTRO = Text("引言", "Introduction")
SECTION_PRINCIPLES = Text("隐私保护原则", "Our privacy principles")
SECTION_COLLECT = Text("一、我们如何收集信息", "1. How we collect information")
SECTION_USE = Text("二、我们如何使用收集的信息", "2. How we use the information we collect")
SECTION_LIST = Text("个人信息收集清单", "Personal information collection list")
OTHER_PURPOSES = Text("其他用途", "Other purposes")
LIST_INTRO = Text(
    "下表列出本政策允许收集的全部个人信息：收集它的功能、用于哪些用途、使用场景和保存期限。",
    "The table lists all the personal information this policy allows us to collect: the "
    "feature that collects it, what it is used for, when, and how long it is kept.",
)
LIST_HEADER = (
    Text("信息类别", "Category"),
    Text("功能", "Feature"),
    Text("用途", "Purposes"),
    Text("使用场景", "Scenario"),
    Text("保存期限", "Retention"),
)
NAV = Text("目录", "Contents")
USED_BY = Text("用于功能：", "used by ")

#: PIPL Art. 28 kinds of sensitive personal information.
SENSITIVE_KINDS: dict[str, Text] = {
    "biometrics": Text("生物识别信息", "biometrics"),
    "whereabouts": Text("行踪轨迹", "whereabouts"),
    "financial_account": Text("金融账户", "financial accounts"),
    "contacts": Text("通讯录", "contacts"),
    "communication_records": Text("通信记录", "communication records"),
    "minors": Text("不满十四周岁未成年人的个人信息", "information of children under 14"),
    "medical": Text("医疗健康信息", "medical and health information"),
    "religion": Text("宗教信仰", "religious beliefs"),
    "specific_identity": Text("特定身份", "specific identity"),
}

EXAMPLES = Text("例如，", "For example: ")
LIST_SEP = Text("、", ", ")
#: Between purpose labels, which may themselves contain 、 or commas.
PURPOSE_SEP = Text("；", "; ")
FULL_STOP = Text("。", ".")
RETENTION = Text("保存期限：", "Retention: ")
#: The sensitive mark: (open, strong words, close), so Markdown's ** sits next to letters.
SENSITIVE_MARK = (
    Text("（", " ("),
    Text("敏感个人信息", "sensitive personal information"),
    Text("）", ")"),
)
REQUIRED = Text("（必需）", " (required)")
OPTIONAL = Text("（可选）", " (optional)")
NO_FEATURE = Text("—", "—")
DESC_SEP = Text("：", ": ")
BASIS_NECESSARY = Text(
    "法律依据：为向您提供产品或服务所必需。",
    "Legal basis: necessary to provide the services to you.",
)
BASIS_CONSENT = Text("法律依据：需要您的同意。", "Legal basis: your consent.")
CONSENT_SEPARATE = Text(
    "仅在您单独同意后进行；您可以随时撤回同意，撤回不影响此前基于同意已进行的处理。",
    "This happens only after you give separate consent; you can withdraw it at any time, "
    "which does not affect processing done before.",
)
CONSENT_OPT_OUT = Text(
    "默认开启；您可以随时在隐私设置中关闭，关闭与开启一样方便，关闭后不影响您使用其他功能。",
    "This is on by default; you can turn it off at any time in your privacy settings, as "
    "easily as it was turned on, and turning it off does not affect your use of other features.",
)
USES = Text("使用的信息：", "Information used: ")
FEATURES = Text("相关功能：", "Related features: ")
NOT_JOINED = Text(
    "这些信息不会与您的个人身份信息相结合。",
    "This information is never combined with your identity.",
)
VERSION = Text("版本：", "Version ")
EFFECTIVE = Text("生效日期：", "Effective ")
META_SEP = Text(" · ", " · ")
FOOTER = Text(
    "本政策由 pivault 根据策略文件 {source}（版本 {version}）生成；"
    "文中的类别、用途和保存期限即系统实际执行的规则。",
    "Generated by pivault from the policy file {source} (version {version}); the categories, "
    "purposes and retention periods above are the rules the system enforces.",
)

_MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def date_text(iso_date: str, lang: str) -> str:
    """'2026年11月1日' / '1 November 2026' for a YYYY-MM-DD date (else the text as is)."""
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})$", iso_date)
    if not m or not 1 <= int(m[2]) <= 12:
        return iso_date
    y, mo, d = int(m[1]), int(m[2]), int(m[3])
    return f"{y}年{mo}月{d}日" if lang == "zh-CN" else f"{d} {_MONTHS_EN[mo - 1]} {y}"


_DURATION = re.compile(
    r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$"
)
_UNITS = (
    ("年", "year"),
    ("个月", "month"),
    ("周", "week"),
    ("天", "day"),
    ("小时", "hour"),
    ("分钟", "minute"),
    ("秒", "second"),
)


def retention_text(retention: Retention | None, lang: str) -> str:
    """Human text of a retention: '6个月' / '6 months', '帐户存续期间' / 'for the life of …'."""
    if retention is None:
        return "未规定" if lang == "zh-CN" else "not set"
    if retention.account_lifetime:
        return "帐户存续期间" if lang == "zh-CN" else "for the life of your account"
    m = _DURATION.match(retention.iso)
    if not m:
        return retention.iso
    parts = []
    for value, (zh, en) in zip(m.groups(), _UNITS, strict=True):
        if value is None or int(value) == 0:
            continue
        n = int(value)
        parts.append(f"{n}{zh}" if lang == "zh-CN" else f"{n} {en}{'' if n == 1 else 's'}")
    if not parts:
        return retention.iso
    return "".join(parts) if lang == "zh-CN" else " ".join(parts)


def kept_text(category: Category, lang: str) -> str:
    """How long a category is kept, saying so when it is kept as a history of records:
    '6个月（按时间记录的历史）' / '6 months (kept as a history of records)'."""
    text = retention_text(category.retention, lang)
    if not category.is_stream:
        return text
    return (
        f"{text}（按时间记录的历史）"
        if lang == "zh-CN"
        else f"{text} (kept as a history of records)"
    )
