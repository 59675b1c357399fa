"""What every command shares: the global options and opening the vault they name."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import typer
from rich.console import Console

from pivault.core.errors import InvalidArgumentError
from pivault.crypto.master_key import MasterKey, default_key_path
from pivault.service.policy_files import load_policy
from pivault.service.vault import Vault
from pivault.service.witnesses import parse_witnesses

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

    @property
    def witness_dir(self) -> Path | str:
        """``PIVAULT_AUDIT_WITNESS_DIR``, or the vault's default witness directory."""
        return os.environ.get("PIVAULT_AUDIT_WITNESS_DIR") or "default"

    @contextmanager
    def open_vault(self, *, sequence: bool = True) -> Iterator[Vault]:
        """The vault; with ``sequence``, the command's audit entries are integrated into
        the log before it exits (a command is its own sequencer; ``pivault serve`` runs one
        in the background)."""
        key = MasterKey.from_file(self.key_path)
        with Vault(
            self.url,
            master_key=key,
            policy=load_policy(self.policy_file),
            witness_dir=self.witness_dir,
            witnesses=parse_witnesses(os.environ.get("PIVAULT_AUDIT_WITNESSES", "")),
        ) as vault:
            try:
                yield vault
            finally:
                if sequence:
                    vault.audit.integrate()


def write_output(path: Path, text: str) -> None:
    """Write a command's ``-o FILE``: a missing folder or a refused write is one clear line
    (InvalidArgumentError), and nothing half-written is left behind."""
    if not path.parent.is_dir():
        raise InvalidArgumentError(f"cannot write {path}: folder {path.parent} does not exist")
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise InvalidArgumentError(f"cannot write {path}: {exc.strerror or exc}") from None


def options(ctx: typer.Context) -> Options:
    obj = ctx.find_root().obj
    assert isinstance(obj, Options)
    return obj
