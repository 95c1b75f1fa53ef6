"""What the units cost, paid: the capital pool, which owns the units, pays their maintenance and
operating costs through the ledger, so the facilities record shows money that moved.

* **Who is paid** (a `Payee`): a co-op company (RSC from the pool into its account), or a supplier
  outside the co-op: the pool's RSC is redeemed at par, the USD leaves the reserve into a payout
  the board makes from the bank and settles through the treasury (treasury/suppliers.py).
* **Operating costs** (utilities, repairs …) are paid when the board records them against a unit
  for a month, in one entry caused by the cost; a pool that cannot pay records nothing (409).
* **Maintenance**: each unit's monthly maintenance budget is paid to its maintainer, whom the board
  names, for every month from the one they were named in, once the month has ended. The scheduler
  pays each month once (unique per unit and month); a month the pool cannot pay is flagged
  `unpaid` and retried on the next run, later months waiting behind it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from govern.companies.models import ACTIVE as COMPANY_ACTIVE, Company
from govern.companies.service import company_account
from govern.database import ids_in_batches, next_id, write_transaction
from govern.errors import Conflict, InsufficientFunds, NotFound, ValidationError
from govern.facilities.models import PAID, UNPAID, Facility, MaintenancePayment, OperatingCost, RentCharge
from govern.facilities.service import MAX_MEMO, require_board, rsc_amount
from govern.fields import text_field
from govern.ids import is_id
from govern.ledger.models import CAPITAL_POOL, LedgerEntry, UsdPayout
from govern.ledger.service import Leg, post, region_account
from govern.members.models import Member
from govern.money import Money
from govern.months import add_months, month_of, parse_month
from govern.regions import service as regions
from govern.regions.models import REGION_ACTIVE
from govern.treasury import suppliers


@dataclass(frozen=True)
class Payee:
    """A co-op company (`company`), or a supplier outside the co-op (`supplier`, where to pay it)."""

    company: Company | None = None
    supplier: str | None = None
    pay_to: str = ""

    @property
    def name(self) -> str:
        return self.company.name if self.company is not None else self.supplier


def check_payee(session: Session, region_id: int, company_id: object, supplier: object, pay_to: object) -> Payee:
    """Exactly one of a company of the region that is trading, or a supplier's name (400 otherwise)."""
    supplier = supplier.strip() if isinstance(supplier, str) else supplier
    if company_id in (None, "") and supplier in (None, ""):
        raise ValidationError.for_field("supplier", "name who is paid: a co-op company, or a supplier outside the co-op")
    if company_id not in (None, "") and supplier not in (None, ""):
        raise ValidationError.for_field("supplier", "name a co-op company or a supplier, not both")
    if company_id not in (None, ""):
        company = session.get(Company, company_id) if is_id(company_id) else None
        if company is None or company.region_id != region_id or company.status != COMPANY_ACTIVE:
            raise ValidationError.for_field("company_id", "is not a trading company of this region")
        return Payee(company=company)
    return Payee(supplier=text_field(supplier, "supplier", suppliers.MAX_SUPPLIER),
                 pay_to=text_field(pay_to, "pay_to", suppliers.MAX_PAY_TO, required=False))


@dataclass(frozen=True)
class Payment:
    entry: LedgerEntry
    payout: UsdPayout | None


def pay_from_pool(session: Session, region_id: int, amount: int, payee: Payee, *, memo: str, cause_type: str,
                  cause_id: int, now: datetime, idempotency_key: str | None = None) -> Payment:
    """One entry: the pool pays the company, or the supplier through a payout the board makes."""
    pool = region_account(session, region_id, CAPITAL_POOL)
    if payee.company is not None:
        legs = [Leg(pool, -amount), Leg(company_account(session, payee.company.id), amount)]
    else:
        legs = suppliers.payout_legs(session, region_id, pool, amount)
    try:
        entry = post(session, legs, memo=memo, cause_type=cause_type, cause_id=cause_id, now=now, region_id=region_id,
                     idempotency_key=idempotency_key)
    except InsufficientFunds as short:
        raise InsufficientFunds(f"The capital pool cannot pay {Money(amount, 'RSC')}: it holds "
                                f"{Money(pool.balance, 'RSC')}. Nothing was paid.", account_id=short.account_id) from short
    payout = None
    if payee.company is None:
        payout = suppliers.owe(session, region_id=region_id, amount_minor=amount, payee=payee.supplier,
                               pay_to=payee.pay_to, memo=memo, company_id=None, now=now)
    return Payment(entry, payout)


