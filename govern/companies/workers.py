"""A company's workers: hiring them and changing their occupation, rate and productivity, the
employees an acquisition invited (who keep their wage), and who the admins are.

Admins of a worker-owned company are named by its admins. Those of a region-owned company come
from its acquisition (the manager it named) or from a vote of its workers (`company_admins`, see
kinds.py); until there is one, the region's board runs it (`service.run_by_board`).
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from govern import access
from govern.companies.models import OWNER_REGION, Company, Worker
from govern.companies.service import (
    admin_count,
    lock_company,
    require_admin,
    require_trading,
    worker_of,
)
from govern.database import write_transaction
from govern.errors import Conflict, Forbidden, ValidationError
from govern.fields import text_field
from govern.ids import is_id
from govern.members.models import MEMBER_ACTIVE, Member
from govern.money import Money, parse_decimal, require_positive
from govern.regions import service as regions
from govern.wages import service as wages

MANAGER_OCCUPATION = "manager"
MAX_ADMINS = 20


def set_worker(session: Session, admin: Member, company_id: int, *, member_id: object, occupation: object,
               hourly_rate: Money | None, now: datetime, make_admin: bool | None = None,
               productivity: object = None) -> Worker:
    """Add a member as a worker, or change a worker's occupation, rate and productivity (company
    admins only). A rate must be positive and in RSC; a productivity is a decimal from the
    region's `productivity_min` to `productivity_max`. In a region-owned company its region's
    board may always do this too (for the owner: a manager's own rate, say), nobody sets their own
    rate or productivity, and admins are not named here: they come from the acquisition or from a
    vote of the workers."""
    with write_transaction(session):
        company = lock_company(session, company_id)
        if not _owners_board(admin, company):
            require_admin(session, admin, company)
        require_trading(company)
        if not is_id(member_id):
            raise ValidationError.for_field("member_id", "must be a member id")
        member = session.get(Member, member_id)
        if member is None or member.status != MEMBER_ACTIVE or member.region_id != company.region_id:
            raise ValidationError.for_field("member_id", "is not an active member of this region")
        occupation_row = wages.ensure_occupation(session, company.region_id, text_field(occupation, "occupation", 60), now)
        rate = None
        if hourly_rate is not None:
            if hourly_rate.currency != "RSC":
                raise ValidationError.for_field("hourly_rate", "must be in RSC")
            rate = require_positive(hourly_rate, "hourly_rate").minor
        level = None if productivity in (None, "") else check_productivity(session, company.region_id, productivity)
        if company.owner == OWNER_REGION:
            if make_admin is not None:
                raise ValidationError.for_field(
                    "admin", "the admins of a region-owned company are elected by its workers")
            if member.id == admin.id and (rate is not None or level is not None):
                raise Forbidden("In a region-owned company your own rate and productivity are set by another "
                                "admin or by the board.")
        worker = worker_of(session, company.id, member.id)
        if worker is None:
            worker = Worker(company_id=company.id, member_id=member.id, admin=bool(make_admin), hired_at=now)
            session.add(worker)
        elif make_admin is not None:
            if not make_admin and worker.admin and admin_count(session, company.id) == 1:
                raise ValidationError.for_field("admin", "the company needs at least one admin")
            worker.admin = make_admin
        worker.occupation = occupation_row.name
        worker.hourly_rate_minor = rate
        if level is not None:
            worker.productivity = level
        session.flush()
    return worker


def _owners_board(member: Member, company: Company) -> bool:
    """The board of the region that owns the company."""
    return (company.owner == OWNER_REGION and member.active and access.can(member, "board_actions")
            and member.region_id == company.region_id)


def productivity_bounds(session: Session, region_id: int) -> tuple[Decimal, Decimal]:
    """The least and the most productivity a company may give a worker: region parameters."""
    return (regions.parameter(session, region_id, "productivity_min"),
            regions.parameter(session, region_id, "productivity_max"))


def check_productivity(session: Session, region_id: int, value: object) -> str:
    """A productivity as a decimal string within the region's voted bounds (400 on `productivity`)."""
    if not isinstance(value, str):
        raise ValidationError.for_field("productivity", "must be a decimal string such as \"0.6\"")
    level = parse_decimal(value, "productivity")
    low, high = productivity_bounds(session, region_id)
    if not low <= level <= high:
        raise ValidationError.for_field("productivity", f"must be from {low} to {high}: the bounds the region voted")
    return str(level)


def add_invited_worker(session: Session, company: Company, member: Member, occupation: str, hourly_wage_minor: int,
                       now: datetime, *, admin: bool = False) -> Worker:
    """An acquired business's employee joins at their previous wage (an accepted invitation). The
    wage is kept (`kept_wage_minor`): payroll pays it until the wage table raises it, and a cut
    reaches it only through the decay rules (see rates.py)."""
    require_trading(company)
    if worker_of(session, company.id, member.id) is not None:
        raise Conflict("You already work in this company.", code="already_a_worker")
    occupation_row = wages.ensure_occupation(session, company.region_id, occupation, now)
    worker = Worker(company_id=company.id, member_id=member.id, occupation=occupation_row.name,
                    hourly_rate_minor=hourly_wage_minor, kept_wage_minor=hourly_wage_minor, admin=admin,
                    hired_at=now)
    session.add(worker)
    session.flush()
    return worker


def add_manager(session: Session, company: Company, member: Member, now: datetime) -> Worker:
    """The member an acquisition named to manage the company becomes its first admin (occupation
    "manager", paid the wage table's manager wage, or a rate the board sets)."""
    occupation = wages.ensure_occupation(session, company.region_id, MANAGER_OCCUPATION, now)
    worker = Worker(company_id=company.id, member_id=member.id, occupation=occupation.name, hourly_rate_minor=None,
                    admin=True, hired_at=now)
    session.add(worker)
    session.flush()
    return worker


def check_admins(session: Session, company: Company, admin_ids: object) -> list[int]:
    """A list of 1 to MAX_ADMINS distinct member ids, each an active worker of the company."""
    if (not isinstance(admin_ids, list) or not 1 <= len(admin_ids) <= MAX_ADMINS
            or not all(is_id(i) for i in admin_ids) or len(set(admin_ids)) != len(admin_ids)):
        raise ValidationError.for_field("admins", f"must list 1 to {MAX_ADMINS} different member ids")
    found = set(session.execute(
        select(Worker.member_id).join(Member, Member.id == Worker.member_id)
        .where(Worker.company_id == company.id, Worker.member_id.in_(admin_ids),
               Member.status == MEMBER_ACTIVE)).scalars())
    missing = [i for i in admin_ids if i not in found]
    if missing:
        raise ValidationError.for_field("admins", f"member(s) {', '.join(map(str, missing))} are not active "
                                                  "workers of this company")
    return list(admin_ids)


def set_admins(session: Session, company_id: int, admin_ids: list[int]) -> Company:
    """The workers' vote: exactly these workers are the company's admins from now on."""
    with write_transaction(session):
        company = lock_company(session, company_id)
        require_trading(company)
        admin_ids = check_admins(session, company, admin_ids)
        session.execute(update(Worker).where(Worker.company_id == company.id)
                        .values(admin=Worker.member_id.in_(admin_ids)))
        session.flush()
    return company


def hand_over(session: Session, admin: Member, company_id: int, member_id: object) -> Worker:
    """An admin of a worker-owned company makes another active worker an admin (what a sole admin
    does before leaving the co-op)."""
    with write_transaction(session):
        company = lock_company(session, company_id)
        require_admin(session, admin, company)
        require_trading(company)
        if company.owner == OWNER_REGION:
            raise ValidationError.for_field("member_id", "the admins of a region-owned company are elected by its workers")
        worker = worker_of(session, company.id, member_id) if is_id(member_id) else None
        member = session.get(Member, member_id) if worker is not None else None
        if member is None or not member.active or member.id == admin.id:
            raise ValidationError.for_field("member_id", "must be another active worker of this company")
        worker.admin = True
        session.flush()
    return worker
