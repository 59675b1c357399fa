"""The vault's structure holds: a thin facade, dialects only in the store, and store
failures at run time surface as StoreError without parameters."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from pivault import StoreError
from pivault.service.context import VaultContext
from pivault.service.vault import Vault

SRC = Path(__file__).resolve().parent.parent / "src" / "pivault"


def test_no_dialect_branch_outside_the_store() -> None:
    offenders = []
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC).as_posix()
        if rel.startswith("store/") or rel.startswith("service/scan/"):
            continue  # the scanner reads other people's databases, of any dialect
        text = path.read_text()
        if re.search(r"dialect\.name|\.dialect\b|startswith\(\"(sqlite|postgres)", text):
            offenders.append(rel)
    assert offenders == []


def test_the_vault_is_a_thin_facade_without_plumbing() -> None:
    public = {n for n, _ in inspect.getmembers(Vault) if not n.startswith("_")}
    assert not public & {"engine", "now", "session_key", "record_audit", "clock"}
    tree = ast.parse(inspect.getsource(Vault))
    methods = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]
    for method in methods:
        if method.name.startswith("_") and method.name != "__init__":
            continue
        if method.name == "__init__":
            continue  # opens the store and builds the context
        body = [
            s
            for s in method.body
            if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))
        ]
        # One statement: return (or call) the use case.
        assert len(body) == 1, f"Vault.{method.name} does work a use-case module should do"


def test_service_objects_take_the_context_not_the_vault() -> None:
    from pivault.service.clients import ApiClients
    from pivault.service.policy_versions import PolicyVersions
    from pivault.service.privacy_links import PrivacyLinks

    for cls in (ApiClients, PrivacyLinks, PolicyVersions):
        hints = inspect.signature(cls.__init__).parameters
        assert str(hints["ctx"].annotation) in ("VaultContext", str(VaultContext))


def test_a_store_failure_is_a_store_error_without_values(tmp_path: Path) -> None:
    from pivault.crypto.master_key import MasterKey

    url = f"sqlite:///{tmp_path / 'v.db'}"
    with Vault(url, master_key=MasterKey.generate()) as vault:
        vault.add_actor("app", ["service"])
        vault.collect("secret-subject", "registration", {"account.nickname": "小明"}, actor="app")
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE pi_values"))
        engine.dispose()
        with pytest.raises(StoreError) as info:
            vault.export("secret-subject")
    message = str(info.value)
    assert "pi_values" in message and "secret-subject" not in message and "小明" not in message
