"""No personal value is ever at rest in the clear: not in the database files, not in a
database dump, not in any log line, not in the message of a refused call; and after an
erasure nothing the vault still holds can open what was there.

Each test collects distinctive values (so a hit cannot be a coincidence), then searches
raw bytes: the SQLite file and its -wal file, or ``pg_dump`` of the PostgreSQL database.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from pivault.core.errors import (
    DecryptionError,
    PivaultError,
    SubjectErasedError,
    UnknownSubjectError,
)
from pivault.crypto.envelope import open_value
from pivault.crypto.master_key import MasterKey
from pivault.service.vault import Vault
from pivault.store.engine import normalise_url
from pivault.store.schema import pi_values, subjects, vault_keys
from tests.conftest import FakeClock

NICKNAME = "Zephyrine Quokkaberg"
NICKNAME_ZH = "龙猫栖霞小葵"
PHONE_DIGITS = "13912873465"
PHONE_SPELLINGS = ("13912873465", "139 1287 3465", "139-1287-3465", "+86 139 1287 3465")
SURVEY_NAME = "欧阳翠芬"
SURVEY_PHONE = "15867204391"
HOME_ADDRESS = "浙江省杭州市西湖区栖霞岭路88号翠芬公寓3单元1702室"
DEVICE_MODEL = "Xiaomi Zorblax-9000 QuantumEdition"
OS_VERSION = "ZorbOS 77.3.1-quokka"
DEVICE_ID = "QUOKKA-DEVICE-77F1C0DE5A1D"
SUPPORT_MESSAGE = f"我的新手机号是{SURVEY_PHONE}，请改一下"
IP = "203.0.113.77"

#: Values a refused call is given; none may appear in its error message.
BAD_PHONE = "139-1287-3465-77"
TOO_LONG_NICKNAME = "Quokkaberg-Zephyrine" * 5
CONTROL_NICKNAME = NICKNAME + "\x07"


def _forms(value: str) -> list[bytes]:
    """Every spelling a stored value could take: UTF-8, JSON-escaped, hex (PostgreSQL bytea)."""
    raw = value.encode()
    forms = {raw, json.dumps(value).encode(), raw.hex().encode()}
    if not value.isascii():
        forms.add(value.encode("utf-16-le"))
    return sorted(forms)


def _needles() -> dict[str, list[bytes]]:
    values = [
        NICKNAME,
        NICKNAME_ZH,
        *PHONE_SPELLINGS,
        PHONE_DIGITS,
        "+86" + PHONE_DIGITS,
        SURVEY_NAME,
        SURVEY_PHONE,
        "+86" + SURVEY_PHONE,
        HOME_ADDRESS,
        "栖霞岭路88号",  # a distinctive fragment of the address
        DEVICE_MODEL,
        "Zorblax-9000",
        OS_VERSION,
        DEVICE_ID,
        IP,
        BAD_PHONE,
        "Quokkaberg-Zephyrine",
    ]
    return {v: _forms(v) for v in values}


def _text_needles() -> list[str]:
    return list(_needles())


def _populate(vault: Vault) -> None:
    """Collect every distinctive value through the public API, as an app would."""
    for n, spelling in enumerate(PHONE_SPELLINGS):
        vault.collect(
            f"user-{n}",
            "registration",
            {"account.nickname": NICKNAME if n % 2 else NICKNAME_ZH, "account.phone": spelling},
            actor="app",
        )
    vault.grant("user-0", "surveys")
    vault.collect(
        "user-0",
        "survey",
        {
            "survey.name": SURVEY_NAME,
            "survey.phone": SURVEY_PHONE,
            "survey.home_address": HOME_ADDRESS,
        },
        actor="surveys",
    )
    vault.collect(
        "user-1",
        "service_logging",
        {
            "device.model": DEVICE_MODEL,
            "device.os_version": OS_VERSION,
            "software.app_version": "8.0.1",
            "device.id": DEVICE_ID,
            "network.ip": IP,
        },
        actor="app",
    )
    vault.collect("user-2", "customer_service", {"support.messages": SUPPORT_MESSAGE}, actor="app")
    # The values really are held and readable: the searches below are not vacuous.
    got = vault.read("user-0", ["survey"], purpose="surveys", actor="surveys").values
    assert got["survey.home_address"] == HOME_ADDRESS
    assert vault.find("account.phone", PHONE_DIGITS, actor="app") == [f"user-{n}" for n in range(4)]


def _hits(data: bytes) -> list[str]:
    return [value for value, forms in _needles().items() if any(f in data for f in forms)]


def _sqlite_files(url: str) -> list[Path]:
    db = Path(url.split("///", 1)[1])
    return [p for p in (db, Path(f"{db}-wal"), Path(f"{db}-journal")) if p.exists()]


def _pg_dump(url: str) -> bytes:
    exe = shutil.which("pg_dump")
    if exe is None:
        if os.environ.get("CI") == "true":
            pytest.fail("pg_dump is not installed; the at-rest check on PostgreSQL needs it")
        pytest.skip("pg_dump is not installed")
    dbname = url.rsplit("/", 1)[1]
    done = subprocess.run(
        [exe, "-h", "127.0.0.1", "-U", "postgres", "--no-password", dbname],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    assert b"COPY public.pi_values" in done.stdout  # the dump really holds the vault's tables
    return done.stdout


def _at_rest(vault: Vault) -> bytes:
    """Everything the store keeps on disk (SQLite) or would hand to a backup (PostgreSQL)."""
    if vault.url.startswith("sqlite"):
        files = _sqlite_files(vault.url)
        assert files, "the SQLite file is missing"
        return b"".join(p.read_bytes() for p in files)
    return _pg_dump(vault.url)


def test_no_value_is_in_the_store_in_the_clear(vault: Vault) -> None:
    _populate(vault)
    if vault.url.startswith("sqlite"):
        # While the vault is open, recent writes sit in the -wal file: search it too.
        assert any(p.name.endswith("-wal") and p.stat().st_size for p in _sqlite_files(vault.url))
    assert _hits(_at_rest(vault)) == []
    vault.close()  # closing checkpoints the WAL into the main file: search that again
    assert _hits(_at_rest(vault)) == []


def test_the_search_would_find_a_value_stored_in_the_clear(vault: Vault) -> None:
    """Guard against a vacuous check: a plain row holding the value IS found."""
    engine = sa.create_engine(normalise_url(vault.url))
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "CREATE TABLE leak (v TEXT, b BYTEA)"
                if "postgres" in vault.url
                else "CREATE TABLE leak (v TEXT, b BLOB)"
            )
        )
        conn.execute(
            sa.text("INSERT INTO leak VALUES (:v, :b)"),
            {"v": HOME_ADDRESS, "b": DEVICE_ID.encode()},
        )
    engine.dispose()
    found = _hits(_at_rest(vault))
    assert HOME_ADDRESS in found and DEVICE_ID in found


# ---- logs and error messages ---------------------------------------------------------


@pytest.fixture
def every_log(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Capture every log record at DEBUG, SQLAlchemy's SQL and parameters included."""
    caplog.set_level(logging.DEBUG)
    for name in ("sqlalchemy", "sqlalchemy.engine", "sqlalchemy.pool", "alembic", "psycopg"):
        caplog.set_level(logging.DEBUG, logger=name)
    yield caplog


