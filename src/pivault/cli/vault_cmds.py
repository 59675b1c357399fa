"""Vault commands: init, collect, read, consent, features, actors, export, erase and more."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from pivault.cli.context import options, out, write_output
from pivault.core.decide import features_needing
from pivault.core.errors import InvalidArgumentError
from pivault.core.values import BINARY_TYPES
from pivault.crypto.master_key import MasterKey
from pivault.service.policy_files import load_policy
from pivault.service.vault import Vault

consent_app = typer.Typer(
    help="Grant or withdraw a consent; show a person's consents.", no_args_is_help=True
)
actors_app = typer.Typer(
    help="Register calling services and the purposes they may claim.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    for fn in (init, collect, read, features, export, correct, delete, erase, purge):
        app.command(fn.__name__)(fn)
    app.add_typer(consent_app, name="consent")
    app.add_typer(actors_app, name="actors")


def _describe(value: Any) -> str:
    if isinstance(value, bytes | bytearray):
        return f"<{len(value)} bytes>"
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _pairs(vault: Vault, items: list[str]) -> dict[str, Any]:
    """CATEGORY=VALUE arguments; VALUE '@path' reads a file (for images and templates)."""
    values: dict[str, Any] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        if not sep or not key:
            raise InvalidArgumentError(f"expected CATEGORY=VALUE, got {key or item!r} without '='")
        cat = vault.policy.categories.get(key)
        is_binary = (
            cat is not None and cat.value_type is not None and cat.value_type.name in BINARY_TYPES
        )
        if is_binary:
            if not raw.startswith("@"):
                raise InvalidArgumentError(f"{key} takes a file: write {key}=@PATH")
            try:
                values[key] = Path(raw[1:]).read_bytes()
            except OSError as exc:
                raise InvalidArgumentError(f"cannot read {raw[1:]}: {exc.strerror}") from None
        else:
            values[key] = raw
    return values


def init(ctx: typer.Context) -> None:
    """Create the vault (and the master key file if there is none yet)."""
    opts = options(ctx)
    path = opts.key_path
    if not path.exists():
        key = MasterKey.generate()
        key.write(path)
        out.print(f"master key written to {path} (mode 0600, key id {key.key_id})")
    else:
        key = MasterKey.from_file(path)
    with Vault(opts.url, master_key=key, policy=load_policy(opts.policy_file)) as vault:
        out.print(f"vault ready at {opts.url} with policy version {vault.policy.version}")


def collect(
    ctx: typer.Context,
    subject: str,
    feature: str,
    values: Annotated[list[str], typer.Argument(help="CATEGORY=VALUE … (VALUE @file for images)")],
    actor: Annotated[str, typer.Option("--actor", help="The registered service collecting.")],
) -> None:
    """Collect values for a person through a feature; undeclared fields are refused."""
    with options(ctx).open_vault() as vault:
        receipt = vault.collect(
            subject, feature, _pairs(vault, values), actor=actor, from_text=True
        )
    out.print(f"collected {', '.join(receipt.stored)} for {subject} via {feature}")
    for cat, transform in receipt.transforms.items():
        out.print(f"  minimised {cat}: {transform}")


def read(
    ctx: typer.Context,
    subject: str,
    categories: list[str],
    purpose: Annotated[str, typer.Option("--purpose", help="The purpose of this use.")],
    actor: Annotated[str, typer.Option("--actor", help="The registered service reading.")],
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Read values for a purpose; each denied category comes with its reason."""
    with options(ctx).open_vault() as vault:
        result = vault.read(subject, categories, purpose=purpose, actor=actor)
    if as_json:
        doc = {
            "subject": subject,
            "purpose": purpose,
            "values": {
                k: ({"bytes": len(v)} if isinstance(v, bytes) else v)
                for k, v in result.values.items()
            },
            "denied": {k: d.as_dict() for k, d in result.denied.items()},
            "not_collected": result.missing,
        }
        out.print(json.dumps(doc, ensure_ascii=False, indent=2), markup=False)
        return
    table = Table("category", "outcome", "value / reason")
    for cat, value in result.values.items():
        table.add_row(cat, "[green]allowed[/]", _describe(value))
    for cat in result.missing:
        table.add_row(cat, "allowed", "(not collected)")
    for cat, decision in result.denied.items():
        table.add_row(cat, f"[red]denied: {decision.reason.value}[/]", decision.message)
    out.print(table)


