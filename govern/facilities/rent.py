"""The monthly rent charge: the scheduler charges each tenancy each ended month it has not paid, one
ledger entry per paid month, tenant → capital pool; a tenant who cannot pay is flagged and retried."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from govern.companies import service as companies
from govern.database import ids_in_batches, write_transaction
from govern.errors import InsufficientFunds
from govern.facilities.models import PAID, UNPAID, Facility, RentCharge, Tenancy
from govern.facilities.service import get_facility, price
from govern.ledger.exchange import member_wallet
from govern.ledger.models import CAPITAL_POOL
from govern.ledger.service import Leg, post, region_account
from govern.members.models import Member
from govern.months import add_months, month_of
from govern.regions import service as regions
from govern.regions.models import REGION_ACTIVE


# --- the monthly charge --------------------------------------------------------------------

@dataclass
class ChargeRun:
    paid: int = 0
    unpaid: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"paid": self.paid, "unpaid": self.unpaid}



def run_monthly_charges(session: Session, now: datetime) -> dict[str, int]:
    """The scheduler's job: charge every tenancy each ended month it has not paid, oldest first.
    Each month is one transaction; a tenant who cannot pay is flagged and retried next run (their
    later months wait behind it). Running it again charges nothing twice."""
    last_ended = add_months(month_of(now), -1)
    result = ChargeRun()
    due = select(Tenancy.id).where(Tenancy.next_month_due.is_not(None), Tenancy.next_month_due <= last_ended)
    for tenancy_id in ids_in_batches(session, due, Tenancy.id):
        while (outcome := charge_next_month(session, tenancy_id, last_ended, now)) is not None:
            if outcome.status != PAID:
                result.unpaid += 1
                break
            result.paid += 1
    return result.as_dict()


def charge_next_month(session: Session, tenancy_id: int, last_ended: str, now: datetime) -> RentCharge | None:
    """Charge the tenancy's first unpaid month if it has ended; None when nothing is due."""
    with write_transaction(session):
        tenancy = session.execute(select(Tenancy).where(Tenancy.id == tenancy_id).with_for_update()
                                  .execution_options(populate_existing=True)).scalar_one()
        month = tenancy.next_month_due
        if month is None or month > last_ended:
            return None
        charge = session.execute(select(RentCharge).where(RentCharge.tenancy_id == tenancy.id,
                                                          RentCharge.month == month)).scalar_one_or_none()
        facility = get_facility(session, tenancy.facility_id)
        if regions.get_region(session, facility.region_id).status != REGION_ACTIVE:
            return None  # a dissolved region is read-only: its units went to the municipality
        if charge is None:
            charge = _bill(session, tenancy, facility, month, now)
        if charge.status != PAID:
            _try_to_pay(session, tenancy, facility, charge, now)
        if charge.status == PAID:
            following = add_months(month, 1)
            tenancy.next_month_due = None if tenancy.end_month is not None and following > tenancy.end_month else following
    return charge


def _tenant_is_member(session: Session, tenancy: Tenancy) -> bool:
    """Companies are groups of members; a member who left is charged as a non-member."""
    if tenancy.company_id is not None:
        return True
    member = session.get(Member, tenancy.member_id)
    return member is not None and member.active


def _bill(session: Session, tenancy: Tenancy, facility: Facility, month: str, now: datetime) -> RentCharge:
    rent = price(session, facility, month, member=_tenant_is_member(session, tenancy))
    charge = RentCharge(tenancy_id=tenancy.id, facility_id=facility.id, region_id=facility.region_id, month=month,
                        amortisation_minor=rent.amortisation, maintenance_minor=rent.maintenance,
                        operating_minor=rent.operating, cost_minor=rent.cost, basis=rent.basis,
                        subsidy_rate=str(rent.subsidy_rate), rent_minor=rent.rent, subsidy_minor=rent.subsidy,
                        status=UNPAID, attempts=0, created_at=now)
    session.add(charge)
    session.flush()
    return charge


def _try_to_pay(session: Session, tenancy: Tenancy, facility: Facility, charge: RentCharge, now: datetime) -> None:
    """Post the rent, or flag the month unpaid: `post` checks every balance before it writes
    anything, so a short tenant leaves the ledger untouched."""
    charge.attempts += 1
    if charge.rent_minor == 0:
        charge.status, charge.paid_at = PAID, now
        return
    payer = (companies.company_account(session, tenancy.company_id) if tenancy.company_id
             else member_wallet(session, tenancy.member_id))
    try:
        entry = post(session, [Leg(payer, -charge.rent_minor),
                               Leg(region_account(session, facility.region_id, CAPITAL_POOL), charge.rent_minor)],
                     memo=f"Rent of {facility.name}, {charge.month}", cause_type="rent", cause_id=charge.id, now=now,
                     idempotency_key=f"rent:{tenancy.id}:{charge.month}", region_id=facility.region_id)
    except InsufficientFunds:
        charge.status = UNPAID
        return
    charge.status, charge.entry_id, charge.paid_at = PAID, entry.id, now


