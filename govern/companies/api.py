"""JSON API: companies, workers, income, hours, payroll, pay settings, bankruptcy."""
from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field

from govern.apiutil import api_blueprint, endpoint, every, idempotency_key, listed, optional_member, require_member
from govern.clock import utcnow
from govern.companies import bankruptcy as bankruptcies, hours as company_hours, leaving, pay_settings
from govern.companies import payroll as payrolls, purchases, rates, service as companies, surplus
from govern.companies import workers as workforce
from govern.companies.models import Company, PayrollRun
from govern.errors import NotFound
from govern.extensions import db
from govern.throttle import money_moving
from govern.treasury import service as treasury
from govern.treasury.api import DepositAnswer, pending_deposit_answer
from govern.schemas import (Answer, Day, DecimalString, Flag, Id, IdempotencyKey, Name, Page, Paging, Percent, Request,
                            Rsc, RscIn, Time, Usd, UsdIn, With, cents, text)
from govern.templating import hours as hours_text

bp = api_blueprint("companies_api", __name__)

Hours = Annotated[str, BeforeValidator(lambda centihours: hours_text(centihours) if isinstance(centihours, int) else centihours)]

class CompanyBody(Request):
    name: text(120, min_length=1)
    industry: Name


class Worker(Answer):
    member_id: int
    name: str
    occupation: str
    hourly_rate: Rsc | None = cents("hourly_rate")
    admin: bool
    kept_wage: Rsc | None = Field(validation_alias="kept_wage_minor", description="An invited employee's kept wage")
    productivity: str | None
    rate_now: Rsc | None = Field(description="What payroll pays an hour today")


class CompanyAnswer(Answer):
    id: int
    name: str
    industry: str
    owner: Literal["workers", "region"]
    status: Literal["active", "bankrupt", "closed"]
    region_id: int
    account_id: int
    pay_schedule: str | None
    created_at: Time
    run_by: Literal["admins", "board"]
    returned_entry_id: int | None
    workers: list[Worker]


class WorkerBody(Request):
    member_id: Id
    occupation: Name
    hourly_rate: RscIn | None = Field(None, description="RSC an hour; without it the worker has no rate yet")
    admin: Flag | None = None
    productivity: Annotated[str, Field(pattern=r"^(?:0(?:\.[0-9]{1,4})?|1(?:\.0{1,4})?)$")] | None = Field(
        None, description="0 to 1 (0.5: the table's wage), within the region's voted bounds")


class IncomeBody(Request):
    amount: UsdIn
    memo: text(200) = ""


class HoursBody(Request):
    member_id: Id
    period_start: Day
    period_end: Day
    hours: DecimalString


class HoursAnswer(Answer):
    id: int
    member_id: int
    period_start: date
    period_end: date
    hours: Hours = Field(validation_alias="centihours")


class PeriodBody(Request):
    period_start: Day
    period_end: Day


class PayslipAnswer(Answer):
    member_id: int
    occupation: str | None
    hours: Hours = Field(validation_alias="centihours")
    rate: Rsc = cents("rate")
    gross: Rsc = cents("gross")
    tax: Rsc = cents("tax")
    net: Rsc = cents("net")
    converted: Usd = Field(validation_alias="converted_usd_minor")
    contributed: Rsc = cents("contributed")
    base_rate: Rsc | None = cents("base_rate", default=None)
    productivity: str | None = None


class RunAnswer(Answer):
    run_id: int = Field(validation_alias="id")
    company_id: int
    period_start: date
    period_end: date
    gross: Rsc = cents("gross")
    tax: Rsc = cents("tax")
    net: Rsc = cents("net")
    tax_rate: str
    entry_id: int | None
    created_at: Time
    final: bool = Field(description="A bankrupt company's last run")
    paid_share: str = Field(description="The share of what was earned it could pay (1: all)")
    payslips: list[PayslipAnswer]


class PreviewSlip(Answer):
    member_id: int
    hours: Hours = Field(validation_alias="centihours")
    rate: Rsc = cents("rate")
    gross: Rsc
    tax: Rsc
    net: Rsc
    base_rate: Rsc | None = cents("base_rate", default=None)
    productivity: str | None = None


class PreviewAnswer(Answer):
    period_start: date
    period_end: date
    gross: Rsc
    tax: Rsc
    net: Rsc
    balance: Rsc
    affordable: bool
    payslips: list[PreviewSlip]


class MyPayslip(PayslipAnswer):
    id: int
    run_id: int
    company_id: int
    company: str
    period_start: date
    period_end: date


class HandoverBody(Request):
    member_id: Id


