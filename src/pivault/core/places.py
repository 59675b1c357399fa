"""Where a category may live: table columns and path globs (a category's ``places:``).

Pure matching, no I/O. A scanned source has a :class:`Place`: the
``TABLE.COLUMN`` it was read from, the file path it was read from, or both (a
Spark dataset read from files). A category declaring :class:`Places` allows
a source when one of its column patterns matches the source's column, or one
of its path globs matches the source's path.

- Column patterns are dotted names, ``users.phone`` or ``users.*``; ``*``
  and ``?`` match within one dotted part, case-insensitively. A pattern
  matches the whole label or its trailing parts, so ``users.phone`` also
  matches ``app.users.phone`` (a non-default schema).
- Path globs use ``/``; ``*`` and ``?`` match within one segment, ``**`` any
  number of segments. A glob matches the path's trailing segments
  (``logs/**/*.log`` matches ``/srv/app/logs/2026/a.log``); one starting
  with ``/`` must match the whole absolute path.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from pivault.core.yaml_located import LList, LMap, Loc

#: The keys of a category's ``places:`` mapping. docs/policy.md documents each one.
PLACE_KEYS = ("columns", "paths")

_COLUMN_RE = re.compile(r"^[A-Za-z0-9_$*?-]+(\.[A-Za-z0-9_$*?-]+)+$")


@dataclass(frozen=True)
class Place:
    """Where a scanned source was read from: a ``TABLE.COLUMN`` label and/or an absolute path."""

    column: str | None = None
    path: str | None = None


def _segment(part: str, any_char: str) -> str:
    out = []
    for ch in part:
        if ch == "*":
            out.append(f"{any_char}*")
        elif ch == "?":
            out.append(any_char)
        else:
            out.append(re.escape(ch))
    return "".join(out)


def column_regex(pattern: str) -> re.Pattern[str]:
    """``users.*`` -> a regex over a dotted label, matching it whole or its trailing parts."""
    body = r"\.".join(_segment(p, r"[^.]") for p in pattern.split("."))
    return re.compile(rf"(?:^|\.){body}$", re.IGNORECASE)


def path_regex(glob: str) -> re.Pattern[str]:
    """``logs/**/*.log`` -> a regex over a ``/`` path, matching its trailing segments.

    A trailing ``/**`` matches the directory itself too (``exports/**``
    covers ``exports``, a Spark dataset directory, and everything below it).
    """
    anchored = glob.startswith("/")
    parts = [p for p in glob.strip("/").split("/") if p]
    tail = ""
    if len(parts) > 1 and parts[-1] == "**":
        parts, tail = parts[:-1], "(?:/.*)?"
    body = ""
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if part == "**":
            body += ".*" if last else "(?:[^/]+/)*"
        else:
            body += _segment(part, "[^/]") + ("" if last else "/")
    return re.compile(("^/" if anchored else "(?:^|/)") + body + tail + "$")


@dataclass(frozen=True)
class Places:
    """A category's declared places; a source matching none of them is place drift."""

    columns: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()

    @cached_property
    def _column_res(self) -> tuple[re.Pattern[str], ...]:
        return tuple(column_regex(p) for p in self.columns)

    @cached_property
    def _path_res(self) -> tuple[re.Pattern[str], ...]:
        return tuple(path_regex(g) for g in self.paths)

    def allows(self, place: Place) -> bool:
        """Whether a source read from ``place`` is one of these places."""
        if place.column is not None and any(r.search(place.column) for r in self._column_res):
            return True
        path = place.path.replace("\\", "/") if place.path is not None else None
        return path is not None and any(r.search(path) for r in self._path_res)

    def as_dict(self) -> dict[str, list[str]]:
        return {"columns": list(self.columns), "paths": list(self.paths)}


#: Reports a problem at a location of the policy file.
Problem = Callable[[Loc, str], None]


def _items(value: object, loc: Loc, what: str, problem: Problem) -> list[tuple[str, Loc]]:
    if not isinstance(value, LList):
        problem(loc, f"{what} must be a list")
        return []
    out: list[tuple[str, Loc]] = []
    for item, iloc in zip(value, value.item_locs, strict=True):
        if not isinstance(item, str) or not item.strip():
            problem(iloc, f"{what} items must be non-empty texts")
        else:
            out.append((item.strip(), iloc))
    return out


def parse_places(value: object, loc: Loc, what: str, problem: Problem) -> Places | None:
    """A category's ``places:`` mapping (``columns``, ``paths``); problems go to ``problem``."""
    if not isinstance(value, LMap):
        problem(loc, f"{what}.places must be a mapping with columns and/or paths")
        return None
    for key in value:
        if key not in PLACE_KEYS:
            problem(
                value.key_locs[key],
                f"unknown key {key!r} in {what}.places; valid keys: {', '.join(PLACE_KEYS)}",
            )
    columns: list[str] = []
    if "columns" in value:
        where = f"{what}.places.columns"
        for item, iloc in _items(value["columns"], value.value_locs["columns"], where, problem):
            if _COLUMN_RE.match(item):
                columns.append(item)
            else:
                problem(
                    iloc,
                    f"{what}.places.columns: {item!r} is not TABLE.COLUMN "
                    "(wildcards * and ?), e.g. users.phone or users.*",
                )
    paths: list[str] = []
    if "paths" in value:
        where = f"{what}.places.paths"
        for item, iloc in _items(value["paths"], value.value_locs["paths"], where, problem):
            parts = item.strip("/").split("/")
            if "\\" in item or any("**" in p and p != "**" for p in parts):
                problem(
                    iloc,
                    f"{what}.places.paths: {item!r} is not a path glob ('/' separators, "
                    "* and ? within a segment, ** as a whole segment), e.g. logs/**/*.log",
                )
            else:
                paths.append(item)
    if not any(key in value for key in PLACE_KEYS):
        problem(loc, f"{what}.places needs at least one of columns or paths")
        return None
    return Places(tuple(columns), tuple(paths))