# --- operating costs -----------------------------------------------------------------------

def record_operating_cost(session: Session, board: Member, facility_id: int, *, month: object, amount: Money | None,
                          memo: object, now: datetime, company_id: object = None, supplier: object = None,
                          pay_to: object = None) -> OperatingCost:
    """A running cost of a month, paid from the pool now and part of that month's cost. A month
    already charged is closed."""
    month = parse_month(month)
    amount_minor = rsc_amount(amount, "amount")
    memo = text_field(memo, "memo", MAX_MEMO)
    if month > month_of(now):
        raise ValidationError.for_field("month", "cannot be a future month")
    with write_transaction(session):
        facility = session.execute(select(Facility).where(Facility.id == facility_id).with_for_update()).scalar_one_or_none()
        if facility is None:
            raise NotFound("No such facility.")
        require_board(board, facility)
        regions.require_active(session, facility.region_id)
        payee = check_payee(session, facility.region_id, company_id, supplier, pay_to)
        charged = session.execute(select(RentCharge.id).where(RentCharge.facility_id == facility.id,
                                                              RentCharge.month == month).limit(1)).first()
        if charged is not None:
            raise Conflict(f"The rent for {month} is already charged: record this cost for the current month.",
                           code="month_charged")
        cost_id = next_id(session, OperatingCost)
        paid = pay_from_pool(session, facility.region_id, amount_minor, payee,
                             memo=f"{facility.name}, {month}: {memo}", cause_type="facility_cost", cause_id=cost_id,
                             now=now)
        row = OperatingCost(id=cost_id, facility_id=facility.id, month=month, amount_minor=amount_minor, memo=memo,
                            company_id=payee.company.id if payee.company else None, supplier=payee.supplier,
                            entry_id=paid.entry.id, payout_id=paid.payout.id if paid.payout else None,
                            recorded_by=board.id, created_at=now)
        session.add(row)
        session.flush()
    return row


def operating_costs(session: Session, facility_id: int, *, limit: int = 50) -> list[OperatingCost]:
    return list(session.execute(select(OperatingCost).where(OperatingCost.facility_id == facility_id)
                                .order_by(OperatingCost.month.desc(), OperatingCost.id.desc()).limit(limit)).scalars())


# --- maintenance ---------------------------------------------------------------------------

def set_maintainer(session: Session, board: Member, facility_id: int, *, now: datetime, company_id: object = None,
                   supplier: object = None, pay_to: object = None) -> Facility:
    """The board names who is paid the unit's monthly maintenance, from this month on (a change of
    maintainer pays the new one from the first month not paid yet)."""
    with write_transaction(session):
        facility = session.execute(select(Facility).where(Facility.id == facility_id).with_for_update()
                                   .execution_options(populate_existing=True)).scalar_one_or_none()
        if facility is None:
            raise NotFound("No such facility.")
        require_board(board, facility)
        regions.require_active(session, facility.region_id)
        payee = check_payee(session, facility.region_id, company_id, supplier, pay_to)
        facility.maintainer_company_id = payee.company.id if payee.company else None
        facility.maintainer_name, facility.maintainer_pay_to = payee.supplier, payee.pay_to or None
        if facility.maintenance_next_month is None:
            facility.maintenance_next_month = month_of(now)
    return facility


def maintainer_of(session: Session, facility: Facility) -> Payee | None:
    if facility.maintainer_company_id is not None:
        return Payee(company=session.get(Company, facility.maintainer_company_id))
    if facility.maintainer_name:
        return Payee(supplier=facility.maintainer_name, pay_to=facility.maintainer_pay_to or "")
    return None


def run_maintenance(session: Session, now: datetime) -> dict[str, int]:
    """The scheduler's job: pay every unit's maintenance for each ended month not paid yet."""
    last_ended = add_months(month_of(now), -1)
    result = {"paid": 0, "unpaid": 0}
    due = select(Facility.id).where(Facility.maintenance_minor > 0, Facility.maintenance_next_month.is_not(None),
                                    Facility.maintenance_next_month <= last_ended)
    for facility_id in ids_in_batches(session, due, Facility.id):
        while (payment := pay_next_maintenance(session, facility_id, last_ended, now)) is not None:
            if payment.status != PAID:
                result["unpaid"] += 1
                break
            result["paid"] += 1
    return result


