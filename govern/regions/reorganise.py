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
from govern.facilities.models import UNPAID, Facility, MaintenancePayment, RentCharge
from govern.inventory import service as inventory
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
from govern.regions import founding, service as regions
from govern.regions.models import REGION_ACTIVE, REGION_DISSOLVED, Region, RegionSplit
from govern.treasury.models import KIND_CONVERSION, PENDING, Deposit


MAX_PROVISIONAL_BOARD = 15  # as many as a board election's seats


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


# --- a split ---------------------------------------------------------------------------------

NEW = "new"        # what goes to the new region
PARENT = "parent"  # what stays

BY_LOCALITY = "locality"   # an item or unit in a locality that goes
BY_SHARE = "share"         # an item without a locality, divided by the share (see `divide_by_share`)
BY_HOLDER = "holder"       # an item a company holds goes where the company goes
BY_ITEM = "item"           # a unit carved out of an item goes where its item goes


@dataclass(frozen=True)
class ItemDestination:
    item_id: int
    item: str
    kind: str
    locality: str
    value: int       # RSC cents, as the region's assets count it
    goes: str        # NEW or PARENT
    why: str         # BY_LOCALITY, BY_SHARE or BY_HOLDER


@dataclass(frozen=True)
class UnitDestination:
    facility_id: int
    name: str
    kind: str
    locality: str
    goes: str
    why: str         # BY_ITEM or BY_LOCALITY


@dataclass(frozen=True)
class SplitPlan:
    """Who gets what, computed from the region as it stands: the proposal's page shows it before
    anyone votes, and the split carries out the plan computed the same way when it executes (so
    the page says what happens, unless the region changes in between)."""

    localities: list[str]
    share: Fraction
    members: int                 # everyone of those localities (active members and those who left)
    active_members: int
    companies: list[int]
    capital_pool: int            # RSC the new region's pool gets
    reserve: int                 # USD the new region's reserve gets (the movers' RSC, the pool's part, the surplus's share)
    items: tuple[ItemDestination, ...]
    units: tuple[UnitDestination, ...]

    @property
    def items_going(self) -> list[ItemDestination]:
        return [item for item in self.items if item.goes == NEW]

    @property
    def inventory_value_going(self) -> int:
        return sum(item.value for item in self.items_going)

    @property
    def inventory_value(self) -> int:
        return sum(item.value for item in self.items)

    @property
    def share_target(self) -> Fraction:
        """What the items divided by the share should be worth in the new region: share × their value."""
        return self.share * sum(item.value for item in self.items if item.why == BY_SHARE)

    @property
    def share_target_minor(self) -> int:
        return int(self.share_target)

    @property
    def units_going(self) -> list[UnitDestination]:
        return [unit for unit in self.units if unit.goes == NEW]


def divide_by_share(items: list[tuple[int, int]], share: Fraction) -> set[int]:
    """The ids of the items (id, value) that go to the new region so that their value comes as
    close as it can to share × the total, by a rule anyone can check by hand:

    1. items of some value, largest first (equal values: lowest id first), each one that still
       fits under the target goes;
    2. then, of the items left, the one that brings the moved value closest to the target goes if
       it brings it closer than it is (so the new region gets at most one item's worth more than
       its share, and never an item that would move it further from it);
    3. items of no value are divided by number: the new region gets share × their count, rounded
       down, lowest ids first.

    The same items and share always give the same answer."""
    valued = sorted(((value, item_id) for item_id, value in items if value > 0), key=lambda vi: (-vi[0], vi[1]))
    # In whole numbers: amounts × the share's denominator, the target share × total × that denominator.
    scale = share.denominator
    target = share.numerator * sum(value for value, _ in valued)
    going: set[int] = set()
    moved = 0
    for value, item_id in valued:
        if (moved + value) * scale <= target:
            going.add(item_id)
            moved += value
    gap = target - moved * scale
    left = [(value, item_id) for value, item_id in valued if item_id not in going]
    if left and gap > 0:
        value, item_id = min(left, key=lambda vi: (abs(gap - vi[0] * scale), vi[1]))
        if abs(gap - value * scale) < gap:
            going.add(item_id)
    worthless = sorted(item_id for item_id, value in items if value <= 0)
    going.update(worthless[:int(share * len(worthless))])
    return going


