"""The audit log's tables: entries, the tree's tiles, its size and root, checkpoints.

The dialect differences (how the sequencer is elected, how tiles are upserted) are
the :class:`~pivault.store.store.Store`'s.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from sqlalchemy import Connection, func, select, text, tuple_, update

from pivault.store.schema import audit_checkpoints, audit_log, audit_tiles, audit_tree
from pivault.store.store import Store

#: Nodes per tile, and the heights a tile level spans. c2sp.org/tlog-tiles spans 8 heights
#: per tile level and rehashes the ones between; pivault keeps every height (about twice
#: the hashes, ~64 bytes an entry) so a proof reads nodes and hashes nothing.
TILE_WIDTH = 256
TILE_HEIGHT = 1
HASH_BYTES = 32
_TREE = "log"


def tree_state(conn: Connection) -> tuple[int, bytes | None]:
    """The integrated tree's size and root (root None for a tree never integrated)."""
    row = conn.execute(
        select(audit_tree.c.size, audit_tree.c.root).where(audit_tree.c.name == _TREE)
    ).first()
    return (0, None) if row is None else (int(row.size), bytes(row.root))


def set_tree_state(conn: Connection, size: int, root: bytes, at: str) -> None:
    done = conn.execute(
        update(audit_tree)
        .where(audit_tree.c.name == _TREE)
        .values(size=size, root=root, integrated_at=at)
    ).rowcount
    if not done:
        conn.execute(audit_tree.insert().values(name=_TREE, size=size, root=root, integrated_at=at))


def pending(conn: Connection, limit: int) -> list[tuple[int, bytes]]:
    """Up to ``limit`` entries not yet in the tree, in the order they were written."""
    rows = conn.execute(
        select(audit_log.c.id, audit_log.c.leaf)
        .where(audit_log.c.idx.is_(None))
        .order_by(audit_log.c.id)
        .limit(limit)
    ).all()
    return [(int(r.id), bytes(r.leaf)) for r in rows]


def pending_count(conn: Connection) -> int:
    return int(conn.execute(text("SELECT count(*) FROM audit_log WHERE idx IS NULL")).scalar() or 0)


def assign_indexes(conn: Connection, first_id: int, last_id: int, start: int) -> int:
    """Give the pending entries with ids in [first_id, last_id] the places ``start``,
    ``start + 1``, … in id order, in ONE statement; returns how many were placed."""
    ordered = (
        select(
            audit_log.c.id,
            (func.row_number().over(order_by=audit_log.c.id) - 1 + start).label("place"),
        )
        .where(audit_log.c.idx.is_(None), audit_log.c.id.between(first_id, last_id))
        .subquery()
    )
    statement = update(audit_log).where(audit_log.c.id == ordered.c.id).values(idx=ordered.c.place)
    return int(conn.execute(statement).rowcount)


def tiles(conn: Connection, wanted: Iterable[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    """The tiles (level, index) asked for that exist, in one query."""
    keys = sorted(set(wanted))
    if not keys:
        return {}
    rows = conn.execute(
        select(audit_tiles.c.level, audit_tiles.c.idx, audit_tiles.c.hashes).where(
            tuple_(audit_tiles.c.level, audit_tiles.c.idx).in_(keys)
        )
    ).all()
    return {(int(r.level), int(r.idx)): bytes(r.hashes) for r in rows}


def put_tiles(store: Store, conn: Connection, changed: Mapping[tuple[int, int], bytes]) -> None:
    rows = [{"level": lv, "idx": ix, "hashes": h} for (lv, ix), h in sorted(changed.items())]
    store.upsert(conn, audit_tiles, rows, ["level", "idx"])


def all_tiles(conn: Connection) -> Iterator[tuple[int, int, bytes]]:
    rows = conn.execute(
        select(audit_tiles.c.level, audit_tiles.c.idx, audit_tiles.c.hashes).order_by(
            audit_tiles.c.level, audit_tiles.c.idx
        )
    )
    for r in rows:
        yield int(r.level), int(r.idx), bytes(r.hashes)


def leaves(conn: Connection, *, start: int = 0, batch: int = 20_000) -> Iterator[tuple[int, bytes]]:
    """Integrated entries (idx, leaf) in log order, fetched in batches (bounded memory)."""
    while True:
        rows = conn.execute(
            select(audit_log.c.idx, audit_log.c.leaf)
            .where(audit_log.c.idx >= start)
            .order_by(audit_log.c.idx)
            .limit(batch)
        ).all()
        for r in rows:
            yield int(r.idx), bytes(r.leaf)
        if len(rows) < batch:
            return
        start = int(rows[-1].idx) + 1


def entries_with_tag(conn: Connection, tag: bytes) -> list[tuple[int | None, int, bytes]]:
    """(idx, id, leaf) of every entry with this subject commitment, oldest first."""
    rows = conn.execute(
        select(audit_log.c.idx, audit_log.c.id, audit_log.c.leaf)
        .where(audit_log.c.subject_tag == tag)
        .order_by(audit_log.c.id)
    ).all()
    return [(None if r.idx is None else int(r.idx), int(r.id), bytes(r.leaf)) for r in rows]


def all_entries(conn: Connection) -> list[tuple[int | None, int, bytes]]:
    rows = conn.execute(
        select(audit_log.c.idx, audit_log.c.id, audit_log.c.leaf).order_by(audit_log.c.id)
    ).all()
    return [(None if r.idx is None else int(r.idx), int(r.id), bytes(r.leaf)) for r in rows]


def add_checkpoint(conn: Connection, size: int, note: str, at: str) -> None:
    exists = conn.execute(
        select(audit_checkpoints.c.size).where(audit_checkpoints.c.size == size)
    ).first()
    if exists is None:
        conn.execute(audit_checkpoints.insert().values(size=size, note=note, published_at=at))


def set_checkpoint_note(conn: Connection, size: int, note: str) -> None:
    """Replace a stored checkpoint's note by the same note with cosignatures added."""
    conn.execute(
        update(audit_checkpoints).where(audit_checkpoints.c.size == size).values(note=note)
    )


def latest_checkpoint(conn: Connection) -> tuple[int, str, str] | None:
    row = conn.execute(
        select(audit_checkpoints).order_by(audit_checkpoints.c.size.desc()).limit(1)
    ).first()
    return None if row is None else (int(row.size), str(row.note), str(row.published_at))


def checkpoints(conn: Connection) -> list[tuple[int, str]]:
    rows = conn.execute(
        select(audit_checkpoints.c.size, audit_checkpoints.c.note).order_by(
            audit_checkpoints.c.size
        )
    ).all()
    return [(int(r.size), str(r.note)) for r in rows]


def entry_row(leaf: bytes, subject_tag: bytes | None) -> dict[str, Any]:
    """The columns of a new (pending) entry."""
    return {"leaf": leaf, "subject_tag": subject_tag}
