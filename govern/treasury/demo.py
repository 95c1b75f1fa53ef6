"""The demo's seed (`flask govern demo`, run by `make run`): a member with RSC to try things with.

There is no money without the bank, in a demo too: the member claims a deposit and the region's
board confirms it through the treasury, as it would confirm any other. Running it again changes
nothing."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from govern.errors import NotFound
from govern.ledger.exchange import member_wallet
from govern.members import service as members
from govern.members.models import MEMBER_ACTIVE, Member
from govern.money import Money
from govern.regions import service as regions
from govern.treasury import service as treasury

DEMO_BANK_DETAILS = ("Demo Co-op (this is a demonstration: send no money)\n"
                     "Bank: Demo Bank · Account 0000-DEMO-0000")
DEMO_BANK_REFERENCE = "demo seed"


@dataclass(frozen=True)
class Seeded:
    member: Member
    created: bool
    balance_minor: int


def seed(session: Session, *, region_name: str, email: str, password: str, name: str, usd_minor: int,
         now: datetime) -> Seeded:
    region = regions.find_region_by_name(session, region_name.strip())
    if region is None:
        raise NotFound(f"There is no region {region_name!r}: run `flask govern init` first.")
    board = session.execute(select(Member).where(Member.region_id == region.id, Member.is_board.is_(True),
                                                 Member.status == MEMBER_ACTIVE).order_by(Member.id).limit(1)
                            ).scalar_one_or_none()
    if board is None:
        raise NotFound(f"{region.name} has no board member to confirm the demo's deposit.")
    if treasury.bank_details(session, region.id) is None:
        treasury.set_bank_details(session, board, DEMO_BANK_DETAILS, now)
    member = session.execute(select(Member).where(Member.email == email.strip().lower())).scalar_one_or_none()
    created = member is None
    if created:
        member = members.join(session, email=email, name=name, password=password, region_id=region.id, now=now)
        deposit = treasury.request_conversion(session, member, Money(usd_minor, "USD"), now)
        treasury.confirm_deposit(session, board, deposit.id, DEMO_BANK_REFERENCE, now)
    return Seeded(member, created, member_wallet(session, member.id).balance)
