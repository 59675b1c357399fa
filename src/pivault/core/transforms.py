"""The minimisation transforms a policy may name: one registry read by everyone.

Each :class:`TransformSpec` says which value types the transform applies to, which
parameters it takes (type, default) and what it does. The policy parser checks
``minimise`` against it, docs/policy.md is tested against it, and the service's
minimiser (:mod:`pivault.service.minimise`) applies it: pure transforms through
:attr:`TransformSpec.apply` here; those needing a key or the detector
(``pseudonymise``, ``redact_text``, ``strip_exif_location``) through functions the
minimiser registers under the same names.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "TRANSFORMS",
    "PureApply",
    "TransformParam",
    "TransformSpec",
    "coarsen_location",
    "truncate_ip",
]

#: A transform that needs nothing but the value and its parameters.
PureApply = Callable[[Any, Mapping[str, Any]], Any]


@dataclass(frozen=True)
class TransformParam:
    """One parameter: its name, the Python type its value must have, its default."""

    name: str
    type: type
    default: object = None

    def accepts(self, value: object) -> bool:
        if isinstance(value, bool) and self.type is not bool:
            return False  # YAML's true/false are not numbers here
        if self.type is list:
            return isinstance(value, list) and all(isinstance(v, str) for v in value)
        return isinstance(value, self.type)

    @property
    def type_name(self) -> str:
        return {int: "an integer", str: "a string", list: "a list of strings"}[self.type]


@dataclass(frozen=True)
class TransformSpec:
    name: str
    value_types: tuple[str, ...]
    params: tuple[TransformParam, ...]
    description: str
    #: None when the service layer applies it (a key or the detector is needed).
    apply: PureApply | None = None

    @property
    def param_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.params)

    def param(self, name: str) -> TransformParam:
        return next(p for p in self.params if p.name == name)

    def arg(self, params: Mapping[str, Any], name: str) -> Any:
        """The value of parameter ``name`` in ``params``, or its default."""
        return params.get(name, self.param(name).default)


def truncate_ip(value: str, params: Mapping[str, Any]) -> str:
    """Zero the host bits: IPv4 keeps ``ipv4_prefix`` bits (24), IPv6 ``ipv6_prefix`` (48)."""
    spec = TRANSFORMS["truncate_ip"]
    address = ipaddress.ip_address(value)
    which = "ipv4_prefix" if address.version == 4 else "ipv6_prefix"
    prefix = int(spec.arg(params, which))
    network = ipaddress.ip_network(f"{address}/{prefix}", strict=False)
    return str(network.network_address)


def coarsen_location(value: Mapping[str, float], params: Mapping[str, Any]) -> dict[str, float]:
    """Round to ``decimals`` places (1 ≈ 11 km: city level)."""
    decimals = int(TRANSFORMS["coarsen_location"].arg(params, "decimals"))
    return {
        "lat": round(float(value["lat"]), decimals),
        "lon": round(float(value["lon"]), decimals),
    }


def _registry(*specs: TransformSpec) -> dict[str, TransformSpec]:
    return {s.name: s for s in specs}


#: Every transform, in the order docs/policy.md lists them.
TRANSFORMS: Mapping[str, TransformSpec] = _registry(
    TransformSpec(
        "truncate_ip",
        ("ip",),
        (TransformParam("ipv4_prefix", int, 24), TransformParam("ipv6_prefix", int, 48)),
        "zero the host bits of an IP address, keeping the network prefix",
        truncate_ip,
    ),
    TransformSpec(
        "coarsen_location",
        ("geo_point",),
        (TransformParam("decimals", int, 1),),
        "round a location's coordinates (1 decimal ≈ 11 km, city level)",
        coarsen_location,
    ),
    TransformSpec(
        "strip_exif_location",
        ("image",),
        (TransformParam("keep_location_as", str),),
        "remove identifying metadata from a photo",
    ),
    TransformSpec(
        "pseudonymise",
        ("device_id", "text"),
        (),
        "replace the value with a keyed pseudonym",
    ),
    TransformSpec(
        "redact_text",
        ("text",),
        (TransformParam("entities", list),),
        "mask the personal data detected in free text",
    ),
)
