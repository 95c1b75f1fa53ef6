"""A member who runs a company leaving the co-op, and closing a company.

Leaving as the only admin of a worker-owned company who can act would strand what it earned: so
the member first hands it to another worker (`workers.hand_over`) or, when nobody else works
there, closes it; until then leaving answers 409 (`cannot_leave_yet`) naming the companies. Their
admin roles end when they leave (a region-owned company they managed is run by the board until
its workers elect an admin).

Closing (its last worker, who is its admin): after its last payroll (unpaid hours must be paid
first), the equipment grant cash it has not spent returns to the capital pool, the rest of its
balance goes to the member who closes it (it is theirs: they were its only worker), and the
region's equipment returns to the inventory, in one transaction.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, func, select, update
from sqlalchemy.orm import Session, aliased

from govern.companies.bankruptcy import return_to_pool, run_end_hooks
from govern.companies.models import ACTIVE, CLOSED, OWNER_WORKERS, Company, HoursEntry, Worker
from govern.companies.purchases import unspent_grants
from govern.companies.service import company_account, lock_company, require_admin, require_trading
from govern.database import write_transaction
from govern.errors import Conflict, Forbidden
from govern.ledger.exchange import member_wallet
from govern.ledger.service import Leg, post
from govern.members import service as members
from govern.members.models import MEMBER_ACTIVE, Member


def companies_only_run_by(session: Session, member_id: int) -> list[Company]:
    """The active worker-owned companies whose only admin who can act is this member."""
    other = aliased(Worker)
    others = (select(func.count()).select_from(other).join(Member, Member.id == other.member_id)
              .where(other.company_id == Worker.company_id, other.admin.is_(True), other.member_id != member_id,
                     Member.status == MEMBER_ACTIVE).scalar_subquery())
    return list(session.execute(
        select(Company).join(Worker, and_(Worker.company_id == Company.id, Worker.member_id == member_id))
        .where(Worker.admin.is_(True), Company.status == ACTIVE, Company.owner == OWNER_WORKERS, others == 0)
        .order_by(Company.id)).scalars())


def other_active_workers(session: Session, company_id: int, member_id: int) -> int:
    return session.execute(select(func.count()).select_from(Worker).join(Member, Member.id == Worker.member_id).where(
        Worker.company_id == company_id, Worker.member_id != member_id, Member.status == MEMBER_ACTIVE)).scalar_one()


def companies_left_stranded(session: Session, member: Member) -> list[str]:
    """What a member must do about their companies before they leave."""
    return [f"You are the only admin of {company.name}: hand it to another worker on its page, or close it if "
            "nobody else works there, before you leave." for company in companies_only_run_by(session, member.id)[:20]]


def end_admin_roles(session: Session, member: Member, now: datetime) -> None:
    """A member who leaves runs no company any more."""
    session.execute(update(Worker).where(Worker.member_id == member.id).values(admin=False))


members.on_leave_check(companies_left_stranded)
members.on_leave(end_admin_roles)


def close_company(session: Session, admin: Member, company_id: int, now: datetime) -> Company:
    """Its last worker closes a worker-owned company they run (see the module's docstring)."""
    with write_transaction(session):
        company = lock_company(session, company_id)
        require_admin(session, admin, company)
        require_trading(company)
        if company.owner != OWNER_WORKERS:
            raise Forbidden("A region-owned company is not closed by its admins; the board may declare it bankrupt.")
        if other_active_workers(session, company.id, admin.id):
            raise Conflict("Other members work here: hand the company to one of them instead of closing it.",
                           code="other_workers")
        if session.execute(select(HoursEntry.id).where(HoursEntry.company_id == company.id,
                                                       HoursEntry.payroll_run_id.is_(None)).limit(1)).first():
            raise Conflict("Some hours are not paid yet: run the last payroll before closing.", code="unpaid_hours")
        balance = company_account(session, company.id).balance
        granted = min(unspent_grants(session, company.id), balance)
        entry = return_to_pool(session, company, granted, now,
                               f"{company.name} closed: the equipment grant it did not spend returns to the capital pool",
                               cause_type="company_closed")
        rest = balance - granted
        if rest:
            post(session, [Leg(company_account(session, company.id), -rest), Leg(member_wallet(session, admin.id), rest)],
                 memo=f"{company.name} closed: its balance to its last worker", cause_type="company_closed",
                 cause_id=company.id, now=now, region_id=company.region_id,
                 idempotency_key=f"company_closed:{company.id}:balance")
        company.status, company.closed_at = CLOSED, now
        company.returned_entry_id = entry.id if entry else None
        run_end_hooks(session, company, now)
    return company
