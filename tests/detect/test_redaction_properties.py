"""Property tests: offsets always slice the input; redaction never leaks a found value."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum import luhn
from stdnum.cn import ric

from pivault.detect import Entity, analyze, redact

# Text made of characters that matter to the detectors: digits (half and full
# width), Han characters, ASCII letters, separators and punctuation.
ALPHABET = "0123456789０１２３４５６７８９张王李伟娜路号市区省手机电话abcxyzXE@.:-_ ,，。：+()"
KEY = bytes(range(32))


@st.composite
def personal_values(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["mobile", "id", "card", "email", "imei"]))
    digits = st.text("0123456789", min_size=1, max_size=1)
    if kind == "mobile":
        return "13" + "".join(draw(digits) for _ in range(9))
    if kind == "id":
        body = "110105" + draw(st.sampled_from(["1980", "1999", "2001"])) + "0512"
        body += "".join(draw(digits) for _ in range(3))
        return body + ric.calc_check_digit(body + "0")
    if kind == "card":
        body = "6222" + "".join(draw(digits) for _ in range(14))
        return body + luhn.calc_check_digit(body)
    if kind == "imei":
        body = "35" + "".join(draw(digits) for _ in range(12))
        return body + luhn.calc_check_digit(body)
    user = draw(st.text("abcdefgh", min_size=1, max_size=8))
    return f"{user}@example.com"


filler = st.text(ALPHABET, max_size=12)
#: Separators that cannot be part of any identifier (Han characters, punctuation).
separator = st.text("张王路号手机，。 ：", min_size=1, max_size=4)


@st.composite
def texts_with_values(draw: st.DrawFn, between: st.SearchStrategy[str] = filler) -> str:
    parts = draw(st.lists(st.tuples(between, personal_values()), min_size=1, max_size=4))
    return "".join(a + b for a, b in parts) + draw(between)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(ALPHABET, max_size=80))
def test_offsets_always_slice_the_original_text(text: str) -> None:
    findings = analyze(text, min_score=0.0)
    for f in findings:
        assert 0 <= f.start < f.end <= len(text)
        assert text[f.start : f.end] == f.value
    starts = [f.start for f in findings]
    assert starts == sorted(starts)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts_with_values(), st.sampled_from(["mask", "redact", "replace", "pseudonym", "token"]))
def test_redaction_never_leaves_a_detected_value(text: str, operator: str) -> None:
    structured = {Entity.CN_MOBILE, Entity.CN_RESIDENT_ID, Entity.BANK_CARD, Entity.IMEI}
    found = [f for f in analyze(text) if f.entity in structured or f.entity is Entity.EMAIL]
    out = redact(text, operator, key=KEY)
    for value in {f.value for f in found}:
        # The value may also occur in the input where it is NOT a personal value
        # (e.g. glued inside a longer token); only those occurrences may remain.
        rewritten = sum(1 for f in found if f.value == value)
        assert _occurrences(out, value) <= _occurrences(text, value) - rewritten


def _occurrences(text: str, value: str) -> int:
    """Occurrences of ``value`` in ``text``, overlapping ones included (str.count skips them)."""
    return sum(text.startswith(value, i) for i in range(len(text)))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts_with_values(between=separator))
def test_checksum_valid_identifiers_between_han_text_are_all_redacted(text: str) -> None:
    out = redact(text)
    assert not any(ch.isdigit() for ch in out)
    assert "@" not in out
