"""pivault: a personal-information vault for app backends — your privacy policy, enforced.

The curated public API (pinned by tests/test_public_api.py)::

    from pivault import Vault, MasterKey, load_policy

    vault = Vault("sqlite:///pivault.db", master_key=MasterKey.from_file(path))
    vault.collect("u1", "registration", {"account.phone": "13812345678"}, actor="app")
    vault.read("u1", ["account.phone"], purpose="service", actor="app")

Names are imported on first use (:func:`pivault._lazy.lazy_namespace`): importing a
subpackage such as :mod:`pivault.detect` loads neither the vault nor SQLAlchemy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pivault._lazy import lazy_namespace

if TYPE_CHECKING:
    from pivault.core.audit_entry import AuditEntry
    from pivault.core.decide import Decider, Decision, Reason
    from pivault.core.errors import (
        CollectionRefusedError,
        ConsentRequiredError,
        DecryptionError,
        DetectionError,
        ImageError,
        InvalidArgumentError,
        MasterKeyError,
        PivaultError,
        PolicyError,
        StoreError,
        SubjectErasedError,
        UndeclaredFieldError,
        UnknownActorError,
        UnknownCategoryError,
        UnknownConsentItemError,
        UnknownFeatureError,
        UnknownNameError,
        UnknownPurposeError,
        UnknownSubjectError,
        ValueValidationError,
    )
    from pivault.core.model import Policy
    from pivault.core.policy_check import check_policy
    from pivault.core.policy_parse import parse_policy
    from pivault.crypto.master_key import MasterKey
    from pivault.service.audit import AuditReport
    from pivault.service.context import (
        Actor,
        CollectReceipt,
        ConsentState,
        FeatureStatus,
        ReadResult,
    )
    from pivault.service.policy_files import load_policy
    from pivault.service.vault import Vault

__version__ = "0.1.0"

#: Public name -> the module defining it.
_WHERE = {
    "Actor": "pivault.service.context",
    "AuditEntry": "pivault.core.audit_entry",
    "AuditReport": "pivault.service.audit",
    "CollectReceipt": "pivault.service.context",
    "CollectionRefusedError": "pivault.core.errors",
    "ConsentRequiredError": "pivault.core.errors",
    "ConsentState": "pivault.service.context",
    "Decider": "pivault.core.decide",
    "Decision": "pivault.core.decide",
    "DecryptionError": "pivault.core.errors",
    "DetectionError": "pivault.core.errors",
    "FeatureStatus": "pivault.service.context",
    "ImageError": "pivault.core.errors",
    "InvalidArgumentError": "pivault.core.errors",
    "MasterKey": "pivault.crypto.master_key",
    "MasterKeyError": "pivault.core.errors",
    "PivaultError": "pivault.core.errors",
    "Policy": "pivault.core.model",
    "PolicyError": "pivault.core.errors",
    "ReadResult": "pivault.service.context",
    "Reason": "pivault.core.decide",
    "StoreError": "pivault.core.errors",
    "SubjectErasedError": "pivault.core.errors",
    "UndeclaredFieldError": "pivault.core.errors",
    "UnknownActorError": "pivault.core.errors",
    "UnknownCategoryError": "pivault.core.errors",
    "UnknownConsentItemError": "pivault.core.errors",
    "UnknownFeatureError": "pivault.core.errors",
    "UnknownNameError": "pivault.core.errors",
    "UnknownPurposeError": "pivault.core.errors",
    "UnknownSubjectError": "pivault.core.errors",
    "ValueValidationError": "pivault.core.errors",
    "Vault": "pivault.service.vault",
    "check_policy": "pivault.core.policy_check",
    "load_policy": "pivault.service.policy_files",
    "parse_policy": "pivault.core.policy_parse",
}

__all__ = [
    "Actor",
    "AuditEntry",
    "AuditReport",
    "CollectReceipt",
    "CollectionRefusedError",
    "ConsentRequiredError",
    "ConsentState",
    "Decider",
    "Decision",
    "DecryptionError",
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
]

__getattr__, __dir__ = lazy_namespace(__name__, _WHERE, globals())
