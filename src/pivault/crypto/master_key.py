"""The master key: a 256-bit key kept in a file of its own, never beside the data.

It only wraps other keys (each person's data key and the vault's index, audit and
pseudonym keys), so rotating it re-wraps a few small blobs and re-encrypts no value.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

from pivault.core.errors import DecryptionError, MasterKeyError
from pivault.crypto.primitives import KEY_BYTES, derive_key, new_key, open_sealed, seal

_HEADER = "pivault-master-key-v1:"
ENV_VAR = "PIVAULT_MASTER_KEY_FILE"


def context(*parts: str) -> bytes:
    """Unambiguous associated data: each part length-prefixed, so no separator can be forged."""
    out = bytearray(b"pivault/v1")
    for part in parts:
        raw = part.encode()
        out += b"|%d:" % len(raw) + raw
    return bytes(out)


class MasterKey:
    """The vault's master key. ``repr`` and ``str`` never show the secret."""

    __slots__ = ("_secret", "key_id")

    def __init__(self, secret: bytes) -> None:
        if len(secret) != KEY_BYTES:
            raise MasterKeyError(f"a master key is {KEY_BYTES} bytes, not {len(secret)}")
        self._secret = secret
        #: A public fingerprint: tells which key a vault was sealed with, reveals nothing.
        self.key_id = derive_key(secret, b"pivault/v1/key-id", 8).hex()

    def __repr__(self) -> str:
        return f"MasterKey(key_id={self.key_id!r})"

    @classmethod
    def generate(cls) -> MasterKey:
        return cls(new_key())

    def wrap(self, key: bytes, *ctx: str) -> bytes:
        """Encrypt a key under the master key, bound to its context (e.g. the person)."""
        return seal(self._secret, key, context("wrap", *ctx))

    def unwrap(self, blob: bytes, *ctx: str) -> bytes:
        try:
            return open_sealed(self._secret, blob, context("wrap", *ctx))
        except DecryptionError:
            raise MasterKeyError(
                "cannot unwrap a key with this master key (wrong key, or tampered data)"
            ) from None

    # ---- files -------------------------------------------------------------
    def write(self, path: Path) -> None:
        """Write the key to a new file readable only by its owner (mode 0600); never overwrite."""
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            raise MasterKeyError(f"{path} already exists; refusing to overwrite a key") from None
        with os.fdopen(fd, "w") as fh:
            fh.write(_HEADER + base64.b64encode(self._secret).decode() + "\n")
            fh.flush()
            os.fsync(fh.fileno())

    @classmethod
    def from_file(cls, path: Path | str) -> MasterKey:
        """Read a key file written by :meth:`write`; a clear error for anything else.

        Like ssh with a private key, a key file that its group or others can read is
        refused (``chmod 600`` it)."""
        path = Path(path)
        try:
            mode = path.stat().st_mode
            text = path.read_text().strip()
        except FileNotFoundError:
            raise MasterKeyError(
                f"no master key file at {path}; create one with `pivault keys init` "
                f"or point {ENV_VAR} at yours"
            ) from None
        except OSError as exc:
            raise MasterKeyError(f"cannot read master key file {path}: {exc.strerror}") from None
        if os.name == "posix" and mode & 0o077:
            raise MasterKeyError(
                f"master key file {path} can be read by other users (mode {mode & 0o777:o}); "
                f"run `chmod 600 {path}`"
            )
        if not text.startswith(_HEADER):
            raise MasterKeyError(f"{path} is not a pivault master key file")
        try:
            secret = base64.b64decode(text[len(_HEADER) :], validate=True)
        except ValueError:
            raise MasterKeyError(f"{path} is damaged: the key is not valid base64") from None
        return cls(secret)


def default_key_path() -> Path:
    """Where the master key lives unless told otherwise: the user's config folder.

    Deliberately not the working folder, where a SQLite vault usually is.
    """
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "pivault" / "master.key"
