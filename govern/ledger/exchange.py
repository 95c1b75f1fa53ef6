"""Converting between USD and RSC at the region's exchange rate.

Exchange rate r: 1 USD buys r RSC. RSC is issued and redeemed at par (1 RSC per USD held in
the reserve), so the reserve always equals what par requires; the difference between par and
the voted rate is paid by, or earned by, the capital pool. An incentive rate above 1 is thus a
subsidy from the pool and never unbacked RSC.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from govern import access
from govern.database import write_transaction
from govern.errors import InsufficientFunds, ValidationError
from govern.ledger import idempotency
from govern.ledger.models import (
    CAPITAL_POOL,
    CONVERSION_RSC_TO_USD,
    CONVERSION_USD_TO_RSC,
    EXTERNAL,
    ISSUANCE,
    OWNER_MEMBER,
    USD_PAYOUTS,
    USD_RESERVE,
    WALLET,
    Account,
    Conversion,
    UsdPayout,
)
from govern.ledger.service import Leg, post, region_account
from govern.money import Money, convert_minor, divide_minor, require_positive
from govern.regions import service as regions

DIRECTIONS = (CONVERSION_USD_TO_RSC, CONVERSION_RSC_TO_USD)


@dataclass(frozen=True)
class Quote:
    """What a conversion moves: `usd` at par against `rsc` at the rate; the pool takes the difference."""

    usd: int
    rsc: int


def quote(direction: str, amount: int, rate: Decimal) -> Quote:
    if direction == CONVERSION_USD_TO_RSC:
        return Quote(usd=amount, rsc=convert_minor(amount, rate))
    return Quote(usd=divide_minor(amount, rate), rsc=amount)


def convert(
    session: Session, member, direction: str, amount: Money, now: datetime, idempotency_key: str | None = None,
) -> Conversion:
    """Convert for `member` at their region's current exchange rate."""
    if direction not in DIRECTIONS:
        raise ValidationError.for_field("direction", f"must be one of {', '.join(DIRECTIONS)}")
    require_positive(amount)
    expected_currency = "USD" if direction == CONVERSION_USD_TO_RSC else "RSC"
    if amount.currency != expected_currency:
        raise ValidationError.for_field("amount", f"must be in {expected_currency} for {direction}")
    access.require(member, f"convert_{direction}",
                   "Only active members can buy RSC." if direction == CONVERSION_USD_TO_RSC else None)
    if direction == CONVERSION_USD_TO_RSC:
        regions.require_active(session, member.region_id)
    scope = f"member:{member.id}:conversion"
    with write_transaction(session):
        earlier = idempotency.claim(session, scope, idempotency_key,
                                    idempotency.request_fingerprint(direction, amount.minor, amount.currency), now)
        if earlier is not None:
            return session.get(Conversion, earlier)
        rate = regions.parameter(session, member.region_id, "exchange_rate")
        q = quote(direction, amount.minor, rate)
        if q.usd <= 0 or q.rsc <= 0:
            raise ValidationError.for_field("amount", "is too small to convert at this rate")
        wallet = member_wallet(session, member.id)
        accounts = {kind: region_account(session, member.region_id, kind) for kind in
                    (CAPITAL_POOL, USD_RESERVE, ISSUANCE, EXTERNAL, USD_PAYOUTS)}
        legs = _legs(direction, q, wallet, accounts)
        try:
            entry = post(session, legs, memo=_memo(direction, q), cause_type="conversion", cause_id=None,
                         now=now, region_id=member.region_id)
        except InsufficientFunds as short:
            if short.account_id == accounts[CAPITAL_POOL].id:
                raise InsufficientFunds("The capital pool cannot pay the exchange incentive right now.") from short
            raise
        conversion = Conversion(
            member_id=member.id, region_id=member.region_id, direction=direction,
            debited_minor=q.usd if direction == CONVERSION_USD_TO_RSC else q.rsc,
            debited_currency="USD" if direction == CONVERSION_USD_TO_RSC else "RSC",
            credited_minor=q.rsc if direction == CONVERSION_USD_TO_RSC else q.usd,
            credited_currency="RSC" if direction == CONVERSION_USD_TO_RSC else "USD",
            rate=str(rate), entry_id=entry.id, created_at=now,
        )
        session.add(conversion)
        session.flush()
        if direction == CONVERSION_RSC_TO_USD:
            session.add(UsdPayout(member_id=member.id, region_id=member.region_id, conversion_id=conversion.id,
                                  amount_minor=q.usd, created_at=now))
        idempotency.remember(session, scope, idempotency_key, conversion.id)
    return conversion


def _legs(direction: str, q: Quote, wallet: Account, a: dict[str, Account]) -> list[Leg]:
    if direction == CONVERSION_USD_TO_RSC:
        return [
            Leg(a[EXTERNAL], -q.usd), Leg(a[USD_RESERVE], q.usd),
            Leg(a[ISSUANCE], -q.usd), Leg(wallet, q.rsc), Leg(a[CAPITAL_POOL], q.usd - q.rsc),
        ]
    return [
        Leg(wallet, -q.rsc), Leg(a[ISSUANCE], q.usd), Leg(a[CAPITAL_POOL], q.rsc - q.usd),
        Leg(a[USD_RESERVE], -q.usd), Leg(a[USD_PAYOUTS], q.usd),
    ]


def _memo(direction: str, q: Quote) -> str:
    if direction == CONVERSION_USD_TO_RSC:
        return f"Bought {Money(q.rsc, 'RSC')} for {Money(q.usd, 'USD')}"
    return f"Sold {Money(q.rsc, 'RSC')} for {Money(q.usd, 'USD')}, payout owed"


def member_wallet(session: Session, member_id: int) -> Account:
    return session.execute(
        select(Account).where(Account.owner_type == OWNER_MEMBER, Account.owner_id == member_id,
                              Account.kind == WALLET)
    ).scalar_one()


def payouts_for_member(session: Session, member_id: int, *, limit: int) -> list[UsdPayout]:
    return list(session.execute(
        select(UsdPayout).where(UsdPayout.member_id == member_id).order_by(UsdPayout.id.desc()).limit(limit)
    ).scalars())
