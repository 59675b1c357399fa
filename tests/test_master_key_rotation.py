"""Master key: kept apart, rotated without re-encrypting, wrong keys refused, nothing written."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pivault import MasterKeyError
from pivault.crypto.master_key import MasterKey
from pivault.service.vault import Vault
from tests.conftest import FakeClock


def test_rotation_rewraps_keys_and_everything_keeps_working(
    store_url: str, master_key: MasterKey, clock: FakeClock
) -> None:
    vault = Vault(store_url, master_key=master_key, clock=clock)
    vault.add_actor("app", ["service", "security"])
    vault.collect(
        "u1",
        "registration",
        {"account.nickname": "小明", "account.phone": "13812345678"},
        actor="app",
    )
    vault.collect("u2", "registration", {"account.nickname": "阿强"}, actor="app")
    new = MasterKey.generate()
    assert vault.rotate_master_key(new) == 5 + 2  # five vault keys, two people
    assert vault.read("u1", ["account.phone"], purpose="service", actor="app").values
    vault.close()
    with pytest.raises(MasterKeyError, match="not the vault's"):
        Vault(store_url, master_key=master_key, clock=clock)
    reopened = Vault(store_url, master_key=new, clock=clock)
    assert reopened.read("u1", ["account.phone"], purpose="service", actor="app").values == {
        "account.phone": "+8613812345678"
    }
    assert reopened.find("account.phone", "13812345678", actor="app") == ["u1"]
    assert reopened.verify_audit().ok
    reopened.close()


def test_a_wrong_key_writes_nothing(
    store_url: str, master_key: MasterKey, clock: FakeClock
) -> None:
    Vault(store_url, master_key=master_key, clock=clock).close()
    with pytest.raises(MasterKeyError):
        Vault(store_url, master_key=MasterKey.generate(), clock=clock)
    vault = Vault(store_url, master_key=master_key, clock=clock)
    assert vault.audit_log() == [] and vault.verify_audit().ok
    vault.close()


def test_key_file_is_private_and_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "master.key"
    key = MasterKey.generate()
    key.write(path)
    assert (os.stat(path).st_mode & 0o777) == 0o600
    assert MasterKey.from_file(path).key_id == key.key_id
    with pytest.raises(MasterKeyError, match="refusing to overwrite"):
        MasterKey.generate().write(path)
    assert "master" not in repr(key).lower() or key.key_id in repr(key)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no master key file"),
        ("hello", "not a pivault master key"),
        ("pivault-master-key-v1:!!", "damaged"),
    ],
)
def test_bad_key_files_get_clear_errors(tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "master.key"
    if content is not None:
        path.write_text(content)
        path.chmod(0o600)  # private, as a key file must be: the content is what is wrong
    with pytest.raises(MasterKeyError, match=message):
        MasterKey.from_file(path)
