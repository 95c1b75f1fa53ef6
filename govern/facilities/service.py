"""Facilities and housing at cost: the units the board offers, and what a month of each costs.

The board offers units the region holds; members (for themselves or for a company they run) join
a unit's waiting list (waiting_list.py), the board lets it (tenancies.py), and the scheduler
charges each tenancy's rent once a month has ended (rent.py): one ledger entry per paid month, from
the tenant to the capital pool, which owns the unit and bears its costs. The pool pays those costs
through the ledger (costs.py): each unit's monthly maintenance to its maintainer, and the operating
costs the board records, to a co-op company or to a supplier outside the co-op through the
treasury. The subsidy is the part of the month's cost the pool is not paid back; it is kept on the
month's charge with the cost and its parts, so the public record (public_record.py) shows cost,
rent, subsidy and the costs paid per unit per month (see `pricing`). Rent is charged in arrears for
whole calendar months: the month's cost includes the operating costs recorded for it, which are
known once it has ended.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from govern import access
from govern.database import write_transaction
from govern.errors import NotFound, ValidationError
from govern.facilities import pricing
from govern.fields import text_field
from govern.facilities.models import (
    CLOSED,
    INVENTORY_KINDS,
    KINDS,
    OPEN,
    PENDING,
    Facility,
    FacilityApplication,
    OperatingCost,
    Tenancy,
)
from govern.inventory.models import IN_USE, InventoryItem
from govern.members.models import Member
from govern.money import Money, require_positive
from govern.regions import service as regions


MAX_NAME = 200
MAX_LOCALITY = 100
MAX_TEXT = 2000
MAX_MEMO = 200
MAX_REASON = 500


def rsc_amount(money: Money | None, field: str, *, allow_zero: bool = False) -> int:
    if money is None:
        raise ValidationError.for_field(field, "is required, in RSC")
    if money.currency != "RSC":
        raise ValidationError.for_field(field, "must be in RSC")
    if allow_zero and money.minor == 0:
        return 0
    return require_positive(money, field).minor


def require_board(actor: Member, facility: Facility | None = None) -> None:
    access.require(actor, "board_actions", "Only the board does this.")
    if facility is not None and facility.region_id != actor.region_id:
        raise NotFound("No such facility.")


# --- units ---------------------------------------------------------------------------------

def create_facility(session: Session, board: Member, *, name: object, kind: object, purchase: Money | None,
                    maintenance: Money | None, now: datetime, description: object = None,
                    market_rate: Money | None = None, inventory_item_id: object = None,
                    locality: object = None) -> Facility:
    """The board offers a unit. It may be carved out of an inventory item the region holds (a
    building bought by an `asset_purchase`): the units of one item never add up to more than the
    item cost, and without a purchase amount a unit takes the whole item's cost. `locality`: where
    a unit that is not part of an item is (a split that takes the locality takes the unit; a unit of
    an item goes where its item goes)."""
    require_board(board)
    if kind not in KINDS:
        raise ValidationError.for_field("kind", f"must be one of {', '.join(KINDS)}")
    name = text_field(name, "name", MAX_NAME)
    description = text_field(description, "description", MAX_TEXT, required=False)
    locality = text_field(locality, "locality", MAX_LOCALITY, required=False)
    maintenance_minor = rsc_amount(maintenance, "maintenance", allow_zero=True)
    market_minor = None if market_rate is None else rsc_amount(market_rate, "market_rate")
    if inventory_item_id is not None and (isinstance(inventory_item_id, bool) or not isinstance(inventory_item_id, int)):
        raise ValidationError.for_field("inventory_item_id", "must be an inventory item id")
    with write_transaction(session):
        regions.require_active(session, board.region_id)
        if inventory_item_id is None:
            purchase_minor = rsc_amount(purchase, "purchase", allow_zero=True)
        else:
            purchase_minor = _purchase_from_item(session, board.region_id, inventory_item_id, purchase)
        facility = Facility(region_id=board.region_id, inventory_item_id=inventory_item_id, name=name, kind=kind,
                            description=description, purchase_minor=purchase_minor,
                            maintenance_minor=maintenance_minor, market_rate_minor=market_minor, status=OPEN,
                            created_by=board.id, created_at=now, locality=locality)
        session.add(facility)
        session.flush()
    return facility


def _purchase_from_item(session: Session, region_id: int, item_id: int, purchase: Money | None) -> int:
    item = session.execute(select(InventoryItem).where(InventoryItem.id == item_id).with_for_update()).scalar_one_or_none()
    if item is None or item.owner_region_id != region_id:
        raise ValidationError.for_field("inventory_item_id", "is not an item of your region's inventory")
    if item.kind not in INVENTORY_KINDS or item.status != IN_USE or item.held_by_company_id is not None:
        raise ValidationError.for_field("inventory_item_id",
                                        f"must be a {', '.join(INVENTORY_KINDS)} the region holds itself")
    taken = session.execute(select(func.coalesce(func.sum(Facility.purchase_minor), 0))
                            .where(Facility.inventory_item_id == item.id)).scalar_one()
    left = item.cost_minor - int(taken)
    amount = left if purchase is None else rsc_amount(purchase, "purchase", allow_zero=True)
    if amount > left:
        raise ValidationError.for_field("purchase", f"the item's units may cost at most {Money(left, 'RSC')} more")
    return amount


def get_facility(session: Session, facility_id: int) -> Facility:
    facility = session.get(Facility, facility_id)
    if facility is None:
        raise NotFound("No such facility.")
    return facility


def list_facilities(session: Session, region_id: int, *, kind: str | None = None, before: int | None = None,
                    limit: int = 50) -> list[Facility]:
    if kind is not None and kind not in KINDS:
        raise ValidationError.for_field("kind", f"must be one of {', '.join(KINDS)}")
    query = select(Facility).where(Facility.region_id == region_id)
    if kind:
        query = query.where(Facility.kind == kind)
    if before is not None:
        query = query.where(Facility.id < before)
    return list(session.execute(query.order_by(Facility.id.desc()).limit(limit)).scalars())


def set_status(session: Session, board: Member, facility_id: int, status: object) -> Facility:
    """Open a unit to applications, or close it (its tenant stays until the tenancy ends)."""
    if status not in (OPEN, CLOSED):
        raise ValidationError.for_field("status", f"must be {OPEN} or {CLOSED}")
    with write_transaction(session):
        facility = get_facility(session, facility_id)
        require_board(board, facility)
        facility.status = status
    return facility


def price(session: Session, facility: Facility, month: str, *, member: bool) -> pricing.Rent:
    """What a month of this unit costs and what its tenant pays, with today's parameters."""
    return prices(session, [facility], month, member=member)[facility.id]