class SweepAnswer(Answer):
    id: int
    company_id: int
    month: str
    balance: Rsc = cents("balance")
    monthly_payroll: Rsc = cents("monthly_payroll")
    reserve_months: int
    earmarked: Rsc = cents("earmarked")
    surplus: Rsc = cents("surplus")
    share: str
    swept: Rsc = cents("swept")
    entry_id: int | None
    created_at: Time


class GrantAnswer(Answer):
    proposal_id: int
    item_id: int | None
    cash: Rsc
    spent: Usd
    unspent: Rsc
    created_at: Time


class PercentBody(Request):
    percent: Percent


class PercentAnswer(Answer):
    percent: Annotated[str, Field(pattern=r"^(?:100|[1-9]?[0-9])$")]


def company_answer(company: Company) -> CompanyAnswer:
    """`rate_now` is what payroll pays a worker an hour today (rates.py): the company's own rate, or
    the wage table's (a kept wage included) moved by their productivity."""
    rows = companies.workers_of(db.session, company.id)
    now_rates = rates.rates_of_workers(db.session, company, [w for w, _ in rows], utcnow().date())
    workers = [With(worker, name=name, rate_now=now_rates[worker.member_id].rate_minor
                    if now_rates[worker.member_id] else None) for worker, name in rows]
    return CompanyAnswer.model_validate(With(
        company, account_id=companies.company_account(db.session, company.id).id, workers=workers,
        run_by="board" if companies.run_by_board(db.session, company) else "admins"))


def run_answer(run: PayrollRun) -> RunAnswer:
    return RunAnswer.model_validate(With(run, payslips=payrolls.payslips_of_run(db.session, run.id)))


def _company_visible(company_id: int) -> Company:
    """Companies are visible to the members of their region and their own workers (region-owned
    ones to everyone)."""
    member = require_member()
    company = companies.get_company(db.session, company_id)
    if not companies.sees_inside(db.session, member, company):
        raise NotFound("No such company.")
    return company


@bp.post("/companies")
@endpoint(ok=201, answer=CompanyAnswer, errors=(400, 403))
def create(json: CompanyBody):
    """Register a company; you become its first worker and admin"""
    company = companies.register_company(db.session, require_member(), json.name, json.industry, utcnow())
    return company_answer(company), 201


@bp.get("/companies/<int:company_id>")
@endpoint(answer=CompanyAnswer, errors=(404,))
def show(company_id: int):
    """A company"""
    return company_answer(_company_visible(company_id))


@bp.post("/companies/<int:company_id>/workers")
@endpoint(ok=201, answer=CompanyAnswer, errors=(400, 403, 404, 409))
def add_worker(company_id: int, json: WorkerBody):
    """Add a worker or change a worker's occupation and rate (company admins)"""
    workforce.set_worker(db.session, require_member(), company_id, member_id=json.member_id,
                         occupation=json.occupation, now=utcnow(),
                         hourly_rate=json.hourly_rate.value() if json.hourly_rate else None, make_admin=json.admin,
                         productivity=json.productivity)
    return company_answer(companies.get_company(db.session, company_id)), 201


@bp.post("/companies/<int:company_id>/income")
@money_moving
@endpoint(ok=202, answer=DepositAnswer, errors=(400, 403, 404, 409, 429), headers=IdempotencyKey)
def income(company_id: int, json: IncomeBody):
    """Claim outside income in USD (company admins): a pending deposit; when the board confirms it, the USD goes into the reserve and RSC into the company"""
    return pending_deposit_answer(treasury.request_income(db.session, require_member(), company_id, json.amount.value(),
                                                          json.memo, utcnow(), idempotency_key()))


@bp.post("/companies/<int:company_id>/hours")
@endpoint(ok=201, answer=HoursAnswer, errors=(400, 403, 404, 409))
def hours(company_id: int, json: HoursBody):
    """Enter hours for a period (your own, or anyone's as an admin)"""
    entry = company_hours.enter_hours(db.session, require_member(), company_id, member_id=json.member_id,
                                  period_start=json.period_start, period_end=json.period_end, hours=json.hours,
                                  now=utcnow())
    return HoursAnswer.model_validate(entry), 201


@bp.post("/companies/<int:company_id>/payroll")
@money_moving
@endpoint(ok=201, answer=RunAnswer, also={200: RunAnswer}, errors=(400, 403, 404, 409))
def payroll(company_id: int, json: PeriodBody):
    """Pay a period (company admins); the same period again pays nothing new and answers 200 with the earlier run"""
    result = payrolls.run_payroll(db.session, require_member(), company_id, json.period_start, json.period_end,
                                   utcnow())
    return run_answer(result.run), 201 if result.created else 200


