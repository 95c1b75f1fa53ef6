"""Facilities and housing at cost: the board offers units the region holds, members (for
themselves or for a company they run) join a unit's waiting list, the board assigns a unit, and
the scheduler charges each tenancy's rent once a month has ended.

Money: one ledger entry per paid month, from the tenant (the member's wallet or the company's
account) to the capital pool, which owns the unit and bears its costs. The subsidy is the part of
the month's cost the pool is not paid back; it is kept on the month's charge, with the cost and
its parts, so the public record shows cost, rent and subsidy per unit per month (see `pricing`).
Rent is charged in arrears for whole calendar months: the month's cost includes the operating
costs recorded for it, which are known once it has ended.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal

from sqlalchemy import and_, false, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from govern import access
from govern.companies import service as companies
from govern.companies.models import ACTIVE as COMPANY_ACTIVE
from govern.database import write_transaction
from govern.errors import Conflict, Forbidden, InsufficientFunds, NotFound, ValidationError
from govern.facilities import pricing
from govern.facilities.models import (
    ACTIVE,
    ASSIGNED,
    CLOSED,
    ENDED,
    INVENTORY_KINDS,
    KINDS,
    OPEN,
    PAID,
    PENDING,
    TENANT_COMPANY,
    TENANT_MEMBER,
    UNPAID,
    WITHDRAWN,
    Facility,
    FacilityApplication,
    OperatingCost,
    RentCharge,
    Tenancy,
)
from govern.inventory.models import IN_USE, InventoryItem
from govern.ledger.exchange import member_wallet
from govern.ledger.models import CAPITAL_POOL
from govern.ledger.service import Leg, post, region_account
from govern.members.models import Member
from govern.money import Money, require_positive
from govern.regions import service as regions
from govern.regions.models import REGION_ACTIVE

MAX_NAME = 200
MAX_TEXT = 2000
MAX_MEMO = 200
MAX_REASON = 500
_MONTH = re.compile(r"^([0-9]{4})-(0[1-9]|1[0-2])$")


# --- months --------------------------------------------------------------------------------

def month_of(moment: datetime) -> str:
    moment = moment.astimezone(timezone.utc)
    return f"{moment.year:04d}-{moment.month:02d}"


def add_months(month: str, count: int) -> str:
    year, number = int(month[:4]), int(month[5:])
    index = year * 12 + number - 1 + count
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def parse_month(value: object, field: str = "month") -> str:
    if not isinstance(value, str) or not _MONTH.match(value.strip()):
        raise ValidationError.for_field(field, "must be a month such as \"2026-11\"")
    return value.strip()


def _text(value: object, field: str, max_length: int, *, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise ValidationError.for_field(field, "is required")
    if len(value.strip()) > max_length:
        raise ValidationError.for_field(field, f"must be at most {max_length} characters")
    return value.strip()


def _rsc(money: Money | None, field: str, *, allow_zero: bool = False) -> int:
    if money is None:
        raise ValidationError.for_field(field, "is required, in RSC")
    if money.currency != "RSC":
        raise ValidationError.for_field(field, "must be in RSC")
    if allow_zero and money.minor == 0:
        return 0
    return require_positive(money, field).minor


def _require_board(actor: Member, facility: Facility | None = None) -> None:
    access.require(actor, "board_actions", "Only the board does this.")
    if facility is not None and facility.region_id != actor.region_id:
        raise NotFound("No such facility.")


# --- units ---------------------------------------------------------------------------------

def create_facility(session: Session, board: Member, *, name: object, kind: object, purchase: Money | None,
                    maintenance: Money | None, now: datetime, description: object = None,
                    market_rate: Money | None = None, inventory_item_id: object = None) -> Facility:
    """The board offers a unit. It may be carved out of an inventory item the region holds (a
    building bought by an `asset_purchase`): the units of one item never add up to more than the
    item cost, and without a purchase amount a unit takes the whole item's cost."""
    _require_board(board)
    if kind not in KINDS:
        raise ValidationError.for_field("kind", f"must be one of {', '.join(KINDS)}")
    name = _text(name, "name", MAX_NAME)
    description = _text(description, "description", MAX_TEXT, required=False)
    maintenance_minor = _rsc(maintenance, "maintenance", allow_zero=True)
    market_minor = None if market_rate is None else _rsc(market_rate, "market_rate")
    if inventory_item_id is not None and (isinstance(inventory_item_id, bool) or not isinstance(inventory_item_id, int)):
        raise ValidationError.for_field("inventory_item_id", "must be an inventory item id")
    with write_transaction(session):
        regions.require_active(session, board.region_id)
        if inventory_item_id is None:
            purchase_minor = _rsc(purchase, "purchase", allow_zero=True)
        else:
            purchase_minor = _purchase_from_item(session, board.region_id, inventory_item_id, purchase)
        facility = Facility(region_id=board.region_id, inventory_item_id=inventory_item_id, name=name, kind=kind,
                            description=description, purchase_minor=purchase_minor,
                            maintenance_minor=maintenance_minor, market_rate_minor=market_minor, status=OPEN,
                            created_by=board.id, created_at=now)
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
    amount = left if purchase is None else _rsc(purchase, "purchase", allow_zero=True)
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
        _require_board(board, facility)
        facility.status = status
    return facility


