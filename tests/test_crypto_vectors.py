"""The primitives match published test vectors; the envelope refuses anything moved or altered.

Vectors live in tests/vectors/*.json, each file citing its source document and
section: AES-256-GCM (McGrew–Viega GCM spec, test cases 13–16), HMAC-SHA-256
(RFC 4231 test cases 1–4, 6, 7) and HKDF-SHA-256 (RFC 5869 test cases 1–3).
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from pivault.core.errors import DecryptionError, MasterKeyError
from pivault.crypto.envelope import open_value, seal_value
from pivault.crypto.master_key import MasterKey
from pivault.crypto.primitives import (
    aesgcm_raw_encrypt,
    hkdf_raw,
    keyed_digest,
    new_key,
    open_sealed,
    seal,
)

VECTORS = Path(__file__).parent / "vectors"


def _load(name: str) -> list[dict[str, Any]]:
    doc = json.loads((VECTORS / name).read_text())
    assert doc["source"], f"{name} must cite its source"
    vectors: list[dict[str, Any]] = doc["vectors"]
    return vectors


def _ids(vectors: list[dict[str, Any]]) -> list[str]:
    return [v["name"] for v in vectors]


GCM = _load("aes256gcm_mcgrew_viega.json")
HMAC = _load("hmac_sha256_rfc4231.json")
HKDF = _load("hkdf_sha256_rfc5869.json")


def test_every_vector_file_cites_a_published_source() -> None:
    sources = {p.name: json.loads(p.read_text())["source"] for p in VECTORS.glob("*.json")}
    assert set(sources) == {
        "aes256gcm_mcgrew_viega.json",
        "hmac_sha256_rfc4231.json",
        "hkdf_sha256_rfc5869.json",
        "ed25519_rfc8032.json",
        "merkle_rfc6962_transparency_dev.json",
        "signed_note_c2sp.json",
    }
    assert "RFC 8032" in sources["ed25519_rfc8032.json"]
    assert "transparency-dev/merkle" in sources["merkle_rfc6962_transparency_dev.json"]
    assert "signed-note" in sources["signed_note_c2sp.json"]
    assert "Appendix B" in sources["aes256gcm_mcgrew_viega.json"]
    assert "RFC 4231" in sources["hmac_sha256_rfc4231.json"]
    assert "RFC 5869" in sources["hkdf_sha256_rfc5869.json"]
    assert [v["name"] for v in GCM] == [f"Test Case {n}" for n in (13, 14, 15, 16)]
    assert len(HMAC) == 6 and len(HKDF) == 3


@pytest.mark.parametrize("v", GCM, ids=_ids(GCM))
def test_aes_256_gcm_matches_the_gcm_spec(v: dict[str, Any]) -> None:
    key = bytes.fromhex(v["key"])
    assert len(key) == 32
    out = aesgcm_raw_encrypt(
        key, bytes.fromhex(v["iv"]), bytes.fromhex(v["plaintext"]), bytes.fromhex(v["aad"])
    )
    assert out.hex() == v["ciphertext"] + v["tag"]


@pytest.mark.parametrize("v", HMAC, ids=_ids(HMAC))
def test_hmac_sha256_matches_rfc_4231(v: dict[str, Any]) -> None:
    assert keyed_digest(bytes.fromhex(v["key"]), bytes.fromhex(v["data"])).hex() == v["hmac_sha256"]


@pytest.mark.parametrize("v", HKDF, ids=_ids(HKDF))
def test_hkdf_sha256_matches_rfc_5869(v: dict[str, Any]) -> None:
    ikm, salt, info = (bytes.fromhex(v[k]) for k in ("ikm", "salt", "info"))
    assert hkdf_raw(ikm, salt, info, v["length"]).hex() == v["okm"]
    # The extract step is HMAC(salt, IKM): the published PRK checks keyed_digest as well.
    assert keyed_digest(salt, ikm).hex() == v["prk"]


def test_hkdf_without_salt_is_the_zero_length_salt_of_rfc_5869_case_3() -> None:
    v = HKDF[2]
    assert v["salt"] == ""
    assert hkdf_raw(bytes.fromhex(v["ikm"]), None, b"", v["length"]).hex() == v["okm"]


# ---- the envelope: a sealed value opens only where it was sealed ----------------------


@pytest.fixture
def sealed() -> tuple[bytes, bytes]:
    key = new_key()
    return key, seal_value(key, b'"+8613812345678"', "u1", "account.phone", "rec-1")


def test_a_sealed_value_opens_in_place(sealed: tuple[bytes, bytes]) -> None:
    key, blob = sealed
    assert open_value(key, blob, "u1", "account.phone", "rec-1") == b'"+8613812345678"'
    assert b"8613812345678" not in blob


@pytest.mark.parametrize(
    ("subject", "category", "record_id"),
    [
        ("u2", "account.phone", "rec-1"),  # moved to another person
        ("u1", "survey.phone", "rec-1"),  # moved to another field
        ("u1", "account.phone", "rec-2"),  # moved to another row
        ("u1|account.phone", "", "rec-1"),  # separator games do not forge the context
    ],
    ids=["other-subject", "other-category", "other-record", "spliced-context"],
)
def test_a_sealed_value_moved_elsewhere_does_not_open(
    sealed: tuple[bytes, bytes], subject: str, category: str, record_id: str
) -> None:
    key, blob = sealed
    with pytest.raises(DecryptionError):
        open_value(key, blob, subject, category, record_id)


def test_another_persons_key_does_not_open(sealed: tuple[bytes, bytes]) -> None:
    _, blob = sealed
    with pytest.raises(DecryptionError):
        open_value(new_key(), blob, "u1", "account.phone", "rec-1")


def test_any_tampered_byte_is_refused(sealed: tuple[bytes, bytes]) -> None:
    key, blob = sealed
    for i in range(len(blob)):
        bad = bytearray(blob)
        bad[i] ^= 0x01
        with pytest.raises(DecryptionError):
            open_value(key, bytes(bad), "u1", "account.phone", "rec-1")
    with pytest.raises(DecryptionError):
        open_value(key, blob[:-1], "u1", "account.phone", "rec-1")  # truncated tag
    with pytest.raises(DecryptionError):
        open_value(key, blob + b"\x00", "u1", "account.phone", "rec-1")  # appended byte


def test_decryption_errors_say_nothing_about_the_value() -> None:
    key = new_key()
    blob = seal(key, b"13812345678", b"ctx")
    with pytest.raises(DecryptionError) as err:
        open_sealed(key, blob, b"other")
    assert "13812345678" not in str(err.value)
    assert str(err.value) == str(DecryptionError())  # one opaque message for every failure


def test_sealing_twice_gives_different_blobs() -> None:
    key = new_key()
    assert seal(key, b"same", b"ctx") != seal(key, b"same", b"ctx")  # fresh random nonce


# ---- the master key -----------------------------------------------------------------


def test_master_key_unwraps_only_in_its_own_context() -> None:
    master = MasterKey.generate()
    data_key = new_key()
    blob = master.wrap(data_key, "subject", "u1")
    assert master.unwrap(blob, "subject", "u1") == data_key
    for ctx in (("subject", "u2"), ("vault", "u1"), ("subject",), ("subject", "u1", "x")):
        with pytest.raises(MasterKeyError):
            master.unwrap(blob, *ctx)
    with pytest.raises(MasterKeyError):
        MasterKey.generate().unwrap(blob, "subject", "u1")  # another master key
    tampered = bytearray(blob)
    tampered[-1] ^= 0x80
    with pytest.raises(MasterKeyError):
        master.unwrap(bytes(tampered), "subject", "u1")


def test_master_key_never_shows_its_secret() -> None:
    secret = os.urandom(32)
    master = MasterKey(secret)
    for text in (repr(master), str(master)):
        assert secret.hex() not in text and "key_id" in text


def test_master_key_file_is_owner_only_and_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "master.key"
    master = MasterKey.generate()
    master.write(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert MasterKey.from_file(path).key_id == master.key_id
    before = path.read_bytes()
    with pytest.raises(MasterKeyError, match="refusing to overwrite"):
        MasterKey.generate().write(path)
    assert path.read_bytes() == before


def test_master_key_file_problems_are_clear(tmp_path: Path) -> None:
    with pytest.raises(MasterKeyError, match="no master key file"):
        MasterKey.from_file(tmp_path / "missing.key")
    bad = tmp_path / "bad.key"
    bad.write_text("hello\n")
    bad.chmod(0o600)  # private, as a key file must be: the content is what is wrong
    with pytest.raises(MasterKeyError, match="not a pivault master key file"):
        MasterKey.from_file(bad)
    with pytest.raises(MasterKeyError, match="32 bytes"):
        MasterKey(b"short")
