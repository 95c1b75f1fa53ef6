"""The surplus sweep: each month, the share of a region-owned company's money that it does not
need goes back to the capital pool, which the members own together.

For the month just ended, each active region-owned company that existed through it keeps

    reserve = surplus_reserve_months × its monthly payroll

where its monthly payroll is the largest gross it paid in any of that month and the two before
(by the month each run's period ended: a payroll run a few days late, or a company paying every
two weeks, does not make the reserve look small), and it keeps the grant cash it has not spent yet
(purchases.unspent_grants). Of what is left of its balance,

    swept = surplus × surplus_share, rounded down to the cent

goes to the pool in one entry caused by the sweep. Every sweep is kept with its figures, also one
that moved nothing, once per company and month (unique), so the scheduler's job may run any
number of times; the figures are public, as the company's account is.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from decimal import ROUND_DOWN, Decimal

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from govern.companies.models import ACTIVE, OWNER_REGION, Company, PayrollRun, SurplusSweep
from govern.companies.purchases import unspent_grants
from govern.companies.service import company_account, lock_company
from govern.database import ids_in_batches, next_id, write_transaction
from govern.ledger.models import CAPITAL_POOL
from govern.ledger.service import Leg, post, region_account
from govern.months import add_months, first_day, month_of, starts_at
from govern.regions import service as regions
from govern.regions.models import REGION_ACTIVE, Region

PAYROLL_MONTHS = 3

def run_surplus_sweeps(session: Session, now: datetime) -> dict[str, int]:
    """The scheduler's job: sweep the month just ended for every region-owned company not swept
    for it yet. Each company is one transaction."""
    month = add_months(month_of(now), -1)
    result = {"companies": 0, "swept": 0}
    due = (select(Company.id).join(Region, Region.id == Company.region_id)
           .where(Company.owner == OWNER_REGION, Company.status == ACTIVE, Region.status == REGION_ACTIVE,
                  Company.created_at < starts_at(month),
                  ~exists().where(SurplusSweep.company_id == Company.id, SurplusSweep.month == month)))
    for company_id in ids_in_batches(session, due, Company.id):
        sweep = sweep_company(session, company_id, month, now)
        if sweep is not None:
            result["companies"] += 1
            result["swept"] += sweep.swept_minor
    return result


def monthly_payroll(session: Session, company_id: int, month: str) -> int:
    """The largest gross the company paid in `month` or the two months before it."""
    first = first_day(add_months(month, 1 - PAYROLL_MONTHS))
    last = first_day(add_months(month, 1)) - timedelta(days=1)
    by_month: dict[str, int] = {}
    for period_end, gross in session.execute(select(PayrollRun.period_end, PayrollRun.gross_minor).where(
            PayrollRun.company_id == company_id, PayrollRun.period_end.between(first, last))):
        by_month[month_of(period_end)] = by_month.get(month_of(period_end), 0) + gross
    return max(by_month.values(), default=0)


def sweep_company(session: Session, company_id: int, month: str, now: datetime) -> SurplusSweep | None:
    """Sweep one company's `month`; None when it was swept already or is not one to sweep."""
    with write_transaction(session):
        company = lock_company(session, company_id)
        if company.owner != OWNER_REGION or company.status != ACTIVE:
            return None
        if session.execute(select(SurplusSweep.id).where(SurplusSweep.company_id == company.id,
                                                         SurplusSweep.month == month)).first():
            return None
        params = regions.all_parameters(session, company.region_id)
        months, share = int(params["surplus_reserve_months"]), Decimal(params["surplus_share"])
        balance = company_account(session, company.id).balance
        payroll = monthly_payroll(session, company.id, month)
        earmarked = unspent_grants(session, company.id)
        surplus = balance - earmarked - months * payroll
        swept = int((Decimal(surplus) * share).to_integral_value(rounding=ROUND_DOWN)) if surplus > 0 else 0
        sweep_id = next_id(session, SurplusSweep)
        entry = None
        if swept > 0:
            entry = post(session, [Leg(company_account(session, company.id), -swept),
                                   Leg(region_account(session, company.region_id, CAPITAL_POOL), swept)],
                         memo=f"Surplus of {company.name}, {month}, back to the capital pool",
                         cause_type="surplus_sweep", cause_id=sweep_id, now=now, region_id=company.region_id,
                         idempotency_key=f"surplus:{company.id}:{month}")
        row = SurplusSweep(id=sweep_id, region_id=company.region_id, company_id=company.id, month=month,
                           balance_minor=balance, monthly_payroll_minor=payroll, reserve_months=months,
                           earmarked_minor=earmarked, surplus_minor=surplus, share=str(share), swept_minor=swept,
                           entry_id=entry.id if entry else None, created_at=now)
        session.add(row)
        session.flush()
    return row


def sweeps_of(session: Session, company_id: int, *, before: int | None = None, limit: int = 24) -> list[SurplusSweep]:
    query = select(SurplusSweep).where(SurplusSweep.company_id == company_id)
    if before is not None:
        query = query.where(SurplusSweep.id < before)
    return list(session.execute(query.order_by(SurplusSweep.id.desc()).limit(limit)).scalars())
