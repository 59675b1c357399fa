"""YAML to plain Python values that remember where each came from.

PyYAML's composer keeps a mark (line, column) on every node; we keep them so
every policy problem can be reported as ``file:line:col``. Duplicate mapping
keys, which YAML loaders silently collapse, are reported instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from pivault.core.errors import PolicyError, PolicyProblem


@dataclass(frozen=True)
class Loc:
    line: int
    col: int


class LMap(dict[str, Any]):
    """A mapping that knows the position of itself, each key and each value."""

    loc: Loc
    key_locs: dict[str, Loc]
    value_locs: dict[str, Loc]


class LList(list[Any]):
    """A list that knows the position of itself and each item."""

    loc: Loc
    item_locs: list[Loc]


def _loc(node: yaml.Node) -> Loc:
    return Loc(node.start_mark.line + 1, node.start_mark.column + 1)


def _scalar(node: yaml.ScalarNode) -> Any:
    # Resolve with YAML's own implicit rules (true/false, ints, dates stay text).
    tag = node.tag
    if tag == "tag:yaml.org,2002:bool":
        return node.value.lower() in ("true", "yes", "on")
    if tag == "tag:yaml.org,2002:int":
        try:
            return int(node.value.replace("_", ""), 0)
        except ValueError:
            return node.value
    if tag == "tag:yaml.org,2002:float":
        try:
            return float(node.value)
        except ValueError:
            return node.value
    if tag == "tag:yaml.org,2002:null":
        return None
    return node.value


def load_located(text: str, filename: str) -> Any:
    """Parse YAML ``text``; raise :class:`PolicyError` with positions on any problem."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        col = mark.column + 1 if mark else 1
        raise PolicyError(
            [PolicyProblem(filename, line, col, f"malformed YAML: {exc.problem or exc}")]
        ) from None
    if root is None:
        raise PolicyError([PolicyProblem(filename, 1, 1, "the policy file is empty")])
    problems: list[PolicyProblem] = []
    value = _convert(root, filename, problems)
    if problems:
        raise PolicyError(problems)
    return value


def _convert(node: yaml.Node, filename: str, problems: list[PolicyProblem]) -> Any:
    if isinstance(node, yaml.MappingNode):
        out = LMap()
        out.loc = _loc(node)
        out.key_locs = {}
        out.value_locs = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str):
                key = str(key)
            if key in out:
                first = out.key_locs[key]
                problems.append(
                    PolicyProblem(
                        filename,
                        key_node.start_mark.line + 1,
                        key_node.start_mark.column + 1,
                        f"duplicate key {key!r} (first defined at line {first.line})",
                    )
                )
                continue
            out[key] = _convert(value_node, filename, problems)
            out.key_locs[key] = _loc(key_node)
            out.value_locs[key] = _loc(value_node)
        return out
    if isinstance(node, yaml.SequenceNode):
        items = LList(_convert(n, filename, problems) for n in node.value)
        items.loc = _loc(node)
        items.item_locs = [_loc(n) for n in node.value]
        return items
    assert isinstance(node, yaml.ScalarNode)
    return _scalar(node)
