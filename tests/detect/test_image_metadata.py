"""Stripping GPS and identifying EXIF/XMP from JPEG, PNG and WebP, pixels untouched."""

from __future__ import annotations

import io

import pytest
from PIL import ExifTags, Image, ImageDraw

from pivault.core.errors import ImageError
from pivault.detect.images import strip_identifying_metadata

ORIENTATION = 0x0112
GPS_TAGS = {
    1: "N",
    2: (39.0, 54.0, 27.0),
    3: "E",
    4: (116.0, 23.0, 17.0),
    5: b"\x00",
    6: 43.5,
}
XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><dc:creator>Zhang San</dc:creator></x:xmpmeta>'


def picture() -> Image.Image:
    img = Image.new("RGB", (48, 32), (200, 30, 30))
    ImageDraw.Draw(img).rectangle((5, 5, 30, 20), fill=(20, 160, 220))
    return img


def exif_with_gps() -> Image.Exif:
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[0x010F] = "Canon"
    exif[0x013B] = "Zhang San"  # Artist
    exif[0x8298] = "(c) Zhang San"  # Copyright
    exif[ExifTags.IFD.GPSInfo] = GPS_TAGS
    exif[ExifTags.IFD.Exif] = {0xA431: "SN-123456", 0x927C: b"maker notes", 0x9003: "2024:01:01"}
    return exif


def encode(fmt: str, **extra: object) -> bytes:
    out = io.BytesIO()
    options: dict[str, object] = {"exif": exif_with_gps(), **extra}
    if fmt == "WEBP":
        options["lossless"] = True
    picture().save(out, fmt, **options)
    return out.getvalue()


def pixels(data: bytes) -> bytes:
    with Image.open(io.BytesIO(data)) as img:
        return img.convert("RGB").tobytes()


def exif_of(data: bytes) -> Image.Exif:
    with Image.open(io.BytesIO(data)) as img:
        return img.getexif()


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_gps_and_identifying_tags_removed_orientation_and_pixels_kept(fmt: str) -> None:
    original = encode(fmt)
    assert exif_of(original).get_ifd(ExifTags.IFD.GPSInfo)  # the fixture really has GPS

    result = strip_identifying_metadata(original)

    exif = exif_of(result.data)
    assert exif.get_ifd(ExifTags.IFD.GPSInfo) == {}
    assert exif[ORIENTATION] == 6
    assert exif[0x010F] == "Canon"
    assert 0x013B not in exif and 0x8298 not in exif
    sub = exif.get_ifd(ExifTags.IFD.Exif)
    assert 0xA431 not in sub and 0x927C not in sub and sub[0x9003] == "2024:01:01"
    assert b"Zhang San" not in result.data and b"SN-123456" not in result.data
    assert pixels(result.data) == pixels(original)
    assert result.format == fmt
    assert {"gps", "artist", "copyright", "body_serial_number", "maker_note"} <= set(result.removed)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_location_is_returned(fmt: str) -> None:
    result = strip_identifying_metadata(encode(fmt))
    assert result.location is not None
    assert result.location.latitude == pytest.approx(39.9075)
    assert result.location.longitude == pytest.approx(116.388055, abs=1e-5)
    assert result.location.altitude == pytest.approx(43.5)
    assert result.location_policy_category == "location.precise.photo_geotag"


def test_jpeg_scan_data_is_copied_byte_for_byte() -> None:
    original = encode("JPEG")
    result = strip_identifying_metadata(original).data
    sos = b"\xff\xda"
    assert result[result.index(sos) :] == original[original.index(sos) :]


def test_jpeg_xmp_and_comment_are_dropped() -> None:
    original = encode("JPEG", xmp=XMP, comment=b"shot by Zhang San")
    result = strip_identifying_metadata(original)
    assert b"Zhang San" not in result.data
    assert {"xmp", "comment"} <= set(result.removed)
    assert pixels(result.data) == pixels(original)


def test_png_text_chunks_are_dropped() -> None:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Zhang San")
    info.add_itxt("Comment", "住在北京市朝阳区")
    original = encode("PNG", pnginfo=info)
    result = strip_identifying_metadata(original)
    assert b"Zhang San" not in result.data
    assert pixels(result.data) == pixels(original)


def test_webp_xmp_dropped_and_vp8x_flags_updated() -> None:
    original = encode("WEBP", xmp=XMP)
    result = strip_identifying_metadata(original)
    assert b"XMP " not in result.data and b"Zhang San" not in result.data
    vp8x = result.data.index(b"VP8X")
    flags = result.data[vp8x + 8]
    assert flags & 0x04 == 0 and flags & 0x08  # XMP cleared, EXIF (orientation) kept
    assert pixels(result.data) == pixels(original)


def test_image_without_metadata_is_unchanged() -> None:
    out = io.BytesIO()
    picture().save(out, "PNG")
    result = strip_identifying_metadata(out.getvalue())
    assert result.data == out.getvalue()
    assert result.location is None and result.removed == ()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"hello world", "not a recognisable image"),
        (b"GIF89a" + b"\x00" * 20, "unsupported image format GIF"),
        (b"\xff\xd8\xff\xe1\x00", "corrupt JPEG"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR" + b"\x00" * 17, "corrupt PNG"),
        (b"RIFF\xff\x00\x00\x00WEBPVP8 ", "corrupt WebP"),
    ],
)
def test_corrupt_or_unsupported_input_raises_image_error(data: bytes, message: str) -> None:
    with pytest.raises(ImageError, match=message):
        strip_identifying_metadata(data)


def test_truncated_jpeg_is_refused() -> None:
    original = encode("JPEG")
    with pytest.raises(ImageError):
        strip_identifying_metadata(original[:40])
