"""Reading a located YAML mapping field by field, collecting every problem with its
position (``file:line:col``), so one run of the parser reports them all."""

from __future__ import annotations

from typing import Any

from pivault.core.errors import PolicyProblem, did_you_mean
from pivault.core.model import EMPTY_TEXT, LANGS, Pos, Text
from pivault.core.yaml_located import LList, LMap, Loc

__all__ = ["PolicyReader"]


class PolicyReader:
    """Reads policy fields, collecting every problem with its ``file:line:col``."""

    def __init__(self, filename: str) -> None:
        self.file = filename
        self.problems: list[PolicyProblem] = []

    def problem(self, loc: Loc, message: str) -> None:
        self.problems.append(PolicyProblem(self.file, loc.line, loc.col, message))

    def pos(self, loc: Loc) -> Pos:
        return Pos(self.file, loc.line, loc.col)

    # ---- generic field readers ------------------------------------------
    def mapping(self, value: Any, loc: Loc, what: str) -> LMap | None:
        if not isinstance(value, LMap):
            self.problem(loc, f"{what} must be a mapping")
            return None
        return value

    def known_keys(self, m: LMap, allowed: tuple[str, ...], what: str) -> None:
        for key in m:
            if key not in allowed:
                self.problem(
                    m.key_locs[key],
                    f"unknown key {key!r} in {what}{did_you_mean(key, allowed)}; "
                    f"valid keys: {', '.join(allowed)}",
                )

    def text(self, m: LMap, key: str, what: str, required: bool = True) -> Text:
        if key not in m:
            if required:
                self.problem(m.loc, f"{what} needs {key!r} with zh-CN and en texts")
            return EMPTY_TEXT
        value = m[key]
        loc = m.value_locs[key]
        if not isinstance(value, LMap):
            self.problem(loc, f"{what}.{key} must map each language ({', '.join(LANGS)}) to a text")
            return EMPTY_TEXT
        for lang in value:
            if lang not in LANGS:
                self.problem(
                    value.key_locs[lang],
                    f"unknown language {lang!r}{did_you_mean(lang, LANGS)}; "
                    f"valid: {', '.join(LANGS)}",
                )
        texts: dict[str, str] = {}
        for lang in LANGS:
            t = value.get(lang)
            if not isinstance(t, str) or not t.strip():
                self.problem(loc, f"{what}.{key} needs a non-empty {lang} text")
                texts[lang] = ""
            else:
                texts[lang] = t.strip()
        return Text(texts["zh-CN"], texts["en"])

    def string(self, m: LMap, key: str, what: str) -> str | None:
        value = m.get(key)
        if key in m and not isinstance(value, str):
            self.problem(m.value_locs[key], f"{what}.{key} must be a text")
            return None
        return value

    def choice(self, m: LMap, key: str, what: str, choices: tuple[str, ...]) -> str | None:
        value = self.string(m, key, what)
        if value is not None and value not in choices:
            self.problem(
                m.value_locs[key],
                f"{what}.{key}: {value!r} is not one of {', '.join(choices)}"
                f"{did_you_mean(value, choices)}",
            )
            return None
        return value

    def boolean(self, m: LMap, key: str, what: str, default: bool) -> bool:
        if key not in m:
            return default
        if not isinstance(m[key], bool):
            self.problem(m.value_locs[key], f"{what}.{key} must be true or false")
            return default
        return bool(m[key])

    def str_list(self, m: LMap, key: str, what: str) -> list[tuple[str, Loc]]:
        if key not in m:
            return []
        value = m[key]
        if not isinstance(value, LList):
            self.problem(m.value_locs[key], f"{what}.{key} must be a list")
            return []
        out: list[tuple[str, Loc]] = []
        for item, loc in zip(value, value.item_locs, strict=True):
            if not isinstance(item, str):
                self.problem(loc, f"{what}.{key} items must be texts")
            else:
                out.append((item, loc))
        return out
