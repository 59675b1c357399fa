"""``pivault keys init|rotate``: the master key, kept apart from the data."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from pivault.cli.context import err, options, out
from pivault.core.errors import MasterKeyError
from pivault.crypto.master_key import MasterKey
from pivault.service.policy_files import load_policy
from pivault.service.vault import Vault

app = typer.Typer(help="Create and rotate the master key.", no_args_is_help=True)


@app.command("init")
def init(ctx: typer.Context) -> None:
    """Write a new master key file (mode 0600). Refuses to overwrite an existing one."""
    path = options(ctx).key_path
    key = MasterKey.generate()
    key.write(path)
    out.print(f"master key written to {path} (key id {key.key_id}); keep it apart from the data")


@app.command("rotate")
def rotate(ctx: typer.Context) -> None:
    """Re-wrap every data key under a new master key; no value is re-encrypted."""
    opts = options(ctx)
    path = opts.key_path
    old = MasterKey.from_file(path)
    vault = Vault(opts.url, master_key=old, policy=load_policy(opts.policy_file))
    new = MasterKey.generate()
    staged = Path(str(path) + ".new")
    if staged.exists():
        raise MasterKeyError(
            f"{staged} exists from an unfinished rotation; check which key the vault uses, "
            "then remove or rename it"
        )
    # Write the new key first: if we stop after the database commit, the key is not lost.
    new.write(staged)
    try:
        count = vault.rotate_master_key(new)
    except BaseException:
        staged.unlink()
        raise
    finally:
        vault.close()
    os.replace(staged, path)
    out.print(f"rotated: {count} keys re-wrapped; new key id {new.key_id} in {path}")
    err.print("the old key no longer opens this vault; destroy any copies of it")
