"""People's rights (PIPL Art. 44–47), retention, key rotation and the audit trail.

Export gives every value with its labels, purposes, when and how it was
collected, plus the access history. Erasure destroys the person's data key
(crypto-shredding), deletes their rows and leaves a tombstone with no value.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update

from pivault.core.audit_entry import AuditAction, AuditEntry
from pivault.core.codec import to_json_value
from pivault.core.errors import UnknownCategoryError, ValueValidationError
from pivault.core.values import decode, validate
from pivault.crypto.envelope import open_value
from pivault.crypto.master_key import MasterKey
from pivault.service import keyring
from pivault.service.audit import AuditReport
from pivault.service.minimise import apply_transform
from pivault.service.vault_base import SELF, VaultBase, iso
from pivault.store.schema import consent_events, pi_values, subjects


class RightsMixin(VaultBase):
    """Export, correction, deletion, erasure, retention, key rotation, audit."""

    def export(self, subject: str, *, actor: str = SELF) -> dict[str, Any]:
        """Everything held about ``subject``, machine-readable (PIPL Art. 45)."""
        policy = self.policy
        with self._write(subject) as conn:
            person = self._person(conn, subject)
            rows = conn.execute(
                select(pi_values)
                .where(pi_values.c.subject == subject)
                .order_by(pi_values.c.category)
            ).all()
            items = []
            for row in rows:
                cat = policy.categories.get(row.category)
                if cat is None or cat.value_type is None:
                    continue  # a category dropped from the policy: not decodable by type
                plain = open_value(
                    person.data_key, bytes(row.ciphertext), subject, row.category, row.record_id
                )
                items.append(
                    {
                        "category": cat.key,
                        "label": cat.label.as_dict(),
                        "clauses": list(cat.clauses),
                        "source": cat.source.value,
                        "sensitive": cat.sensitive.value if cat.sensitive else None,
                        "value_type": cat.value_type.name,
                        "value": to_json_value(decode(cat.value_type.name, plain)),
                        "purposes": [
                            {
                                "purpose": p,
                                "clause": policy.purposes[p].clause,
                                "label": policy.purposes[p].label.as_dict(),
                            }
                            for p in sorted(policy.allowed[cat.key])
                        ],
                        "collected_at": row.collected_at,
                        "collected_by": {"feature": row.feature, "actor": row.actor},
                        "policy_version": row.policy_version,
                        "retention": cat.retention.iso if cat.retention else None,
                    }
                )
            history = [e.as_dict() for e in self.audit.entries(person.audit_tag, subject)]
            self._audit(
                conn, actor, AuditAction.EXPORT, subject, {"categories": len(items)}, person=person
            )
        return {
            "format": "pivault-export-v1",
            "subject": subject,
            "exported_at": self._now(),
            "policy_version": policy.version,
            "data": items,
            "consents": [
                {
                    "item": c.item,
                    "kind": c.kind,
                    "granted": c.granted,
                    "explicit": c.explicit,
                    "at": c.at,
                }
                for c in self.consents(subject)
            ],
            "consent_ledger": self.consent_ledger(subject),
            "access_history": history,
        }

    def correct(
        self, subject: str, category: str, value: Any, *, actor: str = SELF, from_text: bool = False
    ) -> None:
        """Replace a value the vault holds (PIPL Art. 46). Validation and minimisation apply."""
        cat = self.policy.categories.get(category)
        if cat is None or cat.value_type is None:
            raise UnknownCategoryError(category, [c.key for c in self.policy.leaves()])
        canonical = validate(cat, value, from_text=from_text)
        with self._write(subject) as conn:
            person = self._person(conn, subject)
            row = conn.execute(
                select(pi_values.c.feature).where(
                    pi_values.c.subject == subject, pi_values.c.category == category
                )
            ).first()
            if row is None:
                raise ValueValidationError(category, "nothing is held in this category to correct")
            # Only the corrected category itself is stored; derived values are not re-derived.
            stored = apply_transform(
                self.policy, self._keys.pseudonym, category, canonical, lambda _: False
            )
            now = self._now()
            sealed = self._sealed_row(person, row.feature, actor, category, stored[0][1], now)
            self._statements.write(conn, values=[sealed])
            self._audit(
                conn, actor, AuditAction.CORRECT, subject, {"category": category}, person=person
            )

    def delete_categories(
        self, subject: str, categories: Iterable[str], *, actor: str = SELF
    ) -> list[str]:
        """Delete the values of ``categories`` (parents cover children); returns those deleted."""
        leaves: list[str] = []
        for key in categories:
            if key not in self.policy.categories:
                raise UnknownCategoryError(key, self.policy.categories)
            leaves.extend(self.policy.leaf_keys_under(key))
        with self._write(subject) as conn:
            person = self._person(conn, subject)
            deleted = list(
                conn.execute(
                    delete(pi_values)
                    .where(pi_values.c.subject == subject, pi_values.c.category.in_(leaves))
                    .returning(pi_values.c.category)
                ).scalars()
            )
            self._audit(
                conn,
                actor,
                AuditAction.DELETE,
                subject,
                {"categories": sorted(deleted)},
                person=person,
            )
        self._flush_deleted_pages()
        return sorted(deleted)

    def erase(self, subject: str, *, actor: str = SELF) -> int:
        """Cancel the account: destroy the data key, delete the rows, keep a tombstone."""
        with self._write(subject) as conn:
            person = self._person(conn, subject)
            count = conn.execute(delete(pi_values).where(pi_values.c.subject == subject)).rowcount
            conn.execute(delete(consent_events).where(consent_events.c.subject == subject))
            conn.execute(
                update(subjects)
                .where(subjects.c.subject == subject)
                .values(wrapped_key=None, consents="{}", erased_at=self._now())
            )
            # Committed under the person's key, which this transaction destroys: from now on
            # nobody can tell which entries of the log were theirs.
            self._audit(
                conn, actor, AuditAction.ERASE, subject, {"values_destroyed": count}, person=person
            )
        self._flush_deleted_pages()
        return int(count)

    def _flush_deleted_pages(self) -> None:
        # SQLite: secure_delete zeroes freed pages; a checkpoint moves them out of the WAL.
        if self._engine.dialect.name == "sqlite":
            raw = self._engine.raw_connection()
            try:  # outside any transaction: the driver connection is in autocommit mode
                raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # type: ignore[union-attr]
            finally:
                raw.close()

    def purge_expired(self, now: datetime | None = None) -> dict[str, int]:
        """Delete values older than their category's retention; returns counts per category."""
        at = now if now is not None else self._clock()
        purged: dict[str, int] = {}
        with self._write() as conn:
            for cat in self.policy.leaves():
                if cat.retention is None or cat.retention.seconds is None:
                    continue
                cutoff = iso(at - timedelta(seconds=cat.retention.seconds))
                n = conn.execute(
                    delete(pi_values).where(
                        pi_values.c.category == cat.key, pi_values.c.collected_at < cutoff
                    )
                ).rowcount
                if n:
                    purged[cat.key] = int(n)
            self._audit(
                conn,
                "retention",
                AuditAction.RETENTION_PURGE,
                None,
                {"purged": purged, "at": iso(at)},
            )
        self._flush_deleted_pages()
        return purged

    def rotate_master_key(self, new_key: MasterKey, *, actor: str = "admin") -> int:
        """Re-wrap every key under ``new_key`` (no value is re-encrypted); returns the count."""
        with self._write() as conn:
            count = keyring.rewrap_all(conn, self._master, new_key)
            self._audit(
                conn,
                actor,
                AuditAction.KEYS_ROTATE,
                None,
                {
                    "old_key_id": self._master.key_id,
                    "new_key_id": new_key.key_id,
                    "rewrapped": count,
                },
            )
        self._master = new_key
        return count

    def verify_audit(self) -> AuditReport:
        """Integrate pending entries (this process acts as the sequencer), then recompute
        the Merkle log and check it against every published checkpoint."""
        self.audit.integrate()
        return self.audit.verify()

    def audit_log(
        self, subject: str | None = None, *, limit: int | None = None
    ) -> list[AuditEntry]:
        """Audit entries, oldest first; only ``subject``'s own when given."""
        if subject is None:
            entries = self.audit.entries(None, None)
        else:
            with self._reader.connect() as conn:
                person = self._person(conn, subject)
                conn.rollback()
            entries = self.audit.entries(person.audit_tag, subject)
        return entries[-limit:] if limit else entries
