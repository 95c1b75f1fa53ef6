"""A member's standing choices for each net pay: the share converted to USD automatically, and the
share given to the capital pool."""
from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from govern import access
from govern.companies.models import PaySettings
from govern.database import write_transaction
from govern.errors import ValidationError
from govern.ids import whole_number
from govern.members.models import Member


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


