"""What every command shares: the global options and opening the vault they name."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import typer
from rich.console import Console

from pivault.crypto.master_key import MasterKey, default_key_path
from pivault.service.policy_files import load_policy
from pivault.service.vault import Vault

DEFAULT_VAULT_URL = "sqlite:///pivault.db"

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


@dataclass
class Options:
    vault_url: str | None
    policy_file: Path | None
    key_file: Path | None

    @property
    def url(self) -> str:
        return self.vault_url or os.environ.get("PIVAULT_VAULT_URL") or DEFAULT_VAULT_URL

    @property
    def key_path(self) -> Path:
        return self.key_file or default_key_path()

    def open_vault(self) -> Vault:
        key = MasterKey.from_file(self.key_path)
        return Vault(self.url, master_key=key, policy=load_policy(self.policy_file))


def options(ctx: typer.Context) -> Options:
    obj = ctx.find_root().obj
    assert isinstance(obj, Options)
    return obj
