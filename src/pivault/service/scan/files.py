"""Scan files and directory trees: streamed line by line, long lines in windows.

Memory stays flat in the input size: a file is read with ``readline(limit)``
so no more than :data:`READ_BYTES` bytes of a line are in memory at once, and
:class:`~pivault.service.scan.textscan.WindowScanner` analyses long lines in
overlapping windows. Text, logs, CSV, JSON and JSONL are all read as lines,
so every finding has a ``file:line:col`` (1-based; col counts code points).

A file whose first :data:`SNIFF_BYTES` contain a NUL byte is binary; a file
that is neither UTF-8 nor GB18030 is undecodable. Both are reported as
skipped. UTF-8 is tried first (a BOM is dropped); a decoding error anywhere
restarts the file as GB18030 (common in Chinese logs).
"""

from __future__ import annotations

import codecs
import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from pivault.core.errors import InvalidArgumentError
from pivault.core.places import Place
from pivault.detect import DEFAULT_MIN_SCORE, Finding
from pivault.service.scan.progress import NoProgress, Progress
from pivault.service.scan.report import PolicyMatcher, ScanReport, SourceFindings
from pivault.service.scan.textscan import WindowScanner

#: Bytes read from a line at once.
READ_BYTES = 64 * 1024
#: Bytes sniffed for NUL to recognise binary files.
SNIFF_BYTES = 8 * 1024
ENCODINGS = ("utf-8-sig", "gb18030")
#: Directories never entered: version-control internals.
SKIP_DIRS = frozenset({".git", ".hg", ".svn"})


class _Undecodable(Exception):
    pass


def iter_files(root: Path) -> Iterator[Path]:
    """Regular files under ``root`` (or ``root`` itself), sorted; symlinked dirs not followed."""
    if not root.is_dir():
        yield root
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if path.is_file():
                yield path


def _pieces(fh: BinaryIO, encoding: str) -> Iterator[tuple[str, bool, int]]:
    """(text, ends_a_line, bytes_read) pieces of the file; raises _Undecodable."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    try:
        while raw := fh.readline(READ_BYTES):
            ends = raw.endswith(b"\n")
            text = decoder.decode(raw)
            if ends:
                text = text[:-2] if text.endswith("\r\n") else text[:-1]
            yield text, ends, len(raw)
        tail = decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise _Undecodable(str(exc)) from None
    yield tail, True, 0


class _FileScan:
    """One pass over one file in one encoding."""

    def __init__(self, source: str, matcher: PolicyMatcher, min_score: float) -> None:
        self.found = SourceFindings(source, matcher, Place(path=os.path.abspath(source)))
        self.line = 1
        self.lines = 0
        self.bytes_read = 0
        self._scanner = WindowScanner(self._emit, min_score=min_score)

    def _emit(self, finding: Finding, offset: int) -> None:
        col = offset + finding.start + 1
        self.found.add(finding, f"{self.found.source}:{self.line}:{col}")

    def run(self, fh: BinaryIO, encoding: str, progress: Progress) -> None:
        pending = False  # text of the current line has been fed
        for text, ends, size in _pieces(fh, encoding):
            if text:
                self._scanner.feed(text)
                pending = True
            if ends and (pending or size):
                self._scanner.end()
                self.lines += 1
                self.line += 1
                pending = False
            if size:
                self.bytes_read += size
                progress.advance(size, self.found.source)


def _sniff_binary(path: Path) -> bool:
    with path.open("rb") as fh:
        return b"\0" in fh.read(SNIFF_BYTES)


def scan_file(
    path: Path,
    report: ScanReport,
    matcher: PolicyMatcher,
    *,
    min_score: float = DEFAULT_MIN_SCORE,
    progress: Progress | None = None,
) -> None:
    """Scan one file into ``report``; binary, undecodable or unreadable files are skipped."""
    progress = progress or NoProgress()
    source = str(path)
    try:
        size = path.stat().st_size
        if _sniff_binary(path):
            report.skip(source, "binary file (NUL byte)")
            progress.advance(size, source)
            return
        for encoding in ENCODINGS:
            scan = _FileScan(source, matcher, min_score)
            try:
                with path.open("rb") as fh:
                    scan.run(fh, encoding, progress)
            except _Undecodable:
                progress.advance(-scan.bytes_read, source)  # this pass is discarded
                continue
            report.add_source(scan.found)
            report.units_scanned += scan.lines
            return
    except OSError as exc:
        report.skip(source, f"cannot read: {exc.strerror or type(exc).__name__}")
        return
    report.skip(source, "undecodable: neither UTF-8 nor GB18030 text")
    progress.advance(size, source)


def scan_path(
    root: Path,
    report: ScanReport,
    matcher: PolicyMatcher,
    *,
    min_score: float = DEFAULT_MIN_SCORE,
    progress: Progress | None = None,
) -> None:
    """Scan a file or a directory tree (recursively) into ``report``."""
    progress = progress or NoProgress()
    if not root.exists():
        raise InvalidArgumentError(f"no such file or directory: {root}")
    files = list(iter_files(root))
    total = 0
    for path in files:
        with contextlib.suppress(OSError):
            total += path.stat().st_size
    progress.start(total, "bytes")
    for path in files:
        scan_file(path, report, matcher, min_score=min_score, progress=progress)