def prices(session: Session, units: list[Facility], month: str, *, member: bool = True) -> dict[int, pricing.Rent]:
    """The month's price of many units of one region: the parameters read once, the operating
    costs summed in one grouped query."""
    if not units:
        return {}
    params = regions.all_parameters(session, units[0].region_id)
    years = int(Decimal(params["facility_amortisation_years"]))
    operating = dict(session.execute(
        select(OperatingCost.facility_id, func.sum(OperatingCost.amount_minor))
        .where(OperatingCost.facility_id.in_([u.id for u in units]), OperatingCost.month == month)
        .group_by(OperatingCost.facility_id)).all())
    return {unit.id: pricing.rent_for(purchase_minor=unit.purchase_minor, years=years,
                                      maintenance_minor=unit.maintenance_minor,
                                      operating_minor=int(operating.get(unit.id) or 0),
                                      subsidy_rate=Decimal(params[f"subsidy_{unit.kind}"]), member=member,
                                      market_rate_minor=unit.market_rate_minor)
            for unit in units}


@dataclass(frozen=True)
class Occupancy:
    let: bool
    waiting: int


def occupancy(session: Session, units: list[Facility]) -> dict[int, Occupancy]:
    """Whether each unit is let and how many wait for it, in two grouped queries."""
    ids = [u.id for u in units]
    if not ids:
        return {}
    let = set(session.execute(select(Tenancy.occupied_key).where(Tenancy.occupied_key.in_(ids))).scalars())
    waiting = dict(session.execute(
        select(FacilityApplication.facility_id, func.count()).where(
            FacilityApplication.facility_id.in_(ids), FacilityApplication.status == PENDING)
        .group_by(FacilityApplication.facility_id)).all())
    return {i: Occupancy(i in let, int(waiting.get(i, 0))) for i in ids}


