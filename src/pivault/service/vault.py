"""The vault: the only path to personal values.

It enforces the policy at runtime. Collection outside a feature's declared
categories is refused (minimisation); every read names a purpose and is allowed
only where the policy, the caller's registration and the person's consents allow
(purpose limitation); values are sealed per person, so erasing a person is
destroying one key; every operation lands in the hash-chained audit log.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import delete, select, update

from pivault.core.audit_entry import AuditAction
from pivault.core.decide import (
    Decision,
    Reason,
    category_missing_consents,
    feature_missing_consents,
)
from pivault.core.errors import (
    AccessDeniedError,
    CollectionRefusedError,
    ConsentRequiredError,
    InvalidArgumentError,
    PivaultError,
    UndeclaredFieldError,
    UnknownCategoryError,
    UnknownConsentItemError,
    UnknownFeatureError,
    UnknownPurposeError,
    UnknownSubjectError,
)
from pivault.core.values import decode, lookup_form, validate
from pivault.crypto.envelope import blind_index, open_value
from pivault.service.minimise import apply_transform
from pivault.service.rights import RightsMixin
from pivault.service.vault_base import (
    SELF,
    Actor,
    CollectReceipt,
    ConsentState,
    FeatureStatus,
    ReadResult,
)
from pivault.store.driver import transaction
from pivault.store.schema import actors, consent_events, pi_values, subjects


class Vault(RightsMixin):
    """A vault on a store URL (SQLite file by default, PostgreSQL by URL).

    ``Vault(url, master_key=MasterKey.from_file(path), policy=load_policy(file))``;
    the policy defaults to the bundled one, the clock to the system's UTC time.
    """

    # ---- actors -------------------------------------------------------------
    def add_actor(self, name: str, purposes: Iterable[str]) -> Actor:
        """Register (or re-register) a calling service with the purposes it may claim."""
        wanted = sorted(set(purposes))
        for p in wanted:
            if p not in self.policy.purposes:
                raise UnknownPurposeError(p, self.policy.purposes)
        if not name or len(name) > 64 or not name.replace("-", "").replace("_", "").isalnum():
            raise InvalidArgumentError("an actor name is 1–64 letters, digits, - or _")
        with self._engine.begin() as conn:
            conn.execute(delete(actors).where(actors.c.name == name))
            conn.execute(
                actors.insert().values(
                    name=name, purposes=json.dumps(wanted), created_at=self._now()
                )
            )
            self._audit(
                conn, "admin", AuditAction.ACTOR_REGISTER, None, {"actor": name, "purposes": wanted}
            )
        return Actor(name, frozenset(wanted))

    def actors(self) -> list[Actor]:
        with self._reader.connect() as conn:
            rows = conn.execute(
                select(actors.c.name, actors.c.purposes).order_by(actors.c.name)
            ).all()
            conn.rollback()
        return [Actor(r.name, frozenset(json.loads(r.purposes))) for r in rows]

    # ---- collect ------------------------------------------------------------
    def collect(
        self,
        subject: str,
        feature: str,
        values: Mapping[str, Any],
        *,
        actor: str,
        from_text: bool = False,
    ) -> CollectReceipt:
        """Store ``values`` for ``subject`` through ``feature``, or refuse the whole call.

        A refusal is in the audit log too (which feature, which error; never a value)."""
        try:
            return self._collect(subject, feature, values, actor=actor, from_text=from_text)
        except PivaultError as exc:
            detail = {"feature": feature, "categories": sorted(map(str, values))[:50]}
            self._refused(actor, AuditAction.COLLECT, subject, detail, exc)
            raise

    def _collect(
        self,
        subject: str,
        feature: str,
        values: Mapping[str, Any],
        *,
        actor: str,
        from_text: bool,
    ) -> CollectReceipt:
        policy = self.policy
        if feature not in policy.features:
            raise UnknownFeatureError(feature, policy.features)
        allowed = policy.feature_fields[feature]
        undeclared = [k for k in values if k not in allowed]
        if undeclared:
            raise UndeclaredFieldError(feature, undeclared, allowed)
        if not values:
            raise CollectionRefusedError(f"nothing to collect for feature {feature!r}")
        canonical = {
            k: validate(policy.categories[k], v, from_text=from_text) for k, v in values.items()
        }
        purposes = policy.features[feature].purposes
        with transaction(self._engine) as conn:
            ctx = self._load(conn, subject, actor)
            caller = ctx.actor
            if not caller.purposes & set(purposes):
                raise CollectionRefusedError(
                    f"actor {actor!r} is not registered for any purpose of feature {feature!r} "
                    f"({', '.join(purposes)})"
                )
            now = self._now()
            person, new_subject = (
                (ctx.person, None) if ctx.person else self._person_to_create(subject, now)
            )
            granted = self._granted(person)
            for key in canonical:
                self._require_consent(purposes, key, granted)
            rows: list[dict[str, Any]] = []
            applied: dict[str, str] = {}
            for key, value in canonical.items():
                for out_key, out_value, note in apply_transform(
                    policy,
                    self._keys.pseudonym,
                    key,
                    value,
                    lambda derived: (
                        derived in allowed
                        and not category_missing_consents(policy, purposes, derived, granted)
                    ),
                ):
                    if note:
                        applied[out_key] = note
                    rows.append(self._sealed_row(person, feature, actor, out_key, out_value, now))
            stored = sorted(r["category"] for r in rows)
            entry = self._audit_row(
                actor,
                AuditAction.COLLECT,
                {"feature": feature, "categories": stored, "transforms": applied},
                tag=person.audit_tag,
                at=now,
            )
            self._statements.write(
                conn, new_subject=new_subject, values=rows, audit_entry=entry, commit=True
            )
        return CollectReceipt(subject, feature, tuple(stored), applied)

    def _require_consent(
        self, purposes: tuple[str, ...], category: str, granted: frozenset[str]
    ) -> None:
        missing = category_missing_consents(self.policy, purposes, category, granted)
        if missing:
            cat = self.policy.categories[category]
            why = (
                f"{category!r} is sensitive ({cat.sensitive}) and needs separate consent"
                if cat.sensitive_item in missing
                else f"collecting {category!r} needs the person's consent"
            )
            raise ConsentRequiredError(
                category, missing, f"{why}: {', '.join(missing)}; nothing was stored"
            )

    # ---- read ---------------------------------------------------------------
    def read(
        self, subject: str, categories: Iterable[str], *, purpose: str, actor: str
    ) -> ReadResult:
        """Values the actor may use for ``purpose``; a reasoned denial for the rest.

        Denials are in the read's audit entry; a refused read (unknown subject, actor,
        purpose or category) gets an entry of its own."""
        categories = list(categories)
        try:
            return self._read(subject, categories, purpose=purpose, actor=actor)
        except PivaultError as exc:
            detail = {"purpose": purpose, "categories": [str(c) for c in categories][:50]}
            self._refused(actor, AuditAction.READ, subject, detail, exc)
            raise

    def _read(
        self, subject: str, categories: Iterable[str], *, purpose: str, actor: str
    ) -> ReadResult:
        wanted = self._expand(categories)
        if purpose not in self.policy.purposes:
            raise UnknownPurposeError(purpose, self.policy.purposes)
        result = ReadResult(subject, purpose)
        with transaction(self._engine) as conn:
            ctx = self._load(conn, subject, actor, wanted, lock=False)
            if ctx.person is None:
                raise UnknownSubjectError(subject)
            person = ctx.person
            granted = self._granted(person)
            allowed_cats = []
            for cat in wanted:
                decision = self.decider.decide(cat, purpose, ctx.actor.purposes, granted)
                if decision.allowed:
                    allowed_cats.append(cat)
                else:
                    result.denied[cat] = decision
            # Only allowed categories are ever decrypted.
            for row in ctx.ciphertexts:
                if row.category in result.denied:
                    continue
                value_type = self.policy.categories[row.category].value_type
                assert value_type is not None
                plain = open_value(
                    person.data_key, bytes(row.ciphertext), subject, row.category, row.record_id
                )
                result.values[row.category] = decode(value_type.name, plain)
            result.missing = [c for c in allowed_cats if c not in result.values]
            detail = {
                "purpose": purpose,
                "allowed": sorted(result.values),
                "not_collected": result.missing,
                "denied": {c: d.reason.value for c, d in sorted(result.denied.items())},
            }
            entry = self._audit_row(actor, AuditAction.READ, detail, tag=person.audit_tag)
            self._statements.write(conn, audit_entry=entry, commit=True)
        return result

    def _expand(self, categories: Iterable[str]) -> list[str]:
        out: list[str] = []
        for key in categories:
            if key not in self.policy.categories:
                raise UnknownCategoryError(key, self.policy.categories)
            for leaf in self.policy.leaf_keys_under(key):
                if leaf not in out:
                    out.append(leaf)
        return out

    def decide(self, subject: str, category: str, purpose: str, actor: str) -> Decision:
        """One decision for one person, reading no value. A denial (and a refusal) is
        audited; an allowed decision is not, as nothing was used."""
        detail = {"category": category, "purpose": purpose}
        try:
            with self._reader.connect() as conn:
                ctx = self._load(conn, subject, actor, lock=False)
            if ctx.person is None:
                raise UnknownSubjectError(subject)
            granted = self._granted(ctx.person)
            decision = self.decider.decide(category, purpose, ctx.actor.purposes, granted)
        except PivaultError as exc:
            self._refused(actor, AuditAction.DECIDE, subject, detail, exc)
            raise
        if not decision.allowed:
            with self._engine.begin() as conn:
                self._audit(
                    conn,
                    actor,
                    AuditAction.DECIDE,
                    subject,
                    {**detail, "denied": decision.reason.value},
                    person=ctx.person,
                )
        return decision

    # ---- find ---------------------------------------------------------------
    def find(self, category: str, value: Any, *, actor: str, purpose: str = "service") -> list[str]:
        """Subjects whose ``category`` equals ``value`` (through the blind index)."""
        cat = self.policy.categories.get(category)
        if cat is None or not cat.lookup:
            lookups = [c.key for c in self.policy.leaves() if c.lookup]
            raise UnknownCategoryError(category, lookups)
        if purpose not in self.policy.purposes:
            raise UnknownPurposeError(purpose, self.policy.purposes)
        assert cat.value_type is not None
        canonical = validate(cat, value)
        token = blind_index(
            self._keys.blind_index, category, lookup_form(cat.value_type.name, canonical)
        )
        detail = {"category": category, "purpose": purpose}
        with self._engine.begin() as conn:
            caller = self._actor(conn, actor)
            if purpose not in caller.purposes or purpose not in self.policy.allowed[category]:
                reason = (
                    Reason.ACTOR_NOT_AUTHORIZED
                    if purpose not in caller.purposes
                    else Reason.NOT_PERMITTED_BY_POLICY
                )
                self._audit(conn, actor, AuditAction.FIND, None, {**detail, "denied": reason.value})
                denied = AccessDeniedError(
                    reason.value,
                    f"actor {actor!r} may not look up {category!r} for purpose {purpose!r} "
                    f"({reason.value})",
                )
            else:
                denied = None
                found = list(
                    conn.execute(
                        select(pi_values.c.subject).where(
                            pi_values.c.category == category, pi_values.c.blind_index == token
                        )
                    ).scalars()
                )
                self._audit(conn, actor, AuditAction.FIND, None, {**detail, "matches": len(found)})
        if denied is not None:  # raised after the commit, so its audit entry stays
            raise denied
        return found

    # ---- consent ------------------------------------------------------------
    def grant(self, subject: str, item: str, **kw: Any) -> ConsentState:
        return self._set_consent(subject, item, True, **kw)

    def withdraw(self, subject: str, item: str, **kw: Any) -> ConsentState:
        return self._set_consent(subject, item, False, **kw)

    def _set_consent(
        self,
        subject: str,
        item: str,
        granted: bool,
        *,
        channel: str = "api",
        evidence: Mapping[str, Any] | None = None,
        actor: str = SELF,
    ) -> ConsentState:
        items = self.policy.consent_items()
        action = AuditAction.CONSENT_GRANT if granted else AuditAction.CONSENT_WITHDRAW
        if item not in items:
            error = UnknownConsentItemError(item, items)
            self._refused(actor, action, subject, {"item": item[:128]}, error)
            raise error
        now = self._now()
        with self._write(subject) as conn:
            person = self._person(conn, subject, create=True)
            person.consents[item] = [granted, now, self.policy.version]
            conn.execute(
                update(subjects)
                .where(subjects.c.subject == subject)
                .values(consents=json.dumps(person.consents))
            )
            conn.execute(
                consent_events.insert().values(
                    subject=subject,
                    item=item,
                    granted=granted,
                    at=now,
                    policy_version=self.policy.version,
                    channel=channel,
                    evidence=json.dumps(dict(evidence or {}), ensure_ascii=False),
                )
            )
            self._audit(
                conn,
                actor,
                action,
                subject,
                {"item": item, "channel": channel, "policy_version": self.policy.version},
                person=person,
            )
        return ConsentState(item, items[item], granted, True, now, self.policy.version)

    def features(self, subject: str) -> list[FeatureStatus]:
        """Every feature, available or not, with the consents it lacks."""
        with self._reader.connect() as conn:
            person = self._person(conn, subject)
            conn.rollback()
        granted = self._granted(person)
        return [
            FeatureStatus(f, not (m := feature_missing_consents(self.policy, f, granted)), tuple(m))
            for f in self.policy.features
        ]
