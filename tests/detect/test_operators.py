"""mask / redact / replace / pseudonym / token, and detokenize."""

from __future__ import annotations

import os

import pytest

from pivault.core.errors import DecryptionError, DetectionError
from pivault.detect import Operator, detokenize, redact, redact_with_findings

TEXT = "姓名：张伟；身份证号：11010519491231002X；手机：138 1234 5678；邮箱zhang.wei@example.com"
KEY32 = bytes(range(32))


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("手机13812345678", "手机138****5678"),
        ("手机+86 138 1234 5678", "手机+86 138 **** 5678"),
        ("身份证11010519491231002X", "身份证110105********002X"),
        ("姓名：张伟，", "姓名：张*，"),
        ("姓名：欧阳娜娜，", "姓名：欧阳**，"),
        ("邮箱zhang.wei@example.com", "邮箱z***@example.com"),
        ("ip=192.168.10.23 ok", "ip=192.168.*.* ok"),
        ("卡号6222021234567890128", "卡号6222***********0128"),
        ("定位27.4406,104.751932", "定位27.44**,104.75****"),
        ("地址杭州市拱墅区学院大道921号", "地址杭州市拱墅区********"),
    ],
)
def test_mask_in_customary_chinese_style(text: str, masked: str) -> None:
    assert redact(text, operator="mask") == masked


def test_replace_uses_entity_tags() -> None:
    assert redact(TEXT) == "姓名：<NAME>；身份证号：<ID>；手机：<PHONE>；邮箱<EMAIL>"


def test_redact_removes_values() -> None:
    assert redact("手机13812345678。", operator=Operator.REDACT) == "手机。"


def test_entities_limit_what_is_rewritten() -> None:
    assert redact(TEXT, entities=["CN_MOBILE"]).count("<") == 1


def test_pseudonym_is_stable_per_key_and_ignores_formatting() -> None:
    key = b"k" * 32
    a = redact("手机13812345678", "pseudonym", key=key)
    b = redact("手机+86 138 1234 5678", "pseudonym", key=key)
    c = redact("手机13812345678", "pseudonym", key=b"x" * 32)
    assert a == b != c
    assert a.startswith("手机<PHONE:") and "13812345678" not in a


def test_token_round_trips_with_the_key_only() -> None:
    tokenized = redact(TEXT, "token", key=KEY32)
    assert "138 1234 5678" not in tokenized and "[[pv:CN_MOBILE:" in tokenized
    assert detokenize(tokenized, KEY32) == TEXT
    with pytest.raises(DecryptionError):
        detokenize(tokenized, os.urandom(32))


def test_redact_with_findings_reports_what_changed() -> None:
    result = redact_with_findings(TEXT, "mask")
    assert [f.entity.value for f in result.findings] == [
        "CN_PERSON_NAME",
        "CN_RESIDENT_ID",
        "CN_MOBILE",
        "EMAIL",
    ]


@pytest.mark.parametrize(
    ("operator", "key", "message"),
    [
        ("pseudonym", None, "at least 16"),
        ("pseudonym", b"short", "at least 16"),
        ("token", b"x" * 16, "exactly 32"),
        ("scramble", None, "unknown operator"),
    ],
)
def test_bad_operator_or_key_is_a_detection_error(
    operator: str, key: bytes | None, message: str
) -> None:
    with pytest.raises(DetectionError, match=message):
        redact("手机13812345678", operator, key=key)


def test_errors_never_contain_the_personal_value() -> None:
    with pytest.raises(DetectionError) as info:
        redact("手机13812345678", "token", key=b"bad")
    assert "13812345678" not in str(info.value)
