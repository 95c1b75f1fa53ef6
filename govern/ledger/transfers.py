"""Paying another member of the same region in RSC."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from govern import access
from govern.database import write_transaction
from govern.errors import NotFound, ValidationError
from govern.ledger import idempotency
from govern.ledger.exchange import member_wallet
from govern.ledger.models import LedgerEntry
from govern.ledger.service import Leg, post
from govern.members.models import Member
from govern.money import Money, require_positive
from govern.regions import service as regions

MAX_MEMO = 200


@dataclass(frozen=True)
class Transfer:
    entry: LedgerEntry
    to_member_id: int
    amount: Money


def transfer(
    session: Session, sender: Member, to_member_id: int, amount: Money, memo: str, now: datetime,
    idempotency_key: str | None = None,
) -> Transfer:
    """Move RSC from the sender's wallet to another member's. Members who left may still pay out
    what they hold; a payment to a member who left is refused (they cannot use it inside)."""
    access.require(sender, "view_own_account")
    require_positive(amount)
    memo = (memo or "").strip()
    if amount.currency != "RSC":
        raise ValidationError.for_field("amount", "transfers between members are in RSC")
    if len(memo) > MAX_MEMO:
        raise ValidationError.for_field("memo", f"must be at most {MAX_MEMO} characters")
    if to_member_id == sender.id:
        raise ValidationError.for_field("to_member_id", "cannot be yourself")
    regions.require_active(session, sender.region_id)
    recipient = session.get(Member, to_member_id)
    if recipient is None or recipient.region_id != sender.region_id or not recipient.active:
        raise ValidationError.for_field("to_member_id", "is not an active member of your region")
    scope = f"member:{sender.id}:transfer"
    fingerprint = idempotency.request_fingerprint(to_member_id, amount.minor, memo)
    with write_transaction(session):
        earlier = idempotency.claim(session, scope, idempotency_key, fingerprint, now)
        if earlier is not None:
            entry = session.get(LedgerEntry, earlier)
            if entry is None:
                raise NotFound("The earlier transfer is gone.")
            return Transfer(entry, to_member_id, amount)
        legs = [Leg(member_wallet(session, sender.id), -amount.minor),
                Leg(member_wallet(session, recipient.id), amount.minor)]
        entry = post(session, legs, memo=memo or f"Payment from {sender.name} to {recipient.name}",
                     cause_type="transfer", cause_id=None, now=now, region_id=sender.region_id)
        idempotency.remember(session, scope, idempotency_key, entry.id)
    return Transfer(entry, to_member_id, amount)
