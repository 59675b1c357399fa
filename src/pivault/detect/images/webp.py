"""WebP metadata rewrite at the RIFF chunk level.

The ``EXIF`` chunk is replaced by its cleaned form, ``XMP `` is dropped, the
VP8X flags are updated to match, and the RIFF size is recomputed. Image
chunks (VP8, VP8L, ALPH, ANIM/ANMF, ICCP) are copied unchanged.
"""

from __future__ import annotations

from pivault.core.errors import ImageError
from pivault.detect.images.exif import EXIF_PREFIX, CleanedExif, clean_exif

_EXIF_FLAG = 0x08
_XMP_FLAG = 0x04


def _chunk(kind: bytes, payload: bytes) -> bytes:
    pad = b"\x00" if len(payload) % 2 else b""
    return kind + len(payload).to_bytes(4, "little") + payload + pad


def strip_webp(data: bytes) -> tuple[bytes, CleanedExif | None, list[str]]:
    """Return (clean WebP bytes, cleaned EXIF or None, names of removed chunks)."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise ImageError("not a WebP: missing RIFF/WEBP header")
    riff_end = 8 + int.from_bytes(data[4:8], "little")
    if riff_end > len(data):
        raise ImageError("corrupt WebP: RIFF size runs past the end of the file")
    chunks: list[tuple[bytes, bytes]] = []
    removed: list[str] = []
    cleaned: CleanedExif | None = None
    pos = 12
    while pos < riff_end:
        if pos + 8 > riff_end:
            raise ImageError("corrupt WebP: truncated chunk header")
        kind = data[pos : pos + 4]
        size = int.from_bytes(data[pos + 4 : pos + 8], "little")
        payload = data[pos + 8 : pos + 8 + size]
        if len(payload) != size:
            raise ImageError("corrupt WebP: chunk runs past the end of the file")
        pos += 8 + size + (size % 2)
        if kind == b"EXIF":
            cleaned = clean_exif(payload)
            if cleaned.payload is not None:
                chunks.append((kind, cleaned.payload.removeprefix(EXIF_PREFIX)))
        elif kind == b"XMP ":
            removed.append("xmp")
        else:
            chunks.append((kind, payload))
    if not chunks:
        raise ImageError("corrupt WebP: no image chunks")
    kinds = {kind for kind, _ in chunks}
    rebuilt = []
    for kind, payload in chunks:
        if kind == b"VP8X":
            if len(payload) < 10:
                raise ImageError("corrupt WebP: short VP8X header")
            flags = payload[0] & ~(_EXIF_FLAG | _XMP_FLAG)
            if b"EXIF" in kinds:
                flags |= _EXIF_FLAG
            payload = bytes((flags,)) + payload[1:]
        rebuilt.append(_chunk(kind, payload))
    body = b"WEBP" + b"".join(rebuilt)
    return b"RIFF" + len(body).to_bytes(4, "little") + body, cleaned, removed
