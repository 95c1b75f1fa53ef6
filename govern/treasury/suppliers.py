"""Paying a supplier outside the co-op in USD: what a company's outside purchase and a facility's
running costs do.

The payer's RSC is redeemed at par (RSC outstanding falls by the amount) and the same USD leaves
the reserve into the payouts owed, so the reserve still backs every RSC left; a `UsdPayout` to the
supplier (no member: `payee` and `pay_to` say who and where) waits until the board pays it from
the bank and settles it like any other payout (by hand, in a batch, or from a statement line
quoting its reference). Callers post the legs and write the payout inside their own transaction.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from govern.ledger.models import ISSUANCE, PAYOUT_OWED, USD_PAYOUTS, USD_RESERVE, Account, UsdPayout
from govern.ledger.service import AccountRef, Leg, region_account

MAX_SUPPLIER = 200
MAX_PAY_TO = 500


def payout_legs(session: Session, region_id: int, payer: Account | AccountRef, amount_minor: int) -> list[Leg]:
    """The payer's RSC redeemed at par, the USD out of the reserve into the payouts owed."""
    return [Leg(payer, -amount_minor), Leg(region_account(session, region_id, ISSUANCE), amount_minor),
            Leg(region_account(session, region_id, USD_RESERVE), -amount_minor),
            Leg(region_account(session, region_id, USD_PAYOUTS), amount_minor)]


def owe(session: Session, *, region_id: int, amount_minor: int, payee: str, pay_to: str, memo: str,
        company_id: int | None, now: datetime) -> UsdPayout:
    """The payout the board makes to the supplier from the bank."""
    payout = UsdPayout(member_id=None, conversion_id=None, region_id=region_id, amount_minor=amount_minor,
                       status=PAYOUT_OWED, payee=payee, pay_to=pay_to, memo=memo[:200], company_id=company_id,
                       created_at=now)
    session.add(payout)
    session.flush()
    return payout
