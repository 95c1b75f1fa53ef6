from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from govern.database import UTCDateTime
from govern.extensions import db

OPEN = "open"
ACCEPTED = "accepted"


class Invitation(db.Model):
    """An acquired business's employee, invited to join as a member and worker at their previous
    wage. The token is the link the board hands over; it is shown to the region's board only."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(254))
    occupation: Mapped[str] = mapped_column(String(60))
    hourly_wage_minor: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(10), default=OPEN)
    # The employee the acquisition named to manage the company: its first admin when they accept.
    manager: Mapped[bool] = mapped_column(Boolean, default=False)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
