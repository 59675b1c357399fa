"""Public API of pivault.detect: registry, entity filters, categories, purity."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pivault.core.errors import DetectionError
from pivault.detect import (
    ENTITY_INFO,
    PHOTO_GEOTAG_POLICY_CATEGORY,
    Entity,
    analyze,
    list_recognizers,
    supported_entities,
)

DEFAULT_POLICY = Path(__file__).resolve().parents[2] / "src/pivault/policies/default.yaml"


def test_every_entity_has_a_recognizer_and_metadata() -> None:
    assert supported_entities() == set(Entity)
    assert set(ENTITY_INFO) == set(Entity)
    names = [name for name, _ in list_recognizers()]
    assert len(names) == len(set(names))


def test_fides_categories_exist_in_the_fideslang_taxonomy() -> None:
    taxonomy = pytest.importorskip("fideslang.default_taxonomy")
    keys = {c.fides_key for c in taxonomy.DEFAULT_TAXONOMY.data_category}
    assert {info.fides_category for info in ENTITY_INFO.values()} <= keys


def test_policy_categories_exist_in_the_default_policy() -> None:
    from pivault.core.policy_parse import parse_policy

    policy = parse_policy(DEFAULT_POLICY.read_text(encoding="utf-8"), str(DEFAULT_POLICY))
    mapped = {info.policy_category for info in ENTITY_INFO.values()} - {None}
    assert mapped | {PHOTO_GEOTAG_POLICY_CATEGORY} <= set(policy.categories)


def test_policy_drift_entities_have_no_policy_category() -> None:
    (finding,) = analyze("邮箱zhang@example.com")
    assert finding.policy_category is None  # e-mail is not in the default policy


def test_entities_filter_and_unknown_entity() -> None:
    text = "手机13812345678 邮箱a@b.cn"
    assert [f.entity for f in analyze(text, ["EMAIL"])] == [Entity.EMAIL]
    with pytest.raises(DetectionError, match="unknown entity"):
        analyze(text, ["PHONE"])


def test_non_text_input_is_a_detection_error() -> None:
    with pytest.raises(DetectionError, match="needs a str"):
        analyze(b"13812345678")  # type: ignore[arg-type]


def test_min_score_filters_weak_findings() -> None:
    text = "hash 5509a0925a7a57b2, 护照E12345678"
    assert analyze(text, min_score=0.99) == []


def test_finding_repr_and_dict_never_show_the_value() -> None:
    (finding,) = analyze("手机13812345678")
    assert "13812345678" not in repr(finding)
    assert "13812345678" not in str(finding.to_dict())
    assert finding.to_dict()["fides_category"] == "user.contact.phone_number"


def test_full_width_text_keeps_original_offsets() -> None:
    text = "电话：１３８１２３４５６７８，邮箱ａ＠ｂ．ｃｎ"
    for f in analyze(text):
        assert text[f.start : f.end] == f.value
    assert [f.entity for f in analyze(text)] == [Entity.CN_MOBILE, Entity.EMAIL]


def test_import_is_pure_and_quiet() -> None:
    code = (
        "import logging, sys\n"
        "import pivault.detect, pivault.redact_logging, pivault.detect.images\n"
        "assert not logging.getLogger().handlers\n"
        "assert 'jieba' not in sys.modules, 'jieba must load lazily'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
