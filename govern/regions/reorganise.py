"""Changing the shape of the co-op: a region splits in two, a member moves between regions, a
region dissolves into a municipality. Each is one transaction; money moves only through one
ledger entry, so nothing is created or lost and both regions stay backed."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from govern import access
from govern.companies.models import Company
from govern.database import write_transaction
from govern.errors import Conflict, ValidationError
from govern.ids import is_id
from govern.inventory.models import RETIRED, InventoryEvent, InventoryItem
from govern.ledger.models import (
    CAPITAL_POOL,
    EXTERNAL,
    ISSUANCE,
    OWNER_COMPANY,
    OWNER_MEMBER,
    PAYOUT_OWED,
    USD_PAYOUTS,
    USD_RESERVE,
    Account,
    LedgerEntry,
    UsdPayout,
)
from govern.ledger.service import Leg, post, region_account, region_balances, rsc_outstanding
from govern.members import service as members
from govern.members.models import MEMBER_ACTIVE, Member
from govern.proposals.models import CANCELLED, OPEN, Proposal
from govern.regions import parameters, service as regions
from govern.regions.models import REGION_ACTIVE, REGION_DISSOLVED, Region, RegionSplit
from govern.treasury.models import KIND_CONVERSION, PENDING, Deposit


def _lock_region(session: Session, region_id: int) -> Region:
    region = session.execute(select(Region).where(Region.id == region_id).with_for_update()
                             .execution_options(populate_existing=True)).scalar_one()
    if region.status != REGION_ACTIVE:
        raise Conflict("This region is dissolved: its records are read-only.", code="region_dissolved")
    return region


def normalise_localities(localities: object) -> list[str]:
    if not isinstance(localities, list) or not localities or not all(isinstance(x, str) and x.strip() for x in localities):
        raise ValidationError.for_field("payload.localities", "name at least one locality")
    return sorted({x.strip().lower() for x in localities})


def members_of_localities(region_id: int, localities: list[str]):
    return select(Member.id).where(Member.region_id == region_id, func.lower(Member.locality).in_(localities))


def _move_money(session: Session, old_id: int, new_id: int, *, rsc: int, pool: int, reserve: int, owed: int,
                memo: str, cause_type: str, cause_id, now: datetime) -> LedgerEntry | None:
    """Move backing between regions: `rsc` RSC in circulation changes region (its issuance goes
    with it), `pool` RSC of the capital pool, `reserve` USD of the reserve and `owed` USD of
    payouts owed. Accounts that move with their owners are not posted: their balances stay."""
    legs = [
        Leg(region_account(session, old_id, CAPITAL_POOL), -pool), Leg(region_account(session, new_id, CAPITAL_POOL), pool),
        Leg(region_account(session, old_id, ISSUANCE), rsc + pool), Leg(region_account(session, new_id, ISSUANCE), -(rsc + pool)),
        Leg(region_account(session, old_id, USD_RESERVE), -reserve), Leg(region_account(session, new_id, USD_RESERVE), reserve),
        Leg(region_account(session, old_id, USD_PAYOUTS), -owed), Leg(region_account(session, new_id, USD_PAYOUTS), owed),
    ]
    legs = [leg for leg in legs if leg.amount]
    if not legs:
        return None
    # The accounts of the movers were rehomed without postings: these legs carry their backing
    # (and the pool's) themselves, so the ledger must not add its own.
    return post(session, legs, memo=memo, cause_type=cause_type, cause_id=cause_id, now=now, region_id=old_id,
                backing_follows_rsc=False)


def _moving_rsc(session: Session, member_ids, company_ids) -> int:
    return int(session.execute(select(func.coalesce(func.sum(Account.balance), 0)).where(
        Account.currency == "RSC",
        or_(Account.owner_type == OWNER_MEMBER, Account.owner_type == OWNER_COMPANY),
        or_(Account.owner_id.in_(member_ids) & (Account.owner_type == OWNER_MEMBER),
            Account.owner_id.in_(company_ids) & (Account.owner_type == OWNER_COMPANY)))).scalar_one())


def _owed_to(session: Session, member_ids) -> int:
    return int(session.execute(select(func.coalesce(func.sum(UsdPayout.amount_minor), 0)).where(
        UsdPayout.member_id.in_(member_ids), UsdPayout.status == PAYOUT_OWED)).scalar_one())


def _rehome_members(session: Session, member_ids, old_id: int, new_id: int, now: datetime) -> None:
    members.notify_moved(session, member_ids, old_id, now)
    session.execute(update(Account).where(Account.owner_type == OWNER_MEMBER, Account.owner_id.in_(member_ids))
                    .values(region_id=new_id))
    session.execute(update(UsdPayout).where(UsdPayout.member_id.in_(member_ids)).values(region_id=new_id))
    # A deposit still waiting for the bank is paid into the new region's account (its page shows
    # that region's bank details) and backs RSC there.
    session.execute(update(Deposit).where(Deposit.member_id.in_(member_ids), Deposit.kind == KIND_CONVERSION,
                                          Deposit.status == PENDING).values(region_id=new_id))
    session.execute(update(Member).where(Member.id.in_(member_ids)).values(region_id=new_id, is_board=False))


@dataclass(frozen=True)
class SplitPlan:
    localities: list[str]
    share: Decimal
    members: int
    companies: int


def split(session: Session, parent_id: int, *, name: str, localities: list[str], share: Decimal | None,
          proposal_id: int, now: datetime) -> tuple[RegionSplit, LedgerEntry | None]:
    """A new region with the members and companies of `localities`: their own accounts move with
    their balances untouched; the capital pool and the reserve's surplus are divided by `share`
    (default: the movers' share of active members), the reserve covering the RSC the movers hold.
    Region-owned inventory held by moving companies moves. Open proposals stay with the parent;
    movers lose their ballots there. Both regions stay backed; the sums are conserved to the cent."""
    with write_transaction(session):
        parent = _lock_region(session, parent_id)
        if session.execute(select(RegionSplit.id).where(RegionSplit.proposal_id == proposal_id)).first():
            raise Conflict("This proposal already split the region.", code="already_split")
        movers = members_of_localities(parent.id, localities)
        active_movers = session.execute(select(func.count()).select_from(
            movers.where(Member.status == MEMBER_ACTIVE).subquery())).scalar_one()
        if active_movers == 0:
            raise ValidationError.for_field("payload.localities", "no active member lives there")
        share = Fraction(share) if share is not None else Fraction(active_movers,
                                                                   regions.active_member_count(session, parent.id))
        companies = select(Company.id).where(Company.region_id == parent.id, func.lower(Company.locality).in_(localities))
        member_ids = session.execute(movers).scalars().all()
        company_ids = session.execute(companies).scalars().all()

        child = regions.create_region(session, name, now, parent_id=parent.id)
        for key, value in regions.all_parameters(session, parent.id).items():
            if value != parameters.SPECS[key].default:
                regions.set_parameter(session, child.id, key, value, cause_type="split", cause_id=proposal_id, now=now)

        balances = region_balances(session, parent.id)
        rsc = _moving_rsc(session, member_ids, company_ids)
        pool = _fraction(balances[CAPITAL_POOL], share)
        surplus = balances[USD_RESERVE] - rsc_outstanding(balances)
        reserve = rsc + pool + _fraction(surplus, share)
        owed = _owed_to(session, member_ids)

        _rehome_members(session, member_ids, parent.id, child.id, now)
        session.execute(update(Account).where(Account.owner_type == OWNER_COMPANY, Account.owner_id.in_(company_ids))
                        .values(region_id=child.id))
        session.execute(update(InventoryItem).where(InventoryItem.held_by_company_id.in_(company_ids),
                                                    InventoryItem.owner_region_id == parent.id)
                        .values(owner_region_id=child.id))
        session.execute(update(Company).where(Company.id.in_(company_ids)).values(region_id=child.id))
        session.execute(update(Deposit).where(Deposit.company_id.in_(company_ids), Deposit.status == PENDING)
                        .values(region_id=child.id))
        entry = _move_money(session, parent.id, child.id, rsc=rsc, pool=pool, reserve=reserve, owed=owed,
                            memo=f"Split: {child.name} leaves {parent.name} with its share", cause_type="proposal",
                            cause_id=proposal_id, now=now)
        record = RegionSplit(proposal_id=proposal_id, parent_id=parent.id, child_id=child.id, share=_share_text(share),
                             members_moved=len(member_ids), companies_moved=len(company_ids), pool_moved_minor=pool,
                             reserve_moved_minor=reserve, created_at=now)
        session.add(record)
        session.flush()
    return record, entry


def _fraction(amount: int, share: Fraction) -> int:
    """The share of an amount, rounded toward zero, computed exactly: a share of 2 members in 6 is
    1/3, and 1/3 of 3.00 is 1.00 (a decimal 0.333… would give 0.99)."""
    return int(amount * share)


def _share_text(share: Fraction) -> str:
    return str(Decimal(share.numerator) / Decimal(share.denominator))


def move_member(session: Session, member: Member, region_id: object, now: datetime) -> Member:
    """A member moves to another region: their wallet (and USD owed to them) moves with them, with
    the reserve that backs it; their ballots on the old region's open proposals are withdrawn."""
    access.require(member, "vote", "Members who left cannot move.")
    if not is_id(region_id):
        raise ValidationError.for_field("region_id", "must be a region id")
    with write_transaction(session):
        member = session.get(Member, member.id)
        if region_id == member.region_id:
            raise ValidationError.for_field("region_id", "is already your region")
        target = session.get(Region, region_id)
        if target is None or target.status != REGION_ACTIVE:
            raise ValidationError.for_field("region_id", "is not an active region")
        old = _lock_region(session, member.region_id)
        ids = [member.id]
        rsc = _moving_rsc(session, ids, [])
        owed = _owed_to(session, ids)
        _rehome_members(session, ids, old.id, target.id, now)
        _move_money(session, old.id, target.id, rsc=rsc, pool=0, reserve=rsc, owed=owed,
                    memo=f"A member moves from {old.name} to {target.name}", cause_type="move",
                    cause_id=member.id, now=now)
    return member


def dissolve(session: Session, region_id: int, municipality: str, *, proposal_id: int, now: datetime) -> LedgerEntry | None:
    """The region hands its assets to a municipality: the capital pool, redeemed at par, leaves
    the reserve to them, and the inventory becomes theirs. Members keep their own balances. The
    region becomes read-only; its other open proposals are cancelled."""
    with write_transaction(session):
        region = _lock_region(session, region_id)
        pool = region_account(session, region.id, CAPITAL_POOL)
        entry = None
        if pool.balance:
            amount = pool.balance
            entry = post(session, [Leg(pool, -amount), Leg(region_account(session, region.id, ISSUANCE), amount),
                                   Leg(region_account(session, region.id, USD_RESERVE), -amount),
                                   Leg(region_account(session, region.id, EXTERNAL), amount)],
                         memo=f"{region.name} dissolves: the capital pool goes to {municipality}",
                         cause_type="proposal", cause_id=proposal_id, now=now, region_id=region.id)
        items = session.execute(select(InventoryItem.id).where(InventoryItem.owner_region_id == region.id,
                                                               InventoryItem.status != RETIRED)).scalars().all()
        session.add_all([InventoryEvent(item_id=item_id, event="transferred", proposal_id=proposal_id,
                                        note=f"to {municipality}", at=now) for item_id in items])
        session.execute(update(InventoryItem).where(InventoryItem.id.in_(items))
                        .values(status=RETIRED, held_by_company_id=None))
        session.execute(update(Proposal).where(Proposal.region_id == region.id, Proposal.status == OPEN,
                                               Proposal.id != proposal_id).values(status=CANCELLED, closed_at=now))
        region.status = REGION_DISSOLVED
        region.municipality = municipality
        region.dissolved_at = now
    return entry
