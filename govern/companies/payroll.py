"""Payroll: what a period's run would pay (the preview), paying it, and the payslips.

A run pays the unpaid hours whose period starts in the run's period, at each worker's rate on the
period's first day (rates.py): one ledger entry (company → workers, income tax and the
auto-conversion spreads → the pool, auto-converted USD out of the reserve into payouts owed),
bulk payslips, and the hours marked paid, all in one transaction. A company's last payroll (its
bankruptcy, see bankruptcy.py) pays all its unpaid hours, shared out when it cannot pay them in
full (pay_arithmetic.shared_out).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_DOWN, Decimal
from fractions import Fraction

from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.orm import Session

from govern.companies import pay_arithmetic as arithmetic, rates as pay_rates
from govern.companies.hours import overlapping_run, parse_period
from govern.companies.models import Company, HoursEntry, PayrollRun, PaySettings, Payslip, Worker
from govern.companies.service import (
    company_account,
    get_company,
    is_admin,
    lock_company,
    require_admin,
    require_trading,
    worker_of,
)
from govern.database import bulk_write, write_transaction
from govern.errors import Conflict, InsufficientFunds, ValidationError
from govern.ledger.models import (
    CAPITAL_POOL,
    CONVERSION_RSC_TO_USD,
    ISSUANCE,
    USD_PAYOUTS,
    USD_RESERVE,
    WALLET,
    Account,
    Contribution,
    Conversion,
    UsdPayout,
)
from govern.ledger.service import AccountRef, Leg, post, region_account
from govern.members import service as members
from govern.members.models import Member
from govern.money import Money
from govern.regions import service as regions


def can_see_pay(session: Session, member: Member | None, company_id: int) -> bool:
    """Payslips name members and their pay: only the company's own workers see them, and whoever
    runs its payroll (the board, while it runs a region-owned company). The wages of region-owned
    companies are published by occupation, without names, in the records."""
    if member is None:
        return False
    return worker_of(session, company_id, member.id) is not None or is_admin(session, member, company_id)


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
    final: bool = False      # a company's last payroll: every unpaid hour, whatever its period
    share: Fraction = Fraction(1)  # of what they earned, what the workers are paid (below 1: a last payroll shared out)

    @property
    def affordable(self) -> bool:
        return self.balance >= self.totals.gross

    @property
    def share_text(self) -> str:
        """The share as a decimal string, rounded down to 4 places ("1" when paid in full, "0.5" for half)."""
        if self.share == 1:
            return "1"
        text = str((Decimal(self.share.numerator) / self.share.denominator).quantize(Decimal("0.0001"), ROUND_DOWN))
        return text.rstrip("0").rstrip(".")


def plan_payroll(session: Session, actor: Member | None, company_id: int, period_start: object,
                 period_end: object) -> PayrollPlan:
    """What a run would pay, without paying it: the preview the admin confirms."""
    start, end = parse_period(period_start, period_end)
    company = get_company(session, company_id)
    if actor is not None:
        require_admin(session, actor, company)
    return _plan(session, company, start, end)


def _unpaid(company: Company, period: tuple[date, date] | None):
    """The unpaid hours a run pays: those whose period starts in its period (hours that run past
    the end of a pay period are never left behind), or all of them for a last payroll (None)."""
    condition = and_(HoursEntry.company_id == company.id, HoursEntry.payroll_run_id.is_(None))
    return condition if period is None else and_(condition, HoursEntry.period_start.between(*period))


def _plan(session: Session, company: Company, start: date, end: date, *, available: int | None = None) -> PayrollPlan:
    """One query reads each worker's hours, terms, pay settings and wallet, however many workers
    there are. With `available` (a last payroll), every unpaid hour is planned and shared out
    within what the company holds."""
    final = available is not None
    hours = (select(HoursEntry.member_id, func.sum(HoursEntry.centihours).label("centihours"))
             .where(_unpaid(company, None if final else (start, end)))
             .group_by(HoursEntry.member_id).subquery())
    rows = session.execute(
        select(hours.c.member_id, hours.c.centihours, Worker.occupation, Worker.hourly_rate_minor,
               Worker.kept_wage_minor, Worker.hired_at, Worker.productivity,
               PaySettings.auto_convert_percent, PaySettings.contribution_percent, Account.id.label("wallet_id"))
        .outerjoin(Worker, and_(Worker.company_id == company.id, Worker.member_id == hours.c.member_id))
        .outerjoin(PaySettings, PaySettings.member_id == hours.c.member_id)
        .outerjoin(Account, and_(Account.owner_type == "member", Account.owner_id == hours.c.member_id,
                                 Account.kind == WALLET, Account.currency == "RSC"))
        .order_by(hours.c.member_id)).all()
    params = regions.all_parameters(session, company.region_id)
    tax_rate, exchange_rate = Decimal(params["income_tax_rate"]), Decimal(params["exchange_rate"])
    terms = [pay_rates.Terms(row.member_id, row.occupation, row.hourly_rate_minor, row.kept_wage_minor, row.hired_at,
                             row.productivity) for row in rows if row.occupation is not None]
    rates = pay_rates.rates_for(session, company, terms, start)
    lines, missing = [], []
    for row in rows:
        rate = rates.get(row.member_id)
        if rate is None:
            missing.append(row.member_id)
            continue
        table = rate.source == pay_rates.TABLE
        lines.append(arithmetic.PayLine(row.member_id, row.occupation, int(row.centihours), rate.rate_minor,
                                        row.auto_convert_percent or 0, row.contribution_percent or 0,
                                        rate.base_minor if table else None, rate.productivity))
    if missing:
        known = members.names_of(session, missing[:10])
        names = ", ".join(known.get(m) or f"member {m}" for m in missing[:10]) + (" and others" if len(missing) > 10 else "")
        whom = "these workers" if len(missing) > 1 else "this worker"
        raise Conflict(f"Set an hourly rate first for {whom}: {names}.", code="rate_missing")
    balance = company_account(session, company.id).balance
    grosses, share = arithmetic.shared_out(lines, available) if final else ([None] * len(lines), Fraction(1))
    slips = [arithmetic.slip_for(line, tax_rate, exchange_rate, gross) for line, gross in zip(lines, grosses)]
    return PayrollPlan(company, start, end, slips, arithmetic.totals(slips), tax_rate, exchange_rate, balance,
                       {row.member_id: row.wallet_id for row in rows}, final, share)


def last_payroll_plan(session: Session, company: Company) -> PayrollPlan | None:
    """A company's last payroll: all its unpaid hours, over the period they cover, within what it
    holds. None when there are none."""
    start, end = session.execute(select(func.min(HoursEntry.period_start), func.max(HoursEntry.period_end))
                                 .where(_unpaid(company, None))).one()
    if start is None:
        return None
    return _plan(session, company, start, end, available=company_account(session, company.id).balance)


@dataclass(frozen=True)
class RunResult:
    run: PayrollRun
    created: bool


def run_payroll(session: Session, actor: Member | None, company_id: int, period_start: object,
                period_end: object, now: datetime) -> RunResult:
    """Pay a period. The same period again returns the first run and pays nothing; a company that
    cannot pay everyone gets InsufficientFunds and nothing is posted. `actor` None is the scheduler
    acting on the company's own pay schedule."""
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
        if overlapping_run(session, company.id, start, end) is not None:
            raise ValidationError.for_field("period_start", "this period overlaps one already paid")
        plan = _plan(session, company, start, end)
        if not plan.slips:
            raise ValidationError.for_field("period_start", "there are no unpaid hours in this period")
        run = pay(session, plan, actor, now)
    return RunResult(run, created=True)


