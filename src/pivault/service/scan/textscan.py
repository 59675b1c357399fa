"""Scan text of any length in bounded memory: overlapping windows, each value reported once.

A text (a line of a file, a database value) arrives as pieces. Whenever the
buffer holds :data:`WINDOW_CHARS` characters, that window is analysed and the
buffer moves on by ``WINDOW_CHARS - OVERLAP_CHARS``. Each window *owns* the
findings that start in its middle part — half the overlap is left at either
end — so every value is reported by exactly one window, with at least
``OVERLAP_CHARS // 2`` characters of context around it. Values longer than
half the overlap may be cut; a cut tail that overlaps a value already reported
is dropped rather than reported twice.
"""

from __future__ import annotations

from collections.abc import Callable

from pivault.detect import DEFAULT_MIN_SCORE, Finding, analyze

#: Characters analysed at once (64 Ki code points).
WINDOW_CHARS = 64 * 1024
#: Characters shared by consecutive windows: longer than the longest value plus its context.
OVERLAP_CHARS = 4 * 1024

#: Called with a finding (offsets relative to its window) and the window's offset in the text.
Emit = Callable[[Finding, int], None]


class WindowScanner:
    """Feed pieces of one text, then call :meth:`end`; findings go to ``emit``.

    ``emit(finding, offset)``: ``offset + finding.start`` is the 0-based code
    point position of the value in the whole text.
    """

    def __init__(
        self,
        emit: Emit,
        *,
        min_score: float = DEFAULT_MIN_SCORE,
        window: int = WINDOW_CHARS,
        overlap: int = OVERLAP_CHARS,
    ) -> None:
        if not 0 < overlap < window:
            raise ValueError("overlap must be positive and smaller than the window")
        self._emit = emit
        self._min_score = min_score
        self._window = window
        self._overlap = overlap
        self._reset()

    def _reset(self) -> None:
        self._buf = ""
        self._offset = 0  # position of _buf[0] in the whole text
        self._first = True
        self._reported_end = 0  # absolute end of the last value reported

    def feed(self, piece: str) -> None:
        """Add the next piece of the current text."""
        self._buf += piece
        while len(self._buf) > self._window:
            self._analyse(self._buf[: self._window], final=False)
            step = self._window - self._overlap
            self._buf = self._buf[step:]
            self._offset += step
            self._first = False

    def end(self) -> None:
        """The current text is complete: analyse what is left, then start afresh."""
        if self._buf.strip():
            self._analyse(self._buf, final=True)
        self._reset()

    def scan(self, text: str) -> None:
        """Scan a whole text (bounded memory still: it is windowed)."""
        for at in range(0, len(text), self._window):
            self.feed(text[at : at + self._window])
        self.end()

    def _analyse(self, chunk: str, *, final: bool) -> None:
        half = self._overlap // 2
        lo = 0 if self._first else half
        hi = len(chunk) if final else len(chunk) - half
        earlier_end = self._reported_end  # what earlier windows reported reaches this far
        for finding in analyze(chunk, min_score=self._min_score):
            if not lo <= finding.start < hi:
                continue  # another window owns it
            absolute = self._offset + finding.start
            if absolute < earlier_end:
                continue  # the cut tail of a value an earlier window reported
            self._reported_end = max(self._reported_end, self._offset + finding.end)
            self._emit(finding, self._offset)
