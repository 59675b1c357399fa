"""Lossless JPEG metadata rewrite at the segment level.

Segments before the first SOS are walked one by one: the EXIF APP1 is
replaced by its cleaned form, XMP APP1, Photoshop/IPTC APP13 and COM
segments are dropped, everything else (JFIF, ICC profile, quantisation and
Huffman tables, frame header) is copied byte for byte. From SOS on, the
entropy-coded data is copied unchanged, so pixels are never re-encoded.
"""

from __future__ import annotations

from pivault.core.errors import ImageError
from pivault.detect.images.exif import EXIF_PREFIX, CleanedExif, clean_exif

_SOI, _EOI, _SOS, _APP1, _APP13, _COM = 0xD8, 0xD9, 0xDA, 0xE1, 0xED, 0xFE
_STANDALONE = {0x01, *range(0xD0, 0xD8)}
_XMP_PREFIXES = (b"http://ns.adobe.com/xap/1.0/\x00", b"http://ns.adobe.com/xmp/extension/\x00")


def _segment(marker: int, payload: bytes) -> bytes:
    if len(payload) + 2 > 0xFFFF:
        raise ImageError("EXIF metadata too large for a JPEG segment")
    return bytes((0xFF, marker)) + (len(payload) + 2).to_bytes(2, "big") + payload


def strip_jpeg(data: bytes) -> tuple[bytes, CleanedExif | None, list[str]]:
    """Return (clean JPEG bytes, cleaned EXIF or None, names of removed segments)."""
    if data[:2] != b"\xff\xd8":
        raise ImageError("not a JPEG: missing start-of-image marker")
    out = [data[:2]]
    removed: list[str] = []
    cleaned: CleanedExif | None = None
    pos = 2
    while True:
        if pos + 2 > len(data) or data[pos] != 0xFF:
            raise ImageError("corrupt JPEG: truncated or malformed segment headers")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte before a marker
            pos += 1
            continue
        if marker in _STANDALONE or marker == _SOI:
            out.append(data[pos : pos + 2])
            pos += 2
            continue
        if marker == _EOI:
            out.append(data[pos:])
            break
        if pos + 4 > len(data):
            raise ImageError("corrupt JPEG: truncated segment length")
        length = int.from_bytes(data[pos + 2 : pos + 4], "big")
        end = pos + 2 + length
        if length < 2 or end > len(data):
            raise ImageError("corrupt JPEG: segment runs past the end of the file")
        if marker == _SOS:
            out.append(data[pos:])  # scan data and everything after: copied verbatim
            break
        payload = data[pos + 4 : end]
        if marker == _APP1 and payload.startswith(EXIF_PREFIX):
            if cleaned is None:
                cleaned = clean_exif(payload)
                if cleaned.payload is not None:
                    out.append(_segment(_APP1, cleaned.payload))
            else:
                removed.append("extra_exif")  # a second EXIF block is never copied
        elif marker == _APP1 and payload.startswith(_XMP_PREFIXES):
            removed.append("xmp")
        elif marker == _APP13:
            removed.append("iptc")
        elif marker == _COM:
            removed.append("comment")
        else:
            out.append(data[pos:end])
        pos = end
    return b"".join(out), cleaned, removed
