"""Hours: the time workers worked, in hundredths of an hour, entered per period (both ends
included, at most two months) and paid by the payroll run whose period their own starts in."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from govern.companies import pay_arithmetic as arithmetic
from govern.companies.models import HoursEntry, PayrollRun
from govern.companies.service import lock_company, require_admin, require_trading, worker_of
from govern.database import write_transaction
from govern.errors import Forbidden, ValidationError
from govern.ids import is_id
from govern.members.models import Member
from govern.money import parse_decimal

MAX_PERIOD_DAYS = 62
MAX_HOURS_PER_DAY = 24


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
        if overlapping_run(session, company.id, start, end) is not None:
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


def overlapping_run(session: Session, company_id: int, start: date, end: date) -> PayrollRun | None:
    return session.execute(select(PayrollRun).where(
        PayrollRun.company_id == company_id, PayrollRun.period_start <= end, PayrollRun.period_end >= start)
        .limit(1)).scalar_one_or_none()


