"""Only one module touches cryptographic primitives: src/pivault/crypto/primitives.py."""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "pivault"
PRIMITIVE_IMPORT = re.compile(
    r"^\s*(import (hashlib|hmac|secrets)\b|from (hashlib|hmac|secrets|cryptography)\b)", re.M
)


def test_no_module_but_primitives_imports_crypto_libraries() -> None:
    offenders = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if path.name != "primitives.py" and PRIMITIVE_IMPORT.search(path.read_text())
    ]
    assert offenders == []
    assert PRIMITIVE_IMPORT.search((SRC / "crypto" / "primitives.py").read_text())
