"""The facilities' public record: each unit's monthly cost, rent and subsidy, and its totals."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from govern.facilities.models import PAID, UNPAID, Facility, RentCharge


# --- the public record ---------------------------------------------------------------------

def facility_months(session: Session, region_id: int, *, facility_id: int | None, after: tuple[str, int] | None,
                    limit: int) -> list[tuple[RentCharge, Facility]]:
    """Each unit's monthly cost, rent and subsidy, newest month first (one charge per unit and
    month: a unit has one tenant at a time). `after` is the (month, facility id) of the last row
    of the previous page."""
    query = (select(RentCharge, Facility).join(Facility, Facility.id == RentCharge.facility_id)
             .where(RentCharge.region_id == region_id))
    if facility_id is not None:
        query = query.where(RentCharge.facility_id == facility_id)
    if after is not None:
        month, last_id = after
        query = query.where(or_(RentCharge.month < month,
                                and_(RentCharge.month == month, RentCharge.facility_id > last_id)))
    return [tuple(row) for row in session.execute(
        query.order_by(RentCharge.month.desc(), RentCharge.facility_id).limit(limit)).all()]


@dataclass(frozen=True)
class FacilityTotals:
    cost: int
    rent_paid: int
    rent_unpaid: int
    subsidy: int
    months: int


def facility_totals(session: Session, facility_id: int) -> FacilityTotals:
    """Everything a unit has cost, been paid and been subsidised, summed in SQL."""
    row = session.execute(select(
        func.coalesce(func.sum(RentCharge.cost_minor), 0),
        func.coalesce(func.sum(RentCharge.rent_minor).filter(RentCharge.status == PAID), 0),
        func.coalesce(func.sum(RentCharge.rent_minor).filter(RentCharge.status == UNPAID), 0),
        func.coalesce(func.sum(RentCharge.subsidy_minor), 0), func.count(RentCharge.id))
        .where(RentCharge.facility_id == facility_id)).one()
    return FacilityTotals(*(int(value) for value in row))

