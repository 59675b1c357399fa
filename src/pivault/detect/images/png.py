"""PNG metadata rewrite at the chunk level (pixel data chunks copied unchanged).

``eXIf`` is replaced by its cleaned form; ``tEXt``, ``iTXt`` and ``zTXt``
(author, comments, XMP, "Raw profile" EXIF copies) are dropped. Every input
chunk's CRC is checked, so a corrupt file is refused rather than rewritten.
"""

from __future__ import annotations

import zlib

from pivault.core.errors import ImageError
from pivault.detect.images.exif import EXIF_PREFIX, CleanedExif, clean_exif

SIGNATURE = b"\x89PNG\r\n\x1a\n"
_TEXT_CHUNKS = {b"tEXt": "png_text", b"iTXt": "png_itext", b"zTXt": "png_ztext"}


def _chunk(kind: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
    return len(payload).to_bytes(4, "big") + kind + payload + crc.to_bytes(4, "big")


def strip_png(data: bytes) -> tuple[bytes, CleanedExif | None, list[str]]:
    """Return (clean PNG bytes, cleaned EXIF or None, names of removed chunks)."""
    if not data.startswith(SIGNATURE):
        raise ImageError("not a PNG: missing signature")
    out = [SIGNATURE]
    removed: list[str] = []
    cleaned: CleanedExif | None = None
    pos = len(SIGNATURE)
    while True:
        if pos + 12 > len(data):
            raise ImageError("corrupt PNG: truncated chunk (no IEND)")
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8]
        end = pos + 12 + length
        if end > len(data):
            raise ImageError("corrupt PNG: chunk runs past the end of the file")
        payload = data[pos + 8 : pos + 8 + length]
        crc = int.from_bytes(data[end - 4 : end], "big")
        if zlib.crc32(kind + payload) & 0xFFFFFFFF != crc:
            raise ImageError("corrupt PNG: chunk checksum mismatch")
        if kind == b"eXIf":
            cleaned = clean_exif(payload)
            if cleaned.payload is not None:
                out.append(_chunk(kind, cleaned.payload.removeprefix(EXIF_PREFIX)))
        elif kind in _TEXT_CHUNKS:
            removed.append(_TEXT_CHUNKS[kind])
        else:
            out.append(data[pos:end])
        pos = end
        if kind == b"IEND":
            break
    return b"".join(out), cleaned, removed
