"""One masking rule set: redaction and the privacy center show a value the same way."""

from __future__ import annotations

import pytest

from pivault.detect import redact
from pivault.detect.masks import mask_value
from pivault.detect.model import Entity
from pivault.http.masks import masked

NAMES = [
    # (name, masked): the surname stays, both characters of a compound one.
    ("张三", "张*"),
    ("李小明", "李**"),
    ("欧阳娜娜", "欧阳**"),
    ("司马光", "司马*"),
    ("诸葛亮", "诸葛*"),
    ("上官婉儿", "上官**"),
    # Never shown whole, even when the name is no longer than its surname.
    ("张", "*"),
    ("欧阳", "**"),
    ("John Smith", "J*** S****"),
]


@pytest.mark.parametrize(("name", "shown"), NAMES)
def test_names_are_masked_by_one_rule(name: str, shown: str) -> None:
    assert mask_value(Entity.CN_PERSON_NAME, name) == shown
    assert masked(name, "text", "account.name", "zh-CN") == shown
    assert masked(name, "text", "account.nickname", "en") == shown


def test_redaction_masks_a_compound_surname_like_the_center() -> None:
    assert redact("联系人：欧阳娜娜，", operator="mask") == "联系人：欧阳**，"


CENTER = [
    # (value, value type, shown in the privacy center)
    ("+8613812345678", "phone", "138****5678"),
    ("13812345678", "phone", "138****5678"),
    ("+85366123456", "phone", "853****3456"),
    ("6612345", "phone", "66***45"),
    ("zhang.wei@example.com", "email", "z***@example.com"),
    ("192.168.31.7", "ip", "192.168.*.*"),
    ("2001:db8:85a3::8a2e:370:7334", "ip", "2001:db8:*:*"),
    ({"lat": 39.9042, "lon": 116.4074}, "geo_point", "39.90**, 116.40**"),
    ("2026-03-01T08:30:00+08:00", "datetime", "2026-03-01 **:**"),
    ("1987", "integer", "1***"),
    ("喜欢爬山和摄影，周末常去郊外", "text", "喜欢爬********"),
]


@pytest.mark.parametrize(("value", "type_name", "shown"), CENTER)
def test_privacy_center_masks_each_value_type(value: object, type_name: str, shown: str) -> None:
    assert masked(value, type_name, "profile.field", "zh-CN") == shown
