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
from govern.database import next_id, write_transaction
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
from govern.ledger.service import AccountRef, Leg, post, region_account
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
    """Cash RSC out to USD for `member` at their region's current exchange rate: the RSC is
    redeemed at once and a USD payout is owed to them until the board pays it from the bank.

    USD → RSC is not a conversion that happens here: the member claims a deposit
    (`treasury.service.request_conversion`) and the RSC is issued when the board confirms that the
    USD reached the bank."""
    if direction not in DIRECTIONS:
        raise ValidationError.for_field("direction", f"must be one of {', '.join(DIRECTIONS)}")
    if direction == CONVERSION_USD_TO_RSC:
        raise ValidationError.for_field("direction", "USD becomes RSC through a deposit the board confirms "
                                                     "against the bank (treasury)")
    require_positive(amount)
    if amount.currency != "RSC":
        raise ValidationError.for_field("amount", f"must be in RSC for {direction}")
    access.require(member, f"convert_{direction}")
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
        accounts = region_accounts(session, member.region_id)
        conversion_id = next_id(session, Conversion)
        entry = post_paying_the_spread(
            session, cash_out_legs(q, wallet, accounts), accounts, memo=f"Sold {Money(q.rsc, 'RSC')} for "
            f"{Money(q.usd, 'USD')}, payout owed", cause_type="conversion", cause_id=conversion_id, now=now,
            region_id=member.region_id)
        conversion = Conversion(
            id=conversion_id, member_id=member.id, region_id=member.region_id, direction=direction,
            debited_minor=q.rsc, debited_currency="RSC", credited_minor=q.usd, credited_currency="USD",
            rate=str(rate), entry_id=entry.id, created_at=now,
        )
        session.add(conversion)
        session.flush()
        session.add(UsdPayout(member_id=member.id, region_id=member.region_id, conversion_id=conversion.id,
                              amount_minor=q.usd, created_at=now))
        idempotency.remember(session, scope, idempotency_key, conversion.id)
    return conversion


SPREAD_ACCOUNTS = (CAPITAL_POOL, USD_RESERVE, ISSUANCE, EXTERNAL, USD_PAYOUTS)


def region_accounts(session: Session, region_id: int) -> dict[str, Account]:
    """The region accounts a conversion touches, by kind."""
    return {kind: region_account(session, region_id, kind) for kind in SPREAD_ACCOUNTS}


def issue_legs(q: Quote, target: Account | AccountRef, a: dict[str, Account]) -> list[Leg]:
    """USD confirmed in the bank: from the outside world into the reserve, the same RSC issued at
    par, `q.rsc` of it to `target` (a wallet or a company) and the spread to or from the pool."""
    return [
        Leg(a[EXTERNAL], -q.usd), Leg(a[USD_RESERVE], q.usd),
        Leg(a[ISSUANCE], -q.usd), Leg(target, q.rsc), Leg(a[CAPITAL_POOL], q.usd - q.rsc),
    ]


def cash_out_legs(q: Quote, wallet: Account, a: dict[str, Account]) -> list[Leg]:
    """RSC redeemed at par out of the wallet, the spread to or from the pool, and the USD moved
    from the reserve to the payouts owed."""
    return [
        Leg(wallet, -q.rsc), Leg(a[ISSUANCE], q.usd), Leg(a[CAPITAL_POOL], q.rsc - q.usd),
        Leg(a[USD_RESERVE], -q.usd), Leg(a[USD_PAYOUTS], q.usd),
    ]


def post_paying_the_spread(session: Session, legs: list[Leg], accounts: dict[str, Account], **entry):
    """Post a conversion's legs; when the capital pool is the account short (it pays an incentive
    above par), say so instead of naming an account."""
    try:
        return post(session, legs, **entry)
    except InsufficientFunds as short:
        if short.account_id == accounts[CAPITAL_POOL].id:
            raise InsufficientFunds("The capital pool cannot pay the exchange incentive right now.") from short
        raise


def member_wallet(session: Session, member_id: int) -> Account:
    return session.execute(
        select(Account).where(Account.owner_type == OWNER_MEMBER, Account.owner_id == member_id,
                              Account.kind == WALLET)
    ).scalar_one()
