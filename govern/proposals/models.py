from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, ForeignKeyConstraint, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from govern.database import UTCDateTime
from govern.extensions import db

OPEN = "open"
PASSED = "passed"
EXECUTED = "executed"
REJECTED = "rejected"
EXPIRED = "expired"
CANCELLED = "cancelled"
STATUSES = (OPEN, PASSED, EXECUTED, REJECTED, EXPIRED, CANCELLED)
CLOSED_STATUSES = (PASSED, EXECUTED, REJECTED, EXPIRED)


class Proposal(db.Model):
    __tablename__ = "proposals"
    __table_args__ = (
        Index("ix_proposals_region_status", "region_id", "status", "id"),
        Index("ix_proposals_status_closes", "status", "closes_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    payload: Mapped[dict] = mapped_column(JSON)
    # The voting rule and electorate, frozen when the proposal opens.
    voting: Mapped[dict] = mapped_column(JSON)
    electorate_size: Mapped[int] = mapped_column(Integer, default=0)
    results_visible: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(12), default=OPEN)
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    tally: Mapped[dict | None] = mapped_column(JSON)
    outcome: Mapped[dict | None] = mapped_column(JSON)
    execute_by: Mapped[datetime | None] = mapped_column(UTCDateTime())
    executed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ElectorateMember(db.Model):
    """One voter of the frozen electorate. Written in bulk (INSERT … SELECT) when the proposal opens."""

    __tablename__ = "electorate_members"
    __table_args__ = (UniqueConstraint("proposal_id", "member_id", name="uq_electorate_members_voter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)


class Ballot(db.Model):
    """A member's current ballot. `choice` is the voting method's canonical text, so identical
    ballots group in SQL. For secret ballots the API and pages never show `member_id` with it.

    Only a voter of the frozen electorate can hold a ballot: the database refuses any other
    (foreign key to the electorate), and a voter leaving the electorate takes their ballot along
    (cascade). So every ballot row counts, and a tally is a plain GROUP BY over the ballots."""

    __tablename__ = "ballots"
    __table_args__ = (
        UniqueConstraint("proposal_id", "member_id", name="uq_ballots_voter"),
        Index("ix_ballots_proposal_choice", "proposal_id", "choice"),
        ForeignKeyConstraint(["proposal_id", "member_id"],
                             ["electorate_members.proposal_id", "electorate_members.member_id"],
                             name="fk_ballots_electorate_voter", ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    choice: Mapped[str] = mapped_column(String(2000))
    receipt: Mapped[str] = mapped_column(String(32), unique=True)
    cast_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ProposalEffect(db.Model):
    """What a carried-out proposal created or moved: an entry, a company, a parameter change …"""

    __tablename__ = "proposal_effects"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    type: Mapped[str] = mapped_column(String(30))
    ref_id: Mapped[str] = mapped_column(String(64))


class ExecutionConfirmation(db.Model):
    __tablename__ = "execution_confirmations"
    __table_args__ = (UniqueConstraint("proposal_id", "member_id", name="uq_execution_confirmations_member"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Comment(db.Model):
    __tablename__ = "proposal_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
