"""pivault: a personal-information vault for app backends — your privacy policy, enforced."""

from pivault.core.errors import (
    CollectionRefusedError,
    ConsentRequiredError,
    DecryptionError,
    DetectionError,
    ImageError,
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

__version__ = "0.1.0"

__all__ = [
    "CollectionRefusedError",
    "ConsentRequiredError",
    "DecryptionError",
    "DetectionError",
    "ImageError",
    "MasterKeyError",
    "PivaultError",
    "PolicyError",
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
    "__version__",
]
