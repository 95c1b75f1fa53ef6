"""Enrollments in the group health plan and the monthly premiums paid for them."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from govern.database import UTCDateTime
from govern.extensions import db

ENROLLED = "enrolled"
LEFT = "left"

PAID = "paid"
UNPAID = "unpaid"


class HealthEnrollment(db.Model):
    """A member's enrollment. `enrolled_key` holds the member id while enrolled and is unique, so
    a member is enrolled at most once at a time."""

    __tablename__ = "health_enrollments"
    __table_args__ = (Index("ix_health_enrollments_region_status", "region_id", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default=ENROLLED)
    enrolled_key: Mapped[int | None] = mapped_column(unique=True)
    inside_share: Mapped[str] = mapped_column(String(20))  # the share that qualified them, as it was
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime())
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class HealthPremium(db.Model):
    """One month's premium of one member: unique per member and month, so the job pays once."""

    __tablename__ = "health_premiums"
    __table_args__ = (
        UniqueConstraint("member_id", "month", name="uq_health_premiums_member_month"),
        Index("ix_health_premiums_status", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("health_enrollments.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    month: Mapped[str] = mapped_column(String(7))
    premium_minor: Mapped[int] = mapped_column(BigInteger)
    member_part_minor: Mapped[int] = mapped_column(BigInteger)
    pool_part_minor: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(10), default=UNPAID)
    attempts: Mapped[int] = mapped_column(default=0)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
