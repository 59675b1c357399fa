"""The fields of a category that need more than a type check: its value type, retention
(and legal minimum), minimisation transform, and the rules for streams."""

from __future__ import annotations

from typing import Any

from pivault.core.durations import parse_duration
from pivault.core.errors import did_you_mean
from pivault.core.model import CategoryKind, Retention, Transform, ValueType
from pivault.core.policy_reader import PolicyReader
from pivault.core.transforms import TRANSFORMS
from pivault.core.yaml_located import LMap, Loc

__all__ = [
    "ACCOUNT_LIFETIME",
    "VALUE_TYPES",
    "check_legal_minimum",
    "check_stream",
    "retention",
    "transform",
    "value_type",
]

VALUE_TYPES = (
    "text",
    "phone",
    "email",
    "image",
    "geo_point",
    "ip",
    "enum",
    "json",
    "integer",
    "boolean",
    "datetime",
    "device_id",
    "biometric_template",
    "blinded_tokens",
    "comm_session",
)
ACCOUNT_LIFETIME = "account_lifetime"


def check_stream(
    b: PolicyReader,
    m: LMap,
    what: str,
    kind: CategoryKind,
    value_type: ValueType | None,
    retention: Retention | None,
    transform: Transform | None,
    lookup: bool,
) -> None:
    """A stream keeps records over time: it cannot be looked up, derive other categories,
    or be kept for the account's lifetime (every record needs a retention it expires by)."""
    if kind is not CategoryKind.STREAM or value_type is None:
        return
    loc = m.value_locs.get("kind") or m.key_locs.get("type") or next(iter(m.value_locs.values()))
    if lookup:
        b.problem(m.value_locs["lookup"], f"{what}: a stream cannot be looked up")
    if retention is not None and retention.account_lifetime:  # none at all: policy check says
        b.problem(loc, f"{what}: a stream needs a retention duration (P6M, P30D …)")
    if transform is not None and "keep_location_as" in transform.params:
        b.problem(
            m.value_locs["minimise"], f"{what}: a stream's transform cannot derive other categories"
        )


def check_legal_minimum(
    b: PolicyReader,
    m: LMap,
    kloc: Loc,
    what: str,
    retention: Retention | None,
    minimum: Retention | None,
) -> None:
    if minimum is None or minimum.duration is None:
        return
    too_short = (
        retention is not None
        and retention.duration is not None
        and not (retention.duration.at_least(minimum.duration))
    )
    if retention is None or too_short:
        loc = m.value_locs.get("retention", kloc)
        shown = retention.iso if retention is not None else "none"
        b.problem(
            loc,
            f"{what}: retention {shown} is shorter than the legal minimum {minimum.iso}",
        )


def value_type(b: PolicyReader, m: LMap, what: str) -> ValueType | None:
    name = b.choice(m, "type", what, VALUE_TYPES)
    for opt in ("max_length", "max_bytes", "choices"):
        if opt in m and name is None and "type" not in m:
            b.problem(m.key_locs[opt], f"{what}: {opt} needs a type")
    if name is None:
        return None
    max_length = m.get("max_length")
    if max_length is not None and (not isinstance(max_length, int) or max_length <= 0):
        b.problem(m.value_locs["max_length"], f"{what}.max_length must be a positive integer")
        max_length = None
    max_bytes = m.get("max_bytes")
    if max_bytes is not None and (not isinstance(max_bytes, int) or max_bytes <= 0):
        b.problem(m.value_locs["max_bytes"], f"{what}.max_bytes must be a positive integer")
        max_bytes = None
    choices = tuple(c for c, _ in b.str_list(m, "choices", what))
    if name == "enum" and not choices:
        b.problem(m.value_locs["type"], f"{what}: an enum needs choices")
    if choices and name != "enum":
        b.problem(m.key_locs["choices"], f"{what}: choices apply only to type enum")
    return ValueType(name, max_length=max_length, choices=choices, max_bytes=max_bytes)


def retention(b: PolicyReader, m: LMap, what: str, key: str = "retention") -> Retention | None:
    if key not in m:
        return None
    value = m[key]
    loc = m.value_locs[key]
    if value == ACCOUNT_LIFETIME:
        return Retention(ACCOUNT_LIFETIME, None)
    duration = parse_duration(value) if isinstance(value, str) else None
    if duration is None or duration.approx_seconds <= 0:
        b.problem(
            loc,
            f"{what}.{key} must be an ISO-8601 duration such as P30D, P6M or P3Y, "
            f"or {ACCOUNT_LIFETIME}",
        )
        return None
    return Retention(value, duration.approx_seconds, duration)


def transform(b: PolicyReader, m: LMap, what: str, vt: ValueType | None) -> Transform | None:
    if "minimise" not in m:
        return None
    value = m["minimise"]
    loc = m.value_locs["minimise"]
    params: dict[str, Any] = {}
    if isinstance(value, LMap):
        name = value.get("transform")
        for k, v in value.items():
            if k != "transform":
                params[k] = v
    else:
        name = value
    spec = TRANSFORMS.get(name) if isinstance(name, str) else None
    if spec is None:
        b.problem(
            loc,
            f"{what}.minimise: {name!r} is not a transform{did_you_mean(str(name), TRANSFORMS)}; "
            f"valid: {', '.join(TRANSFORMS)}",
        )
        return None
    for p, v in params.items():
        if p not in spec.param_names:
            allowed = ", ".join(spec.param_names) or "(none)"
            b.problem(
                loc, f"{what}.minimise: {spec.name} takes no parameter {p!r}; valid: {allowed}"
            )
        elif not spec.param(p).accepts(v):
            b.problem(loc, f"{what}.minimise: {spec.name}.{p} must be {spec.param(p).type_name}")
    if vt is not None and vt.name not in spec.value_types:
        b.problem(
            loc,
            f"{what}.minimise: {spec.name} applies to {', '.join(spec.value_types)} values, "
            f"not {vt.name}",
        )
    return Transform(spec.name, params)
