"""USD enters the co-op the only way it can: a deposit is claimed, then the board confirms it
against the bank, through the treasury service. Tests that need money to exist before they start
use these helpers instead of the instant USD → RSC that no longer exists."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from govern.access import ROLE_BOARD
from govern.members.models import MEMBER_ACTIVE, Member
from govern.money import Money
from govern.treasury import service as treasury
from govern.treasury.models import Deposit


@dataclass(frozen=True)
class Treasurer:
    """The region's board as the treasury service sees an actor (its roles and its region), for
    tests whose region has no board member: the deposit is confirmed by the service, through its
    permission check, all the same (`decided_by` stays empty)."""

    region_id: int
    id: None = None
    roles: tuple[str, ...] = (ROLE_BOARD,)


def board_of(session, region_id: int):
    """A board member of the region, or the Treasurer stand-in when it has none."""
    member = session.execute(select(Member).where(Member.region_id == region_id, Member.is_board.is_(True),
                                                  Member.status == MEMBER_ACTIVE).order_by(Member.id).limit(1)
                             ).scalar_one_or_none()
    return member if member is not None else Treasurer(region_id)


def confirm(session, deposit: Deposit | int, now: datetime, *, bank_reference: str = "bank transfer") -> Deposit:
    deposit_id = deposit if isinstance(deposit, int) else deposit.id
    region_id = session.get(Deposit, deposit_id).region_id
    return treasury.confirm_deposit(session, board_of(session, region_id), deposit_id, bank_reference, now)


def buy_rsc(session, member, usd_minor: int, now: datetime) -> Deposit:
    """The member pays `usd_minor` USD into the bank and the board confirms it: RSC at today's rate."""
    return confirm(session, treasury.request_conversion(session, member, Money(usd_minor, "USD"), now), now)


def record_income(session, admin, company_id: int, usd_minor: int, memo: str, now: datetime) -> Deposit:
    """A company's outside income, claimed by its admin and confirmed by the board."""
    return confirm(session, treasury.request_income(session, admin, company_id, Money(usd_minor, "USD"), memo, now), now)


def fill_pool(session, region_id: int, member, usd_minor: int, now: datetime) -> None:
    """Put `usd_minor` cents into the capital pool the only way money reaches it without a vote: the
    member buys 2 × usd_minor of RSC at par, the exchange rate is 0.5 for a second deposit of the
    same USD (which issues only half of it in RSC), and the spread of that second deposit, usd_minor,
    goes to the pool. The rate is 1 again afterwards."""
    from govern.regions import service as regions

    buy_rsc(session, member, usd_minor * 2, now)
    regions.set_parameter(session, region_id, "exchange_rate", "0.5", cause_type="test", cause_id=None, now=now)
    buy_rsc(session, member, usd_minor * 2, now)
    regions.set_parameter(session, region_id, "exchange_rate", "1", cause_type="test", cause_id=None, now=now)
