"""Writers take turns, readers never wait for them, driver errors stay clean.

A second ``Vault`` on the same store stands in for a second worker process: it has
its own engine and connection pool, as a uvicorn worker would.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from pivault import StoreError
from pivault.crypto.master_key import MasterKey
from pivault.service.vault import Vault
from pivault.store.driver import transaction
from pivault.store.engine import WRITE_LOCK
from pivault.store.statements import Statements

WAIT = 20.0  # generous: only reached when something is wrong


@contextmanager
def write_lock_held(vault: Vault) -> Iterator[None]:
    """Another worker in the middle of a write transaction, until the block ends."""
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with vault.store.engine.begin() as conn:  # SQLite: the writer lock and BEGIN IMMEDIATE
            if conn.dialect.name == "postgresql":
                conn.execute(text(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})"))
            holding.set()
            release.wait(WAIT)

    holder = threading.Thread(target=hold)
    holder.start()
    assert holding.wait(WAIT)
    try:
        yield
    finally:
        release.set()
        holder.join(WAIT)


def in_thread(fn: Callable[[], Any]) -> threading.Thread:
    thread = threading.Thread(target=fn, daemon=True)  # a hung one must not hang pytest
    thread.start()
    return thread


def test_reads_and_decisions_go_on_while_another_worker_writes(
    store_url: str, master_key: MasterKey
) -> None:
    with Vault(store_url, master_key=master_key) as vault:
        vault.add_actor("app", ["service"])
        vault.collect("u1", "registration", {"account.nickname": "小明"}, actor="app")
        with Vault(store_url, master_key=master_key) as other_worker:
            answers: list[object] = []
            with write_lock_held(other_worker):
                reader = in_thread(
                    lambda: answers.extend(
                        [
                            vault.decide("u1", "account.nickname", "service", "app").allowed,
                            len(vault.features("u1")),
                            len(vault.consents("u1")),
                            [a.name for a in vault.actors()],
                        ]
                    )
                )
                reader.join(WAIT)
                finished_while_writer_held_the_lock = not reader.is_alive()
            reader.join(WAIT)
            assert finished_while_writer_held_the_lock
            assert answers[0] is True and answers[3] == ["app"]


def test_a_write_waits_for_the_other_workers_write_and_then_lands(
    store_url: str, master_key: MasterKey
) -> None:
    with Vault(store_url, master_key=master_key) as vault:
        vault.add_actor("app", ["service"])
        with Vault(store_url, master_key=master_key) as other_worker:
            with write_lock_held(other_worker):
                writer = in_thread(
                    lambda: vault.collect(
                        "u2", "registration", {"account.nickname": "阿花"}, actor="app"
                    )
                )
                writer.join(0.5)
                waited = writer.is_alive()
            writer.join(WAIT)
            assert waited, "the collect did not wait for the write transaction in progress"
            got = vault.read("u2", ["account.nickname"], purpose="service", actor="app")
            assert got.values == {"account.nickname": "阿花"}
            assert vault.verify_audit().ok


def test_a_failing_driver_statement_is_a_sqlalchemy_error_without_values_and_rolls_back(
    store_url: str, master_key: MasterKey
) -> None:
    with Vault(store_url, master_key=master_key) as vault:
        vault.add_actor("app", ["service"])
        before = vault.verify_audit().entries
        statements = Statements(vault.store.engine.dialect)
        valid = {"leaf": b'{"v":1}', "subject_tag": None}
        broken = {"leaf": None, "subject_tag": b"someone-secret"}  # leaf is NOT NULL
        with pytest.raises(IntegrityError) as info, transaction(vault.store.engine) as conn:
            statements.write(conn, values=(), audit_entry=valid)
            statements.write(conn, audit_entry=broken, commit=True)
        assert "someone-secret" not in str(info.value)
        assert vault.audit.pending() == 0  # the first, valid insert was rolled back too
        report = vault.verify_audit()
        assert report.ok and report.entries == before


def test_a_write_inside_another_write_fails_at_once_instead_of_waiting_for_itself(
    tmp_path: Path, master_key: MasterKey
) -> None:
    with Vault(f"sqlite:///{tmp_path / 'v.db'}", master_key=master_key) as vault:
        vault.add_actor("app", ["service"])
        errors: list[Exception] = []

        def nested() -> None:
            with vault.store.engine.begin():
                try:
                    vault.collect("u1", "registration", {"account.nickname": "小明"}, actor="app")
                except StoreError as exc:
                    errors.append(exc)

        thread = in_thread(nested)
        thread.join(WAIT)
        assert not thread.is_alive(), "the nested write is waiting for itself"
        assert len(errors) == 1 and "inside another one" in str(errors[0])
        # Both are released: the next write goes through.
        vault.collect("u1", "registration", {"account.nickname": "小明"}, actor="app")
        assert vault.verify_audit().ok
