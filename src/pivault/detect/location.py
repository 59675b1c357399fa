"""Recognizer for decimal GPS coordinates (pairs, and labelled lat/lng values)."""

from __future__ import annotations

import re

from pivault.detect.base import PatternRecognizer, context_words
from pivault.detect.model import Entity

_COORD = r"[-+]?[0-9]{1,3}\.[0-9]{3,8}"


def _decimals(value: str) -> int:
    return len(value.rpartition(".")[2])


def _pair(value: str, _text: str, _start: int) -> float | None:
    lat_s, lon_s = (part.strip() for part in value.split(","))
    lat, lon = float(lat_s), float(lon_s)
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
        return None
    # Four or more decimals on both is a ~10 m position; fewer is often a price pair.
    return 0.8 if min(_decimals(lat_s), _decimals(lon_s)) >= 4 else 0.4


def _latitude(value: str, _text: str, _start: int) -> float | None:
    return 0.85 if abs(float(value)) <= 90 else None


def _longitude(value: str, _text: str, _start: int) -> float | None:
    return 0.85 if abs(float(value)) <= 180 else None


LOCATION_RECOGNIZERS: tuple[PatternRecognizer, ...] = (
    PatternRecognizer(
        name="gps_pair",
        entity=Entity.GPS,
        gate=lambda p: p.dots >= 2 and p.commas >= 1,
        pattern=re.compile(rf"(?<![0-9.])[-+]?[0-9]{{1,2}}\.[0-9]{{3,8}} ?, ?{_COORD}(?![0-9.])"),
        validate=_pair,
        context=context_words("定位", "坐标", "位置", "gps", "location", "lat", "meet at", "经纬"),
        boost=0.2,
    ),
    PatternRecognizer(
        name="gps_latitude",
        gate=lambda p: p.dots >= 1,
        triggers=("lat", "纬度"),
        entity=Entity.GPS,
        pattern=re.compile(
            rf"(?:(?<![A-Za-z])lat(?:itude)?|纬度)\s*[=:]?\s*({_COORD})(?![0-9])", re.I
        ),
        validate=_latitude,
        group=1,
    ),
    PatternRecognizer(
        name="gps_longitude",
        gate=lambda p: p.dots >= 1,
        triggers=("lng", "lon", "经度"),
        entity=Entity.GPS,
        pattern=re.compile(
            rf"(?:(?<![A-Za-z])(?:lng|lon|long|longitude)|经度)\s*[=:]?\s*({_COORD})(?![0-9])", re.I
        ),
        validate=_longitude,
        group=1,
    ),
)
