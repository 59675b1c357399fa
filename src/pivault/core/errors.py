"""The one exception tree of pivault.

Every error pivault raises on purpose derives from :class:`PivaultError`.
No message ever contains a personal value: errors name the category, the
feature or the field, never what was in it.

::

    PivaultError
    ├── PolicyError ..................... a policy file is malformed or inconsistent
    ├── UnknownNameError ................ a name that the policy or vault does not know
    │   ├── UnknownSubjectError
    │   ├── UnknownCategoryError
    │   ├── UnknownFeatureError
    │   ├── UnknownPurposeError
    │   ├── UnknownActorError
    │   └── UnknownConsentItemError
    ├── CollectionRefusedError .......... collect() refused the whole call
    │   ├── UndeclaredFieldError ........ a field outside the feature's declared categories
    │   └── ConsentRequiredError ........ sensitive or consent-based data without consent
    ├── AccessDeniedError ............... a lookup the policy or the caller's registration forbids
    ├── ValueValidationError ............ a value is not valid for its category
    ├── EventBatchError ................. a batch of events refused whole (every bad event named)
    ├── InvalidArgumentError ............ a malformed name (actor, subject id) or option
    ├── MasterKeyError .................. master key missing, unreadable or not the vault's
    ├── DecryptionError ................. any failure to decrypt (deliberately opaque)
    ├── SubjectErasedError .............. the person's account was cancelled (crypto-shredded)
    ├── StoreError ...................... the database cannot be opened or used
    ├── AuditError ...................... the audit log, a checkpoint or a proof is not right
    │   ├── CheckpointError ............. a checkpoint note is malformed, or not signed by the key
    │   ├── ProofError .................. a proof was asked for outside the tree, or does not verify
    │   └── WitnessError ................ a checkpoint cannot be published to a witness
    ├── EngineUnavailableError .......... an optional engine (Spark, its Java) is missing
    └── DetectionError .................. input the detectors cannot process
        └── ImageError .................. a corrupt or unsupported image
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import get_close_matches

__all__ = [
    "AccessDeniedError",
    "AuditError",
    "CheckpointError",
    "CollectionRefusedError",
    "ConsentRequiredError",
    "DecryptionError",
    "DetectionError",
    "EngineUnavailableError",
    "EventBatchError",
    "ImageError",
    "InvalidArgumentError",
    "MasterKeyError",
    "PivaultError",
    "PolicyError",
    "PolicyProblem",
    "ProofError",
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
    "WitnessError",
    "did_you_mean",
]


class PivaultError(Exception):
    """Root of every error pivault raises on purpose."""

    #: A short stable machine-readable code, used by the CLI and the HTTP layer.
    code: str = "pivault_error"


@dataclass(frozen=True)
class PolicyProblem:
    """One problem in a policy file, located as ``file:line:col``."""

    file: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.message}"


class PolicyError(PivaultError):
    """Raised when a policy file cannot be parsed or fails its checks.

    ``problems`` holds every problem found, each with its file position.
    """

    code = "policy_invalid"

    def __init__(self, problems: Sequence[PolicyProblem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    """A ' (did you mean X?)' hint, or '' when nothing is close."""
    close = get_close_matches(name, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


class UnknownNameError(PivaultError):
    """Raised when a name is not one the policy or the vault knows.

    The message lists the valid choices (or a hint when there are many).
    """

    kind: str = "name"
    #: The plural of ``kind`` in messages ("valid categories", not "valid categorys").
    kinds: str = "names"
    code = "unknown_name"

    def __init__(self, name: str, choices: Iterable[str]) -> None:
        self.name = name
        self.choices = sorted(choices)
        shown = ", ".join(self.choices[:40])
        more = f" … ({len(self.choices)} in all)" if len(self.choices) > 40 else ""
        hint = did_you_mean(name, self.choices)
        super().__init__(
            f"unknown {self.kind} {name!r}{hint}; valid {self.kinds}: {shown or '(none)'}{more}"
        )


class UnknownSubjectError(UnknownNameError):
    """Raised when a subject (person) id has no record in the vault.

    Subject ids are not listed (they identify people); the choices are empty.
    """

    kind = "subject"
    kinds = "subjects"
    code = "unknown_subject"

    def __init__(self, name: str, choices: Iterable[str] = ()) -> None:
        self.name = name
        self.choices = []
        PivaultError.__init__(
            self, f"unknown subject {name!r}: no such person in this vault (collect creates one)"
        )


class UnknownCategoryError(UnknownNameError):
    """Raised when a data category key is not declared by the policy."""

    kind = "category"
    kinds = "categories"
    code = "unknown_category"


class UnknownFeatureError(UnknownNameError):
    """Raised when a feature key is not declared by the policy."""

    kind = "feature"
    kinds = "features"
    code = "unknown_feature"


class UnknownPurposeError(UnknownNameError):
    """Raised when a purpose key is not declared by the policy."""

    kind = "purpose"
    kinds = "purposes"
    code = "unknown_purpose"


class UnknownActorError(UnknownNameError):
    """Raised when an actor (a calling service) is not registered in the vault."""

    kind = "actor"
    kinds = "actors"
    code = "unknown_actor"


class UnknownConsentItemError(UnknownNameError):
    """Raised when a consent item is neither a consent-based purpose nor a sensitive category."""

    kind = "consent item"
    kinds = "consent items"
    code = "unknown_consent_item"


class CollectionRefusedError(PivaultError):
    """Raised when collect() refuses a call; nothing of the call is stored."""

    code = "collection_refused"


class UndeclaredFieldError(CollectionRefusedError):
    """Raised when collect() gets a field the feature does not declare (minimisation)."""

    code = "undeclared_field"

    def __init__(self, feature: str, fields: Sequence[str], allowed: Iterable[str]) -> None:
        self.feature = feature
        self.fields = list(fields)
        self.allowed = sorted(allowed)
        super().__init__(
            f"feature {feature!r} does not collect {', '.join(map(repr, self.fields))}; "
            f"it may collect only: {', '.join(self.allowed)}"
        )


class ConsentRequiredError(CollectionRefusedError):
    """Raised when collect() gets data whose use needs a consent the person has not given."""

    code = "consent_required"

    def __init__(self, category: str, consent_items: Sequence[str], detail: str) -> None:
        self.category = category
        self.consent_items = list(consent_items)
        super().__init__(detail)


class AccessDeniedError(PivaultError):
    """Raised when a lookup is denied: ``reason`` is the :class:`~pivault.core.decide.Reason`
    value (the denial is in the audit log all the same)."""

    code = "access_denied"

    def __init__(self, reason: str, message: str) -> None:
        self.reason = reason
        super().__init__(message)


class ValueValidationError(PivaultError):
    """Raised when a value is not valid for its category; names the category, never the value."""

    code = "invalid_value"

    def __init__(self, category: str, problem: str) -> None:
        self.category = category
        self.problem = problem
        super().__init__(f"invalid value for {category!r}: {problem}")


class EventBatchError(PivaultError):
    """Raised when a batch of events has bad events; nothing of the batch is stored.

    ``problems`` lists (index of the event in the batch, reason) for every bad event.
    """

    code = "invalid_events"

    def __init__(self, problems: Sequence[tuple[int, str]]) -> None:
        self.problems = list(problems)
        shown = "; ".join(f"event {i}: {why}" for i, why in self.problems[:20])
        more = f" … ({len(self.problems)} bad events in all)" if len(self.problems) > 20 else ""
        super().__init__(f"the batch was refused, nothing stored: {shown}{more}")


class InvalidArgumentError(PivaultError):
    """Raised for a malformed argument such as an actor name or a subject id."""

    code = "invalid_argument"


class MasterKeyError(PivaultError):
    """Raised when the master key is missing, unreadable, malformed or not this vault's."""

    code = "master_key"


