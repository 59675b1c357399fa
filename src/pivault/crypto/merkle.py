"""RFC 6962 / RFC 9162 Merkle tree hashing, proofs and their verification.

A leaf hash is SHA-256(0x00 || leaf), an interior node SHA-256(0x01 || left || right);
a tree of n leaves splits at the largest power of two below n (RFC 9162 §2.1.1).
Proof generation reads *perfect* subtrees through a ``node(level, index)`` callable
(the hash of leaves ``[index·2^level, (index+1)·2^level)``), so the store can keep them
in tiles and no proof ever rescans the log. Verification follows RFC 9162 §2.1.3.2
and §2.1.4.2 word for word and needs nothing but hashes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from pivault.crypto.primitives import digest, digests_equal

__all__ = [
    "EMPTY_ROOT",
    "Frontier",
    "NodeSource",
    "consistency_path",
    "inclusion_path",
    "leaf_hash",
    "node_hash",
    "range_hash",
    "root_of",
    "verify_consistency",
    "verify_inclusion",
]

HASH_BYTES = 32
#: The root of the empty tree: SHA-256 of nothing (RFC 9162 §2.1.1).
EMPTY_ROOT = digest(b"")
#: The hash of the perfect subtree at (level, index).
NodeSource = Callable[[int, int], bytes]


def leaf_hash(leaf: bytes) -> bytes:
    return digest(b"\x00" + leaf)


def node_hash(left: bytes, right: bytes) -> bytes:
    return digest(b"\x01" + left + right)


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (n ≥ 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def range_hash(start: int, end: int, node: NodeSource) -> bytes:
    """MTH of leaves ``[start, end)``, where ``start`` is aligned as RFC 9162's recursion
    leaves it (a multiple of the largest power of two not above ``end - start``)."""
    n = end - start
    if n <= 0:
        return EMPTY_ROOT
    if n & (n - 1) == 0:  # a perfect subtree: one stored node
        level = n.bit_length() - 1
        return node(level, start >> level)
    k = _split(n)
    return node_hash(range_hash(start, start + k, node), range_hash(start + k, end, node))


def root_of(size: int, node: NodeSource) -> bytes:
    return range_hash(0, size, node)


def inclusion_path(index: int, size: int, node: NodeSource) -> list[bytes]:
    """PATH(index, D[0:size]) of RFC 9162 §2.1.3.1, leaf level first."""
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} is outside a tree of size {size}")
    path: list[bytes] = []
    start, end = 0, size
    while end - start > 1:
        k = _split(end - start)
        if index < start + k:
            path.append(range_hash(start + k, end, node))
            end = start + k
        else:
            path.append(range_hash(start, start + k, node))
            start += k
    path.reverse()
    return path


def consistency_path(old_size: int, new_size: int, node: NodeSource) -> list[bytes]:
    """PROOF(old_size, D[0:new_size]) of RFC 9162 §2.1.4.1."""
    if not 0 <= old_size <= new_size:
        raise ValueError(f"no consistency proof from size {old_size} to size {new_size}")
    if old_size == 0 or old_size == new_size:
        return []
    path: list[bytes] = []
    start, end, m, have_root = 0, new_size, old_size, True
    while True:
        n = end - start
        if m == n:
            if not have_root:
                path.append(range_hash(start, end, node))
            break
        k = _split(n)
        if m <= k:
            path.append(range_hash(start + k, end, node))
            end = start + k
        else:
            path.append(range_hash(start, start + k, node))
            start, m, have_root = start + k, m - k, False
    path.reverse()
    return path


def verify_inclusion(
    index: int, size: int, leaf: bytes, path: Sequence[bytes], root: bytes
) -> bool:
    """RFC 9162 §2.1.3.2: does ``path`` prove leaf hash ``leaf`` at ``index`` under ``root``?"""
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and digests_equal(r, root)


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, path: Sequence[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2: is the tree of ``new_size`` an append-only extension of ``old_size``?"""
    if not 0 <= old_size <= new_size:
        return False
    if old_size == new_size:
        return not path and digests_equal(old_root, new_root)
    if old_size == 0:
        return not path
    if not path:
        return False
    proof = list(path)
    if old_size & (old_size - 1) == 0:
        proof.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and digests_equal(fr, old_root) and digests_equal(sr, new_root)


@dataclass
class Frontier:
    """The right edge of a tree being appended to: one perfect subtree per set bit of
    ``size``, largest first (a "compact range"). Appending reports every perfect node it
    completes, so the caller can store them; the root needs no stored node at all."""

    size: int = 0
    nodes: list[bytes] = field(default_factory=list)

    def append(self, leaf: bytes, completed: list[tuple[int, int, bytes]] | None = None) -> None:
        """Add one leaf hash; with ``completed``, add (level, index, hash) of each new node."""
        index, h, level = self.size, leaf, 0
        if completed is not None:
            completed.append((0, index, h))
        while index & 1:
            h = node_hash(self.nodes.pop(), h)
            index >>= 1
            level += 1
            if completed is not None:
                completed.append((level, index, h))
        self.nodes.append(h)
        self.size += 1

    def extend(self, leaves: Iterable[bytes]) -> None:
        for leaf in leaves:
            self.append(leaf)

    def root(self) -> bytes:
        if not self.nodes:
            return EMPTY_ROOT
        h = self.nodes[-1]
        for left in reversed(self.nodes[:-1]):
            h = node_hash(left, h)
        return h

    @classmethod
    def at(cls, size: int, node: NodeSource) -> Frontier:
        """The frontier of the stored tree of ``size`` leaves."""
        nodes, start = [], 0
        for level in range(size.bit_length() - 1, -1, -1):
            if size >> level & 1:
                nodes.append(node(level, start >> level))
                start += 1 << level
        return cls(size, nodes)
