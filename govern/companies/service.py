"""Companies: registering them, workers and rates, outside income, hours, payroll, bankruptcy.

Who may do what inside a company is a relation (being its admin), checked here first in every
function; region-wide roles (the board) come from `govern.access`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, object_session

from govern import access
from govern.companies import payroll as arithmetic
from govern.companies.models import (
    ACTIVE,
    BANKRUPT,
    OWNER_REGION,
    OWNER_WORKERS,
    SCHEDULES,
    Company,
    HoursEntry,
    PayrollRun,
    PaySettings,
    Payslip,
    Worker,
)
from govern.database import write_transaction
from govern.errors import Conflict, Forbidden, InsufficientFunds, NotFound, ValidationError
from govern.ids import is_id, whole_number
from govern.ledger.models import (
    CAPITAL_POOL,
    CONVERSION_RSC_TO_USD,
    ISSUANCE,
    OWNER_COMPANY,
    USD_PAYOUTS,
    USD_RESERVE,
    WALLET,
    Account,
    Contribution,
    Conversion,
    UsdPayout,
)
from govern.ledger.service import AccountRef, Leg, open_account, post, region_account
from govern.members import service as members
from govern.members.models import MEMBER_ACTIVE, Member
from govern.money import Money, parse_decimal, require_positive
from govern.regions import service as regions
from govern.wages import service as wages

MAX_PERIOD_DAYS = 62
MAX_HOURS_PER_DAY = 24


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
    name = _text(name, "name", 120)
    industry_row = wages.ensure_industry(session, region_id, _text(industry, "industry", 60), now)
    company = Company(region_id=region_id, name=name, industry=industry_row.name, owner=owner, locality=locality,
                      status=ACTIVE, pay_schedule="none", created_at=now)
    session.add(company)
    session.flush()
    open_account(session, region_id=region_id, owner_type=OWNER_COMPANY, owner_id=company.id,
                 kind=WALLET, currency="RSC", now=now)
    return company


def add_invited_worker(session: Session, company: Company, member: Member, occupation: str, hourly_rate_minor: int,
                       now: datetime) -> Worker:
    """An acquired business's employee joins at their previous wage (an accepted invitation)."""
    require_trading(company)
    if worker_of(session, company.id, member.id) is not None:
        raise Conflict("You already work in this company.", code="already_a_worker")
    occupation_row = wages.ensure_occupation(session, company.region_id, occupation, now)
    worker = Worker(company_id=company.id, member_id=member.id, occupation=occupation_row.name,
                    hourly_rate_minor=hourly_rate_minor, admin=False, hired_at=now)
    session.add(worker)
    session.flush()
    return worker