class DecryptionError(PivaultError):
    """Raised for any failure to decrypt or unwrap; deliberately says nothing more."""

    code = "decryption_failed"

    def __init__(self) -> None:
        super().__init__("decryption failed")


class SubjectErasedError(PivaultError):
    """Raised when an operation names a person whose account was cancelled (erased)."""

    code = "subject_erased"


class StoreError(PivaultError):
    """Raised when the database cannot be opened, migrated or used; passwords are hidden."""

    code = "store_error"


class EngineUnavailableError(PivaultError):
    """Raised when an optional engine cannot run: PySpark not installed, no Java, no session."""

    code = "engine_unavailable"


class DetectionError(PivaultError):
    """Raised when the detectors are given input they cannot process."""

    code = "detection_error"


class ImageError(DetectionError):
    """Raised for a corrupt or unsupported image; nothing derived from it is stored."""

    code = "image_error"


class AuditError(PivaultError):
    """Raised when the audit log cannot be read, proved or verified as asked."""

    code = "audit_error"


class CheckpointError(AuditError):
    """Raised for a checkpoint note that is malformed, truncated or not signed by the key."""

    code = "checkpoint_invalid"


class ProofError(AuditError):
    """Raised for a proof asked outside the tree, or a proof file that does not verify."""

    code = "proof_invalid"


class WitnessError(AuditError):
    """Raised when a checkpoint cannot be written to the witness directory or a witness."""

    code = "witness_error"
