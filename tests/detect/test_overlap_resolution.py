"""Overlap resolution: best finding wins, URL query values nest, many findings stay exact.

The timing of many findings lives in bench/detect_bench.py; these tests assert behaviour only.
"""

from __future__ import annotations

from pivault.detect import Entity, Finding, analyze, resolve_overlaps


def _f(entity: Entity, start: int, end: int, score: float) -> Finding:
    return Finding(entity, start, end, score, "test", "x" * (end - start))


def test_highest_score_then_longest_wins() -> None:
    text = "x" * 40
    kept = resolve_overlaps(
        [
            _f(Entity.IMEI, 0, 15, 0.7),
            _f(Entity.CN_RESIDENT_ID, 0, 15, 0.85),
            _f(Entity.BANK_CARD, 10, 26, 0.6),
            _f(Entity.EMAIL, 30, 35, 0.9),
            _f(Entity.URL, 28, 40, 0.9),
        ],
        text,
    )
    assert [(k.entity, k.start, k.end) for k in kept] == [
        (Entity.CN_RESIDENT_ID, 0, 15),
        (Entity.URL, 28, 40),
    ]


def test_value_in_url_query_is_kept_beside_the_url() -> None:
    text = "https://a.cn/u?mobile=13812345678 ok"
    entities = [f.entity for f in analyze(text)]
    assert entities == [Entity.URL, Entity.CN_MOBILE]


def test_long_span_reaching_far_back_still_blocks() -> None:
    text = "x" * 200
    kept = resolve_overlaps(
        [
            _f(Entity.CN_ADDRESS, 0, 150, 0.9),
            *(_f(Entity.IPV4, i, i + 3, 0.5) for i in range(0, 190, 5)),
        ],
        text,
    )
    assert [(k.start, k.end) for k in kept] == [(0, 150)] + [(i, i + 3) for i in range(150, 190, 5)]


def test_many_findings_are_each_resolved() -> None:
    text = "王小明 " * 16000  # 96k characters; used to take seconds (quadratic)
    found = analyze(text, entities=[Entity.CN_PERSON_NAME])
    assert len(found) == 16000
    assert all(f.value == "王小明" and f.start == 4 * i for i, f in enumerate(found))
