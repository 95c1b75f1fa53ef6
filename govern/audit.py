"""Security-relevant events, logged to `govern.security` and never with a secret in them: no
password, token, session or CSRF value, and never the choice of a ballot.

Money and vote writes are logged once their transaction commits (a write that is rolled back
never happened, so it is not logged): services call `on_commit` inside their unit of work.
"""
from __future__ import annotations

import hashlib
import logging

from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger("govern.security")

_PENDING = "govern_security_events"


def on_commit(session: Session, message: str, *args: object) -> None:
    """Log `message % args` when the session's current transaction commits."""
    session.info.setdefault(_PENDING, []).append((message, args))


@event.listens_for(Session, "after_commit")
def _log_committed(session: Session) -> None:
    for message, args in session.info.pop(_PENDING, []):
        log.info(message, *args)


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop(_PENDING, None)


def email_digest(email: object) -> str:
    """A short, stable stand-in for an email in the log: attempts on one address can be told
    apart, and a password typed into the email field never reaches the log."""
    text = email.strip().lower() if isinstance(email, str) else ""
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def login_succeeded(member_id: int, channel: str, address: str | None) -> None:
    log.info("login ok: member %s via %s from %s", member_id, channel, address)


def login_failed(email: object, channel: str, address: str | None) -> None:
    log.warning("login failed: email #%s via %s from %s", email_digest(email), channel, address)