def _refused_calls(vault: Vault) -> list[Callable[[], object]]:
    return [
        lambda: vault.collect("user-9", "registration", {"account.phone": BAD_PHONE}, actor="app"),
        lambda: vault.collect(
            "user-9",
            "registration",
            {"account.nickname": NICKNAME, "account.phone": int(PHONE_DIGITS)},
            actor="app",
        ),
        lambda: vault.collect(  # undeclared field: the address is not part of registration
            "user-9",
            "registration",
            {
                "account.nickname": NICKNAME,
                "account.phone": PHONE_DIGITS,
                "survey.home_address": HOME_ADDRESS,
            },
            actor="app",
        ),
        lambda: vault.collect(  # no separate consent to surveys yet
            "user-9", "survey", {"survey.home_address": HOME_ADDRESS}, actor="surveys"
        ),
        lambda: vault.collect(
            "user-9", "registration", {"account.nickname": TOO_LONG_NICKNAME}, actor="app"
        ),
        lambda: vault.collect(
            "user-9", "registration", {"account.nickname": CONTROL_NICKNAME}, actor="app"
        ),
        lambda: vault.collect(  # the ads service may not collect registration data
            "user-9", "registration", {"account.nickname": NICKNAME}, actor="ads"
        ),
        lambda: vault.collect(
            "user-9", "registration", {"account.nickname": NICKNAME}, actor="nobody"
        ),
        lambda: vault.collect(
            "user-9",
            "service_logging",
            {"device.model": DEVICE_MODEL, "device.id": "x"},
            actor="app",
        ),
        lambda: vault.find("account.phone", BAD_PHONE, actor="app"),
        lambda: vault.find(
            "account.phone", PHONE_DIGITS, actor="ads", purpose="ads_recommendation"
        ),
        lambda: vault.correct("user-1", "account.phone", BAD_PHONE),
        lambda: vault.correct("user-1", "survey.home_address", HOME_ADDRESS),  # nothing held there
    ]


def _error_texts(exc: BaseException) -> list[str]:
    """What a log or an API response could show: message, repr, args, the whole traceback."""
    texts = ["".join(traceback.format_exception(exc))]
    seen: BaseException | None = exc
    while seen is not None:
        texts += [str(seen), repr(seen), repr(seen.args)]
        seen = seen.__cause__ or seen.__context__
    return texts


