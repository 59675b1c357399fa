"""Very long lines: bounded memory, and a value across a window boundary is found exactly once."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

from pivault.detect import Entity, Finding, analyze, warm_up
from pivault.service.policy_files import load_policy
from pivault.service.scan import scan_target
from pivault.service.scan.textscan import OVERLAP_CHARS, WINDOW_CHARS, WindowScanner
from tests.scan.conftest import ID_1, PHONE_1

FILLER = "lorem ipsum dolor sit amet consectetur "


def _line_with(values_at: dict[int, str], length: int) -> str:
    """A line of filler of about ``length`` characters with values at the given columns."""
    chars = list((FILLER * (length // len(FILLER) + 1))[:length])
    for at, value in values_at.items():
        chars[at - 1 : at + len(value) + 1] = f" {value} "
    return "".join(chars)


def test_five_megabyte_single_line_is_scanned_in_bounded_memory(tmp_path: Path) -> None:
    half = OVERLAP_CHARS // 2
    step = WINDOW_CHARS - OVERLAP_CHARS
    # Straddle window ends, ownership boundaries (half an overlap in) and window starts.
    positions = [
        WINDOW_CHARS - 5,  # end of window 0
        WINDOW_CHARS - half - 5,  # windows 0 | 1 ownership
        step - 3,  # start of window 1
        2 * step + half - 4,  # windows 1 | 2 ownership
        step + WINDOW_CHARS - 6,  # end of window 1
        3 * step + half - 6,  # windows 2 | 3 ownership
    ]
    size = 5 * 1024 * 1024
    values = {p: PHONE_1 for p in positions} | {size - 100: ID_1}
    path = tmp_path / "one-line.log"
    path.write_text(_line_with(values, size), encoding="utf-8")
    assert path.stat().st_size >= size

    # Loaded once per process, not part of the scan's memory: the policy, the name
    # dictionary, python-stdnum's area-code table (read at the first ID checked).
    policy = load_policy(None)
    warm_up()
    analyze(f"{PHONE_1} {ID_1}")
    tracemalloc.start()
    try:
        report = scan_target(str(path), policy)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert peak < size // 5, f"peak {peak} bytes for a {size}-byte line"
    by_entity = {g.entity: g for g in report.groups}
    phones = by_entity[Entity.CN_MOBILE]
    assert phones.count == len(positions)
    assert sorted(phones.locations) == sorted(f"{path}:1:{p + 1}" for p in positions)
    assert by_entity[Entity.CN_RESIDENT_ID].locations == [f"{path}:1:{size - 100 + 1}"]


def test_every_offset_across_small_windows_reports_a_value_once() -> None:
    window, overlap = 200, 40
    for at in range(150, 420, 7):
        text = "x" * at + f" {ID_1} " + "y" * 300
        seen: list[tuple[int, int]] = []

        def emit(f: Finding, offset: int, seen: list[tuple[int, int]] = seen) -> None:
            seen.append((offset + f.start, offset + f.end))

        WindowScanner(emit, window=window, overlap=overlap).scan(text)
        assert seen == [(at + 1, at + 1 + len(ID_1))], at


def test_pieces_of_any_size_give_the_same_findings() -> None:
    text = _line_with({100: PHONE_1, 5000: ID_1, 9000: PHONE_1}, 12_000)
    results = []
    for piece in (1, 997, 4096, 12_000):
        seen: list[tuple[str, int]] = []

        def emit(f: Finding, offset: int, seen: list[tuple[str, int]] = seen) -> None:
            seen.append((f.entity.value, offset + f.start))

        scanner = WindowScanner(emit, window=2048, overlap=256)
        for at in range(0, len(text), piece):
            scanner.feed(text[at : at + piece])
        scanner.end()
        results.append(seen)
    assert results[0] == [("CN_MOBILE", 100), ("CN_RESIDENT_ID", 5000), ("CN_MOBILE", 9000)]
    assert all(r == results[0] for r in results)
