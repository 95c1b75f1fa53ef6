"""Gifts to the capital pool: from a member's balance, or an outside contributor's USD recorded by
the board. A contribution buys no ownership and no vote: every member owns an equal share."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from govern import access
from govern.database import next_id, write_transaction
from govern.errors import ValidationError
from govern.ledger import idempotency
from govern.ledger.exchange import member_wallet
from govern.ledger.models import CAPITAL_POOL, EXTERNAL, ISSUANCE, USD_RESERVE, Contribution
from govern.ledger.service import Leg, post, region_account
from govern.money import Money, require_positive
from govern.regions import service as regions


def contribute(session: Session, member, amount: Money, *, public: object, now: datetime,
               idempotency_key: str | None = None) -> Contribution:
    access.require(member, "propose", "Members who left do not contribute.")
    if amount.currency != "RSC":
        raise ValidationError.for_field("amount", "members contribute RSC")
    require_positive(amount)
    public = _flag(public)
    scope = f"member:{member.id}:contribution"
    with write_transaction(session):
        regions.require_active(session, member.region_id)
        earlier = idempotency.claim(session, scope, idempotency_key,
                                    idempotency.request_fingerprint(amount.minor, public), now)
        if earlier is not None:
            return session.get(Contribution, earlier)
        contribution_id = next_id(session, Contribution)
        entry = post(session, [Leg(member_wallet(session, member.id), -amount.minor),
                               Leg(region_account(session, member.region_id, CAPITAL_POOL), amount.minor)],
                     memo=f"Contribution to the capital pool{' by ' + member.name if public else ''}",
                     cause_type="contribution", cause_id=contribution_id, now=now, region_id=member.region_id)
        row = Contribution(id=contribution_id, region_id=member.region_id, member_id=member.id, source="member",
                           amount_minor=amount.minor, public=public, entry_id=entry.id, created_at=now)
        session.add(row)
        session.flush()
        idempotency.remember(session, scope, idempotency_key, row.id)
    return row


def record_external(session: Session, board_member, amount: Money, giver: object, *, public: object,
                    now: datetime) -> Contribution:
    """An outside contributor's USD: into the reserve, and the same RSC into the pool (issued at
    par, so the reserve still backs every RSC)."""
    access.require(board_member, "board_actions", "Only the board records outside contributions.")
    if amount.currency != "USD":
        raise ValidationError.for_field("amount", "outside contributions are recorded in USD")
    require_positive(amount)
    if not isinstance(giver, str) or not giver.strip() or len(giver.strip()) > 200:
        raise ValidationError.for_field("from", "name the contributor (1 to 200 characters)")
    public = _flag(public)
    region_id = board_member.region_id
    with write_transaction(session):
        regions.require_active(session, region_id)
        contribution_id = next_id(session, Contribution)
        entry = post(session, [Leg(region_account(session, region_id, EXTERNAL), -amount.minor),
                               Leg(region_account(session, region_id, USD_RESERVE), amount.minor),
                               Leg(region_account(session, region_id, ISSUANCE), -amount.minor),
                               Leg(region_account(session, region_id, CAPITAL_POOL), amount.minor)],
                     memo=f"Outside contribution{' from ' + giver.strip() if public else ''}",
                     cause_type="contribution", cause_id=contribution_id, now=now, region_id=region_id)
        row = Contribution(id=contribution_id, region_id=region_id, external_from=giver.strip(), source="external",
                           amount_minor=amount.minor, public=public, entry_id=entry.id, created_at=now)
        session.add(row)
        session.flush()
    return row


def _flag(value: object) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise ValidationError.for_field("public", "must be true or false")
    return value