def test_logs_and_refusals_never_contain_a_value(
    store_url: str, master_key: MasterKey, clock: FakeClock, every_log: pytest.LogCaptureFixture
) -> None:
    vault = Vault(store_url, master_key=master_key, clock=clock)
    try:
        vault.add_actor(
            "app", ["service", "security", "product_improvement", "software_management"]
        )
        vault.add_actor("ads", ["ads_recommendation"])
        vault.add_actor("surveys", ["surveys"])
        _populate(vault)
        vault.read("user-1", ["account", "device", "network"], purpose="security", actor="app")
        vault.export("user-0")
        problems: list[str] = []
        refused = 0
        for call in _refused_calls(vault):
            with pytest.raises(PivaultError) as err:
                call()
            refused += 1
            for text in _error_texts(err.value):
                problems += [
                    f"{type(err.value).__name__}: {v!r}" for v in _text_needles() if v in text
                ]
        assert refused == len(_refused_calls(vault))
        assert problems == []
        # Refused calls stored nothing and changed nothing.
        with pytest.raises(UnknownSubjectError):
            vault.read("user-9", ["account"], purpose="service", actor="app")
        kept = vault.read("user-1", ["account.phone"], purpose="service", actor="app").values
        assert kept == {"account.phone": "+86" + PHONE_DIGITS}
    finally:
        vault.close()

    records = every_log.records
    # The capture really saw the SQL layer (statements and their parameters).
    assert any(r.name.startswith("sqlalchemy.engine") for r in records)
    leaked = []
    for r in records:
        text = r.getMessage() + (r.exc_text or "") + repr(r.args)
        leaked += [f"{r.name}: {v!r}" for v in _text_needles() if v in text]
    assert leaked == []


# ---- erasure -------------------------------------------------------------------------


def test_after_erase_nothing_the_vault_holds_opens_the_old_ciphertexts(
    store_url: str, clock: FakeClock
) -> None:
    secret = os.urandom(32)
    master = MasterKey(secret)
    vault = Vault(store_url, master_key=master, clock=clock)
    vault.add_actor("app", ["service", "security", "product_improvement", "software_management"])
    vault.add_actor("surveys", ["surveys"])
    vault.add_actor("ads", ["ads_recommendation"])
    _populate(vault)
    engine = sa.create_engine(normalise_url(store_url))
    try:
        with engine.connect() as conn:  # what an attacker (or a backup) copied before the erasure
            old_rows = conn.execute(
                sa.select(
                    pi_values.c.category, pi_values.c.record_id, pi_values.c.ciphertext
                ).where(pi_values.c.subject == "user-0")
            ).all()
            old_wrapped = conn.execute(
                sa.select(subjects.c.wrapped_key).where(subjects.c.subject == "user-0")
            ).scalar_one()
        assert len(old_rows) == 5 and old_wrapped

        assert vault.erase("user-0") == 5
        with pytest.raises(SubjectErasedError):
            vault.read("user-0", ["account.phone"], purpose="service", actor="app")

        # Every key the vault still holds: the master key, the vault-wide keys, every
        # remaining person's data key.
        with engine.connect() as conn:
            assert (
                conn.execute(
                    sa.select(subjects.c.wrapped_key).where(subjects.c.subject == "user-0")
                ).scalar_one()
                is None
            )
            vault_wide = [
                master.unwrap(bytes(blob), "vault", name)
                for name, blob in conn.execute(sa.select(vault_keys.c.name, vault_keys.c.wrapped))
            ]
            people = [
                master.unwrap(bytes(blob), "subject", subject)
                for subject, blob in conn.execute(
                    sa.select(subjects.c.subject, subjects.c.wrapped_key).where(
                        subjects.c.wrapped_key.is_not(None)
                    )
                )
            ]
            assert (
                conn.execute(
                    sa.select(sa.func.count())
                    .select_from(pi_values)
                    .where(pi_values.c.subject == "user-0")
                ).scalar_one()
                == 0
            )
        assert len(vault_wide) >= 3 and len(people) == 3  # users 1–3 remain
        held = [secret, *vault_wide, *people]
        for category, record_id, blob in old_rows:
            for key in held:
                with pytest.raises(DecryptionError):
                    open_value(key, bytes(blob), "user-0", category, record_id)

        # The old wrapped key and ciphertexts are gone from the bytes at rest as well
        # (SQLite: secure_delete zeroes freed space and the WAL is checkpointed away).
        at_rest = _at_rest(vault)
        for gone in [bytes(old_wrapped), *(bytes(r.ciphertext) for r in old_rows)]:
            assert gone not in at_rest and gone.hex().encode() not in at_rest
        assert vault.verify_audit().ok
    finally:
        engine.dispose()
        vault.close()
    if store_url.startswith("sqlite"):
        at_rest = _at_rest(vault)  # after close as well
        assert bytes(old_wrapped) not in at_rest
