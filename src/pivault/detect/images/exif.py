"""Clean an EXIF block with Pillow: drop GPS and identifying tags, keep the rest.

Works on the TIFF-structured EXIF payload that JPEG (APP1), PNG (eXIf) and
WebP (EXIF chunk) all carry. Pillow parses it and writes the cleaned block;
only EXIF metadata is rebuilt, never pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import ExifTags, Image

from pivault.core.errors import ImageError

EXIF_PREFIX = b"Exif\x00\x00"

#: IFD0 tags that name or describe a person, or embed other metadata formats.
_IFD0_REMOVE = {
    0x010D: "document_name",
    0x010E: "image_description",
    0x013B: "artist",
    0x013C: "host_computer",
    0x02BC: "xmp",
    0x83BB: "iptc",
    0x8298: "copyright",
    0x8649: "photoshop",
    0x9C9B: "xp_title",
    0x9C9C: "xp_comment",
    0x9C9D: "xp_author",
    0x9C9E: "xp_keywords",
    0x9C9F: "xp_subject",
    0xC62F: "camera_serial_number",
}
#: Exif sub-IFD tags that identify the owner or the physical camera.
_EXIF_REMOVE = {
    0x927C: "maker_note",
    0x9286: "user_comment",
    0xA420: "image_unique_id",
    0xA430: "camera_owner_name",
    0xA431: "body_serial_number",
    0xA435: "lens_serial_number",
}
_POINTERS = {int(ExifTags.IFD.Exif), int(ExifTags.IFD.GPSInfo), int(ExifTags.IFD.Interop)}


@dataclass(frozen=True, slots=True)
class GeoLocation:
    """Where a photo was taken, as recorded in its EXIF GPS tags."""

    latitude: float
    longitude: float
    altitude: float | None = None


@dataclass(frozen=True, slots=True)
class CleanedExif:
    """The rebuilt EXIF payload (None if nothing is left) and what was removed."""

    payload: bytes | None
    location: GeoLocation | None
    removed: tuple[str, ...]


def _dms(value: object) -> float:
    degrees, minutes, seconds = (float(part) for part in value)  # type: ignore[attr-defined]
    return degrees + minutes / 60 + seconds / 3600


def _location(gps: dict[int, object]) -> GeoLocation | None:
    """GPS IFD -> decimal degrees; None when the tags are incomplete or out of range."""
    try:
        lat, lon = _dms(gps[2]), _dms(gps[4])
        if str(gps.get(1, "N")).upper().startswith("S"):
            lat = -lat
        if str(gps.get(3, "E")).upper().startswith("W"):
            lon = -lon
        altitude = None
        if 6 in gps:
            altitude = float(gps[6])  # type: ignore[arg-type]
            ref = gps.get(5, 0)
            if ref in (1, b"\x01"):
                altitude = -altitude
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return GeoLocation(lat, lon, altitude)


def clean_exif(payload: bytes) -> CleanedExif:
    """Remove GPS and identifying tags from an EXIF payload (with or without 'Exif\\0\\0').

    The returned payload starts with ``Exif\\0\\0``; callers strip it where the
    container wants bare TIFF data (PNG, WebP).
    """
    exif = Image.Exif()
    try:
        exif.load(payload)
        gps = dict(exif.get_ifd(ExifTags.IFD.GPSInfo))
        sub_ifd = dict(exif.get_ifd(ExifTags.IFD.Exif))
        ifd0 = dict(exif.items())
    except Exception as exc:  # Pillow raises many types for malformed TIFF data
        raise ImageError("corrupt EXIF metadata: cannot be parsed") from exc
    removed = ["gps"] if gps or int(ExifTags.IFD.GPSInfo) in ifd0 else []
    cleaned = Image.Exif()
    for tag, value in ifd0.items():
        if tag in _IFD0_REMOVE:
            removed.append(_IFD0_REMOVE[tag])
        elif tag not in _POINTERS:
            cleaned[tag] = value
    kept_sub = {}
    for tag, value in sub_ifd.items():
        if tag in _EXIF_REMOVE:
            removed.append(_EXIF_REMOVE[tag])
        elif tag not in _POINTERS:
            kept_sub[tag] = value
    if kept_sub:
        cleaned[ExifTags.IFD.Exif] = kept_sub
    location = _location(gps) if gps else None
    if not len(cleaned):
        return CleanedExif(None, location, tuple(removed))
    try:
        data = cleaned.tobytes()
    except Exception as exc:
        raise ImageError("EXIF metadata could not be rewritten") from exc
    return CleanedExif(data, location, tuple(removed))