def record_operating_cost(session: Session, board: Member, facility_id: int, *, month: object, amount: Money | None,
                          memo: object, now: datetime) -> OperatingCost:
    """A running cost of a month, part of that month's cost. A month already charged is closed."""
    month = parse_month(month)
    amount_minor = _rsc(amount, "amount")
    memo = _text(memo, "memo", MAX_MEMO)
    if month > month_of(now):
        raise ValidationError.for_field("month", "cannot be a future month")
    with write_transaction(session):
        facility = session.execute(select(Facility).where(Facility.id == facility_id).with_for_update()).scalar_one_or_none()
        if facility is None:
            raise NotFound("No such facility.")
        _require_board(board, facility)
        charged = session.execute(select(RentCharge.id).where(RentCharge.facility_id == facility.id,
                                                              RentCharge.month == month).limit(1)).first()
        if charged is not None:
            raise Conflict(f"The rent for {month} is already charged: record this cost for the current month.",
                           code="month_charged")
        row = OperatingCost(facility_id=facility.id, month=month, amount_minor=amount_minor, memo=memo,
                            recorded_by=board.id, created_at=now)
        session.add(row)
        session.flush()
    return row


def operating_costs(session: Session, facility_id: int, *, limit: int = 50) -> list[OperatingCost]:
    return list(session.execute(select(OperatingCost).where(OperatingCost.facility_id == facility_id)
                                .order_by(OperatingCost.month.desc(), OperatingCost.id.desc()).limit(limit)).scalars())


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


# --- the waiting list ----------------------------------------------------------------------

def _pending_key(facility_id: int, member_id: int, company_id: int | None) -> str:
    return f"{facility_id}:company:{company_id}" if company_id else f"{facility_id}:member:{member_id}"


def apply(session: Session, member: Member, facility_id: int, *, now: datetime, company_id: object = None,
          message: object = None) -> FacilityApplication:
    """Join a unit's waiting list, for yourself or for a company you run. Twice: 409."""
    access.require(member, "propose", "Members who left cannot apply.")
    message = _text(message, "message", MAX_TEXT, required=False)
    if company_id is not None and (isinstance(company_id, bool) or not isinstance(company_id, int)):
        raise ValidationError.for_field("company_id", "must be a company id")
    with write_transaction(session):
        facility = get_facility(session, facility_id)
        if facility.region_id != member.region_id:
            raise NotFound("No such facility.")
        regions.require_active(session, facility.region_id)
        if facility.status != OPEN:
            raise Conflict("This unit does not take applications.", code="facility_closed")
        if company_id is not None:
            company = companies.get_company(session, company_id)
            companies.require_admin(session, member, company)
            if company.status != COMPANY_ACTIVE:
                raise Conflict("This company is bankrupt.", code="company_bankrupt")
        key = _pending_key(facility.id, member.id, company_id)
        if session.execute(select(FacilityApplication.id).where(FacilityApplication.pending_key == key)).first():
            raise Conflict("You are already on this unit's waiting list.", code="already_applied")
        if _current_tenancy_of(session, facility.id, member.id, company_id) is not None:
            raise Conflict("You already rent this unit.", code="already_tenant")
        row = FacilityApplication(facility_id=facility.id, member_id=member.id, company_id=company_id,
                                  message=message, status=PENDING, pending_key=key, created_at=now)
        session.add(row)
        try:
            session.flush()
        except IntegrityError:
            raise Conflict("You are already on this unit's waiting list.", code="already_applied") from None
    return row


