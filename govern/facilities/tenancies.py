"""Tenancies: the board lets a unit to the head of its waiting list (anyone else needs a reason),
from a month on; the tenant or the board ends it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, false, func, or_, select
from sqlalchemy.orm import Session

from govern import access
from govern.companies import service as companies
from govern.database import write_transaction
from govern.errors import Conflict, NotFound, ValidationError
from govern.facilities.models import (
    ACTIVE,
    ASSIGNED,
    ENDED,
    PENDING,
    TENANT_COMPANY,
    TENANT_MEMBER,
    UNPAID,
    Facility,
    RentCharge,
    Tenancy,
)
from govern.facilities.waiting_list import get_application, position
from govern.facilities.service import MAX_REASON, get_facility, require_board
from govern.fields import text_field
from govern.members.models import Member
from govern.months import add_months, month_of, parse_month


# --- tenancies -----------------------------------------------------------------------------

def assign(session: Session, board: Member, application_id: int, *, now: datetime, start_month: object = None,
           reason: object = None, facility_id: int | None = None) -> Tenancy:
    """The board lets the unit to an applicant, from `start_month` (default: next month; never a
    past month, nor before the last tenant's end). Passing over the head of the waiting list
    needs a reason, which is kept with the application. `facility_id`: the unit whose page the
    board is on; an application for another unit is refused there."""
    access.require(board, "board_actions", "Only the board assigns units.")
    reason = text_field(reason, "reason", MAX_REASON, required=False)
    current = month_of(now)
    start = add_months(current, 1) if start_month in (None, "") else parse_month(start_month, "start_month")
    if start < current:
        raise ValidationError.for_field("start_month", "cannot be a past month")
    with write_transaction(session):
        row = get_application(session, application_id, lock=True)
        if facility_id is not None and row.facility_id != facility_id:
            raise ValidationError.for_field("application_id", "is not on this unit's waiting list")
        facility = session.execute(select(Facility).where(Facility.id == row.facility_id).with_for_update()
                                   .execution_options(populate_existing=True)).scalar_one()
        require_board(board, facility)
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