def pay(session: Session, plan: PayrollPlan, actor: Member | None, now: datetime) -> PayrollRun:
    """Carry out a plan inside the caller's transaction (the company row locked by the caller)."""
    company = plan.company
    run = PayrollRun(company_id=company.id, period_start=plan.period_start, period_end=plan.period_end,
                     gross_minor=plan.totals.gross, tax_minor=plan.totals.tax, net_minor=plan.totals.net,
                     converted_usd_minor=plan.totals.converted_usd, tax_rate=str(plan.tax_rate),
                     final=plan.final, paid_share=plan.share_text, run_by=actor.id if actor else None,
                     created_at=now)
    session.add(run)
    session.flush()
    if plan.totals.gross:  # a last payroll of a company that holds nothing pays nothing, and says so
        run.entry_id = _post_payroll(session, company, run, plan, now).id
    _write_payslips(session, run, plan, run.entry_id, now)
    paid = None if plan.final else (plan.period_start, plan.period_end)
    session.execute(update(HoursEntry).where(_unpaid(company, paid)).values(payroll_run_id=run.id))
    return run


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
    what = "Last payroll" if plan.final else "Payroll"
    try:
        return post(session, legs, memo=f"{what} of {company.name}, {period}", cause_type="payroll",
                    cause_id=run.id, now=now, region_id=region_id,
                    idempotency_key=f"payroll:{company.id}:{run.period_start.isoformat()}:{run.period_end.isoformat()}")
    except InsufficientFunds as short:
        raise InsufficientFunds(f"{company.name} cannot pay this payroll: it needs {Money(t.gross, 'RSC')} and "
                                f"holds {Money(plan.balance, 'RSC')}. Nothing was paid.",
                                account_id=short.account_id) from short


_INSERT_PAYSLIP = ("INSERT INTO payslips (run_id, member_id, occupation, centihours, rate_minor, gross_minor, "
                   "tax_minor, net_minor, converted_rsc_minor, converted_usd_minor, contributed_minor, "
                   "base_rate_minor, productivity) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")


def _write_payslips(session: Session, run: PayrollRun, plan: PayrollPlan, entry_id: int | None, now: datetime) -> None:
    bulk_write(session, _INSERT_PAYSLIP, [
        (run.id, s.member_id, s.occupation, s.centihours, s.rate_minor, s.gross, s.tax, s.net, s.converted_rsc,
         s.converted_usd, s.contributed, s.base_rate_minor, s.productivity) for s in plan.slips])
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
