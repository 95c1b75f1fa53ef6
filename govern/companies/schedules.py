"""Pay schedules: a company pays by hand, or every week, two weeks or month from a first day, and the
scheduler runs each elapsed period that has hours."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from govern.companies.models import ACTIVE, SCHEDULES, Company, PayrollRun
from govern.companies.payroll import run_payroll
from govern.companies.service import lock_company, require_admin, require_trading
from govern.database import write_transaction
from govern.errors import Conflict, InsufficientFunds, ValidationError
from govern.members.models import Member


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
        require_trading(company)
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


