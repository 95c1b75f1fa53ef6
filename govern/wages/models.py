from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, ForeignKeyConstraint, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from govern.database import UTCDateTime
from govern.extensions import db

# Factors are decimal strings from 0 to 1, like region parameters; these are their starting values.
OCCUPATION_FACTORS = {"need": "0.5", "skill": "0.5", "stress": "0.5", "danger": "0.5",
                      "industry_weight": "0.5", "productivity_range": "0.2"}
INDUSTRY_FACTORS = {"need": "0.5"}


class Occupation(db.Model):
    """A profession in one region, with the factors the wage calculator weighs."""

    __tablename__ = "occupations"
    __table_args__ = (UniqueConstraint("region_id", "name", name="uq_occupations_region_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    name: Mapped[str] = mapped_column(String(30))
    label: Mapped[str] = mapped_column(String(60))
    need: Mapped[str] = mapped_column(String(20), default=OCCUPATION_FACTORS["need"])
    skill: Mapped[str] = mapped_column(String(20), default=OCCUPATION_FACTORS["skill"])
    stress: Mapped[str] = mapped_column(String(20), default=OCCUPATION_FACTORS["stress"])
    danger: Mapped[str] = mapped_column(String(20), default=OCCUPATION_FACTORS["danger"])
    industry_weight: Mapped[str] = mapped_column(String(20), default=OCCUPATION_FACTORS["industry_weight"])
    productivity_range: Mapped[str] = mapped_column(String(20), default=OCCUPATION_FACTORS["productivity_range"])
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Industry(db.Model):
    """An industry in one region; its need weighs into the wages of the occupations in it."""

    __tablename__ = "industries"
    __table_args__ = (UniqueConstraint("region_id", "name", name="uq_industries_region_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    name: Mapped[str] = mapped_column(String(30))
    label: Mapped[str] = mapped_column(String(60))
    need: Mapped[str] = mapped_column(String(20), default=INDUSTRY_FACTORS["need"])
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class WageRate(db.Model):
    """One decision on the wage table, kept forever: rows are only ever added.

    The table's current wage for an occupation (and industry, or none) is its row with the
    highest id; set_wage refuses to date a row before the current one, so that is also the
    latest `effective_from`. The index serves both that lookup (max id per group) and one
    occupation's history.
    """

    __tablename__ = "wage_rates"
    __table_args__ = (
        Index("ix_wage_rates_current", "region_id", "occupation", "industry", "id"),
        ForeignKeyConstraint(["region_id", "occupation"], ["occupations.region_id", "occupations.name"],
                             name="fk_wage_rates_occupation"),
        ForeignKeyConstraint(["region_id", "industry"], ["industries.region_id", "industries.name"],
                             name="fk_wage_rates_industry"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    occupation: Mapped[str] = mapped_column(String(30))
    industry: Mapped[str | None] = mapped_column(String(30))
    hourly_wage_minor: Mapped[int] = mapped_column(BigInteger)
    effective_from: Mapped[datetime] = mapped_column(UTCDateTime())
    reduction_delay_days: Mapped[int] = mapped_column(Integer)
    reduction_decay_days: Mapped[int] = mapped_column(Integer)
    cause_type: Mapped[str] = mapped_column(String(40))
    cause_id: Mapped[str | None] = mapped_column(String(64))
