"""The audit log: a batched RFC 6962 Merkle log with signed checkpoints.

Operations write their entry in their own transaction and return (no lock is held
for the log). A sequencer — one at a time across processes, elected through the
store — integrates pending entries in batches: it gives them contiguous indexes,
stores the tree's perfect subtrees in tiles and records the new size and root. A
checkpoint (C2SP tlog-checkpoint, signed as a C2SP signed-note with Ed25519) commits
to a tree size and root; each one is also written to a witness directory outside
the database, so that editing the database — or restoring an older copy of it — is
caught by :meth:`AuditLog.verify`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from pivault.core.audit_entry import AuditEntry, leaf_bytes, parse_leaf
from pivault.core.errors import CheckpointError, ProofError, WitnessError
from pivault.crypto import merkle
from pivault.crypto.signed_note import (
    Checkpoint,
    NoteSigner,
    format_checkpoint,
    open_note,
    parse_checkpoint,
)
from pivault.service.witnesses import ExternalWitness
from pivault.service.witnesses import push as witness_push
from pivault.store import audit_store
from pivault.store.audit_store import HASH_BYTES, TILE_HEIGHT, TILE_WIDTH
from pivault.store.store import Store

__all__ = [
    "AuditEntry",
    "AuditLog",
    "AuditReport",
    "ConsistencyProof",
    "InclusionProof",
    "default_witness_dir",
]

#: The largest batch one sequencer transaction integrates (a backlog takes several).
MAX_BATCH = 4096


def default_witness_dir() -> Path:
    """``$XDG_STATE_HOME/pivault/witness`` (``~/.local/state/pivault/witness``)."""
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "pivault" / "witness"


@dataclass
class AuditReport:
    """The outcome of :meth:`AuditLog.verify`. ``ok`` is False if anything is wrong."""

    entries: int = 0
    pending: int = 0
    checkpoints: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class InclusionProof:
    index: int
    tree_size: int
    leaf_hash: bytes
    inclusion_path: tuple[bytes, ...]
    root_hash: bytes

    def as_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "tree_size": self.tree_size,
            "leaf_hash": self.leaf_hash.hex(),
            "inclusion_path": [h.hex() for h in self.inclusion_path],
            "root_hash": self.root_hash.hex(),
        }


@dataclass(frozen=True)
class ConsistencyProof:
    old_size: int
    new_size: int
    old_root: bytes
    new_root: bytes
    consistency_path: tuple[bytes, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "old_size": self.old_size,
            "new_size": self.new_size,
            "old_root_hash": self.old_root.hex(),
            "new_root_hash": self.new_root.hex(),
            "consistency_path": [h.hex() for h in self.consistency_path],
        }


class _BatchChanged(Exception):
    """An entry committed inside the batch's id range while it was integrated (PostgreSQL's
    ids are handed out before commit): the batch is rolled back and read again."""


class TileNodes:
    """Perfect-subtree hashes read from the stored tiles, each tile fetched once."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._tiles: dict[tuple[int, int], bytes] = {}

    def prefetch(self, compute: Callable[[merkle.NodeSource], object]) -> None:
        """Fetch, in one query, every tile that ``compute`` will read (a dry run with
        placeholder hashes finds them: which nodes a proof reads depends only on sizes)."""
        wanted: set[tuple[int, int]] = set()

        def record(level: int, index: int) -> bytes:
            tile_level, height = divmod(level, TILE_HEIGHT)
            wanted.add((tile_level, (index << height) // TILE_WIDTH))
            return bytes(HASH_BYTES)

        compute(record)
        self._tiles.update(audit_store.tiles(self._conn, wanted - self._tiles.keys()))

    def tile(self, level: int, index: int) -> bytes:
        key = (level, index)
        if key not in self._tiles:
            found = audit_store.tiles(self._conn, [key])
            if key not in found:
                raise ProofError(f"tile {level}/{index} of the audit tree is missing")
            self._tiles[key] = found[key]
        return self._tiles[key]

    def node(self, level: int, index: int) -> bytes:
        tile_level, height = divmod(level, TILE_HEIGHT)
        first = index << height
        tile = self.tile(tile_level, first // TILE_WIDTH)
        offset = (first % TILE_WIDTH) * HASH_BYTES
        count = 1 << height
        if len(tile) < offset + count * HASH_BYTES:
            raise ProofError(f"tile {tile_level}/{first // TILE_WIDTH} of the audit tree is short")
        hashes = [
            tile[offset + i * HASH_BYTES : offset + (i + 1) * HASH_BYTES] for i in range(count)
        ]
        while len(hashes) > 1:
            hashes = [merkle.node_hash(hashes[i], hashes[i + 1]) for i in range(0, len(hashes), 2)]
        return hashes[0]


def _tile_updates(
    conn: Connection, completed: Sequence[tuple[int, int, bytes]]
) -> dict[tuple[int, int], bytes]:
    """The tiles that ``completed`` nodes (level, index, hash) extend, with their new bytes."""
    new: dict[tuple[int, int], list[tuple[int, bytes]]] = {}
    for level, index, h in completed:
        if level % TILE_HEIGHT == 0:
            new.setdefault((level // TILE_HEIGHT, index // TILE_WIDTH), []).append(
                (index % TILE_WIDTH, h)
            )
    stored = audit_store.tiles(conn, new)
    out: dict[tuple[int, int], bytes] = {}
    for key, items in new.items():
        data = bytearray(stored.get(key, b""))
        for position, h in sorted(items):
            if len(data) != position * HASH_BYTES:
                raise ProofError(f"audit tile {key[0]}/{key[1]} is out of step with the tree")
            data += h
        out[key] = bytes(data)
    return out


class AuditLog:
    """The vault's audit log: write entries, sequence them, sign, prove, verify."""

    def __init__(
        self,
        store: Store,
        *,
        signer: NoteSigner,
        witness_dir: Path | None,
        now: Callable[[], str],
        witnesses: Sequence[ExternalWitness] = (),
    ) -> None:
        self._store = store
        self.witnesses = list(witnesses)
        #: Problems of the last checkpoint's external witnesses (empty: all cosigned).
        self.witness_problems: list[str] = []
        #: The size each external witness last cosigned (a hint: a 409 corrects it).
        self._cosigned: dict[str, int] = {}
        self.signer = signer
        self.verifier = signer.verifier
        self.origin = signer.name
        self.witness_dir = witness_dir
        self._now = now

    # ---- writing ---------------------------------------------------------------------
    @staticmethod
    def row(
        *, at: str, actor: str, action: str, tag: bytes | None, detail: Mapping[str, Any]
    ) -> dict[str, Any]:
        """The row of a new entry; ``tag`` is the subject commitment (or None)."""
        leaf = leaf_bytes(at=at, actor=actor, action=action, subject=tag, detail=detail)
        return audit_store.entry_row(leaf, tag)

    # ---- sequencing ------------------------------------------------------------------
    def integrate(self, *, max_entries: int | None = None) -> int:
        """Integrate pending entries into the tree, batch by batch; returns how many.

        Returns 0 at once when another process is the sequencer right now.
        """
        done = 0
        while max_entries is None or done < max_entries:
            limit = MAX_BATCH if max_entries is None else min(MAX_BATCH, max_entries - done)
            for _attempt in range(3):
                try:
                    count = self._integrate_batch(limit)
                    break
                except _BatchChanged:
                    continue
            else:
                return done
            done += count
            if count < limit:
                break
        return done

    def _integrate_batch(self, limit: int) -> int:
        with self._store.append() as conn:
            if not self._store.elect_sequencer(conn):
                return 0
            batch = audit_store.pending(conn, limit)
            if not batch:
                return 0
            size, _ = audit_store.tree_state(conn)
            nodes = TileNodes(conn)
            nodes.prefetch(lambda node: merkle.Frontier.at(size, node))
            frontier = merkle.Frontier.at(size, nodes.node)
            completed: list[tuple[int, int, bytes]] = []
            for _, leaf in batch:
                frontier.append(merkle.leaf_hash(leaf), completed)
            placed = audit_store.assign_indexes(conn, batch[0][0], batch[-1][0], size)
            if placed != len(batch):  # an entry committed in between: roll back, try again
                raise _BatchChanged()
            audit_store.put_tiles(self._store, conn, _tile_updates(conn, completed))
            audit_store.set_tree_state(conn, frontier.size, frontier.root(), self._now())
        return len(batch)

    def pending(self) -> int:
        with self._store.read() as conn:
            n = audit_store.pending_count(conn)
        return n

    # ---- checkpoints -----------------------------------------------------------------
    def tree(self) -> tuple[int, bytes]:
        with self._store.read() as conn:
            size, root = audit_store.tree_state(conn)
        return size, root if root is not None else merkle.EMPTY_ROOT

    def checkpoint(self) -> str:
        """Integrate pending entries, then sign, store and publish the tree's checkpoint.

        The note is written to the witness directory first: if that fails nothing is
        stored (:class:`WitnessError`). Then each external witness is asked to cosign;
        their cosignatures are added to the stored note (a witness that fails is in
        :attr:`witness_problems`, and the next checkpoint asks again).
        """
        self.integrate()
        size, root = self.tree()
        text = format_checkpoint(Checkpoint(self.origin, size, root))
        note = self.signer.sign(text)
        self._write_witness(size, note)
        with self._store.append() as conn:
            audit_store.add_checkpoint(conn, size, note, self._now())
        cosignatures, self.witness_problems = [], []
        for witness in self.witnesses:
            old = self._cosigned.get(witness.verifier.name, 0)
            try:
                cosignatures.append(witness_push(witness, note, text, size, old, self._consistency))
                self._cosigned[witness.verifier.name] = size
            except WitnessError as exc:
                self.witness_problems.append(str(exc))
        if cosignatures:
            note += "".join(cosignatures)
            self._write_witness(size, note)
            with self._store.append() as conn:
                audit_store.set_checkpoint_note(conn, size, note)
        return note

    def _consistency(self, old: int, new: int) -> list[bytes]:
        return list(self.prove_consistency(old, new).consistency_path)

    def latest_checkpoint(self) -> str | None:
        with self._store.read() as conn:
            row = audit_store.latest_checkpoint(conn)
        return None if row is None else row[1]

    def publish_if_due(self, min_interval_s: float, now_s: float, last_s: float) -> bool:
        """For the server: publish a checkpoint when the tree grew and the last one is
        ``min_interval_s`` old (a caller keeps ``last_s``). True when one was published."""
        if now_s - last_s < min_interval_s:
            return False
        size, _ = self.tree()
        latest = self.latest_checkpoint()
        if latest is not None and self.read_checkpoint(latest).size >= size:
            return False
        self.checkpoint()
        return True

    def read_checkpoint(self, note: str | bytes) -> Checkpoint:
        """The checkpoint a note carries, once this vault's signature on it checks."""
        checkpoint = parse_checkpoint(open_note(note, self.verifier))
        if checkpoint.origin != self.origin:
            raise CheckpointError(
                f"the checkpoint is for log {checkpoint.origin!r}, not this vault's {self.origin!r}"
            )
        return checkpoint

    def _origin_dir(self) -> Path | None:
        if self.witness_dir is None:
            return None
        return self.witness_dir / re.sub(r"[^A-Za-z0-9._-]", "_", self.origin)

    def _write_witness(self, size: int, note: str) -> None:
        folder = self._origin_dir()
        if folder is None:
            return
        target = folder / f"{size:020d}.checkpoint"
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            temporary = folder / f".{size}.{os.getpid()}.tmp"
            temporary.write_text(note, encoding="utf-8")
            os.replace(temporary, target)
        except OSError as exc:
            raise WitnessError(
                f"cannot write the checkpoint to the witness directory {folder}: "
                f"{exc.strerror or exc}; nothing was published"
            ) from None

    def witness_notes(self) -> list[tuple[str, str]]:
        """(file, note) of every checkpoint in the witness directory for this log."""
        folder = self._origin_dir()
        if folder is None or not folder.is_dir():
            return []
        out = []
        for path in sorted(folder.glob("*.checkpoint")):
            try:
                out.append((str(path), path.read_text(encoding="utf-8")))
            except (OSError, UnicodeDecodeError):
                out.append((str(path), ""))
        return out

    # ---- proofs ----------------------------------------------------------------------
    def prove(self, index: int, tree_size: int | None = None) -> InclusionProof:
        with self._store.read() as conn:
            size, _ = audit_store.tree_state(conn)
            tree_size = size if tree_size is None else tree_size
            if tree_size > size:
                raise ProofError(f"the tree has {size} entries, not {tree_size}")
            if not 0 <= index < tree_size:
                raise ProofError(
                    f"entry {index} is not in the tree of size {tree_size} "
                    f"(indexes 0…{tree_size - 1})"
                    if tree_size
                    else "the audit tree is empty"
                )
            nodes = TileNodes(conn)
            nodes.prefetch(lambda node: merkle.inclusion_path(index, tree_size, node))
            nodes.prefetch(lambda node: merkle.root_of(tree_size, node))
            path = merkle.inclusion_path(index, tree_size, nodes.node)
            proof = InclusionProof(
                index,
                tree_size,
                nodes.node(0, index),
                tuple(path),
                merkle.root_of(tree_size, nodes.node),
            )
        return proof

    def prove_consistency(self, old_size: int, new_size: int) -> ConsistencyProof:
        with self._store.read() as conn:
            size, _ = audit_store.tree_state(conn)
            if not 0 <= old_size <= new_size <= size:
                raise ProofError(
                    f"no consistency proof from size {old_size} to {new_size} "
                    f"in a tree of {size} entries"
                )
            nodes = TileNodes(conn)
            proof = ConsistencyProof(
                old_size,
                new_size,
                merkle.root_of(old_size, nodes.node),
                merkle.root_of(new_size, nodes.node),
                tuple(merkle.consistency_path(old_size, new_size, nodes.node)),
            )
        return proof

    # ---- reading ---------------------------------------------------------------------
    def leaves(self) -> Iterator[tuple[int, bytes]]:
        with self._store.read() as conn:
            yield from audit_store.leaves(conn)

    def entries(self, tag: bytes | None, subject: str | None) -> list[AuditEntry]:
        """Entries with subject commitment ``tag`` (every entry for None), oldest first."""
        with self._store.read() as conn:
            rows = (
                audit_store.all_entries(conn)
                if tag is None
                else audit_store.entries_with_tag(conn, tag)
            )
        return [parse_leaf(leaf, idx, subject) for idx, _, leaf in rows]

    # ---- verification ----------------------------------------------------------------
    def verify(self, extra: Sequence[tuple[str, str | bytes]] = ()) -> AuditReport:
        """Recompute the tree from every leaf; check it against the stored tiles, size and
        root, and against every checkpoint in the witness directory, the database and
        ``extra`` (name, note): altered, removed, inserted or reordered entries show."""
        report = AuditReport()
        expected: dict[int, list[tuple[str, bytes]]] = {}
        with self._store.read() as conn:
            notes = [*self.witness_notes(), *extra]
            notes += [(f"database checkpoint {s}", n) for s, n in audit_store.checkpoints(conn)]
            for name, note in notes:
                try:
                    cp = self.read_checkpoint(note)
                except CheckpointError as exc:
                    report.problems.append(f"{name}: {exc}")
                    continue
                expected.setdefault(cp.size, []).append((name, cp.root))
            # A checkpoint is stored twice (database, witness directory): count each once.
            report.checkpoints = len({(s, r) for s, v in expected.items() for _, r in v})
            frontier = merkle.Frontier()
            completed: list[tuple[int, int, bytes]] = []
            recomputed: dict[int, bytearray] = {}
            self._check_root(frontier, expected, report)
            for idx, leaf in audit_store.leaves(conn):
                if idx != frontier.size:
                    report.problems.append(
                        f"entries {frontier.size}–{idx - 1} are missing from the log (removed)"
                    )
                    break
                completed.clear()
                frontier.append(merkle.leaf_hash(leaf), completed)
                for level, _, h in completed:
                    if level % TILE_HEIGHT == 0:
                        recomputed.setdefault(level // TILE_HEIGHT, bytearray()).extend(h)
                if frontier.size in expected:
                    self._check_root(frontier, expected, report)
            report.entries = frontier.size
            size, root = audit_store.tree_state(conn)
            if size != frontier.size:
                report.problems.append(
                    f"the tree records {size} integrated entries but the log holds "
                    f"{frontier.size}: entries were removed or inserted"
                )
            elif root is not None and root != frontier.root():
                report.problems.append(
                    "the tree's root does not match its entries: an entry was altered, "
                    "inserted or reordered"
                )
            for cp_size, sources in sorted(expected.items()):
                if cp_size > frontier.size:
                    for name, _ in sources:
                        report.problems.append(
                            f"{name} commits to {cp_size} entries but the log holds only "
                            f"{frontier.size}: entries were removed, or an older copy of the "
                            "database was restored"
                        )
            self._check_tiles(conn, recomputed, report)
            report.pending = audit_store.pending_count(conn)
        return report

    @staticmethod
    def _check_root(
        frontier: merkle.Frontier,
        expected: Mapping[int, list[tuple[str, bytes]]],
        report: AuditReport,
    ) -> None:
        root = frontier.root()
        for name, want in expected.get(frontier.size, []):
            if want != root:
                report.problems.append(
                    f"{name} (size {frontier.size}) does not match the log: an entry among "
                    f"the first {frontier.size} was altered, removed, inserted or reordered"
                )

    @staticmethod
    def _check_tiles(
        conn: Connection, recomputed: Mapping[int, bytearray], report: AuditReport
    ) -> None:
        width = TILE_WIDTH * HASH_BYTES
        for level, index, hashes in audit_store.all_tiles(conn):
            want = bytes(recomputed.get(level, b"")[index * width : (index + 1) * width])
            if hashes != want:
                report.problems.append(
                    f"audit tile {level}/{index} does not match the entries "
                    "(proofs from it would not verify)"
                )
