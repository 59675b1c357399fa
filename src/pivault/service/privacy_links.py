"""Single-use privacy-center links and the sessions they open.

An app backend asks for a link for one person; the link is signed with a key
derived from the vault's ``session`` key and recorded (by digest) in the store,
so any server worker can check it and exactly one can use it: the first use
marks it used in the same UPDATE that checks it is unused and unexpired. Using
a link opens a session whose id goes into an HttpOnly cookie; only the id's
digest is stored. CSRF tokens are derived from the session id, so they need no
storage. Opening a session is recorded in the person's audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from sqlalchemy import delete, select, update

from pivault.core.audit_entry import AuditAction
from pivault.crypto.tokens import (
    new_secret,
    secret_digest,
    sign,
    signature_valid,
    signing_key,
)
from pivault.service.context import VaultContext, iso
from pivault.store.schema import center_links, center_sessions

LINK_TTL = timedelta(minutes=15)
SESSION_TTL = timedelta(minutes=30)
#: The actor name audit entries of the privacy center carry.
CENTER_ACTOR = "privacy-center"
_LINK_VERSION = "v1"


class LinkRefusal(StrEnum):
    """Why a link did not open a session. Stable codes; the page explains each."""

    INVALID = "link_invalid"  # malformed, forged, or unknown to this vault
    EXPIRED = "link_expired"
    USED = "link_used"


@dataclass(frozen=True)
class IssuedLink:
    token: str
    expires_at: str


@dataclass(frozen=True)
class LinkOutcome:
    """A session token (to put in the cookie) or the reason the link was refused."""

    session: str | None
    refusal: LinkRefusal | None
    subject: str | None = None


class PrivacyLinks:
    """Links and sessions of the privacy center, over the vault's store and session key."""

    def __init__(self, ctx: VaultContext) -> None:
        self._ctx = ctx
        session_key = ctx.keys.session
        self._link_key = signing_key(session_key, "link")
        self._csrf_key = signing_key(session_key, "csrf")

    def _now(self) -> str:
        return self._ctx.now()

    def _later(self, delta: timedelta) -> str:
        return iso(self._ctx.clock() + delta)

    # ---- links --------------------------------------------------------------
    def issue(self, subject: str, *, created_by: str) -> IssuedLink:
        """A single-use link token for ``subject``, valid for :data:`LINK_TTL`.

        The caller checks that the person exists (the vault is the judge of that).
        """
        link_id = new_secret()
        now, expires = self._now(), self._later(LINK_TTL)
        with self._ctx.store.append() as conn:
            conn.execute(delete(center_links).where(center_links.c.expires_at < now))
            conn.execute(
                center_links.insert().values(
                    link_digest=secret_digest(link_id),
                    subject=subject,
                    created_by=created_by,
                    created_at=now,
                    expires_at=expires,
                )
            )
            self._ctx.record(
                conn, created_by, AuditAction.CENTER_LINK, subject, {"expires_at": expires}
            )
        signature = sign(self._link_key, _LINK_VERSION, link_id)
        return IssuedLink(f"{_LINK_VERSION}.{link_id}.{signature}", expires)

    def open(self, token: str) -> LinkOutcome:
        """Use a link once: a new session, or why the link is refused."""
        parts = token.split(".")
        if len(parts) != 3 or parts[0] != _LINK_VERSION or len(token) > 200:
            return LinkOutcome(None, LinkRefusal.INVALID)
        _, link_id, signature = parts
        if not signature_valid(self._link_key, signature, _LINK_VERSION, link_id):
            return LinkOutcome(None, LinkRefusal.INVALID)
        digest = secret_digest(link_id)
        now = self._now()
        with self._ctx.store.append() as conn:
            claimed = conn.execute(
                update(center_links)
                .where(
                    center_links.c.link_digest == digest,
                    center_links.c.used_at.is_(None),
                    center_links.c.expires_at > now,
                )
                .values(used_at=now)
            ).rowcount
            row = conn.execute(
                select(center_links.c.subject, center_links.c.used_at).where(
                    center_links.c.link_digest == digest
                )
            ).first()
            if row is None:
                return LinkOutcome(None, LinkRefusal.INVALID)
            if claimed != 1:
                refusal = LinkRefusal.USED if row.used_at is not None else LinkRefusal.EXPIRED
                return LinkOutcome(None, refusal)
            session = new_secret()
            conn.execute(
                center_sessions.insert().values(
                    session_digest=secret_digest(session),
                    subject=row.subject,
                    created_at=now,
                    expires_at=self._later(SESSION_TTL),
                )
            )
            self._ctx.record(conn, CENTER_ACTOR, AuditAction.CENTER_OPEN, row.subject, {})
        return LinkOutcome(session, None, row.subject)

    # ---- sessions -----------------------------------------------------------
    def subject_of(self, session: str) -> str | None:
        """The person a live session belongs to, or None (unknown or expired)."""
        if not session or len(session) > 100:
            return None
        with self._ctx.store.read() as conn:
            subject = conn.execute(
                select(center_sessions.c.subject).where(
                    center_sessions.c.session_digest == secret_digest(session),
                    center_sessions.c.expires_at > self._now(),
                )
            ).scalar()
        return None if subject is None else str(subject)

    def end(self, session: str) -> None:
        with self._ctx.store.append() as conn:
            conn.execute(
                delete(center_sessions).where(
                    center_sessions.c.session_digest == secret_digest(session)
                )
            )

    def end_all(self, subject: str) -> None:
        """End every session of ``subject`` (after they cancel their account)."""
        with self._ctx.store.append() as conn:
            conn.execute(delete(center_sessions).where(center_sessions.c.subject == subject))
            conn.execute(delete(center_links).where(center_links.c.subject == subject))

    # ---- CSRF ---------------------------------------------------------------
    def csrf_token(self, session: str) -> str:
        return sign(self._csrf_key, "csrf", session)

    def csrf_valid(self, session: str, token: str) -> bool:
        return bool(token) and signature_valid(self._csrf_key, token, "csrf", session)
