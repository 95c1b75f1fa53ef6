"""People and companies picked by name: what a member types in a "person" or "company" field
("Ann Lee", "Ann Lee (#12)", "#12" or "12") becomes an id, and the search behind the suggestions.

Only active members and companies of the searcher's own region are found, at most `limit` of them,
matched on any part of the name (case-insensitive) by the database."""
from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from govern.companies.models import Company
from govern.errors import ValidationError
from govern.members.models import MEMBER_ACTIVE, Member

_NUMBERED = re.compile(r"^(?:.*\(\s*#\s*(\d{1,12})\s*\)|\s*#?\s*(\d{1,12}))\s*$")
LIMIT = 10


def person_label(member_id: int, name: str) -> str:
    """How a suggestion names a member, and what a field takes back: "Ann Lee (#12)"."""
    return f"{name} (#{member_id})"


def _pattern(text: str) -> str:
    escaped = text.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def people(session: Session, region_id: int, text: object, *, limit: int = LIMIT) -> list[tuple[int, str, str]]:
    """(id, name, locality) of active members of the region whose name holds `text`, by name."""
    if not isinstance(text, str) or not text.strip():
        return []
    number = _number(text)
    condition = func.lower(Member.name).like(_pattern(text), escape="\\")
    if number is not None:
        condition = condition | (Member.id == number)
    rows = session.execute(select(Member.id, Member.name, Member.locality).where(
        Member.region_id == region_id, Member.status == MEMBER_ACTIVE, condition)
        .order_by(Member.name, Member.id).limit(limit)).all()
    return [tuple(row) for row in rows]


def companies(session: Session, region_id: int, text: object, *, limit: int = LIMIT) -> list[tuple[int, str, str]]:
    """(id, name, industry) of the region's active companies whose name holds `text`."""
    if not isinstance(text, str) or not text.strip():
        return []
    number = _number(text)
    condition = func.lower(Company.name).like(_pattern(text), escape="\\")
    if number is not None:
        condition = condition | (Company.id == number)
    rows = session.execute(select(Company.id, Company.name, Company.industry).where(
        Company.region_id == region_id, Company.status == "active", condition)
        .order_by(Company.name, Company.id).limit(limit)).all()
    return [tuple(row) for row in rows]


def _number(text: str) -> int | None:
    match = _NUMBERED.match(text)
    if not match:
        return None
    return int(match.group(1) or match.group(2))


def resolve_member(session: Session, region_id: int, text: object, field: str) -> int:
    """The member a person field names: by number, or by a name only one member of the region has."""
    return _resolve(session, region_id, text, field, Member, Member.status == MEMBER_ACTIVE, "member")


def resolve_company(session: Session, region_id: int, text: object, field: str) -> int:
    return _resolve(session, region_id, text, field, Company, Company.status == "active", "company")


def _resolve(session: Session, region_id: int, text: object, field: str, model, active, what: str) -> int:
    if not isinstance(text, str) or not text.strip():
        raise ValidationError.for_field(field, f"is required: type a {what}'s name and pick it from the list")
    number = _number(text)
    if number is not None:
        return number
    name = " ".join(text.split())
    found = session.execute(select(model.id).where(
        model.region_id == region_id, active, func.lower(model.name) == name.lower()).limit(2)).scalars().all()
    if len(found) == 1:
        return found[0]
    if not found:
        raise ValidationError.for_field(
            field, f"no {what} of your region is called “{name[:80]}”: type part of the name and pick from the list")
    raise ValidationError.for_field(
        field, f"more than one {what} is called “{name[:80]}”: pick one from the list, which shows their numbers")