def plan_split(session: Session, parent_id: int, localities: list[str], share: Decimal | Fraction | None) -> SplitPlan:
    """Who gets what if the region split today (see `SplitPlan`): members and companies of the
    localities; the pool by the share (default: the movers' share of active members); the reserve
    covering the RSC the movers hold, the pool's part and the share of the reserve's surplus; the
    region's inventory (`_divide_inventory`); its units (`_divide_units`)."""
    movers = members_of_localities(parent_id, localities)
    counts = session.execute(select(func.count(), func.count().filter(Member.status == MEMBER_ACTIVE)).where(
        Member.region_id == parent_id, func.lower(Member.locality).in_(localities))).one()
    members_count, active_movers = int(counts[0]), int(counts[1] or 0)
    if active_movers == 0:
        raise ValidationError.for_field("payload.localities", "no active member lives there")
    share = Fraction(share) if share is not None else Fraction(active_movers,
                                                               regions.active_member_count(session, parent_id))
    company_ids = session.execute(select(Company.id).where(
        Company.region_id == parent_id, func.lower(Company.locality).in_(localities)).order_by(Company.id)).scalars().all()
    balances = region_balances(session, parent_id)
    rsc = _moving_rsc(session, movers, company_ids)
    pool = _fraction(balances[CAPITAL_POOL], share)
    surplus = balances[USD_RESERVE] - rsc_outstanding(balances)
    items = _divide_inventory(session, parent_id, localities, share, set(company_ids))
    return SplitPlan(localities=localities, share=share, members=members_count, active_members=active_movers,
                     companies=list(company_ids), capital_pool=pool, reserve=rsc + pool + _fraction(surplus, share),
                     items=items, units=_divide_units(session, parent_id, localities, items))


def _divide_inventory(session: Session, parent_id: int, localities: list[str], share: Fraction,
                      moving_companies: set[int]) -> tuple[ItemDestination, ...]:
    """Every item the region owns and has not retired: one a company holds goes where the company
    goes; one with a locality goes with its locality; the others are divided by the share
    (`divide_by_share`, on their values)."""
    rows = inventory.items_with_values(session, parent_id)
    by_share = [(row.id, int(row.value)) for row in rows if row.held_by_company_id is None and not row.locality.strip()]
    going_by_share = divide_by_share(by_share, share)
    plan = []
    for row in rows:
        value = int(row.value)
        if row.held_by_company_id is not None:
            why, goes = BY_HOLDER, row.held_by_company_id in moving_companies
        elif row.locality.strip():
            why, goes = BY_LOCALITY, row.locality.strip().lower() in localities
        else:
            why, goes = BY_SHARE, row.id in going_by_share
        plan.append(ItemDestination(row.id, row.item, row.kind, row.locality, value, NEW if goes else PARENT, why))
    return tuple(plan)


def _divide_units(session: Session, parent_id: int, localities: list[str],
                  items: tuple[ItemDestination, ...]) -> tuple[UnitDestination, ...]:
    """The region's units: one carved out of an inventory item goes where its item goes (the units
    of one building stay together with it); another goes with its locality, or stays."""
    item_goes = {item.item_id: item.goes for item in items}
    plan = []
    for unit in session.execute(select(Facility.id, Facility.name, Facility.kind, Facility.locality,
                                       Facility.inventory_item_id).where(Facility.region_id == parent_id)
                                .order_by(Facility.id)).all():
        if unit.inventory_item_id is not None:
            why, goes = BY_ITEM, item_goes.get(unit.inventory_item_id, PARENT)
        else:
            why, goes = BY_LOCALITY, NEW if unit.locality.strip().lower() in localities else PARENT
        plan.append(UnitDestination(unit.id, unit.name, unit.kind, unit.locality, goes, why))
    return tuple(plan)


def check_provisional_board(session: Session, region_id: int, localities: list[str], board: object) -> list[int]:
    """A split's provisional board: distinct active members of the region who live in the
    localities that go (they move to the new region), at most as many as an election's seats.
    None or an empty list: no provisional board. Problems are told on `payload.provisional_board`."""
    field = "payload.provisional_board"
    if board is None or board == []:
        return []
    if not isinstance(board, list) or not all(is_id(member_id) for member_id in board):
        raise ValidationError.for_field(field, "must be a list of member ids")
    if len(board) > MAX_PROVISIONAL_BOARD:
        raise ValidationError.for_field(field, f"at most {MAX_PROVISIONAL_BOARD} members")
    if len(set(board)) != len(board):
        raise ValidationError.for_field(field, "names a member twice")
    moving = set(session.execute(members_of_localities(region_id, localities).where(
        Member.id.in_(board), Member.status == MEMBER_ACTIVE)).scalars()) if localities else set()
    others = [member_id for member_id in board if member_id not in moving]
    if others:
        raise ValidationError.for_field(field, "must be active members who move to the new region (who live in "
                                               f"the localities that go); these are not: {', '.join(map(str, others))}")
    return list(board)