def features(
    ctx: typer.Context,
    subject: str,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Every feature: available or not, and which consent it lacks."""
    with options(ctx).open_vault() as vault:
        statuses = vault.features(subject)
        labels = {k: f.label for k, f in vault.policy.features.items()}
    if as_json:
        doc = [
            {
                "feature": s.feature,
                "available": s.available,
                "missing_consents": list(s.missing_consents),
            }
            for s in statuses
        ]
        out.print(json.dumps(doc, ensure_ascii=False, indent=2), markup=False)
        return
    table = Table("feature", "名称 / name", "available", "needs consent to")
    for s in statuses:
        label = labels[s.feature]
        table.add_row(
            s.feature,
            f"{label.zh} / {label.en}",
            "[green]yes[/]" if s.available else "[red]no[/]",
            ", ".join(s.missing_consents),
        )
    out.print(table)


def export(
    ctx: typer.Context,
    subject: str,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write to FILE.")] = None,
) -> None:
    """Everything held about a person, as JSON (PIPL Art. 45)."""
    with options(ctx).open_vault() as vault:
        doc = vault.export(subject)
    text = json.dumps(doc, ensure_ascii=False, indent=2)
    if output is None:
        out.print(text, markup=False)
    else:
        write_output(output, text + "\n")
        out.print(
            f"exported {len(doc['data'])} values and {len(doc['access_history'])} "
            f"audit entries to {output}"
        )


def correct(
    ctx: typer.Context, subject: str, value: Annotated[str, typer.Argument(help="CATEGORY=VALUE")]
) -> None:
    """Correct a value the vault holds (PIPL Art. 46)."""
    with options(ctx).open_vault() as vault:
        ((category, new_value),) = _pairs(vault, [value]).items()
        vault.correct(subject, category, new_value, from_text=True)
    out.print(f"corrected {category} for {subject}")


def delete(ctx: typer.Context, subject: str, categories: list[str]) -> None:
    """Delete the values of some categories (PIPL Art. 47)."""
    with options(ctx).open_vault() as vault:
        deleted = vault.delete_categories(subject, categories)
    out.print(f"deleted {', '.join(deleted) or 'nothing (none held)'} for {subject}")


def erase(
    ctx: typer.Context,
    subject: str,
) -> None:
    """Cancel a person's account: destroy their data key (crypto-shredding) and their rows."""
    with options(ctx).open_vault() as vault:
        count = vault.erase(subject)
    out.print(f"erased {subject}: data key destroyed, {count} values deleted, tombstone kept")


def purge(ctx: typer.Context) -> None:
    """Delete values past their category's retention period."""
    with options(ctx).open_vault() as vault:
        purged = vault.purge_expired()
    total = sum(purged.values())
    out.print(f"purged {total} expired values" + (f": {purged}" if purged else ""))


@consent_app.command("grant")
def consent_grant(ctx: typer.Context, subject: str, item: str) -> None:
    """Grant a consent (a consent-based purpose or a sensitive category)."""
    _consent(ctx, subject, item, True)


@consent_app.command("withdraw")
def consent_withdraw(ctx: typer.Context, subject: str, item: str) -> None:
    """Withdraw a consent; it takes effect for the very next read."""
    _consent(ctx, subject, item, False)


def _consent(ctx: typer.Context, subject: str, item: str, granted: bool) -> None:
    with options(ctx).open_vault() as vault:
        if granted:
            vault.grant(subject, item, channel="cli")
        else:
            vault.withdraw(subject, item, channel="cli")
        needing = features_needing(vault.policy, item)
    verb = "granted" if granted else "withdrew"
    out.print(f"{subject} {verb} consent to {item}")
    if needing:
        state = "available" if granted else "unavailable"
        out.print(f"  now {state}: {', '.join(needing)}; everything else keeps working")


@consent_app.command("show")
def consent_show(ctx: typer.Context, subject: str) -> None:
    """A person's consents and where each came from."""
    with options(ctx).open_vault() as vault:
        states = vault.consents(subject)
    table = Table("item", "kind", "granted", "since")
    for s in states:
        table.add_row(s.item, s.kind, "yes" if s.granted else "no", s.at or "(default)")
    out.print(table)


@actors_app.command("add")
def actors_add(
    ctx: typer.Context,
    name: str,
    purposes: Annotated[str, typer.Option("--purposes", help="Comma-separated purpose keys.")],
) -> None:
    """Register a service with the purposes it may claim."""
    with options(ctx).open_vault() as vault:
        actor = vault.add_actor(name, [p.strip() for p in purposes.split(",") if p.strip()])
    out.print(f"actor {actor.name} may claim: {', '.join(sorted(actor.purposes))}")


@actors_app.command("list")
def actors_list(ctx: typer.Context) -> None:
    """Registered services and their purposes."""
    with options(ctx).open_vault() as vault:
        for actor in vault.actors():
            out.print(f"{actor.name}: {', '.join(sorted(actor.purposes))}")
