"""Mail: written to the outbox in the transaction of the event it tells of, sent by the scheduler.

* `queue` (one person) and `queue_for_members` (one INSERT … SELECT for thousands) write rows;
  the same `dedupe_key` twice writes nothing, so a job run twice mails once. A member's switches
  decide: a kind they switched off is not written; with the daily digest on it is `held`.
* `send_due` (the `send_mail` job) sends queued rows through a transport, outside any database
  transaction, so a slow mail server never holds a request or a write lock. A failure is retried
  with a growing delay, and given up after MAX_ATTEMPTS (`failed`, with the reason).
  Sending is at least once: a crash between the server's "250 OK" and the row's update sends it
  again next time, with the same Message-ID (`<outbox-ID@…>`), which mail clients dedupe on.
* `send_digests` (the `send_digests` job) gathers a member's held mails into one, once the oldest
  has waited a day.

Bodies carry links as `{site}/path`; the sender puts GOVERN_BASE_URL in their place.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import String, case, cast, func, insert, literal, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from govern.database import UTCDateTime, write_transaction
from govern.errors import Forbidden, NotFound, ValidationError
from govern.mail.models import DIGESTED, FAILED, HELD, QUEUED, SENT, STATUSES, OutgoingMail
from govern.members.models import MEMBER_ACTIVE, Member

log = logging.getLogger("govern.mail")

SITE = "{site}"
MAX_ATTEMPTS = 6
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2),
                timedelta(hours=12))
BATCH = 100
DIGEST_AFTER = timedelta(days=1)

# The kinds of mail, the member's switch for each (None: not a member's choice) and its words on
# the settings page.
REMINDER, RESULT, INVITATION, DEPOSIT, PAYOUT, DIGEST = "reminder", "result", "invitation", "deposit", "payout", "digest"
SWITCHES = {
    REMINDER: ("mail_reminders", "Voting closes soon on a proposal I have not voted on"),
    RESULT: ("mail_results", "The result of a proposal I voted on"),
    DEPOSIT: ("mail_deposits", "My deposit reached the bank (or was rejected)"),
    PAYOUT: ("mail_payouts", "My payout was sent"),
}


class Transport(Protocol):
    def send(self, mail: "Outgoing") -> str:
        """Deliver one mail; return where it went (a file name, or "" for SMTP). Raise on failure."""


@dataclass(frozen=True)
class Outgoing:
    id: int
    to: str
    subject: str
    body: str
    kind: str


# --- writing -------------------------------------------------------------------------------

def _insert_ignoring_duplicates(session: Session):
    """An INSERT that writes nothing for a dedupe_key already in the outbox."""
    dialect = session.get_bind().dialect.name
    make = pg_insert if dialect == "postgresql" else sqlite_insert
    return make(OutgoingMail)


def _status_for(member: Member | None, kind: str) -> str | None:
    if member is None:
        return QUEUED
    if member.status != MEMBER_ACTIVE and kind != DEPOSIT and kind != PAYOUT:
        return None
    switch = SWITCHES.get(kind)
    if switch and not getattr(member, switch[0]):
        return None
    return HELD if member.mail_digest else QUEUED


def queue(session: Session, *, region_id: int, kind: str, subject: str, body: str, dedupe_key: str,
          now: datetime, member: Member | None = None, to_address: str | None = None) -> bool:
    """Queue one mail, to a member (their switches decide) or to an address. Inside the caller's
    transaction. Returns whether a row was written."""
    status = _status_for(member, kind)
    address = member.email if member is not None else to_address
    if status is None or not address:
        return False
    statement = _insert_ignoring_duplicates(session)
    result = session.execute(statement.values(
        region_id=region_id, member_id=member.id if member else None, to_address=address, kind=kind,
        subject=subject[:200], body=body, dedupe_key=dedupe_key[:120], status=status, attempts=0,
        next_attempt_at=now, created_at=now, last_error="", stored_as="",
    ).on_conflict_do_nothing(index_elements=["dedupe_key"]))
    return bool(result.rowcount)


def queue_for_members(session: Session, *, region_id: int, kind: str, subject: str, body: str, key_prefix: str,
                      member_ids, now: datetime) -> int:
    """The same mail to many members (a select of member ids), in one INSERT … SELECT: those who
    switched this kind off are left out, those with the digest on get it held. The dedupe key is
    `key_prefix` + the member id."""
    switch = SWITCHES[kind][0]
    ids = member_ids.subquery()
    chosen = (
        select(
            literal(region_id), Member.id, Member.email, literal(kind), literal(subject[:200]), literal(body),
            (literal(key_prefix) + cast(Member.id, String)),
            case((Member.mail_digest.is_(True), literal(HELD)), else_=literal(QUEUED)),
            literal(0), literal(now, UTCDateTime()), literal(now, UTCDateTime()), literal(""), literal(""),
        )
        .where(Member.id.in_(select(ids.c[0])), getattr(Member, switch).is_(True), Member.status == MEMBER_ACTIVE)
    )
    statement = _insert_ignoring_duplicates(session)
    result = session.execute(statement.from_select(
        ["region_id", "member_id", "to_address", "kind", "subject", "body", "dedupe_key", "status", "attempts",
         "next_attempt_at", "created_at", "last_error", "stored_as"], chosen,
    ).on_conflict_do_nothing(index_elements=["dedupe_key"]))
    return max(result.rowcount or 0, 0)


# --- sending -------------------------------------------------------------------------------

def send_due(session: Session, now: datetime, transport: Transport, base_url: str, *, limit: int = BATCH) -> dict:
    """Send the queued mails that are due, oldest first, each on its own: one that fails waits
    for its next attempt and the rest go on."""
    rows = session.execute(
        select(OutgoingMail).where(OutgoingMail.status == QUEUED, OutgoingMail.next_attempt_at <= now)
        .order_by(OutgoingMail.id).limit(limit)
    ).scalars().all()
    outgoing = [Outgoing(r.id, r.to_address, r.subject, r.body.replace(SITE, base_url.rstrip("/")), r.kind)
                for r in rows]
    session.rollback()  # no transaction is held while the mail server takes its time
    sent = failed = 0
    for mail in outgoing:
        try:
            stored_as = transport.send(mail)
        except Exception as error:  # noqa: BLE001 - any failure of the server or the network is retried
            failed += 1
            _record_failure(session, mail.id, f"{type(error).__name__}: {error}", now)
        else:
            sent += 1
            with write_transaction(session):
                session.execute(update(OutgoingMail).where(OutgoingMail.id == mail.id, OutgoingMail.status == QUEUED)
                                .values(status=SENT, sent_at=now, stored_as=stored_as[:120], last_error=""))
    return {"sent": sent, "failed": failed}


def _record_failure(session: Session, mail_id: int, reason: str, now: datetime) -> None:
    log.warning("mail %s not sent: %s", mail_id, reason[:200])
    with write_transaction(session):
        row = session.get(OutgoingMail, mail_id)
        if row is None or row.status != QUEUED:
            return
        row.attempts += 1
        row.last_error = reason[:300]
        if row.attempts >= MAX_ATTEMPTS:
            row.status = FAILED
        else:
            row.next_attempt_at = now + RETRY_DELAYS[min(row.attempts, len(RETRY_DELAYS)) - 1]


def send_digests(session: Session, now: datetime) -> int:
    """One mail per member whose oldest held mail has waited a day, holding all their held mails."""
    due = session.execute(
        select(OutgoingMail.member_id).where(OutgoingMail.status == HELD)
        .group_by(OutgoingMail.member_id).having(func.min(OutgoingMail.created_at) <= now - DIGEST_AFTER)
        .limit(1000)
    ).scalars().all()
    made = 0
    for member_id in due:
        with write_transaction(session):
            held = session.execute(
                select(OutgoingMail).where(OutgoingMail.member_id == member_id, OutgoingMail.status == HELD)
                .order_by(OutgoingMail.id).limit(200)
            ).scalars().all()
            member = session.get(Member, member_id)
            if not held or member is None:
                continue
            parts = [f"{mail.subject}\n{'-' * min(len(mail.subject), 70)}\n{_without_greeting(mail.body)}" for mail in held]
            count = len(held)
            queue(session, region_id=held[0].region_id, kind=DIGEST, now=now,
                  subject=f"Your day at the co-op: {count} update{'s' if count != 1 else ''}",
                  body=f"Hello {member.name},\n\nHere is what happened since your last digest.\n\n"
                       + "\n\n".join(parts) + _footer(), to_address=member.email,
                  dedupe_key=f"digest:{member_id}:{held[0].id}")
            digest_id = session.execute(select(OutgoingMail.id).where(
                OutgoingMail.dedupe_key == f"digest:{member_id}:{held[0].id}")).scalar_one()
            session.execute(update(OutgoingMail).where(OutgoingMail.id.in_([m.id for m in held]))
                            .values(status=DIGESTED, digest_id=digest_id))
            session.execute(update(OutgoingMail).where(OutgoingMail.id == digest_id)
                            .values(member_id=member_id))
            made += 1
    return made


def _without_greeting(body: str) -> str:
    lines = body.split("\n")
    if lines and lines[0].startswith("Hello"):
        lines = lines[2:] if len(lines) > 1 and not lines[1].strip() else lines[1:]
    text = "\n".join(lines)
    return text.split(FOOTER_MARK)[0].rstrip()


FOOTER_MARK = "\n-- \n"


def _footer() -> str:
    return f"{FOOTER_MARK}Conductor · choose which mails you get: {SITE}/me/settings\n"


def body(name: str | None, *paragraphs: str) -> str:
    """A mail body: a greeting, the paragraphs, and the footer that says where to switch mails off."""
    return (f"Hello {name},\n\n" if name else "Hello,\n\n") + "\n\n".join(paragraphs) + _footer()


# --- reading (the board's outbox page) -----------------------------------------------------

def outbox_for(session: Session, board: Member, *, status: object = None, before: int | None = None,
               limit: int = 50) -> list[OutgoingMail]:
    _require_board(board)
    query = select(OutgoingMail).where(OutgoingMail.region_id == board.region_id)
    if status not in (None, ""):
        if status not in STATUSES:
            raise ValidationError.for_field("status", f"must be one of {', '.join(STATUSES)}")
        query = query.where(OutgoingMail.status == status)
    if before is not None:
        query = query.where(OutgoingMail.id < before)
    return list(session.execute(query.order_by(OutgoingMail.id.desc()).limit(limit)).scalars())


def outbox_counts(session: Session, board: Member) -> dict[str, int]:
    _require_board(board)
    rows = session.execute(select(OutgoingMail.status, func.count()).where(OutgoingMail.region_id == board.region_id)
                           .group_by(OutgoingMail.status)).all()
    return {status: count for status, count in rows}


def mail_for_board(session: Session, board: Member, mail_id: int) -> OutgoingMail:
    _require_board(board)
    mail = session.get(OutgoingMail, mail_id)
    if mail is None or mail.region_id != board.region_id:
        raise NotFound("No such mail.")
    return mail


def _require_board(member: Member) -> None:
    if not member.active or not member.is_board:
        raise Forbidden("Only the board sees the outbox.")


def mails_to(session: Session, address: str) -> list[OutgoingMail]:
    """Every mail written to one address, oldest first (tests and the CLI)."""
    return list(session.execute(select(OutgoingMail).where(OutgoingMail.to_address == address)
                                .order_by(OutgoingMail.id)).scalars())

