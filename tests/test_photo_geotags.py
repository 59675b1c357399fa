"""Photos: identifying metadata stripped on the way in; the geotag kept only with consent."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from pivault import ImageError, UnknownSubjectError
from pivault.service.vault import Vault


def geotagged_jpeg() -> bytes:
    image = Image.new("RGB", (32, 24), (10, 120, 200))
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotated, must survive
    exif[0x013B] = "Zhang San"  # Artist: identifying, must go
    exif[0x8825] = {1: "N", 2: (31.0, 13.0, 48.0), 3: "E", 4: (121.0, 28.0, 12.0)}
    buf = io.BytesIO()
    image.save(buf, "JPEG", exif=exif.tobytes())
    return buf.getvalue()


def stored_photo(vault: Vault) -> Image.Image:
    data = vault.read("u1", ["content.shared_photos"], purpose="service", actor="app").values[
        "content.shared_photos"
    ]
    return Image.open(io.BytesIO(data))


def test_without_consent_the_geotag_is_dropped_and_the_photo_stripped(vault: Vault) -> None:
    receipt = vault.collect(
        "u1", "photo_sharing", {"content.shared_photos": geotagged_jpeg()}, actor="app"
    )
    assert receipt.stored == ("content.shared_photos",)
    exif = stored_photo(vault).getexif()
    assert exif.get(0x0112) == 6
    assert 0x013B not in exif and not exif.get_ifd(0x8825)
    result = vault.read("u1", ["location.precise.photo_geotag"], purpose="service", actor="app")
    assert result.values == {}


def test_with_precise_location_consent_the_geotag_is_kept_as_location(vault: Vault) -> None:
    vault.grant("u1", "location.precise")
    receipt = vault.collect(
        "u1", "photo_sharing", {"content.shared_photos": geotagged_jpeg()}, actor="app"
    )
    assert set(receipt.stored) == {"content.shared_photos", "location.precise.photo_geotag"}
    where = vault.read(
        "u1", ["location.precise.photo_geotag"], purpose="service", actor="app"
    ).values["location.precise.photo_geotag"]
    assert where["lat"] == pytest.approx(31 + 13 / 60 + 48 / 3600, abs=1e-6)
    assert where["lon"] == pytest.approx(121 + 28 / 60 + 12 / 3600, abs=1e-6)
    assert not stored_photo(vault).getexif().get_ifd(0x8825)


def test_a_corrupt_image_is_refused_and_nothing_is_stored(vault: Vault) -> None:
    corrupt = b"\xff\xd8\xff\xe1\x00\x10Exif\x00\x00" + b"\x00" * 8
    with pytest.raises(ImageError):
        vault.collect("u1", "photo_sharing", {"content.shared_photos": corrupt}, actor="app")
    with pytest.raises(UnknownSubjectError):
        vault.read("u1", ["content.shared_photos"], purpose="service", actor="app")
