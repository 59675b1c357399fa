"""The sequencer: several integrate at once and indexes stay contiguous; a process killed
with SIGKILL at any point loses no acknowledged entry and leaves no gap."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

from pivault.crypto.master_key import MasterKey
from pivault.service.vault import Vault


def test_concurrent_sequencers_never_give_one_index_twice_or_skip_one(
    store_url: str, master_key: MasterKey
) -> None:
    with Vault(store_url, master_key=master_key) as vault:
        vault.add_actor("app", ["service"])
        for i in range(30):
            vault.collect(f"u{i}", "registration", {"account.nickname": "小明"}, actor="app")
        others = [Vault(store_url, master_key=master_key) for _ in range(3)]
        try:
            writers_done = threading.Event()

            def write() -> None:
                for i in range(60):
                    vault.read(f"u{i % 30}", ["account"], purpose="service", actor="app")
                writers_done.set()

            def sequence(v: Vault) -> None:
                while not writers_done.is_set():
                    v.audit.integrate(max_entries=7)

            threads = [threading.Thread(target=write)]
            threads += [threading.Thread(target=sequence, args=(v,)) for v in others]
            for t in threads:
                t.start()
            for t in threads:
                t.join(60)
        finally:
            for v in others:
                v.close()
        report = vault.verify_audit()
        assert report.ok, report.problems
        entries = vault.audit_log()
        assert [e.index for e in entries] == list(range(len(entries)))
        assert len(entries) == 1 + 30 + 60


WORKER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from pivault.crypto.master_key import MasterKey
    from pivault.service.vault import Vault

    url, key = sys.argv[1], MasterKey.from_file(Path(sys.argv[2]))
    with Vault(url, master_key=key) as vault:
        n = 0
        while True:
            vault.read("u1", ["account"], purpose="service", actor="app")
            n += 1
            print(n, flush=True)  # acknowledged: the read's entry is committed
            if n % 5 == 0:
                vault.audit.integrate(max_entries=3)
    """
)


def test_sigkill_loses_no_acknowledged_entry_and_leaves_no_gap(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'vault.db'}"
    key = MasterKey.generate()
    key.write(tmp_path / "master.key")
    with Vault(url, master_key=key) as vault:
        vault.add_actor("app", ["service"])
        vault.collect("u1", "registration", {"account.nickname": "小明"}, actor="app")
        before = len(vault.audit_log())
    for round_ in range(3):
        proc = subprocess.Popen(
            [sys.executable, "-c", WORKER, url, str(tmp_path / "master.key")],
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        )
        assert proc.stdout is not None
        acknowledged = 0
        deadline = time.monotonic() + 30
        while acknowledged < 20 + 7 * round_ and time.monotonic() < deadline:
            acknowledged = int(proc.stdout.readline())
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        proc.stdout.close()
        with Vault(url, master_key=key) as vault:
            report = vault.verify_audit()  # integrates what the killed process left pending
            assert report.ok, report.problems
            entries = vault.audit_log()
            assert [e.index for e in entries] == list(range(len(entries)))
            reads = len(entries) - before
            assert reads >= acknowledged  # every acknowledged read is in the log
            before = len(entries)
