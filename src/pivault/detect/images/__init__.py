"""Strip identifying metadata from photos without re-encoding their pixels.

:func:`strip_identifying_metadata` removes GPS, owner/artist/copyright,
camera and lens serial numbers, maker notes, XMP and IPTC from JPEG, PNG
and WebP files, keeps orientation (and colour profiles), and returns the
removed location so the vault can store it as ``location.precise.photo_geotag``
data, but only with consent. Rewrites happen at the container level (JPEG
segments, PNG chunks, RIFF chunks); the compressed image data is copied byte
for byte.
"""

from __future__ import annotations

from dataclasses import dataclass

from pivault.core.errors import ImageError
from pivault.detect.images.exif import GeoLocation
from pivault.detect.images.jpeg import strip_jpeg
from pivault.detect.images.png import SIGNATURE as PNG_SIGNATURE
from pivault.detect.images.png import strip_png
from pivault.detect.images.webp import strip_webp
from pivault.detect.model import PHOTO_GEOTAG_POLICY_CATEGORY

__all__ = ["GeoLocation", "StrippedImage", "strip_identifying_metadata"]

#: Refuse inputs larger than this (bytes); photos from phones are well below.
MAX_IMAGE_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class StrippedImage:
    """The cleaned image and what was taken out of it.

    ``location`` is the GPS position that was in the file (None if none);
    ``removed`` names the metadata removed (e.g. ``gps``, ``artist``, ``xmp``),
    never their values.
    """

    data: bytes
    format: str
    location: GeoLocation | None
    removed: tuple[str, ...]

    @property
    def location_policy_category(self) -> str | None:
        """The policy category the removed location belongs to, if there was one."""
        return PHOTO_GEOTAG_POLICY_CATEGORY if self.location is not None else None


def _sniff(data: bytes) -> str:
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(PNG_SIGNATURE):
        return "PNG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    for magic, name in ((b"GIF8", "GIF"), (b"II*\x00", "TIFF"), (b"MM\x00*", "TIFF")):
        if data.startswith(magic):
            raise ImageError(f"unsupported image format {name}; supported: JPEG, PNG, WebP")
    if data[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftypavif"):
        raise ImageError("unsupported image format HEIF/AVIF; supported: JPEG, PNG, WebP")
    raise ImageError("not a recognisable image (expected JPEG, PNG or WebP)")


def strip_identifying_metadata(data: bytes) -> StrippedImage:
    """Return ``data`` without GPS and other identifying metadata, pixels untouched.

    Raises :class:`~pivault.core.errors.ImageError` for input that is not a
    JPEG, PNG or WebP, or that is corrupt.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise ImageError(f"image data must be bytes, got {type(data).__name__}")
    raw = bytes(data)
    if len(raw) > MAX_IMAGE_BYTES:
        raise ImageError(f"image larger than {MAX_IMAGE_BYTES} bytes")
    kind = _sniff(raw)
    strip = {"JPEG": strip_jpeg, "PNG": strip_png, "WEBP": strip_webp}[kind]
    cleaned_bytes, exif, removed = strip(raw)
    if exif is not None:
        removed = [*exif.removed, *removed]
    location = exif.location if exif is not None else None
    return StrippedImage(cleaned_bytes, kind, location, tuple(dict.fromkeys(removed)))