def pay_next_maintenance(session: Session, facility_id: int, last_ended: str, now: datetime) -> MaintenancePayment | None:
    """Pay the unit's first unpaid month of maintenance if it has ended; None when nothing is due."""
    with write_transaction(session):
        facility = session.execute(select(Facility).where(Facility.id == facility_id).with_for_update()
                                   .execution_options(populate_existing=True)).scalar_one()
        month = facility.maintenance_next_month
        payee = maintainer_of(session, facility)
        if month is None or month > last_ended or payee is None or facility.maintenance_minor <= 0:
            return None
        if regions.get_region(session, facility.region_id).status != REGION_ACTIVE:
            return None  # a dissolved region is read-only: its units went to the municipality
        row = session.execute(select(MaintenancePayment).where(MaintenancePayment.facility_id == facility.id,
                                                               MaintenancePayment.month == month)).scalar_one_or_none()
        if row is None:
            row = MaintenancePayment(id=next_id(session, MaintenancePayment), facility_id=facility.id,
                                     region_id=facility.region_id, month=month, amount_minor=facility.maintenance_minor,
                                     status=UNPAID, attempts=0, created_at=now)
            session.add(row)
        row.attempts += 1
        row.company_id = payee.company.id if payee.company else None
        row.supplier = payee.supplier
        try:
            paid = pay_from_pool(session, facility.region_id, row.amount_minor, payee,
                                 memo=f"Maintenance of {facility.name}, {month}", cause_type="facility_maintenance",
                                 cause_id=row.id, now=now, idempotency_key=f"maintenance:{facility.id}:{month}")
        except InsufficientFunds:
            session.flush()
            return row
        row.status, row.paid_at, row.entry_id = PAID, now, paid.entry.id
        row.payout_id = paid.payout.id if paid.payout else None
        facility.maintenance_next_month = add_months(month, 1)
        session.flush()
    return row


def maintenance_payments(session: Session, facility_id: int, *, limit: int = 50) -> list[MaintenancePayment]:
    return list(session.execute(select(MaintenancePayment).where(MaintenancePayment.facility_id == facility_id)
                                .order_by(MaintenancePayment.month.desc()).limit(limit)).scalars())


# --- what the pool paid, for the record ----------------------------------------------------

@dataclass(frozen=True)
class CostPaid:
    month: str
    facility: Facility
    what: str
    paid_to: str
    amount: int
    status: str
    entry_id: int | None


def costs_paid(session: Session, region_id: int, *, facility_id: int | None = None, limit: int = 100) -> list[CostPaid]:
    """The maintenance and operating costs the pool paid (or could not pay yet), newest month first."""
    operating = (select(OperatingCost, Facility, Company.name).join(Facility, Facility.id == OperatingCost.facility_id)
                 .outerjoin(Company, Company.id == OperatingCost.company_id)
                 .where(Facility.region_id == region_id, OperatingCost.entry_id.is_not(None)))
    maintenance = (select(MaintenancePayment, Facility, Company.name)
                   .join(Facility, Facility.id == MaintenancePayment.facility_id)
                   .outerjoin(Company, Company.id == MaintenancePayment.company_id)
                   .where(MaintenancePayment.region_id == region_id))
    if facility_id is not None:
        operating = operating.where(Facility.id == facility_id)
        maintenance = maintenance.where(Facility.id == facility_id)
    rows = [CostPaid(c.month, f, f"Operating: {c.memo}", company or c.supplier, c.amount_minor, PAID, c.entry_id)
            for c, f, company in session.execute(
                operating.order_by(OperatingCost.month.desc(), OperatingCost.id.desc()).limit(limit)).all()]
    rows += [CostPaid(m.month, f, "Maintenance", company or m.supplier, m.amount_minor, m.status, m.entry_id)
             for m, f, company in session.execute(
                 maintenance.order_by(MaintenancePayment.month.desc(), MaintenancePayment.id.desc()).limit(limit)).all()]
    return sorted(rows, key=lambda r: (r.month, r.entry_id or 0), reverse=True)[:limit]


def unpaid_maintenance(session: Session, board: Member, *, limit: int = 100) -> list[tuple[MaintenancePayment, Facility]]:
    """Months of maintenance the pool could not pay yet, for the board."""
    require_board(board)
    return [tuple(row) for row in session.execute(
        select(MaintenancePayment, Facility).join(Facility, Facility.id == MaintenancePayment.facility_id)
        .where(MaintenancePayment.region_id == board.region_id, MaintenancePayment.status == UNPAID)
        .order_by(MaintenancePayment.month, MaintenancePayment.id).limit(limit)).all()]