def _current_tenancy_of(session: Session, facility_id: int, member_id: int, company_id: int | None):
    query = select(Tenancy.id).where(Tenancy.facility_id == facility_id, Tenancy.status == ACTIVE)
    if company_id:
        query = query.where(Tenancy.company_id == company_id)
    else:
        query = query.where(Tenancy.member_id == member_id, Tenancy.company_id.is_(None))
    return session.execute(query.limit(1)).first()


def _get_application(session: Session, application_id: int, *, lock: bool = False) -> FacilityApplication:
    query = select(FacilityApplication).where(FacilityApplication.id == application_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    row = session.execute(query).scalar_one_or_none()
    if row is None:
        raise NotFound("No such application.")
    return row


def withdraw(session: Session, member: Member, application_id: int, now: datetime) -> FacilityApplication:
    with write_transaction(session):
        row = _get_application(session, application_id, lock=True)
        if row.member_id != member.id:
            raise NotFound("No such application.")
        if row.status != PENDING:
            raise Conflict("This application is no longer on the waiting list.", code="not_pending")
        row.status, row.pending_key, row.decided_at = WITHDRAWN, None, now
    return row


def _ahead_of(row: FacilityApplication):
    return and_(FacilityApplication.facility_id == row.facility_id, FacilityApplication.status == PENDING,
                or_(FacilityApplication.created_at < row.created_at,
                    and_(FacilityApplication.created_at == row.created_at, FacilityApplication.id < row.id)))


def position(session: Session, row: FacilityApplication) -> int | None:
    """1 for the head of the list; None once the application left the list."""
    if row.status != PENDING:
        return None
    return int(session.execute(select(func.count()).select_from(FacilityApplication).where(_ahead_of(row))).scalar_one()) + 1


def waiting_list(session: Session, board: Member, facility_id: int, *, after: int | None = None,
                 limit: int = 50) -> list[FacilityApplication]:
    """The whole list in order (board only): applied earliest first, then by id. `after` is the
    id of the last application of the previous page."""
    facility = get_facility(session, facility_id)
    _require_board(board, facility)
    query = select(FacilityApplication).where(FacilityApplication.facility_id == facility.id,
                                              FacilityApplication.status == PENDING)
    if after is not None:
        last = session.get(FacilityApplication, after)
        if last is None or last.facility_id != facility.id:
            raise ValidationError.for_field("cursor", "is not a cursor this list gave")
        query = query.where(or_(FacilityApplication.created_at > last.created_at,
                                and_(FacilityApplication.created_at == last.created_at, FacilityApplication.id > last.id)))
    return list(session.execute(query.order_by(FacilityApplication.created_at, FacilityApplication.id)
                                .limit(limit)).scalars())


def applicant_names(session: Session, rows: list[FacilityApplication]) -> dict[int, str]:
    """The names of the members on a page of the waiting list (the board's view), in one query."""
    ids = {row.member_id for row in rows}
    if not ids:
        return {}
    return dict(session.execute(select(Member.id, Member.name).where(Member.id.in_(ids))).all())


@dataclass(frozen=True)
class MyApplication:
    application: FacilityApplication
    facility: Facility
    position: int | None


def applications_of(session: Session, member: Member, *, facility_id: int | None = None,
                    limit: int = 50) -> list[MyApplication]:
    """A member's own applications with their place in line (their own place only)."""
    query = (select(FacilityApplication, Facility).join(Facility, Facility.id == FacilityApplication.facility_id)
             .where(FacilityApplication.member_id == member.id))
    if facility_id is not None:
        query = query.where(FacilityApplication.facility_id == facility_id)
    rows = session.execute(query.order_by(FacilityApplication.id.desc()).limit(limit)).all()
    return [MyApplication(app, facility, position(session, app)) for app, facility in rows]


# --- tenancies -----------------------------------------------------------------------------

def assign(session: Session, board: Member, application_id: int, *, now: datetime, start_month: object = None,
           reason: object = None, facility_id: int | None = None) -> Tenancy:
    """The board lets the unit to an applicant, from `start_month` (default: next month; never a
    past month, nor before the last tenant's end). Passing over the head of the waiting list
    needs a reason, which is kept with the application. `facility_id`: the unit whose page the
    board is on; an application for another unit is refused there."""
    access.require(board, "board_actions", "Only the board assigns units.")
    reason = _text(reason, "reason", MAX_REASON, required=False)
    current = month_of(now)
    start = add_months(current, 1) if start_month in (None, "") else parse_month(start_month, "start_month")
    if start < current:
        raise ValidationError.for_field("start_month", "cannot be a past month")
    with write_transaction(session):
        row = _get_application(session, application_id, lock=True)
        if facility_id is not None and row.facility_id != facility_id:
            raise ValidationError.for_field("application_id", "is not on this unit's waiting list")
        facility = session.execute(select(Facility).where(Facility.id == row.facility_id).with_for_update()
                                   .execution_options(populate_existing=True)).scalar_one()
        _require_board(board, facility)
        if row.status != PENDING:
            raise Conflict("This application is no longer on the waiting list.", code="not_pending")
        if session.execute(select(Tenancy.id).where(Tenancy.occupied_key == facility.id)).first():
            raise Conflict("This unit is let: end the tenancy first.", code="facility_let")
        last_end = session.execute(select(func.max(Tenancy.end_month)).where(Tenancy.facility_id == facility.id)).scalar_one()
        if last_end is not None and start <= last_end:
            raise ValidationError.for_field("start_month", f"the last tenancy runs through {last_end}")
        if position(session, row) != 1 and not reason:
            raise ValidationError.for_field("reason", "give a reason to pass over those ahead in the waiting list")
        applicant = session.get(Member, row.member_id)
        if row.company_id is None and (applicant is None or not applicant.active):
            raise Conflict("This applicant has left the co-op.", code="applicant_left")
        row.status, row.pending_key, row.decided_at, row.decided_by, row.reason = ASSIGNED, None, now, board.id, reason
        tenancy = Tenancy(facility_id=facility.id, application_id=row.id,
                          tenant_type=TENANT_COMPANY if row.company_id else TENANT_MEMBER, member_id=row.member_id,
                          company_id=row.company_id, start_month=start, end_month=None, next_month_due=start,
                          status=ACTIVE, occupied_key=facility.id, created_at=now)
        session.add(tenancy)
        session.flush()
    return tenancy


def get_tenancy(session: Session, tenancy_id: int) -> Tenancy:
    row = session.get(Tenancy, tenancy_id)
    if row is None:
        raise NotFound("No such tenancy.")
    return row


def _may_see_tenancy(session: Session, viewer: Member, tenancy: Tenancy) -> bool:
    if tenancy.member_id == viewer.id:
        return True
    if tenancy.company_id and companies.is_admin(session, viewer, tenancy.company_id):
        return True
    facility = get_facility(session, tenancy.facility_id)
    return access.can(viewer, "board_actions") and facility.region_id == viewer.region_id


def end_tenancy(session: Session, actor: Member, tenancy_id: int, *, now: datetime, end_month: object = None) -> Tenancy:
    """The tenant or the board ends a tenancy after `end_month` (default: this month). Months
    up to it are still charged; the unit can be let again from the month after."""
    current = month_of(now)
    end = current if end_month in (None, "") else parse_month(end_month, "end_month")
    if end < current:
        raise ValidationError.for_field("end_month", "cannot be a past month")
    with write_transaction(session):
        tenancy = session.execute(select(Tenancy).where(Tenancy.id == tenancy_id).with_for_update()
                                  .execution_options(populate_existing=True)).scalar_one_or_none()
        if tenancy is None or not _may_see_tenancy(session, actor, tenancy):
            raise NotFound("No such tenancy.")
        if tenancy.status != ACTIVE:
            raise Conflict("This tenancy has already ended.", code="tenancy_ended")
        end = max(end, add_months(tenancy.start_month, -1))  # a tenancy that has not started ends unstarted
        tenancy.end_month, tenancy.status, tenancy.occupied_key = end, ENDED, None
        if tenancy.next_month_due is not None and tenancy.next_month_due > end:
            tenancy.next_month_due = None
    return tenancy


@dataclass(frozen=True)
class MyTenancy:
    tenancy: Tenancy
    facility: Facility
    unpaid: list[RentCharge]


def tenancies_of(session: Session, member: Member, *, limit: int = 50) -> list[MyTenancy]:
    """The member's own tenancies and those of companies they run, with any unpaid months."""
    run = companies.companies_run_by(session, member.id)
    condition = or_(and_(Tenancy.member_id == member.id, Tenancy.company_id.is_(None)),
                    Tenancy.company_id.in_(run) if run else false())
    rows = session.execute(select(Tenancy, Facility).join(Facility, Facility.id == Tenancy.facility_id)
                           .where(condition).order_by(Tenancy.id.desc()).limit(limit)).all()
    unpaid: dict[int, list[RentCharge]] = {tenancy.id: [] for tenancy, _ in rows}
    if unpaid:
        for charge in session.execute(select(RentCharge).where(RentCharge.tenancy_id.in_(unpaid), RentCharge.status == UNPAID)
                                      .order_by(RentCharge.month)).scalars():
            unpaid[charge.tenancy_id].append(charge)
    return [MyTenancy(tenancy, facility, unpaid[tenancy.id]) for tenancy, facility in rows]


def current_tenancy(session: Session, facility_id: int) -> Tenancy | None:
    return session.execute(select(Tenancy).where(Tenancy.occupied_key == facility_id)).scalar_one_or_none()


def charges_of_tenancy(session: Session, viewer: Member, tenancy_id: int, *, limit: int = 50) -> list[RentCharge]:
    tenancy = get_tenancy(session, tenancy_id)
    if not _may_see_tenancy(session, viewer, tenancy):
        raise NotFound("No such tenancy.")
    return list(session.execute(select(RentCharge).where(RentCharge.tenancy_id == tenancy.id)
                                .order_by(RentCharge.month.desc()).limit(limit)).scalars())


def unpaid_charges(session: Session, board: Member, *, limit: int = 100) -> list[tuple[RentCharge, Facility]]:
    """Rent the board should follow up: months a tenant could not pay, oldest first."""
    access.require(board, "board_actions", "Only the board sees every unpaid rent.")
    return [tuple(row) for row in session.execute(
        select(RentCharge, Facility).join(Facility, Facility.id == RentCharge.facility_id)
        .where(RentCharge.status == UNPAID, RentCharge.region_id == board.region_id)
        .order_by(RentCharge.month, RentCharge.id).limit(limit)).all()]


# --- the monthly charge --------------------------------------------------------------------

@dataclass
class ChargeRun:
    paid: int = 0
    unpaid: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"paid": self.paid, "unpaid": self.unpaid}


_DUE_BATCH = 500


def run_monthly_charges(session: Session, now: datetime) -> dict[str, int]:
    """The scheduler's job: charge every tenancy each ended month it has not paid, oldest first.
    Each month is one transaction; a tenant who cannot pay is flagged and retried next run (their
    later months wait behind it). Running it again charges nothing twice."""
    last_ended = add_months(month_of(now), -1)
    result = ChargeRun()
    after = 0
    while True:
        due = session.execute(select(Tenancy.id).where(Tenancy.next_month_due.is_not(None),
                                                       Tenancy.next_month_due <= last_ended, Tenancy.id > after)
                              .order_by(Tenancy.id).limit(_DUE_BATCH)).scalars().all()
        if not due:
            return result.as_dict()
        for tenancy_id in due:
            while True:
                outcome = charge_next_month(session, tenancy_id, last_ended, now)
                if outcome is None:
                    break
                if outcome.status == PAID:
                    result.paid += 1
                else:
                    result.unpaid += 1
                    break
        after = due[-1]


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
