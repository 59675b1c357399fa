"""Validation rules for identifiers outside the mainland (checksums and prefix rules).

Hong Kong identity card (mod-11 check character), Taiwan national ID
(letter code + mod-10 checksum), UK National Insurance number (prefix
rules), plus thin wrappers over python-stdnum for IBAN (mod-97) and US SSN.
No function here ever puts the value in an error message.
"""

from __future__ import annotations

from stdnum import iban
from stdnum.us import ssn


def _letter_value(ch: str) -> int:
    """A=10 … Z=35, the value HK uses for the letters of an identity card number."""
    return ord(ch) - ord("A") + 10


def hk_id_ok(letters: str, digits: str, check: str) -> bool:
    """Hong Kong identity card: 1-2 letters + 6 digits + check (0-9 or A), mod 11.

    Weights 9..2 from the left over a 2-letter prefix; a single letter is
    preceded by a space worth 36. The weighted sum plus the check value
    (A = 10) is a multiple of 11.
    """
    if len(letters) == 1:
        values = [36, _letter_value(letters)]
    else:
        values = [_letter_value(letters[0]), _letter_value(letters[1])]
    values += [int(d) for d in digits]
    total = sum(v * w for v, w in zip(values, range(9, 1, -1), strict=True))
    check_value = 10 if check == "A" else int(check)
    return (total + check_value) % 11 == 0


#: Taiwan's area letters in code order (A=10, B=11, …; I, O, W, X, Y, Z out of sequence).
_TW_LETTER_CODES = {ch: code for code, ch in enumerate("ABCDEFGHJKLMNPQRSTUVXYWZIO", start=10)}


def taiwan_id_ok(value: str) -> bool:
    """Taiwan national ID / new-style resident certificate: letter + 9 digits, mod 10.

    The letter becomes two digits (its area code); weights 1,9,8,7,6,5,4,3,2,1,1.
    """
    code = _TW_LETTER_CODES.get(value[0])
    if code is None or not value[1:].isdigit():
        return False
    digits = [code // 10, code % 10, *(int(d) for d in value[1:])]
    weights = (1, 9, 8, 7, 6, 5, 4, 3, 2, 1, 1)
    return sum(d * w for d, w in zip(digits, weights, strict=True)) % 10 == 0


def iban_ok(compact: str) -> bool:
    """ISO 13616 IBAN: country format and mod-97 check (python-stdnum)."""
    # The national BBAN checks (check_country) reject valid-looking test IBANs; the
    # registry format and mod-97 stay.
    return bool(iban.is_valid(compact, check_country=False))


def us_ssn_ok(digits: str) -> bool:
    """US SSN: area not 000/666/9xx, group not 00, serial not 0000, not a known dummy."""
    return bool(ssn.is_valid(digits))


_NINO_FIRST_BANNED = frozenset("DFIQUV")
_NINO_SECOND_BANNED = frozenset("DFIOQUV")
_NINO_PREFIX_BANNED = frozenset(("BG", "GB", "KN", "NK", "NT", "TN", "ZZ"))


def uk_nino_ok(prefix: str) -> bool:
    """UK National Insurance number prefix rules (HMRC): allocatable two-letter prefixes."""
    prefix = prefix.upper()
    return (
        prefix[0] not in _NINO_FIRST_BANNED
        and prefix[1] not in _NINO_SECOND_BANNED
        and prefix not in _NINO_PREFIX_BANNED
    )
