"""Pure minimisation transforms (IP truncation, location coarsening).

Transforms that need a key or an image decoder (pseudonymise, strip_exif_location,
redact_text) are applied by the service layer with the crypto and detect layers.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping
from typing import Any


def truncate_ip(value: str, params: Mapping[str, Any]) -> str:
    """Zero the host bits: IPv4 keeps ``ipv4_prefix`` bits (24), IPv6 ``ipv6_prefix`` (48)."""
    address = ipaddress.ip_address(value)
    prefix = int(
        params.get("ipv4_prefix", 24) if address.version == 4 else params.get("ipv6_prefix", 48)
    )
    network = ipaddress.ip_network(f"{address}/{prefix}", strict=False)
    return str(network.network_address)


def coarsen_location(value: Mapping[str, float], params: Mapping[str, Any]) -> dict[str, float]:
    """Round to ``decimals`` places (1 ≈ 11 km: city level)."""
    decimals = int(params.get("decimals", 1))
    return {
        "lat": round(float(value["lat"]), decimals),
        "lon": round(float(value["lon"]), decimals),
    }


PURE_TRANSFORMS: dict[str, Callable[[Any, Mapping[str, Any]], Any]] = {
    "truncate_ip": truncate_ip,
    "coarsen_location": coarsen_location,
}
