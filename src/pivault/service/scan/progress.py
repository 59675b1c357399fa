"""How a scan reports progress; the command line draws it, tests ignore it."""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    """Receives progress: a total (None when unknown), then advances."""

    def start(self, total: int | None, unit: str) -> None: ...

    def advance(self, amount: int, current: str) -> None: ...


class NoProgress:
    """Progress that goes nowhere."""

    def start(self, total: int | None, unit: str) -> None:
        return None

    def advance(self, amount: int, current: str) -> None:
        return None
