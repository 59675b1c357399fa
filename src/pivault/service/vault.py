"""The vault: the only path to personal values, a thin facade over the use cases.

It enforces the policy at runtime. Collection outside a feature's declared
categories is refused (minimisation); every read names a purpose and is allowed
only where the policy, the caller's registration and the person's consents allow
(purpose limitation); values are sealed per person, so erasing a person is
destroying one key; every operation lands in the Merkle audit log.

Each method is one call into a use-case module (:mod:`~pivault.service.collect`,
:mod:`~pivault.service.access`, :mod:`~pivault.service.consent`,
:mod:`~pivault.service.rights`, :mod:`~pivault.service.retention`,
:mod:`~pivault.service.keys`, :mod:`~pivault.service.audit_trail`), all sharing one
:class:`~pivault.service.context.VaultContext`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Self

from pivault.core.audit_entry import AuditEntry
from pivault.core.decide import Decider, Decision
from pivault.core.model import Policy
from pivault.crypto.master_key import MasterKey
from pivault.crypto.signed_note import NoteSigner
from pivault.service import (
    access,
    actors,
    audit_trail,
    collect,
    consent,
    keyring,
    keys,
    retention,
    rights,
)
from pivault.service import events as events_
from pivault.service.audit import AuditLog, AuditReport, default_witness_dir
from pivault.service.context import (
    SELF,
    Actor,
    Clock,
    CollectReceipt,
    ConsentState,
    FeatureStatus,
    ReadResult,
    VaultContext,
    iso,
    system_clock,
)
from pivault.service.events import EventsResult, RecordReceipt
from pivault.service.events_adopt import adopt_values
from pivault.service.policy_files import load_policy
from pivault.service.witnesses import ExternalWitness
from pivault.store.store import Store, open_store

__all__ = ["Vault"]


class Vault:
    """A vault on a store URL (SQLite file by default, PostgreSQL by URL).

    ``Vault(url, master_key=MasterKey.from_file(path), policy=load_policy(file))``;
    the policy defaults to the bundled one, the clock to the system's UTC time;
    ``witness_dir``: where audit checkpoints are published outside the database
    (``"default"``: :func:`~pivault.service.audit.default_witness_dir`; None: nowhere);
    ``witnesses``: external C2SP tlog-witness servers asked to cosign each checkpoint.
    """

    def __init__(
        self,
        url: str = "sqlite:///pivault.db",
        *,
        master_key: MasterKey,
        policy: Policy | None = None,
        clock: Clock = system_clock,
        witness_dir: Path | str | None = "default",
        witnesses: Sequence[ExternalWitness] = (),
    ) -> None:
        self.url = url
        policy = policy if policy is not None else load_policy()
        store = open_store(url)
        try:
            store.migrate(master_key)
            with store.setup() as conn:
                vault_keys = keyring.open_or_create(conn, master_key, iso(clock()))
        except BaseException:
            store.close()
            raise
        witness = default_witness_dir() if witness_dir == "default" else witness_dir
        signer = NoteSigner(f"pivault.audit/{vault_keys.vault_id}", vault_keys.audit_signing)
        self.context = VaultContext(
            policy=policy,
            decider=Decider(policy),
            store=store,
            master=master_key,
            keys=vault_keys,
            clock=clock,
            audit=AuditLog(
                store,
                signer=signer,
                witness_dir=Path(witness) if witness is not None else None,
                now=lambda: iso(clock()),
                witnesses=witnesses,
            ),
        )
        try:
            adopt_values(self.context)  # values of categories now declared streams
        except BaseException:
            store.close()
            raise

    @property
    def policy(self) -> Policy:
        return self.context.policy

    @property
    def decider(self) -> Decider:
        return self.context.decider

    @property
    def store(self) -> Store:
        return self.context.store

    @property
    def audit(self) -> AuditLog:
        """The audit log: sequence, checkpoint, prove, verify."""
        return self.context.audit

    def close(self) -> None:
        self.context.store.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- actors ------------------------------------------------------------------------
    def add_actor(self, name: str, purposes: Iterable[str]) -> Actor:
        """Register (or re-register) a calling service with the purposes it may claim."""
        return actors.add_actor(self.context, name, purposes)

    def actors(self) -> list[Actor]:
        return actors.list_actors(self.context)

    # ---- collect and access ------------------------------------------------------------
    def collect(
        self,
        subject: str,
        feature: str,
        values: Mapping[str, Any],
        *,
        actor: str,
        from_text: bool = False,
    ) -> CollectReceipt:
        """Store ``values`` for ``subject`` through ``feature``, or refuse the whole call."""
        return collect.collect(
            self.context, subject, feature, values, actor=actor, from_text=from_text
        )

    def read(
        self, subject: str, categories: Iterable[str], *, purpose: str, actor: str
    ) -> ReadResult:
        """Values the actor may use for ``purpose``; a reasoned denial for the rest."""
        return access.read(self.context, subject, categories, purpose=purpose, actor=actor)

    def decide(self, subject: str, category: str, purpose: str, actor: str) -> Decision:
        """One decision for one person, without reading any value."""
        return access.decide(self.context, subject, category, purpose, actor)

    def find(self, category: str, value: Any, *, actor: str, purpose: str = "service") -> list[str]:
        """Subjects whose ``category`` equals ``value`` (through the blind index)."""
        return access.find(self.context, category, value, actor=actor, purpose=purpose)

    # ---- records over time (streams) ---------------------------------------------------
    def record(self, events: Iterable[Mapping[str, Any]], *, actor: str) -> RecordReceipt:
        """Store events ``{"subject", "category", "at", "value", "id"?}`` of streams, many
        people per call; a batch with a bad event is refused whole (EventBatchError)."""
        return events_.record(self.context, events, actor=actor)

    def events(
        self,
        subject: str,
        category: str,
        *,
        purpose: str,
        actor: str,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 100,
    ) -> EventsResult:
        """A stream's events newest first, decided like :meth:`read` (one audit entry)."""
        return events_.read_events(
            self.context,
            subject,
            category,
            purpose=purpose,
            actor=actor,
            since=since,
            until=until,
            limit=limit,
        )

    def delete_events(
        self,
        subject: str,
        category: str,
        *,
        ids: Iterable[int] = (),
        since: datetime | None = None,
        until: datetime | None = None,
        actor: str = SELF,
    ) -> int:
        """Delete single events or a time range of one stream; returns how many."""
        return events_.delete_events(
            self.context, subject, category, ids=list(ids), since=since, until=until, actor=actor
        )

    # ---- consent -----------------------------------------------------------------------
    def grant(self, subject: str, item: str, **kw: Any) -> ConsentState:
        return consent.set_consent(self.context, subject, item, True, **kw)

    def withdraw(self, subject: str, item: str, **kw: Any) -> ConsentState:
        return consent.set_consent(self.context, subject, item, False, **kw)

    def consents(self, subject: str) -> list[ConsentState]:
        return consent.consents(self.context, subject)

    def consent_ledger(self, subject: str) -> list[dict[str, Any]]:
        return consent.consent_ledger(self.context, subject)

    def features(self, subject: str) -> list[FeatureStatus]:
        """Every feature, available or not, with the consents it lacks."""
        return consent.features(self.context, subject)

    # ---- people's rights ---------------------------------------------------------------
    def export(self, subject: str, *, actor: str = SELF) -> dict[str, Any]:
        """Everything held about ``subject``, machine-readable (PIPL Art. 45)."""
        return rights.export(self.context, subject, actor=actor)

    def correct(
        self, subject: str, category: str, value: Any, *, actor: str = SELF, from_text: bool = False
    ) -> None:
        """Replace a value the vault holds (PIPL Art. 46)."""
        rights.correct(self.context, subject, category, value, actor=actor, from_text=from_text)

    def delete_categories(
        self, subject: str, categories: Iterable[str], *, actor: str = SELF
    ) -> list[str]:
        """Delete the values of ``categories`` (parents cover children)."""
        return rights.delete_categories(self.context, subject, categories, actor=actor)

    def erase(self, subject: str, *, actor: str = SELF) -> int:
        """Cancel the account: destroy the data key, delete the rows, keep a tombstone."""
        return rights.erase(self.context, subject, actor=actor)

    # ---- retention, keys, audit --------------------------------------------------------
    def purge_expired(self, now: datetime | None = None) -> dict[str, int]:
        """Delete values older than their category's retention; counts per category."""
        return retention.purge_expired(self.context, now)

    def purge_if_due(self, interval_s: float = 3600) -> dict[str, int] | None:
        """The scheduled retention purge: runs in one worker at a time, coordinated through
        the store; None when it was not due."""
        return retention.purge_if_due(self.context, interval_s)

    def rotate_master_key(self, new_key: MasterKey, *, actor: str = "admin") -> int:
        """Re-wrap every key under ``new_key``; returns how many were re-wrapped."""
        return keys.rotate_master_key(self.context, new_key, actor=actor)

    def verify_audit(self) -> AuditReport:
        """Integrate pending entries, then verify the Merkle log and every checkpoint."""
        return audit_trail.verify_audit(self.context)

    def audit_log(
        self, subject: str | None = None, *, limit: int | None = None
    ) -> list[AuditEntry]:
        """Audit entries, oldest first; only ``subject``'s own when given."""
        return audit_trail.audit_log(self.context, subject, limit=limit)
