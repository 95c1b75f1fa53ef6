"""Units, their operating costs, the waiting list, tenancies and monthly rent charges."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from govern.database import UTCDateTime
from govern.extensions import db

KINDS = ("housing", "office", "health", "education")
# Inventory kinds a unit may be carved out of (what an `asset_purchase` brings in).
INVENTORY_KINDS = ("housing", "building", "facility", "land")

OPEN = "open"          # offered: applications are taken
CLOSED = "closed"      # no longer offered

PENDING = "pending"
ASSIGNED = "assigned"
WITHDRAWN = "withdrawn"

TENANT_MEMBER = "member"
TENANT_COMPANY = "company"

ACTIVE = "active"
ENDED = "ended"

PAID = "paid"
UNPAID = "unpaid"

BASIS_COST = "cost"      # cost × (1 − subsidy): members and companies
BASIS_MARKET = "market"  # the unit's market rate: tenants who are not members (any more)


class Facility(db.Model):
    """A unit the region offers: a flat, an office, a clinic room, a classroom. Amounts are RSC
    cents. `purchase_minor` is what the unit cost the region (its share of the inventory item it
    is part of); `maintenance_minor` the budgeted monthly upkeep."""

    __tablename__ = "facilities"
    __table_args__ = (Index("ix_facilities_region_status", "region_id", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    inventory_item_id: Mapped[int | None] = mapped_column(ForeignKey("inventory_items.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(String(2000), default="")
    purchase_minor: Mapped[int] = mapped_column(BigInteger)
    maintenance_minor: Mapped[int] = mapped_column(BigInteger)
    market_rate_minor: Mapped[int | None] = mapped_column(BigInteger)
    # Who is paid the monthly maintenance: a co-op company, or a supplier outside the co-op (paid
    # through the treasury). `maintenance_next_month`: the first month not paid yet.
    maintainer_company_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id"))
    maintainer_name: Mapped[str | None] = mapped_column(String(200))
    maintainer_pay_to: Mapped[str | None] = mapped_column(String(500))
    maintenance_next_month: Mapped[str | None] = mapped_column(String(7))
    status: Mapped[str] = mapped_column(String(10), default=OPEN)
    created_by: Mapped[int] = mapped_column(ForeignKey("members.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Where the unit is, for a unit not carved out of an inventory item (one that is follows its
    # item): a split that takes this locality takes the unit and its tenancies.
    locality: Mapped[str] = mapped_column(String(100), default="", server_default="")


class OperatingCost(db.Model):
    """A running cost the board records against a unit for a month (utilities, repairs …), paid
    from the capital pool when it is recorded: to a co-op company (`company_id`), or to a supplier
    outside the co-op through the treasury (`supplier`, `payout_id`). It is part of that month's
    cost, so the board records it before the month is charged."""

    __tablename__ = "facility_operating_costs"
    __table_args__ = (Index("ix_facility_operating_costs_month", "facility_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facilities.id"))
    month: Mapped[str] = mapped_column(String(7))  # "2026-11"
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    memo: Mapped[str] = mapped_column(String(200))
    company_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id"))
    supplier: Mapped[str | None] = mapped_column(String(200))
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"))
    payout_id: Mapped[int | None] = mapped_column(ForeignKey("usd_payouts.id"))
    recorded_by: Mapped[int] = mapped_column(ForeignKey("members.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class FacilityApplication(db.Model):
    """A place on a unit's waiting list, for a member or a company a member runs. The list is
    ordered by `created_at`, then `id`. `pending_key` is set while pending and unique, so the
    same applicant cannot stand twice in one list, even when two requests race."""

    __tablename__ = "facility_applications"
    __table_args__ = (Index("ix_facility_applications_queue", "facility_id", "status", "created_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facilities.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    company_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id"))
    message: Mapped[str] = mapped_column(String(2000), default="")
    status: Mapped[str] = mapped_column(String(10), default=PENDING)
    pending_key: Mapped[str | None] = mapped_column(String(60), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    reason: Mapped[str] = mapped_column(String(500), default="")


class Tenancy(db.Model):
    """A unit let to a member or a company, for whole calendar months from `start_month` through
    `end_month` (open-ended while None). `occupied_key` holds the facility id while active and is
    unique: a unit has one tenant at a time."""

    __tablename__ = "tenancies"
    __table_args__ = (Index("ix_tenancies_due", "next_month_due", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facilities.id"), index=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("facility_applications.id"))
    tenant_type: Mapped[str] = mapped_column(String(10))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)  # the member, or who applied for the company
    company_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id"), index=True)
    start_month: Mapped[str] = mapped_column(String(7))
    end_month: Mapped[str | None] = mapped_column(String(7))
    next_month_due: Mapped[str | None] = mapped_column(String(7))  # the first month not yet paid; None: all paid
    status: Mapped[str] = mapped_column(String(10), default=ACTIVE)
    occupied_key: Mapped[int | None] = mapped_column(unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RentCharge(db.Model):
    """One month's rent of one tenancy, worked out once and kept as it was (a bill): the unit's cost
    that month and its parts, the subsidy rate, the rent, and the subsidy the pool bore. Unique per
    tenancy and month, so the monthly job can run any number of times. A tenant who could not pay
    is `unpaid` (nothing posted) and retried on the next run."""

    __tablename__ = "rent_charges"
    __table_args__ = (
        UniqueConstraint("tenancy_id", "month", name="uq_rent_charges_tenancy_month"),
        Index("ix_rent_charges_facility_month", "facility_id", "month"),
        Index("ix_rent_charges_status", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tenancy_id: Mapped[int] = mapped_column(ForeignKey("tenancies.id"))
    facility_id: Mapped[int] = mapped_column(ForeignKey("facilities.id"))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    month: Mapped[str] = mapped_column(String(7))
    amortisation_minor: Mapped[int] = mapped_column(BigInteger)
    maintenance_minor: Mapped[int] = mapped_column(BigInteger)
    operating_minor: Mapped[int] = mapped_column(BigInteger)
    cost_minor: Mapped[int] = mapped_column(BigInteger)
    basis: Mapped[str] = mapped_column(String(10))
    subsidy_rate: Mapped[str] = mapped_column(String(20))
    rent_minor: Mapped[int] = mapped_column(BigInteger)
    subsidy_minor: Mapped[int] = mapped_column(BigInteger)  # cost − rent: negative when a market rate earns a surplus
    status: Mapped[str] = mapped_column(String(10), default=UNPAID)
    attempts: Mapped[int] = mapped_column(default=0)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class MaintenancePayment(db.Model):
    """One month's maintenance of one unit, paid from the capital pool to its maintainer (a co-op
    company, or a supplier through the treasury). Unique per unit and month, so the monthly job can
    run any number of times; a month the pool could not pay is `unpaid` and retried."""

    __tablename__ = "maintenance_payments"
    __table_args__ = (
        UniqueConstraint("facility_id", "month", name="uq_maintenance_payments_facility_month"),
        Index("ix_maintenance_payments_region_month", "region_id", "month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facilities.id"))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    month: Mapped[str] = mapped_column(String(7))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    company_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id"))
    supplier: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), default=UNPAID)
    attempts: Mapped[int] = mapped_column(default=0)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"))
    payout_id: Mapped[int | None] = mapped_column(ForeignKey("usd_payouts.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
