"""Paying another member in RSC, in any active region of the federation: the ledger carries the
backing along when the payee lives in another region (ledger.service.post)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from govern import access
from govern.companies import service as companies
from govern.companies.models import ACTIVE as COMPANY_ACTIVE
from govern.database import write_transaction
from govern.errors import Conflict, NotFound, ValidationError
from govern.ledger import idempotency
from govern.ledger.exchange import member_wallet
from govern.ledger.models import OWNER_MEMBER, WALLET, Account, LedgerEntry
from govern.ledger.service import AccountRef, Leg, post
from govern.members.models import MEMBER_ACTIVE, Member
from govern.money import MAX_MINOR, Money, require_positive
from govern.regions import service as regions
from govern.regions.models import REGION_ACTIVE, Region

MAX_MEMO = 200
MAX_BATCH = 1_000


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
    recipient_wallet = _wallets_of_active_members(session, {to_member_id}).get(to_member_id)
    if recipient_wallet is None:
        raise ValidationError.for_field("to_member_id", "is not an active member of an active region")
    recipient = session.get(Member, to_member_id)
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
                Leg(AccountRef(recipient_wallet, "RSC"), amount.minor)]
        entry = post(session, legs, memo=memo or f"Payment from {sender.name} to {recipient.name}",
                     cause_type="transfer", cause_id=None, now=now, region_id=sender.region_id)
        idempotency.remember(session, scope, idempotency_key, entry.id)
    return Transfer(entry, to_member_id, amount)


@dataclass(frozen=True)
class Payment:
    """One line of a batch: this much RSC to this member."""

    to_member_id: int
    amount: Money
    memo: str = ""


@dataclass(frozen=True)
class Batch:
    entry: LedgerEntry
    payments: int
    total: Money


def transfer_batch(
    session: Session, sender: Member, payments: list[Payment], now: datetime, *, from_company_id: int | None = None,
    memo: str = "", idempotency_key: str | None = None,
) -> Batch:
    """Pay up to MAX_BATCH members at once, from the sender's wallet or from a company they run, in
    one ledger entry: all or nothing (one unknown payee or a short balance and nothing moves)."""
    access.require(sender, "view_own_account")
    memo = _checked_memo(memo)
    if not 1 <= len(payments) <= MAX_BATCH:
        raise ValidationError.for_field("transfers", f"must list 1 to {MAX_BATCH} payments")
    for payment in payments:
        require_positive(payment.amount, "transfers")
        if payment.amount.currency != "RSC":
            raise ValidationError.for_field("transfers", "transfers between members are in RSC")
        _checked_memo(payment.memo)
    total = sum(payment.amount.minor for payment in payments)
    if total > MAX_MINOR:
        raise ValidationError.for_field("transfers", "must add up to at most 1000000000.00")
    payer, region_id, label = _batch_payer(session, sender, from_company_id)
    regions.require_active(session, region_id)
    wallets = _wallets_of_active_members(session, {p.to_member_id for p in payments})
    unknown = sorted({p.to_member_id for p in payments} - set(wallets))
    if unknown:
        raise ValidationError.for_field("transfers", "not active members of an active region: "
                                                     f"{', '.join(map(str, unknown[:10]))}")
    if from_company_id is None and sender.id in wallets:
        raise ValidationError.for_field("transfers", "cannot pay yourself")
    scope = f"member:{sender.id}:transfer-batch"
    fingerprint = idempotency.request_fingerprint(from_company_id, memo,
                                                  [(p.to_member_id, p.amount.minor, p.memo) for p in payments])
    with write_transaction(session):
        earlier = idempotency.claim(session, scope, idempotency_key, fingerprint, now)
        if earlier is not None:
            entry = session.get(LedgerEntry, earlier)
            if entry is None:
                raise NotFound("The earlier batch is gone.")
            return Batch(entry, len(payments), Money(total, "RSC"))
        legs = [Leg(payer, -total)] + [Leg(AccountRef(wallets[p.to_member_id], "RSC"), p.amount.minor)
                                       for p in payments]
        entry = post(session, legs, memo=memo or f"{len(payments)} payments from {label}", cause_type="transfer",
                     cause_id=None, now=now, region_id=region_id)
        idempotency.remember(session, scope, idempotency_key, entry.id)
    return Batch(entry, len(payments), Money(total, "RSC"))


def _checked_memo(memo: object) -> str:
    memo = (memo or "").strip() if isinstance(memo, str) or memo is None else None
    if memo is None or len(memo) > MAX_MEMO:
        raise ValidationError.for_field("memo", f"must be text of at most {MAX_MEMO} characters")
    return memo


def _batch_payer(session: Session, sender: Member, company_id: int | None) -> tuple[Account, int, str]:
    """The paying account, its region and how the entry names it: the sender's wallet, or the
    wallet of a company the sender runs."""
    if company_id is None:
        return member_wallet(session, sender.id), sender.region_id, sender.name
    company = companies.get_company(session, company_id)
    companies.require_admin(session, sender, company)
    if company.status != COMPANY_ACTIVE:
        raise Conflict("This company is bankrupt: it no longer pays.", code="company_bankrupt")
    return companies.company_account(session, company.id), company.region_id, company.name


def _wallets_of_active_members(session: Session, member_ids: set[int]) -> dict[int, int]:
    """member id -> RSC wallet id, for those of `member_ids` who are active members of an active
    region, whichever (one query, whatever the batch's size)."""
    return dict(session.execute(
        select(Account.owner_id, Account.id).join(Member, Member.id == Account.owner_id)
        .join(Region, Region.id == Member.region_id)
        .where(Account.owner_type == OWNER_MEMBER, Account.kind == WALLET, Account.owner_id.in_(member_ids),
               Member.status == MEMBER_ACTIVE, Region.status == REGION_ACTIVE)
    ).all())
