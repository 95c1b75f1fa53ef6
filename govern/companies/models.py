from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from govern.database import UTCDateTime
from govern.extensions import db

OWNER_WORKERS = "workers"
OWNER_REGION = "region"
ACTIVE = "active"
BANKRUPT = "bankrupt"
CLOSED = "closed"  # its last worker and admin closed it (see leaving.py)
SCHEDULES = {"none": None, "weekly": 7, "biweekly": 14, "monthly": None}


class Company(db.Model):
    __tablename__ = "companies"
    __table_args__ = (Index("ix_companies_region_status", "region_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    name: Mapped[str] = mapped_column(String(120))
    industry: Mapped[str] = mapped_column(String(60))
    # Where it works: a region split by locality takes the companies of its localities along.
    locality: Mapped[str] = mapped_column(String(100), default="")
    owner: Mapped[str] = mapped_column(String(10), default=OWNER_WORKERS)
    status: Mapped[str] = mapped_column(String(10), default=ACTIVE)
    # A bridge to the outside economy: buys outside in USD, sells inside in RSC at cost.
    is_bridge: Mapped[bool] = mapped_column(Boolean, default=False)
    pay_schedule: Mapped[str] = mapped_column(String(10), default="none")
    schedule_start: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    bankrupt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The entry that returned what it held to the capital pool when it ended.
    returned_entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"))


class Worker(db.Model):
    """A member working in a company, with an occupation and (until the table decides) a rate.
    `kept_wage_minor`: the wage an acquired business's employee was invited at, which they keep
    (see rates.py). `productivity`: from 0 to 1, 0.5 being the table's wage."""

    __tablename__ = "workers"
    __table_args__ = (UniqueConstraint("company_id", "member_id", name="uq_workers_company_member"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    occupation: Mapped[str] = mapped_column(String(60))
    hourly_rate_minor: Mapped[int | None] = mapped_column(BigInteger)
    kept_wage_minor: Mapped[int | None] = mapped_column(BigInteger)
    productivity: Mapped[str] = mapped_column(String(10), default="0.5")
    admin: Mapped[bool] = mapped_column(Boolean, default=False)
    hired_at: Mapped[datetime] = mapped_column(UTCDateTime())


class HoursEntry(db.Model):
    """Hours a worker worked in a period. Hundredths of an hour, so 7.25 h is 725."""

    __tablename__ = "hours_entries"
    __table_args__ = (Index("ix_hours_entries_company_period", "company_id", "period_start", "period_end"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    centihours: Mapped[int] = mapped_column(Integer)
    entered_by: Mapped[int] = mapped_column(ForeignKey("members.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    payroll_run_id: Mapped[int | None] = mapped_column(ForeignKey("payroll_runs.id"), index=True)


class PayrollRun(db.Model):
    __tablename__ = "payroll_runs"
    __table_args__ = (UniqueConstraint("company_id", "period_start", "period_end", name="uq_payroll_runs_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    gross_minor: Mapped[int] = mapped_column(BigInteger)
    tax_minor: Mapped[int] = mapped_column(BigInteger)
    net_minor: Mapped[int] = mapped_column(BigInteger)
    converted_usd_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    tax_rate: Mapped[str] = mapped_column(String(20))
    # A company's last payroll (its bankruptcy): every unpaid hour, and the share of what they
    # earned the workers were paid when it could not pay in full ("1": in full).
    final: Mapped[bool] = mapped_column(Boolean, default=False)
    paid_share: Mapped[str] = mapped_column(String(20), default="1")
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"))
    run_by: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Payslip(db.Model):
    __tablename__ = "payslips"
    __table_args__ = (Index("ix_payslips_member", "member_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("payroll_runs.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    occupation: Mapped[str] = mapped_column(String(60))
    centihours: Mapped[int] = mapped_column(Integer)
    rate_minor: Mapped[int] = mapped_column(BigInteger)
    gross_minor: Mapped[int] = mapped_column(BigInteger)
    tax_minor: Mapped[int] = mapped_column(BigInteger)
    net_minor: Mapped[int] = mapped_column(BigInteger)
    converted_rsc_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    converted_usd_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    contributed_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    # When the wage table decided the rate: its wage before productivity, and the productivity.
    base_rate_minor: Mapped[int | None] = mapped_column(BigInteger)
    productivity: Mapped[str | None] = mapped_column(String(10))


class PaySettings(db.Model):
    """A member's standing choices for each net pay: the share auto-converted to USD."""

    __tablename__ = "pay_settings"

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    auto_convert_percent: Mapped[int] = mapped_column(Integer, default=0)
    contribution_percent: Mapped[int] = mapped_column(Integer, default=0)


class OutsidePurchase(db.Model):
    """A company buys from a supplier outside the co-op in USD: its RSC is redeemed at par, the USD
    leaves the reserve into a payout the board makes to the supplier. It may spend an equipment
    grant (`grant_proposal_id`), which the grant's record and the inventory then show."""

    __tablename__ = "outside_purchases"
    __table_args__ = (Index("ix_outside_purchases_company", "company_id", "id"),
                      Index("ix_outside_purchases_grant", "grant_proposal_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    supplier: Mapped[str] = mapped_column(String(200))
    memo: Mapped[str] = mapped_column(String(200), default="")
    amount_minor: Mapped[int] = mapped_column(BigInteger)  # USD (= the RSC redeemed, at par)
    grant_proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entries.id"))
    payout_id: Mapped[int] = mapped_column(ForeignKey("usd_payouts.id"))
    bought_by: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SurplusSweep(db.Model):
    """One month's sweep of a region-owned company's surplus to the capital pool, with every figure
    it was worked out from (public, like the company's account). One per company and month, so
    the monthly job can run any number of times."""

    __tablename__ = "surplus_sweeps"
    __table_args__ = (UniqueConstraint("company_id", "month", name="uq_surplus_sweeps_company_month"),
                      Index("ix_surplus_sweeps_region", "region_id", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    month: Mapped[str] = mapped_column(String(7))  # the month swept, "2026-10"
    balance_minor: Mapped[int] = mapped_column(BigInteger)
    monthly_payroll_minor: Mapped[int] = mapped_column(BigInteger)
    reserve_months: Mapped[int] = mapped_column(Integer)
    earmarked_minor: Mapped[int] = mapped_column(BigInteger)  # grant cash not spent yet: never swept
    surplus_minor: Mapped[int] = mapped_column(BigInteger)
    share: Mapped[str] = mapped_column(String(20))
    swept_minor: Mapped[int] = mapped_column(BigInteger)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
