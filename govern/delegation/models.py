from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from govern.database import UTCDateTime
from govern.extensions import db

ALL = "all"


class Delegation(db.Model):
    """Public: who trusts whom with their vote, for one scope (`all` or a kind)."""

    __tablename__ = "delegations"
    __table_args__ = (
        UniqueConstraint("member_id", "scope", name="uq_delegations_member_scope"),
        Index("ix_delegations_delegate", "delegate_id", "scope"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    scope: Mapped[str] = mapped_column(String(40))
    delegate_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DelegatedVote(db.Model):
    """At close: a member who did not vote was counted with this voter's ballot."""

    __tablename__ = "delegated_votes"
    __table_args__ = (UniqueConstraint("proposal_id", "member_id", name="uq_delegated_votes_member"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    voter_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
