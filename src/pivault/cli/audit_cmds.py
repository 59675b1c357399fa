"""``pivault audit …``: the Merkle audit log — verify, checkpoints, leaves, proofs.

The read-only commands (everything but ``checkpoint``) append no entry of their own and
do not sequence. ``verify-proof`` needs neither the master key nor the database.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from pivault.cli.context import err, options, out, write_output
from pivault.core.errors import CheckpointError, ProofError, WitnessError
from pivault.service.audit_offline import encode_leaf, verify_proof_offline

app = typer.Typer(
    help="The audit log: verify it, publish signed checkpoints, prove entries, "
    "show a person's access history.",
    no_args_is_help=True,
)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON.")]
CheckpointFile = Annotated[
    Path | None,
    typer.Option("--checkpoint", help="A signed checkpoint note file.", dir_okay=False),
]


def _read_file(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CheckpointError(f"cannot read {what} {path}: {exc.strerror or exc}") from None


@app.command("verify")
def verify(ctx: typer.Context, checkpoint: CheckpointFile = None) -> None:
    """Recompute the Merkle tree and check it against every checkpoint in the witness
    directory (and --checkpoint): exit 1 if any entry was altered, removed, inserted or
    reordered, or the database is older than a published checkpoint."""
    extra = [(str(checkpoint), _read_file(checkpoint, "checkpoint"))] if checkpoint else []
    with options(ctx).open_vault(sequence=False) as vault:
        report = vault.audit.verify(extra)
    if report.ok:
        pending = f"; {report.pending} not yet integrated" if report.pending else ""
        out.print(
            f"audit log OK: {report.entries} entries, consistent with "
            f"{report.checkpoints} signed checkpoints{pending}"
        )
        return
    for problem in report.problems:
        err.print(f"TAMPERED: {problem}", markup=False)
    raise typer.Exit(1)


@app.command("checkpoint")
def checkpoint(
    ctx: typer.Context,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Also write the note to FILE.")
    ] = None,
) -> None:
    """Integrate pending entries, then sign and publish the current checkpoint (to the
    database and the witness directory); print the signed note."""
    if output is not None and not output.parent.is_dir():  # before anything is published
        raise WitnessError(f"cannot write {output}: folder {output.parent} does not exist")
    with options(ctx).open_vault(sequence=False) as vault:
        note = vault.audit.checkpoint()
        for problem in vault.audit.witness_problems:
            err.print(f"warning: {problem}", markup=False)
    if output is not None:
        write_output(output, note)
    out.print(note, end="", markup=False)


@app.command("public-key")
def public_key(ctx: typer.Context) -> None:
    """The checkpoints' verifier key: NAME+KEYID_HEX+BASE64(0x01 || Ed25519 public key)."""
    with options(ctx).open_vault(sequence=False) as vault:
        out.print(str(vault.audit.verifier), markup=False)


@app.command("leaves")
def leaves(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """Every integrated entry as NDJSON: {"index": i, "leaf": base64 of its exact bytes}."""
    if not as_json:
        raise typer.BadParameter("leaves are printed as NDJSON only: pass --json")
    with options(ctx).open_vault(sequence=False) as vault:
        for index, leaf in vault.audit.leaves():
            print(json.dumps({"index": index, "leaf": encode_leaf(leaf)}))


def _checkpoint_size(vault: Any, path: Path | None) -> int | None:
    if path is None:
        note = vault.audit.latest_checkpoint()
        if note is None:
            raise CheckpointError("no checkpoint published yet: run `pivault audit checkpoint`")
        return int(vault.audit.read_checkpoint(note).size)
    return int(vault.audit.read_checkpoint(_read_file(path, "checkpoint")).size)


@app.command("prove")
def prove(
    ctx: typer.Context, index: int, checkpoint: CheckpointFile = None, as_json: JsonFlag = False
) -> None:
    """The inclusion proof of entry INDEX in the tree of the checkpoint's size (default:
    the latest published checkpoint)."""
    with options(ctx).open_vault(sequence=False) as vault:
        size = _checkpoint_size(vault, checkpoint)
        assert size is not None
        proof = vault.audit.prove(index, size)
    _print(proof.as_json(), as_json)


@app.command("prove-consistency")
def prove_consistency(ctx: typer.Context, old: Path, new: Path, as_json: JsonFlag = False) -> None:
    """The consistency proof between two checkpoint files (OLD's tree is a prefix of NEW's)."""
    with options(ctx).open_vault(sequence=False) as vault:
        old_cp = vault.audit.read_checkpoint(_read_file(old, "checkpoint"))
        new_cp = vault.audit.read_checkpoint(_read_file(new, "checkpoint"))
        proof = vault.audit.prove_consistency(old_cp.size, new_cp.size)
    if proof.old_root != old_cp.root or proof.new_root != new_cp.root:
        raise ProofError("a checkpoint's root does not match the log: run `pivault audit verify`")
    _print(proof.as_json(), as_json)


@app.command("verify-proof")
def verify_proof(
    public_key: Annotated[str, typer.Option("--public-key", help="The verifier key text.")],
    checkpoint: Annotated[Path, typer.Option("--checkpoint", help="The signed checkpoint.")],
    proof: Annotated[Path, typer.Option("--proof", help="A proof from `audit prove --json`.")],
) -> None:
    """Check a proof offline against a signed checkpoint: no master key, no database."""
    try:
        document = json.loads(_read_file(proof, "proof"))
    except ValueError:
        raise ProofError(f"{proof} is not JSON") from None
    if not isinstance(document, dict):
        raise ProofError(f"{proof} is not a JSON object")
    out.print(
        "OK: " + verify_proof_offline(public_key, _read_file(checkpoint, "checkpoint"), document)
    )


def _print(document: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print(json.dumps(document))
        return
    for key, value in document.items():
        shown = "\n  ".join(value) if isinstance(value, list) else value
        out.print(f"{key}: {shown}", markup=False)


@app.command("log")
def log(ctx: typer.Context, subject: str, as_json: JsonFlag = False) -> None:
    """Show one person's access history: who, for what purpose, which categories, outcome."""
    with options(ctx).open_vault(sequence=False) as vault:
        entries = vault.audit_log(subject)
    if as_json:
        for e in entries:
            out.print(json.dumps(e.as_dict(), ensure_ascii=False), markup=False)
        return
    table = Table("#", "time (UTC)", "actor", "action", "details")
    for e in entries:
        d = dict(e.detail)
        if e.action == "read":
            denied = ", ".join(f"{c} ({r})" for c, r in d.get("denied", {}).items())
            detail = (
                f"purpose {d.get('purpose')}; allowed: {', '.join(d.get('allowed', [])) or '-'}"
            )
            if denied:
                detail += f"; denied: {denied}"
        else:
            detail = json.dumps(d, ensure_ascii=False)
        table.add_row("…" if e.index is None else str(e.index), e.at, e.actor, e.action, detail)
    out.print(table)
