"""pivault: a personal-information vault for app backends — your privacy policy, enforced.

The curated public API (pinned by tests/test_public_api.py)::

    from pivault import Vault, MasterKey, load_policy

    vault = Vault("sqlite:///pivault.db", master_key=MasterKey.from_file(path))
    vault.collect("u1", "registration", {"account.phone": "13812345678"}, actor="app")
    vault.read("u1", ["account.phone"], purpose="service", actor="app")
"""

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
from pivault.core.audit_entry import AuditEntry
from pivault.service.audit import AuditReport
from pivault.service.policy_files import load_policy
from pivault.service.vault import Vault
from pivault.service.vault_base import (
    Actor,
    CollectReceipt,
    ConsentState,
    FeatureStatus,
    ReadResult,
)

__version__ = "0.1.0"

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
