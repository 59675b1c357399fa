"""Apply a category's minimisation transform on the way into the vault.

Transforms are defined once, in :data:`pivault.core.transforms.TRANSFORMS`. Pure ones
carry their own ``apply``; the three needing more register here under the same
name: the keyed pseudonym uses the vault's pseudonym key, images and free text go
through :mod:`pivault.detect`. A photo's geotag is kept, as location data, only
when the feature declares the target category and the person's consents allow it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pivault.core.model import Policy
from pivault.core.transforms import TRANSFORMS
from pivault.crypto.envelope import pseudonym

Transformed = list[tuple[str, Any, str]]

#: (pseudonym key, category, value, parameters, may_keep) -> what to store.
ServiceApply = Callable[[bytes, str, Any, Mapping[str, Any], Callable[[str], bool]], Transformed]


def _pseudonymise(
    key: bytes,
    category: str,
    value: Any,
    params: Mapping[str, Any],
    may_keep: Callable[[str], bool],
) -> Transformed:
    return [(category, pseudonym(key, category, str(value)), "pseudonymise")]


def _redact_text(
    key: bytes,
    category: str,
    value: Any,
    params: Mapping[str, Any],
    may_keep: Callable[[str], bool],
) -> Transformed:
    from pivault.detect import redact

    entities = params.get("entities")
    masked = redact(value, operator="mask", entities=list(entities) if entities else None)
    return [(category, masked, "redact_text")]


def _strip_exif_location(
    key: bytes,
    category: str,
    value: Any,
    params: Mapping[str, Any],
    may_keep: Callable[[str], bool],
) -> Transformed:
    from pivault.detect.images import strip_identifying_metadata

    stripped = strip_identifying_metadata(value)
    out: Transformed = [(category, stripped.data, "strip_exif_location")]
    keep_as = params.get("keep_location_as")
    if stripped.location is not None and keep_as and may_keep(str(keep_as)):
        where = stripped.location
        out.append(
            (str(keep_as), {"lat": where.latitude, "lon": where.longitude}, "kept_from_image")
        )
    return out


#: The transforms of :data:`TRANSFORMS` that have no pure ``apply``, by name.
SERVICE_TRANSFORMS: dict[str, ServiceApply] = {
    "pseudonymise": _pseudonymise,
    "redact_text": _redact_text,
    "strip_exif_location": _strip_exif_location,
}

_unapplied = {n for n, s in TRANSFORMS.items() if s.apply is None} ^ set(SERVICE_TRANSFORMS)
if _unapplied:  # a transform added to the registry must be applied somewhere, exactly once
    raise ImportError(f"transforms without exactly one apply function: {sorted(_unapplied)}")


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
    pure = TRANSFORMS[name].apply  # policy_parse admits registered names only
    if pure is not None:
        return [(category, pure(value, transform.params), name)]
    return SERVICE_TRANSFORMS[name](pseudonym_key, category, value, transform.params, may_keep)