def split(session: Session, parent_id: int, *, name: str, localities: list[str], share: Decimal | None,
          proposal_id: int, now: datetime, provisional_board: list[int] | None = None,
          ) -> tuple[RegionSplit, LedgerEntry | None]:
    """A new region with the members and companies of `localities`, carrying out `plan_split`:
    their own accounts move with their balances untouched; the capital pool and the reserve's
    surplus are divided by the share, the reserve covering the RSC the movers hold; the inventory
    and the units are divided as the plan says, tenancies and waiting lists following their
    units. The new region gets the parent's whole set-up (founding.copy_setup: every parameter,
    the constitution, occupations, industries and the wage table with its history), and the
    `provisional_board` among the movers as its board until its first board election. Open
    proposals stay with the parent; movers lose their ballots there. Both regions stay backed;
    the sums are conserved to the cent."""
    with write_transaction(session):
        parent = _lock_region(session, parent_id)
        if session.execute(select(RegionSplit.id).where(RegionSplit.proposal_id == proposal_id)).first():
            raise Conflict("This proposal already split the region.", code="already_split")
        plan = plan_split(session, parent.id, localities, share)
        share = plan.share
        member_ids = session.execute(members_of_localities(parent.id, localities)).scalars().all()
        company_ids = plan.companies

        child = regions.create_region(session, name, now, parent_id=parent.id)
        founding.copy_setup(session, parent.id, child.id, cause_type="split", cause_id=proposal_id, now=now,
                            keep_history=True)

        pool, reserve = plan.capital_pool, plan.reserve
        rsc = _moving_rsc(session, member_ids, company_ids)
        owed = _owed_to(session, member_ids)

        _rehome_members(session, member_ids, parent.id, child.id, now)
        _seat_provisional_board(session, child, provisional_board or [])
        session.execute(update(Account).where(Account.owner_type == OWNER_COMPANY, Account.owner_id.in_(company_ids))
                        .values(region_id=child.id))
        _move_inventory(session, plan, child, proposal_id, now)
        _move_units(session, plan, parent.id, child.id)
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


def _seat_provisional_board(session: Session, child: Region, board: list[int]) -> list[int]:
    """Those of the provisional board who moved (and are still active) become the new region's
    board, marked provisional until its first board election (members/kinds.py)."""
    seated = session.execute(select(Member.id).where(Member.id.in_(board or [0]), Member.region_id == child.id,
                                                     Member.status == MEMBER_ACTIVE)).scalars().all()
    if seated:
        session.execute(update(Member).where(Member.id.in_(seated)).values(is_board=True))
        child.board_provisional = True
    return sorted(seated)


def _move_inventory(session: Session, plan: SplitPlan, child: Region, proposal_id: int, now: datetime) -> None:
    going = plan.items_going
    why = {BY_LOCALITY: "its locality goes", BY_SHARE: "divided by the share", BY_HOLDER: "its holder goes"}
    session.add_all([InventoryEvent(item_id=item.item_id, event="transferred", proposal_id=proposal_id,
                                    note=f"to {child.name} in a split: {why[item.why]}"[:200], at=now)
                     for item in going])
    if going:
        session.execute(update(InventoryItem).where(InventoryItem.id.in_([item.item_id for item in going]))
                        .values(owner_region_id=child.id))


def _move_units(session: Session, plan: SplitPlan, parent_id: int, child_id: int) -> None:
    """Units change region; their tenancies and waiting lists point at the unit and follow it.
    Rent and maintenance still unpaid are the new region's to collect and pay (they are retried
    there); what was paid stays in the parent's records."""
    ids = [unit.facility_id for unit in plan.units_going]
    if not ids:
        return
    session.execute(update(Facility).where(Facility.id.in_(ids)).values(region_id=child_id))
    session.execute(update(RentCharge).where(RentCharge.facility_id.in_(ids), RentCharge.status == UNPAID,
                                             RentCharge.region_id == parent_id).values(region_id=child_id))
    session.execute(update(MaintenancePayment).where(MaintenancePayment.facility_id.in_(ids),
                                                     MaintenancePayment.status == UNPAID,
                                                     MaintenancePayment.region_id == parent_id).values(region_id=child_id))


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
