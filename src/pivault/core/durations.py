"""ISO-8601 durations in calendar arithmetic: ``P6M`` is six calendar months.

A value collected on 1 January with retention ``P6M`` is kept until 1 July, not
until 30 June (which 180 days would give). Months and years move the calendar date
(clamped to the month's last day: 31 August − P6M is 28 or 29 February); weeks, days
and the time part are exact.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

__all__ = ["Duration", "parse_duration"]

_DURATION_RE = re.compile(
    r"^P(?!$)(?:(?P<y>\d+)Y)?(?:(?P<mo>\d+)M)?(?:(?P<w>\d+)W)?(?:(?P<d>\d+)D)?"
    r"(?:T(?=\d)(?:(?P<h>\d+)H)?(?:(?P<mi>\d+)M)?(?:(?P<s>\d+)S)?)?$"
)
#: Reference instants for comparing durations whatever the calendar (month ends, leap days).
_REFERENCES = tuple(
    datetime(year, month, day)
    for year in (2023, 2024)
    for month, day in ((1, 31), (3, 1), (3, 31), (7, 31), (8, 31), (12, 31))
)


@dataclass(frozen=True)
class Duration:
    """Calendar months, then days, then seconds."""

    months: int
    days: int
    seconds: int

    @property
    def approx_seconds(self) -> int:
        """A month as 30 days, a year as 365: for ordering and display only."""
        return ((self.months * 30 + self.days) * 24 * 3600) + self.seconds

    def before(self, at: datetime) -> datetime:
        """The instant this long before ``at`` (months on the calendar)."""
        index = at.year * 12 + (at.month - 1) - self.months
        year, month0 = divmod(index, 12)
        day = min(at.day, calendar.monthrange(year, month0 + 1)[1])
        moved = at.replace(year=year, month=month0 + 1, day=day)
        return moved - timedelta(days=self.days, seconds=self.seconds)

    def at_least(self, other: Duration) -> bool:
        """True when this duration is never shorter than ``other``, on any calendar date."""
        return all(self.before(r) <= other.before(r) for r in _REFERENCES)


def parse_duration(iso: str) -> Duration | None:
    """The duration ``iso`` names (``P30D``, ``P6M``, ``P1Y2M``, ``PT12H``…), or None."""
    m = _DURATION_RE.match(iso)
    if not m:
        return None
    g = {k: int(v) if v else 0 for k, v in m.groupdict().items()}
    return Duration(
        months=g["y"] * 12 + g["mo"],
        days=g["w"] * 7 + g["d"],
        seconds=(g["h"] * 60 + g["mi"]) * 60 + g["s"],
    )
