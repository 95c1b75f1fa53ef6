"""The waiting list of a unit: members apply for themselves or for a company they run; the list is
ordered by application time, then id; a member sees only their own place, the board the whole list."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from govern import access
from govern.companies import service as companies
from govern.companies.models import ACTIVE as COMPANY_ACTIVE
from govern.database import write_transaction
from govern.errors import Conflict, NotFound, ValidationError
from govern.facilities.models import ACTIVE, OPEN, PENDING, WITHDRAWN, Facility, FacilityApplication, Tenancy
from govern.facilities.service import MAX_TEXT, get_facility, require_board
from govern.fields import text_field
from govern.members.models import Member
from govern.regions import service as regions


# --- the waiting list ----------------------------------------------------------------------

def _pending_key(facility_id: int, member_id: int, company_id: int | None) -> str:
    return f"{facility_id}:company:{company_id}" if company_id else f"{facility_id}:member:{member_id}"


def apply(session: Session, member: Member, facility_id: int, *, now: datetime, company_id: object = None,
          message: object = None) -> FacilityApplication:
    """Join a unit's waiting list, for yourself or for a company you run. Twice: 409."""
    access.require(member, "propose", "Members who left cannot apply.")
    message = text_field(message, "message", MAX_TEXT, required=False)
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


def get_application(session: Session, application_id: int, *, lock: bool = False) -> FacilityApplication:
    query = select(FacilityApplication).where(FacilityApplication.id == application_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    row = session.execute(query).scalar_one_or_none()
    if row is None:
        raise NotFound("No such application.")
    return row


def withdraw(session: Session, member: Member, application_id: int, now: datetime) -> FacilityApplication:
    with write_transaction(session):
        row = get_application(session, application_id, lock=True)
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
    require_board(board, facility)
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