@bp.post("/companies/<int:company_id>/payroll/preview")
@endpoint(answer=PreviewAnswer, errors=(400, 403, 404, 409))
def payroll_preview(company_id: int, json: PeriodBody):
    """What a run would pay, without paying"""
    plan = payrolls.plan_payroll(db.session, require_member(), company_id, json.period_start, json.period_end)
    t = plan.totals
    return PreviewAnswer(period_start=plan.period_start, period_end=plan.period_end, gross=t.gross, tax=t.tax, net=t.net,
                         balance=plan.balance, affordable=plan.affordable, payslips=plan.slips)


@bp.get("/companies/<int:company_id>/payroll")
@endpoint(answer=Page[RunAnswer], errors=(400, 404))
def runs(company_id: int, query: Paging):
    """A company's payroll runs (its workers)"""
    company = _company_visible(company_id)
    if not payrolls.can_see_pay(db.session, require_member(), company.id):
        raise NotFound("Payroll runs are visible to the company's workers.")
    rows = payrolls.runs_of(db.session, company.id, before=query.cursor_id(), limit=query.limit + 1)
    return listed(RunAnswer, rows, query.limit, render=run_answer)


@bp.get("/me/payslips")
@endpoint(answer=Page[MyPayslip], errors=(400,))
def my_payslips(query: Paging):
    """Your payslips, newest first"""
    member = require_member()
    rows = payrolls.payslips_of_member(db.session, member.id, before=query.cursor_id(), limit=query.limit + 1)

    def render(row):
        slip, run, company = row
        return MyPayslip.model_validate(With(slip, company=company.name, period_start=run.period_start,
                                             period_end=run.period_end, company_id=company.id))

    return listed(MyPayslip, rows, query.limit, cursor_of=lambda row: row[0].id, render=render)


@bp.put("/me/auto-convert")
@endpoint(answer=PercentAnswer, errors=(400,))
def auto_convert(json: PercentBody):
    """The share of each net pay converted to USD automatically"""
    percent = pay_settings.set_auto_convert(db.session, require_member(), json.percent)
    return PercentAnswer(percent=str(percent))


@bp.put("/me/contribution-rate")
@endpoint(answer=PercentAnswer, errors=(400, 403))
def contribution_rate(json: PercentBody):
    """The share of each net pay given to the capital pool"""
    percent = pay_settings.set_contribution_rate(db.session, require_member(), json.percent)
    return PercentAnswer(percent=str(percent))


@bp.post("/companies/<int:company_id>/bankruptcy")
@endpoint(answer=CompanyAnswer, errors=(403, 404, 409))
def bankruptcy(company_id: int):
    """Declare a company bankrupt (board): its last payroll pays the unpaid hours, then its balance and equipment return to the region"""
    return company_answer(bankruptcies.declare_bankrupt(db.session, require_member(), company_id, utcnow()))


@bp.post("/companies/<int:company_id>/handover")
@endpoint(answer=CompanyAnswer, errors=(400, 403, 404, 409))
def handover(company_id: int, json: HandoverBody):
    """An admin of a worker-owned company makes another active worker an admin"""
    workforce.hand_over(db.session, require_member(), company_id, json.member_id)
    return company_answer(companies.get_company(db.session, company_id))


@bp.post("/companies/<int:company_id>/close")
@money_moving
@endpoint(answer=CompanyAnswer, errors=(403, 404, 409, 429))
def close(company_id: int):
    """Its last worker and admin closes a worker-owned company: unspent grant cash returns to the pool, the rest to them"""
    return company_answer(leaving.close_company(db.session, require_member(), company_id, utcnow()))


def _books_visible(company_id: int) -> Company:
    """A region-owned company's books are public; a worker-owned company's, its workers'."""
    company = companies.get_company(db.session, company_id)
    if not companies.may_see_books(db.session, optional_member(), company):
        raise NotFound("No such company.")
    return company


@bp.get("/companies/<int:company_id>/surplus-sweeps")
@endpoint(public=True, answer=Page[SweepAnswer], errors=(400, 404))
def surplus_sweeps(company_id: int, query: Paging):
    """The monthly sweeps of a region-owned company's surplus to the capital pool (public)"""
    company = _books_visible(company_id)
    rows = surplus.sweeps_of(db.session, company.id, before=query.cursor_id(), limit=query.limit + 1)
    return listed(SweepAnswer, rows, query.limit)


@bp.get("/companies/<int:company_id>/grants")
@endpoint(public=True, answer=Page[GrantAnswer], errors=(404,))
def grants(company_id: int):
    """The equipment grants a company received, with what its outside purchases spent of each"""
    company = _books_visible(company_id)
    return every(GrantAnswer, purchases.grants_of(db.session, company.id, limit=200), render=lambda g: GrantAnswer(
        proposal_id=g.grant.proposal_id, item_id=g.grant.item_id, cash=g.grant.cash_minor, spent=g.spent,
        unspent=g.unspent, created_at=g.grant.created_at))
