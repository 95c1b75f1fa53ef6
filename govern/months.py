"""Calendar months as "YYYY-MM" strings (UTC): what the monthly jobs (rent, maintenance, health
premiums, the surplus sweep) charge or sweep, one per month."""
from __future__ import annotations

import re
from datetime import date, datetime, time, timezone

from govern.errors import ValidationError

_MONTH = re.compile(r"^([0-9]{4})-(0[1-9]|1[0-2])$")


def month_of(moment: datetime | date) -> str:
    if isinstance(moment, datetime):
        moment = moment.astimezone(timezone.utc)
    return f"{moment.year:04d}-{moment.month:02d}"


def add_months(month: str, count: int) -> str:
    year, number = int(month[:4]), int(month[5:])
    index = year * 12 + number - 1 + count
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def parse_month(value: object, field: str = "month") -> str:
    if not isinstance(value, str) or not _MONTH.match(value.strip()):
        raise ValidationError.for_field(field, "must be a month such as \"2026-11\"")
    return value.strip()


def first_day(month: str) -> date:
    return date(int(month[:4]), int(month[5:]), 1)


def starts_at(month: str) -> datetime:
    """The first moment of the month, UTC."""
    return datetime.combine(first_day(month), time.min, tzinfo=timezone.utc)
