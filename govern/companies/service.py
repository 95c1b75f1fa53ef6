"""Companies: registering them, their accounts, and who runs them.

Who may act for a company is a relation (being its admin), checked here first by every area that
acts for one; region-wide roles (the board) come from `govern.access`. The rest of a company's
life has a file of its own: `workers.py` (workers, rates, productivity, admins), `hours.py`,
`rates.py` (what each worker is paid), `payroll.py`, `pay_settings.py`, `schedules.py`,
`bankruptcy.py`, `surplus.py` (the monthly sweep of region-owned companies' surplus),
`purchases.py` (buying outside in USD) and `leaving.py` (a sole admin who leaves).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, object_session

from govern import access
from govern.companies.models import ACTIVE, OWNER_REGION, OWNER_WORKERS, Company, Worker
from govern.database import write_transaction
from govern.errors import Conflict, Forbidden, NotFound, ValidationError
from govern.fields import text_field
from govern.ids import is_id, whole_number
from govern.ledger.models import OWNER_COMPANY, WALLET, Account
from govern.ledger.service import open_account
from govern.members.models import MEMBER_ACTIVE, Member
from govern.regions import service as regions
from govern.wages import service as wages


# --- companies and workers -----------------------------------------------------------------

def register_company(session: Session, founder: Member, name: object, industry: object, now: datetime,
                     *, owner: str = OWNER_WORKERS) -> Company:
    """Any member may register a company; they become its first worker and admin, without a
    rate until one is set. Region-owned companies come from acquisitions (owner="region")."""
    access.require(founder, "propose", "Only active members can register a company.")
    regions.require_active(session, founder.region_id)
    with write_transaction(session):
        company = _create(session, founder.region_id, name, industry, owner, now, locality=founder.locality)
        if owner == OWNER_WORKERS:
            occupation = wages.ensure_occupation(session, founder.region_id, "founder", now)
            session.add(Worker(company_id=company.id, member_id=founder.id, occupation=occupation.name,
                               hourly_rate_minor=None, admin=True, hired_at=now))
    return company


def create_region_company(session: Session, region_id: int, name: object, industry: object,
                          now: datetime, locality: str = "") -> Company:
    """A company the region owns (an acquisition's business): no founder; its workers come by
    invitation, and it pays the wage table."""
    with write_transaction(session):
        return _create(session, region_id, name, industry, OWNER_REGION, now, locality=locality)


def _create(session: Session, region_id: int, name: object, industry: object, owner: str, now: datetime,
            *, locality: str) -> Company:
    name = text_field(name, "name", 120)
    industry_row = wages.ensure_industry(session, region_id, text_field(industry, "industry", 60), now)
    company = Company(region_id=region_id, name=name, industry=industry_row.name, owner=owner, locality=locality,
                      status=ACTIVE, pay_schedule="none", created_at=now)
    session.add(company)
    session.flush()
    open_account(session, region_id=region_id, owner_type=OWNER_COMPANY, owner_id=company.id,
                 kind=WALLET, currency="RSC", now=now)
    return company


def get_company(session: Session, company_id: int) -> Company:
    company = session.get(Company, company_id)
    if company is None:
        raise NotFound("No such company.")
    return company


def company_in_payload(session: Session, region_id: int, raw: object) -> Company:
    """The trading company of this region a proposal's payload names (400 on `payload.company_id`)."""
    company_id = raw if is_id(raw) else whole_number(raw)
    company = session.get(Company, company_id) if company_id else None
    if company is None or company.region_id != region_id:
        raise ValidationError.for_field("payload.company_id", "is not a company of this region")
    if company.status != ACTIVE:
        raise ValidationError.for_field("payload.company_id", f"is {company.status}")
    return company


def company_account(session: Session, company_id: int) -> Account:
    return session.execute(select(Account).where(
        Account.owner_type == OWNER_COMPANY, Account.owner_id == company_id, Account.kind == WALLET)).scalar_one()


def workers_of(session: Session, company_id: int) -> list[tuple[Worker, str]]:
    return [(w, name) for w, name in session.execute(
        select(Worker, Member.name).join(Member, Member.id == Worker.member_id)
        .where(Worker.company_id == company_id).order_by(Worker.id)).all()]


def worker_of(session: Session, company_id: int, member_id: int) -> Worker | None:
    return session.execute(select(Worker).where(Worker.company_id == company_id,
                                                Worker.member_id == member_id)).scalar_one_or_none()


def sees_inside(session: Session, viewer, company: Company) -> bool:
    """A region-owned company is a public record; a worker-owned one shows its workers, pay and
    accounts to the members of its region and to its own workers (who may have moved to another
    region in a split). Anyone else sees only its public card: name, industry, region."""
    if company.owner == "region":
        return True
    if viewer is None:
        return False
    return viewer.region_id == company.region_id or worker_of(session, company.id, viewer.id) is not None


def companies_of_member(session: Session, member_id: int) -> list[tuple[Company, Worker]]:
    return [(c, w) for c, w in session.execute(
        select(Company, Worker).join(Worker, Worker.company_id == Company.id)
        .where(Worker.member_id == member_id).order_by(Company.id)).all()]


def admin_count(session: Session, company_id: int) -> int:
    """How many admins a company has who can act: admins who left the co-op no longer count."""
    return session.execute(select(func.count()).select_from(Worker).join(Member, Member.id == Worker.member_id).where(
        Worker.company_id == company_id, Worker.admin.is_(True), Member.status == MEMBER_ACTIVE)).scalar_one()


def companies_run_by(session: Session, member_id: int) -> list[int]:
    """Ids of the companies this member is an admin of."""
    return list(session.execute(select(Worker.company_id).where(Worker.member_id == member_id,
                                                                Worker.admin.is_(True))).scalars())


def run_by_board(session: Session, company: Company) -> bool:
    """A region-owned company without an admin who can act is run by its region's board, until
    its workers elect admins (`company_admins` proposals) or the manager its acquisition named
    accepts. Worker-owned companies are never the board's to run."""
    return company.owner == OWNER_REGION and admin_count(session, company.id) == 0


def is_admin(session: Session, member: Member | None, company_id: int) -> bool:
    """May this member act for the company: one of its admins, or, while the board runs a
    region-owned company, a member of that region's board."""
    if member is None or not member.active:
        return False
    worker = worker_of(session, company_id, member.id)
    if worker is not None and worker.admin:
        return True
    if not access.can(member, "board_actions"):
        return False
    company = session.get(Company, company_id)
    return company is not None and company.region_id == member.region_id and run_by_board(session, company)


def require_admin(session: Session, member: Member, company: Company) -> None:
    if not is_admin(session, member, company.id):
        raise Forbidden("Only the company's admins can do this.")


def may_see_books(session: Session, viewer: Member | None, company: Company) -> bool:
    """A region-owned company's books (its account, purchases, grants, sweeps) are public records;
    a worker-owned company's are its workers' business."""
    if company.owner == OWNER_REGION:
        return True
    return viewer is not None and worker_of(session, company.id, viewer.id) is not None


def require_trading(company: Company) -> None:
    """A bankrupt or closed company (or one of a dissolved region) no longer pays, trades or takes
    income."""
    if company.status != ACTIVE:
        raise Conflict(f"This company is {company.status}: it no longer pays or trades.", code=f"company_{company.status}")
    regions.require_active(object_session(company), company.region_id)


def lock_company(session: Session, company_id: int) -> Company:
    """The company, its row locked for this transaction (and read again, not from the session)."""
    company = session.execute(select(Company).where(Company.id == company_id).with_for_update()
                              .execution_options(populate_existing=True)).scalar_one_or_none()
    if company is None:
        raise NotFound("No such company.")
    return company

