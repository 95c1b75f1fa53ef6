"""The outbox: every mail Conductor sends is a row here first, written in the same transaction as
the event it tells of, and sent later by the scheduler (govern/mail/service.py)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from govern.database import UTCDateTime
from govern.extensions import db

QUEUED = "queued"      # waiting for the sender (or for its next attempt)
HELD = "held"          # waiting for the member's daily digest
DIGESTED = "digested"  # sent inside a digest (digest_id names it)
SENT = "sent"
FAILED = "failed"      # gave up after MAX_ATTEMPTS
STATUSES = (QUEUED, HELD, DIGESTED, SENT, FAILED)


class OutgoingMail(db.Model):
    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_status_next", "status", "next_attempt_at"),
        Index("ix_outbox_region_id", "region_id", "id"),
        Index("ix_outbox_member_status", "member_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))  # None: not a member (yet)
    to_address: Mapped[str] = mapped_column(String(254))
    kind: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    # One mail per event and person, whoever writes it how many times (a job run twice, a retry).
    dedupe_key: Mapped[str] = mapped_column(String(120), unique=True)
    status: Mapped[str] = mapped_column(String(10))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    digest_id: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str] = mapped_column(String(300), default="")
    stored_as: Mapped[str] = mapped_column(String(120), default="")  # the file in instance/outbox/, without SMTP
