"""What the privacy center shows of records over time (streams). Pure functions.

Built from the vault's export (``export["streams"]``: each stream's events, oldest
first, times in UTC). Times are shown in the person's time zone; values are masked
as on "My data" unless the person asked to see them; the activity chart counts
events per local day over the last 30 days and is drawn as inline SVG (no script).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pivault.core.model import Policy
from pivault.http.i18n import tr
from pivault.http.masks import full, masked

PAGE_SIZE = 50
CHART_DAYS = 30
#: The chart's geometry (SVG user units): one bar a day.
BAR_STEP, BAR_WIDTH, CHART_HEIGHT = 10, 8, 60


def utc_time(at: str) -> datetime:
    """The vault's ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` as an aware datetime."""
    return datetime.fromisoformat(at.replace("Z", "+00:00"))


def local_text(at: str, tz: ZoneInfo) -> str:
    """'2026-11-01 16:00:00' in ``tz``."""
    return utc_time(at).astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")


def utc_offset(tz: ZoneInfo, now: datetime) -> str:
    """'UTC+08:00' for ``tz`` at ``now``."""
    offset = now.astimezone(tz).utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def day_bounds(first: date, last: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """From the start of local day ``first`` to the end of local day ``last``, in UTC."""
    start = datetime.combine(first, time(0), tz).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time(0), tz).astimezone(UTC)
    return start, end


@dataclass
class StreamSummary:
    category: str
    label: str
    count: int
    latest: str


def stream_summaries(
    policy: Policy, export: Mapping[str, Any], lang: str, tz: ZoneInfo
) -> list[StreamSummary]:
    """Each stream the person has events in, in the policy's order."""
    streams = export.get("streams", {})
    out = []
    for cat in policy.leaves():
        events = streams.get(cat.key, {}).get("events", [])
        if cat.is_stream and events:
            out.append(
                StreamSummary(
                    cat.key, cat.label.get(lang), len(events), local_text(events[-1]["at"], tz)
                )
            )
    return out


@dataclass
class EventRow:
    id: int
    at: str
    shown: str


@dataclass
class Bar:
    day: str
    count: int
    x: int
    y: int
    height: int


@dataclass
class StreamPage:
    category: str
    label: str
    total: int
    page: int
    pages: int
    rows: list[EventRow]
    bars: list[Bar]
    chart_total: int
    chart_max: int
    first_day: str
    last_day: str
    tz_text: str
    kept: str
    sensitive: bool
    revealed: bool
    chart_height: int = CHART_HEIGHT + 2
    chart_width: int = CHART_DAYS * BAR_STEP
    newer: int | None = None
    older: int | None = None
    pager: list[int] = field(default_factory=list)


def activity(events: Sequence[Mapping[str, Any]], tz: ZoneInfo, now: datetime) -> list[Bar]:
    """Events per local day, the last :data:`CHART_DAYS` days up to today, as bars."""
    today = now.astimezone(tz).date()
    first = today - timedelta(days=CHART_DAYS - 1)
    counts = Counter(utc_time(e["at"]).astimezone(tz).date() for e in events)
    days = [first + timedelta(days=i) for i in range(CHART_DAYS)]
    top = max((counts[d] for d in days), default=0)
    bars = []
    for i, d in enumerate(days):
        n = counts[d]
        height = 0 if not n else max(2, round(CHART_HEIGHT * n / top))
        bars.append(Bar(d.isoformat(), n, i * BAR_STEP + 1, CHART_HEIGHT - height + 1, height))
    return bars


def stream_page(
    policy: Policy,
    category: str,
    events: Sequence[Mapping[str, Any]],
    lang: str,
    tz_name: str,
    tz: ZoneInfo,
    now: datetime,
    *,
    page: int = 1,
    reveal: bool = False,
) -> StreamPage:
    """One page of a stream, newest first, with its chart."""
    from pivault.present.policy_text import retention_text  # lazily: a rendering module

    cat = policy.categories[category]
    assert cat.value_type is not None
    type_name = cat.value_type.name
    newest_first = list(reversed(events))
    pages = max(1, -(-len(newest_first) // PAGE_SIZE))
    page = min(max(page, 1), pages)
    chunk = newest_first[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    rows = [
        EventRow(
            int(e["id"]),
            local_text(e["at"], tz),
            full(e["value"], type_name, lang)
            if reveal
            else masked(e["value"], type_name, category, lang),
        )
        for e in chunk
    ]
    bars = activity(events, tz, now)
    return StreamPage(
        category=category,
        label=cat.label.get(lang),
        total=len(newest_first),
        page=page,
        pages=pages,
        rows=rows,
        bars=bars,
        chart_total=sum(b.count for b in bars),
        chart_max=max(b.count for b in bars),
        first_day=bars[0].day,
        last_day=bars[-1].day,
        tz_text=tr(lang, "stream.tz", tz=f"{tz_name} ({utc_offset(tz, now)})"),
        kept=retention_text(cat.retention, lang),
        sensitive=cat.sensitive is not None,
        revealed=reveal,
        newer=page - 1 if page > 1 else None,
        older=page + 1 if page < pages else None,
        pager=list(range(1, pages + 1)) if pages <= 12 else [],
    )
