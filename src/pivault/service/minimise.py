"""Apply a category's minimisation transform on the way into the vault.

Pure transforms come from :mod:`pivault.core.transforms`; the keyed pseudonym
uses the vault's pseudonym key; images and free text go through
:mod:`pivault.detect`. A photo's geotag is kept, as location data, only when the
feature declares the target category and the person's consents allow it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pivault.core.model import Policy
from pivault.core.transforms import PURE_TRANSFORMS
from pivault.crypto.envelope import pseudonym

Transformed = list[tuple[str, Any, str]]


def apply_transform(
    policy: Policy,
    pseudonym_key: bytes,
    category: str,
    value: Any,
    may_keep: Callable[[str], bool],
) -> Transformed:
    """[(category, value to store, transform applied or '')] for one collected value.

    ``may_keep(category)`` says whether a derived value (a photo's geotag) may be stored.
    """
    transform = policy.categories[category].transform
    if transform is None:
        return [(category, value, "")]
    name = transform.name
    if name in PURE_TRANSFORMS:
        return [(category, PURE_TRANSFORMS[name](value, transform.params), name)]
    if name == "pseudonymise":
        return [(category, pseudonym(pseudonym_key, category, str(value)), name)]
    if name == "redact_text":
        from pivault.detect import redact

        entities = transform.params.get("entities")
        masked = redact(value, operator="mask", entities=list(entities) if entities else None)
        return [(category, masked, name)]
    if name == "strip_exif_location":
        from pivault.detect.images import strip_identifying_metadata

        stripped = strip_identifying_metadata(value)
        out: Transformed = [(category, stripped.data, name)]
        keep_as = transform.params.get("keep_location_as")
        if stripped.location is not None and keep_as and may_keep(str(keep_as)):
            where = stripped.location
            out.append(
                (str(keep_as), {"lat": where.latitude, "lon": where.longitude}, "kept_from_image")
            )
        return out
    raise AssertionError(
        f"transform {name} is declared but not implemented"
    )  # policy_parse forbids
