"""``pivault ingest`` and ``pivault events``: records over time (streams).

``ingest FILE.jsonl`` reads one event per line (``{"subject", "category", "at", "value",
"id"?}``) and sends them in batches; a batch with a bad event is refused whole and every
bad event is named by its line. ``events`` prints a stream newest first as
``{"events": [{"at", "value"}, …]}``, or the denial with its reason.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from pivault.cli.context import err, options, out
from pivault.core.errors import EventBatchError, InvalidArgumentError
from pivault.service.events import MAX_BATCH, parse_time

#: A denied read of a stream exits with this status (documented in the README).
EXIT_DENIED = 3
#: The longest line ``ingest`` reads (a line over it is reported, not read whole).
MAX_LINE_BYTES = 1024 * 1024


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest)
    app.command("events")(events)


def _lines(path: Path) -> Iterator[tuple[int, Any]]:
    """(line number, event or the reason it is not one) for each non-empty line."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise InvalidArgumentError(f"cannot read {path}: {exc.strerror or exc}") from None
    with handle:
        for number, raw in enumerate(iter(lambda: handle.readline(MAX_LINE_BYTES + 1), b""), 1):
            if len(raw) > MAX_LINE_BYTES:
                yield number, ValueError(f"a line is longer than {MAX_LINE_BYTES} bytes")
                handle.readline()  # skip the rest of the long line
                continue
            if not raw.strip():
                continue
            try:
                yield number, json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError:
                yield number, ValueError("the line is not UTF-8")
            except ValueError:
                yield number, ValueError("the line is not JSON")


def ingest(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Events, one JSON object per line (JSONL).")],
    actor: Annotated[str, typer.Option("--actor", help="The registered service sending them.")],
    batch: Annotated[
        int, typer.Option("--batch", min=1, max=MAX_BATCH, help="Events per batch.")
    ] = 1000,
) -> None:
    """Record events from a JSONL file, in batches (each refused whole if any event is bad)."""
    stored = duplicates = 0
    with options(ctx).open_vault() as vault:
        pending: list[tuple[int, Any]] = []

        def send() -> None:
            nonlocal stored, duplicates
            bad = [(n, str(e)) for n, e in pending if isinstance(e, Exception)]
            if bad:
                raise EventBatchError(bad)
            try:
                receipt = vault.record([e for _, e in pending], actor=actor)
            except EventBatchError as exc:  # report file lines, not batch indexes
                raise EventBatchError([(pending[i][0], why) for i, why in exc.problems]) from None
            stored += receipt.stored
            duplicates += receipt.duplicates
            pending.clear()

        try:
            for number, event in _lines(file):
                pending.append((number, event))
                if len(pending) >= batch:
                    send()
            if pending:
                send()
        except EventBatchError as exc:
            for line, why in exc.problems[:50]:
                err.print(f"{file}:{line}: {why}", markup=False)
            more = len(exc.problems) - 50
            tail = f" ({more} more)" if more > 0 else ""
            err.print(
                f"error: the batch was refused, nothing of it stored{tail}; "
                f"{stored} events of earlier batches were stored",
                markup=False,
            )
            raise typer.Exit(1) from None
    out.print(f"recorded {stored} events ({duplicates} already stored)")


def events(
    ctx: typer.Context,
    subject: str,
    category: str,
    purpose: Annotated[str, typer.Option("--purpose", help="The purpose of this use.")],
    actor: Annotated[str, typer.Option("--actor", help="The registered service reading.")],
    since: Annotated[str | None, typer.Option("--since", help="ISO-8601 time, with zone.")] = None,
    until: Annotated[str | None, typer.Option("--until", help="ISO-8601 time, with zone.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=MAX_BATCH)] = 100,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """A stream's events newest first; a denial exits with status 3 and its reason."""
    start = parse_time(since, "--since") if since else None
    end = parse_time(until, "--until") if until else None
    with options(ctx).open_vault() as vault:
        result = vault.events(
            subject, category, purpose=purpose, actor=actor, since=start, until=end, limit=limit
        )
    if result.denied is not None:
        doc = {"denied": {"reason": result.denied.reason.value, "message": result.denied.message}}
        if as_json:
            print(json.dumps(doc, ensure_ascii=False))
        else:
            err.print(
                f"denied: {result.denied.reason.value}: {result.denied.message}", markup=False
            )
        raise typer.Exit(EXIT_DENIED)
    if as_json:
        doc_events = [{"at": e.at, "value": e.value} for e in result.events]
        print(json.dumps({"events": doc_events}, ensure_ascii=False))
        return
    table = Table("time (UTC)", "value")
    for e in result.events:
        shown = e.value if isinstance(e.value, str) else json.dumps(e.value, ensure_ascii=False)
        table.add_row(e.at, shown)
    out.print(table)
