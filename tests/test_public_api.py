"""The curated public API is pinned: adding or removing a name is a deliberate change."""

from __future__ import annotations

import subprocess
import sys

import pivault
from pivault.core import errors

PUBLIC = {
    "Actor",
    "AuditEntry",
    "AuditReport",
    "CollectReceipt",
    "CollectionRefusedError",
    "ConsentRequiredError",
    "ConsentState",
    "DecryptionError",
    "Decider",
    "Decision",
    "DetectionError",
    "FeatureStatus",
    "ImageError",
    "InvalidArgumentError",
    "MasterKey",
    "MasterKeyError",
    "PivaultError",
    "Policy",
    "PolicyError",
    "ReadResult",
    "Reason",
    "StoreError",
    "SubjectErasedError",
    "UndeclaredFieldError",
    "UnknownActorError",
    "UnknownCategoryError",
    "UnknownConsentItemError",
    "UnknownFeatureError",
    "UnknownNameError",
    "UnknownPurposeError",
    "UnknownSubjectError",
    "ValueValidationError",
    "Vault",
    "__version__",
    "check_policy",
    "load_policy",
    "parse_policy",
}


def test_public_api_is_exactly_the_curated_names() -> None:
    assert set(pivault.__all__) == PUBLIC
    for name in PUBLIC:
        assert hasattr(pivault, name), name


def test_every_error_derives_from_the_root_and_is_drawn_in_the_docstring() -> None:
    doc = errors.__doc__ or ""
    for name in errors.__all__:
        obj = getattr(errors, name)
        if isinstance(obj, type) and issubclass(obj, Exception):
            assert issubclass(obj, errors.PivaultError), name
            assert name in doc, f"{name} missing from the tree in errors.py"
            assert (obj.__doc__ and "Raised" in obj.__doc__) or obj is errors.PivaultError, name


def test_dir_lists_every_public_name() -> None:
    assert set(pivault.__all__) <= set(dir(pivault))


def test_importing_detect_loads_neither_the_vault_nor_sqlalchemy() -> None:
    # pivault.detect is documented as pure: a log filter or a scanner may import it
    # without pulling in the store, the service layer or a database driver.
    code = (
        "import pivault.detect, sys; print(sorted(m for m in sys.modules "
        "if m.startswith(('sqlalchemy', 'pivault.store', 'pivault.service'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