def _text(value: object, field: str, max_length: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError.for_field(field, "is required")
    if len(value.strip()) > max_length:
        raise ValidationError.for_field(field, f"must be at most {max_length} characters")
    return value.strip()


def get_company(session: Session, company_id: int) -> Company:
    company = session.get(Company, company_id)
    if company is None:
        raise NotFound("No such company.")
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


def can_see_pay(session: Session, member: Member | None, company_id: int) -> bool:
    """Payslips name members and their pay: only the company's own workers see them (the wages of
    region-owned companies are published by occupation, without names, in the records)."""
    return member is not None and worker_of(session, company_id, member.id) is not None


def admin_count(session: Session, company_id: int) -> int:
    """How many admins a company has."""
    return session.execute(select(func.count()).select_from(Worker).where(
        Worker.company_id == company_id, Worker.admin.is_(True))).scalar_one()


def companies_run_by(session: Session, member_id: int) -> list[int]:
    """Ids of the companies this member is an admin of."""
    return list(session.execute(select(Worker.company_id).where(Worker.member_id == member_id,
                                                                Worker.admin.is_(True))).scalars())


def is_admin(session: Session, member: Member | None, company_id: int) -> bool:
    if member is None or not member.active:
        return False
    worker = worker_of(session, company_id, member.id)
    return bool(worker and worker.admin)


def require_admin(session: Session, member: Member, company: Company) -> None:
    if not is_admin(session, member, company.id):
        raise Forbidden("Only the company's admins can do this.")


def require_trading(company: Company) -> None:
    """A bankrupt company (or one of a dissolved region) no longer pays, trades or takes income."""
    if company.status != ACTIVE:
        raise Conflict("This company is bankrupt: it no longer pays or trades.", code="company_bankrupt")
    regions.require_active(object_session(company), company.region_id)


def set_worker(session: Session, admin: Member, company_id: int, *, member_id: object, occupation: object,
               hourly_rate: Money | None, now: datetime, make_admin: bool | None = None) -> Worker:
    """Add a member as a worker, or change a worker's occupation and rate (company admins only).
    A rate must be positive and in RSC."""
    with write_transaction(session):
        company = lock_company(session, company_id)
        require_admin(session, admin, company)
        require_trading(company)
        if not is_id(member_id):
            raise ValidationError.for_field("member_id", "must be a member id")
        member = session.get(Member, member_id)
        if member is None or member.status != MEMBER_ACTIVE or member.region_id != company.region_id:
            raise ValidationError.for_field("member_id", "is not an active member of this region")
        occupation_row = wages.ensure_occupation(session, company.region_id, _text(occupation, "occupation", 60), now)
        rate = None
        if hourly_rate is not None:
            if hourly_rate.currency != "RSC":
                raise ValidationError.for_field("hourly_rate", "must be in RSC")
            rate = require_positive(hourly_rate, "hourly_rate").minor
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
        session.flush()
    return worker


def lock_company(session: Session, company_id: int) -> Company:
    """The company, its row locked for this transaction (and read again, not from the session)."""
    company = session.execute(select(Company).where(Company.id == company_id).with_for_update()
                              .execution_options(populate_existing=True)).scalar_one_or_none()
    if company is None:
        raise NotFound("No such company.")
    return company


# --- hours ---------------------------------------------------------------------------------

def parse_period(start: object, end: object) -> tuple[date, date]:
    """ISO dates, both ends included, at most two months long."""
    fields: dict[str, list[str]] = {}
    parsed = []
    for name, value in (("period_start", start), ("period_end", end)):
        try:
            parsed.append(value if isinstance(value, date) else date.fromisoformat(value))
        except (TypeError, ValueError):
            fields[name] = ["must be an ISO date such as 2026-06-01"]
    if fields:
        raise ValidationError("Bad period.", fields=fields)
    first, last = parsed
    if last < first:
        raise ValidationError.for_field("period_end", "must not be before the first day of the period")
    if (last - first).days + 1 > MAX_PERIOD_DAYS:
        raise ValidationError.for_field("period_end", f"a period is at most {MAX_PERIOD_DAYS} days")
    return first, last


def parse_hours(value: object) -> int:
    """A decimal string of hours ("7.5") into hundredths of an hour."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ValidationError.for_field("hours", "must be a decimal string such as \"7.5\"")
    hours = parse_decimal(value, "hours")
    if hours <= 0:
        raise ValidationError.for_field("hours", "must be more than zero")
    centihours = hours * arithmetic.CENTIHOURS_PER_HOUR
    if centihours != centihours.to_integral_value():
        raise ValidationError.for_field("hours", "at most two decimals")
    return int(centihours)


def enter_hours(session: Session, actor: Member, company_id: int, *, member_id: object, period_start: object,
                period_end: object, hours: object, now: datetime) -> HoursEntry:
    """A worker enters their own hours; an admin may enter anyone's. At most 24 hours a day over
    the period, counting what is already entered, and never into a period already paid."""
    start, end = parse_period(period_start, period_end)
    centihours = parse_hours(hours)
    if not is_id(member_id):
        raise ValidationError.for_field("member_id", "must be a member id")
    with write_transaction(session):
        company = lock_company(session, company_id)
        require_trading(company)
        if member_id != actor.id:
            require_admin(session, actor, company)
        elif not actor.active:
            raise Forbidden("Members who left cannot enter hours.")
        if worker_of(session, company.id, member_id) is None:
            raise ValidationError.for_field("member_id", "is not a worker of this company")
        if _overlapping_run(session, company.id, start, end) is not None:
            raise ValidationError.for_field("period_start", "this period overlaps one already paid")
        already = session.execute(select(func.coalesce(func.sum(HoursEntry.centihours), 0)).where(
            HoursEntry.company_id == company.id, HoursEntry.member_id == member_id,
            HoursEntry.period_start <= end, HoursEntry.period_end >= start)).scalar_one()
        days = (end - start).days + 1
        if already + centihours > days * MAX_HOURS_PER_DAY * arithmetic.CENTIHOURS_PER_HOUR:
            raise ValidationError.for_field("hours", f"more than {MAX_HOURS_PER_DAY} hours a day in this period")
        entry = HoursEntry(company_id=company.id, member_id=member_id, period_start=start, period_end=end,
                           centihours=centihours, entered_by=actor.id, created_at=now)
        session.add(entry)
        session.flush()
    return entry


def _overlapping_run(session: Session, company_id: int, start: date, end: date) -> PayrollRun | None:
    return session.execute(select(PayrollRun).where(
        PayrollRun.company_id == company_id, PayrollRun.period_start <= end, PayrollRun.period_end >= start)
        .limit(1)).scalar_one_or_none()


# --- payroll -------------------------------------------------------------------------------

def table_rates(session: Session, company: Company, workers: list[Worker], on: date,
                binding: bool) -> dict[int, int | None]:
    """Region-owned companies pay the wage table (with its cut delays); worker-owned companies pay
    their own rates unless the region made the table binding. Without a table row, the worker's
    own rate applies. One query for the table, whatever the number of workers."""
    own = {w.member_id: w.hourly_rate_minor for w in workers}
    if company.owner != OWNER_REGION and not binding:
        return own
    terms = {w.member_id: wages.WorkerTerms(w.occupation, company.industry, w.hired_at) for w in workers}
    table = wages.wages_for_workers(session, company.region_id, terms.values(), on)
    return {member_id: table[terms[member_id]] if table[terms[member_id]] is not None else own[member_id]
            for member_id in own}


@dataclass(frozen=True)
class PayrollPlan:
    company: Company
    period_start: date
    period_end: date
    slips: list[arithmetic.Slip]
    totals: arithmetic.Totals
    tax_rate: Decimal
    exchange_rate: Decimal
    balance: int
    wallets: dict[int, int]  # member id → RSC wallet account id

    @property
    def affordable(self) -> bool:
        return self.balance >= self.totals.gross


def plan_payroll(session: Session, actor: Member | None, company_id: int, period_start: object,
                 period_end: object) -> PayrollPlan:
    """What a run would pay, without paying it: the preview the admin confirms."""
    start, end = parse_period(period_start, period_end)
    company = get_company(session, company_id)
    if actor is not None:
        require_admin(session, actor, company)
    return _plan(session, company, start, end)


def _plan(session: Session, company: Company, start: date, end: date) -> PayrollPlan:
    """Unpaid hours are paid by the run whose period their own period starts in, so hours that
    run past the end of a pay period are never left behind. One query reads each worker's hours,
    terms, pay settings and wallet, however many workers there are."""
    hours = (select(HoursEntry.member_id, func.sum(HoursEntry.centihours).label("centihours"))
             .where(HoursEntry.company_id == company.id, HoursEntry.payroll_run_id.is_(None),
                    HoursEntry.period_start.between(start, end))
             .group_by(HoursEntry.member_id).subquery())
    rows = session.execute(
        select(hours.c.member_id, hours.c.centihours, Worker.occupation, Worker.hourly_rate_minor, Worker.hired_at,
               PaySettings.auto_convert_percent, PaySettings.contribution_percent, Account.id.label("wallet_id"))
        .outerjoin(Worker, and_(Worker.company_id == company.id, Worker.member_id == hours.c.member_id))
        .outerjoin(PaySettings, PaySettings.member_id == hours.c.member_id)
        .outerjoin(Account, and_(Account.owner_type == "member", Account.owner_id == hours.c.member_id,
                                 Account.kind == WALLET, Account.currency == "RSC"))
        .order_by(hours.c.member_id)).all()
    params = regions.all_parameters(session, company.region_id)
    tax_rate, exchange_rate = Decimal(params["income_tax_rate"]), Decimal(params["exchange_rate"])
    binding = params["wage_table_binding"] == "1"
    workers = [row for row in rows if row.occupation is not None]
    rates = table_rates(session, company, workers, start, binding)
    lines, missing = [], []
    for row in rows:
        rate = rates.get(row.member_id)
        if rate is None:
            missing.append(row.member_id)
            continue
        lines.append(arithmetic.PayLine(row.member_id, row.occupation, int(row.centihours), rate,
                                        row.auto_convert_percent or 0, row.contribution_percent or 0))
    if missing:
        known = members.names_of(session, missing[:10])
        names = ", ".join(known.get(m) or f"member {m}" for m in missing[:10]) + (" and others" if len(missing) > 10 else "")
        whom = "these workers" if len(missing) > 1 else "this worker"
        raise Conflict(f"Set an hourly rate first for {whom}: {names}.", code="rate_missing")
    slips = [arithmetic.slip_for(line, tax_rate, exchange_rate) for line in lines]
    return PayrollPlan(company, start, end, slips, arithmetic.totals(slips), tax_rate, exchange_rate,
                       company_account(session, company.id).balance,
                       {row.member_id: row.wallet_id for row in rows})


@dataclass(frozen=True)
class RunResult:
    run: PayrollRun
    created: bool


def run_payroll(session: Session, actor: Member | None, company_id: int, period_start: object,
                period_end: object, now: datetime) -> RunResult:
    """Pay a period: one entry (company → workers, income tax and auto-conversion spreads → pool,
    auto-converted USD out of the reserve into payouts owed), payslips, and the hours marked paid,
    all in one transaction. The same period again returns the first run and pays nothing; a company
    that cannot pay everyone gets InsufficientFunds and nothing is posted. `actor` None is the
    scheduler acting on the company's own pay schedule."""
    start, end = parse_period(period_start, period_end)
    with write_transaction(session):
        company = lock_company(session, company_id)
        if actor is not None:
            require_admin(session, actor, company)
        earlier = session.execute(select(PayrollRun).where(
            PayrollRun.company_id == company.id, PayrollRun.period_start == start,
            PayrollRun.period_end == end)).scalar_one_or_none()
        if earlier is not None:
            return RunResult(earlier, created=False)
        require_trading(company)
        if _overlapping_run(session, company.id, start, end) is not None:
            raise ValidationError.for_field("period_start", "this period overlaps one already paid")
        plan = _plan(session, company, start, end)
        if not plan.slips:
            raise ValidationError.for_field("period_start", "there are no unpaid hours in this period")
        run = PayrollRun(company_id=company.id, period_start=start, period_end=end, gross_minor=plan.totals.gross,
                         tax_minor=plan.totals.tax, net_minor=plan.totals.net,
                         converted_usd_minor=plan.totals.converted_usd, tax_rate=str(plan.tax_rate),
                         run_by=actor.id if actor else None, created_at=now)
        session.add(run)
        session.flush()
        entry = _post_payroll(session, company, run, plan, now)
        run.entry_id = entry.id
        _write_payslips(session, run, plan, entry.id, now)
        session.execute(update(HoursEntry).where(
            HoursEntry.company_id == company.id, HoursEntry.payroll_run_id.is_(None),
            HoursEntry.period_start.between(start, end)).values(payroll_run_id=run.id))
    return RunResult(run, created=True)


def _post_payroll(session: Session, company: Company, run: PayrollRun, plan: PayrollPlan, now: datetime):
    t = plan.totals
    region_id = company.region_id
    legs = [Leg(company_account(session, company.id), -t.gross),
            Leg(region_account(session, region_id, CAPITAL_POOL), t.pool_share)]
    legs += [Leg(AccountRef(plan.wallets[s.member_id], "RSC"), s.paid_in_rsc) for s in plan.slips]
    if t.converted_usd:
        legs += [Leg(region_account(session, region_id, ISSUANCE), t.converted_usd),
                 Leg(region_account(session, region_id, USD_RESERVE), -t.converted_usd),
                 Leg(region_account(session, region_id, USD_PAYOUTS), t.converted_usd)]
    period = f"{run.period_start.isoformat()} to {run.period_end.isoformat()}"
    try:
        return post(session, legs, memo=f"Payroll of {company.name}, {period}", cause_type="payroll",
                    cause_id=run.id, now=now, region_id=region_id,
                    idempotency_key=f"payroll:{company.id}:{run.period_start.isoformat()}:{run.period_end.isoformat()}")
    except InsufficientFunds as short:
        raise InsufficientFunds(f"{company.name} cannot pay this payroll: it needs {Money(t.gross, 'RSC')} and "
                                f"holds {Money(plan.balance, 'RSC')}. Nothing was paid.",
                                account_id=short.account_id) from short


def _write_payslips(session: Session, run: PayrollRun, plan: PayrollPlan, entry_id: int, now: datetime) -> None:
    session.execute(insert(Payslip.__table__), [
        {"run_id": run.id, "member_id": s.member_id, "occupation": s.occupation, "centihours": s.centihours,
         "rate_minor": s.rate_minor, "gross_minor": s.gross, "tax_minor": s.tax, "net_minor": s.net,
         "converted_rsc_minor": s.converted_rsc, "converted_usd_minor": s.converted_usd,
         "contributed_minor": s.contributed} for s in plan.slips])
    contributed = [s for s in plan.slips if s.contributed]
    if contributed:
        session.execute(insert(Contribution), [
            {"region_id": plan.company.region_id, "member_id": s.member_id, "amount_minor": s.contributed,
             "source": "payroll", "public": False, "entry_id": entry_id, "created_at": now} for s in contributed])
    converted = [s for s in plan.slips if s.converted_usd]
    if not converted:
        return
    conversion_ids = session.execute(insert(Conversion).returning(Conversion.id, sort_by_parameter_order=True), [
        {"member_id": s.member_id, "region_id": plan.company.region_id, "direction": CONVERSION_RSC_TO_USD,
         "debited_minor": s.converted_rsc, "debited_currency": "RSC", "credited_minor": s.converted_usd,
         "credited_currency": "USD", "rate": str(plan.exchange_rate), "entry_id": entry_id, "created_at": now}
        for s in converted]).scalars().all()
    session.execute(insert(UsdPayout), [
        {"member_id": s.member_id, "region_id": plan.company.region_id, "conversion_id": conversion_id,
         "amount_minor": s.converted_usd, "status": "owed", "created_at": now}
        for s, conversion_id in zip(converted, conversion_ids)])


def runs_of(session: Session, company_id: int, *, before: int | None = None, limit: int = 50) -> list[PayrollRun]:
    query = select(PayrollRun).where(PayrollRun.company_id == company_id)
    if before is not None:
        query = query.where(PayrollRun.id < before)
    return list(session.execute(query.order_by(PayrollRun.id.desc()).limit(limit)).scalars())


def payslips_of_run(session: Session, run_id: int) -> list[Payslip]:
    return list(session.execute(select(Payslip).where(Payslip.run_id == run_id).order_by(Payslip.id)).scalars())


def payslips_of_member(session: Session, member_id: int, *, before: int | None = None,
                       limit: int = 50) -> list[tuple[Payslip, PayrollRun, Company]]:
    query = (select(Payslip, PayrollRun, Company).join(PayrollRun, PayrollRun.id == Payslip.run_id)
             .join(Company, Company.id == PayrollRun.company_id).where(Payslip.member_id == member_id))
    if before is not None:
        query = query.where(Payslip.id < before)
    return [tuple(row) for row in session.execute(query.order_by(Payslip.id.desc()).limit(limit)).all()]


# --- members' pay settings -----------------------------------------------------------------

def set_auto_convert(session: Session, member: Member, percent: object) -> int:
    """The share (0–100) of each net pay converted to USD automatically."""
    access.require(member, "view_own_account")
    return _set_pay_setting(session, member, "auto_convert_percent", percent)


def set_contribution_rate(session: Session, member: Member, percent: object) -> int:
    """The share (0–100) of each net pay given to the capital pool. It buys no extra ownership
    and no extra vote: every member owns an equal share."""
    access.require(member, "propose", "Members who left do not contribute from pay.")
    return _set_pay_setting(session, member, "contribution_percent", percent)


def _set_pay_setting(session: Session, member: Member, column: str, percent: object) -> int:
    value = whole_number(str(percent) if isinstance(percent, int) and not isinstance(percent, bool) else percent, 100)
    if value is None:
        raise ValidationError.for_field("percent", "must be a whole number from 0 to 100, as a string")
    other = "contribution_percent" if column == "auto_convert_percent" else "auto_convert_percent"
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    with write_transaction(session):
        current = session.get(PaySettings, member.id)
        if value + (getattr(current, other) if current else 0) > 100:
            raise ValidationError.for_field("percent", "conversion and contribution together cannot pass 100%")
        session.execute(dialect.insert(PaySettings).values(member_id=member.id, **{column: value})
                        .on_conflict_do_update(index_elements=["member_id"], set_={column: value}))
    return value


def contribution_percent(session: Session, member_id: int) -> int:
    settings = session.get(PaySettings, member_id)
    return settings.contribution_percent if settings else 0


def auto_convert_percent(session: Session, member_id: int) -> int:
    settings = session.get(PaySettings, member_id)
    return settings.auto_convert_percent if settings else 0


# --- schedules and bankruptcy --------------------------------------------------------------

def set_pay_schedule(session: Session, admin: Member, company_id: int, schedule: object, start: object) -> Company:
    if schedule not in SCHEDULES:
        raise ValidationError.for_field("pay_schedule", f"must be one of {', '.join(SCHEDULES)}")
    first = None
    if schedule != "none":
        try:
            first = start if isinstance(start, date) else date.fromisoformat(start)
        except (TypeError, ValueError):
            raise ValidationError.for_field("schedule_start", "must be an ISO date: the first day of the first period") from None
    with write_transaction(session):
        company = lock_company(session, company_id)
        require_admin(session, admin, company)
        company.pay_schedule = schedule
        company.schedule_start = first
    return company


def next_scheduled_period(company: Company, last_end: date | None) -> tuple[date, date] | None:
    """The period after the last one paid (or the first one), per the company's schedule."""
    if company.pay_schedule == "none" or company.schedule_start is None:
        return None
    start = company.schedule_start if last_end is None else last_end + timedelta(days=1)
    if company.pay_schedule == "monthly":
        return start, _same_day_next_month(start) - timedelta(days=1)
    return start, start + timedelta(days=SCHEDULES[company.pay_schedule] - 1)


def _same_day_next_month(day: date) -> date:
    """The same day of the next month, or that month's last day (31 Jan → 28/29 Feb)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    following = date(year + (month == 12), month % 12 + 1, 1)
    return min(date(year, month, 1) + timedelta(days=day.day - 1), following - timedelta(days=1))


def run_scheduled_payrolls(session: Session, now: datetime) -> int:
    """The scheduler's job: pay every scheduled company's elapsed periods that have hours.
    A company that cannot pay is left for the next round (nothing is posted)."""
    paid = 0
    companies = session.execute(select(Company.id).where(Company.status == ACTIVE, Company.pay_schedule != "none")).scalars().all()
    for company_id in companies:
        company = session.get(Company, company_id)
        last_end = session.execute(select(func.max(PayrollRun.period_end)).where(
            PayrollRun.company_id == company_id)).scalar_one()
        period = next_scheduled_period(company, last_end)
        while period is not None and period[1] < now.date():
            try:
                run_payroll(session, None, company_id, period[0], period[1], now)
                paid += 1
            except ValidationError:
                pass  # no hours in that period: nothing to pay
            except (InsufficientFunds, Conflict):
                break
            period = next_scheduled_period(company, period[1])
    return paid


def declare_bankrupt(session: Session, actor: Member, company_id: int, now: datetime) -> Company:
    """The board declares a company bankrupt: it stops paying and trading. Areas that hold the
    company's things (equipment from the region's inventory) act on `on_bankruptcy`."""
    access.require(actor, "board_actions", "Only the board can declare a bankruptcy.")
    with write_transaction(session):
        company = lock_company(session, company_id)
        if company.region_id != actor.region_id:
            raise NotFound("No such company.")
        if company.status == BANKRUPT:
            raise Conflict("This company is already bankrupt.", code="already_bankrupt")
        company.status = BANKRUPT
        company.bankrupt_at = now
        for hook in _BANKRUPTCY_HOOKS:
            hook(session, company, now)
    return company


_BANKRUPTCY_HOOKS: list = []


def on_bankruptcy(hook) -> None:
    if hook not in _BANKRUPTCY_HOOKS:
        _BANKRUPTCY_HOOKS.append(hook)
