from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from govern.database import UTCDateTime
from govern.extensions import db

REGION_ACTIVE = "active"
REGION_DISSOLVED = "dissolved"


class Region(db.Model):
    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    status: Mapped[str] = mapped_column(String(20), default=REGION_ACTIVE)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    dissolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    municipality: Mapped[str | None] = mapped_column(String(200))
    # The region whose parameters, constitution, wage table, occupations and industries it was
    # founded with (`govern init --from-region`, the board's page); None: founded from the defaults.
    template_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    # A split's provisional board is in office until the region's first board election.
    board_provisional: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class RegionSplit(db.Model):
    """A split carried out: one per proposal (the unique key makes a second one impossible)."""

    __tablename__ = "region_splits"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), unique=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    child_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    share: Mapped[str] = mapped_column(String(40))
    members_moved: Mapped[int] = mapped_column()
    companies_moved: Mapped[int] = mapped_column()
    pool_moved_minor: Mapped[int] = mapped_column(BigInteger)
    reserve_moved_minor: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RegionParameter(db.Model):
    """The current value of one parameter of one region (absent: the default applies)."""

    __tablename__ = "region_parameters"
    __table_args__ = (UniqueConstraint("region_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    name: Mapped[str] = mapped_column(String(60))
    value: Mapped[str] = mapped_column(String(40))


class ParameterChange(db.Model):
    """Every change of a parameter, with what caused it (a proposal, the set-up, a split …)."""

    __tablename__ = "parameter_changes"
    __table_args__ = (Index("ix_parameter_changes_region_name", "region_id", "name", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    name: Mapped[str] = mapped_column(String(60))
    old_value: Mapped[str | None] = mapped_column(String(40))
    new_value: Mapped[str] = mapped_column(String(40))
    cause_type: Mapped[str] = mapped_column(String(40))
    cause_id: Mapped[str | None] = mapped_column(String(64))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())
