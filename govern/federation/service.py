"""The federation's figures: each region's members, capital pool, USD reserve, RSC outstanding and
backing ratio, their totals, and the ledger's chain head.

Read in one snapshot (`read_snapshot`), in two statements however many regions there are: one that
joins the regions to their active members counted with GROUP BY and to their own accounts' balances
pivoted with GROUP BY, and one for the chain head. Totals are the sums of the region rows. So the
head shown is the newest entry the figures include.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from govern.database import read_snapshot
from govern.ledger import checks
from govern.ledger.models import CAPITAL_POOL, ISSUANCE, OWNER_REGION, USD_RESERVE, Account
from govern.ledger.service import chain_head
from govern.members.models import MEMBER_ACTIVE, Member
from govern.regions.models import Region

# A backing ratio is shown with four decimals, rounded down: a reserve a cent short of its RSC is
# never shown as "1.0000".
RATIO_PLACES = Decimal("0.0001")


def backing_ratio(usd_reserve: int, rsc_outstanding: int) -> Decimal | None:
    """The USD reserve over the RSC outstanding (both in cents; RSC is redeemed at par, so 1 means
    fully backed), rounded down to four decimals. None when no RSC is outstanding: there is nothing
    to back, and no ratio to show."""
    if rsc_outstanding <= 0:
        return None
    return (Decimal(usd_reserve) / Decimal(rsc_outstanding)).quantize(RATIO_PLACES, rounding=ROUND_DOWN)


class _Backed:
    usd_reserve: int
    rsc_outstanding: int

    @property
    def backing_ratio(self) -> Decimal | None:
        return backing_ratio(self.usd_reserve, self.rsc_outstanding)

    @property
    def backed(self) -> bool:
        return checks.is_backed(self.usd_reserve, -self.rsc_outstanding)


@dataclass(frozen=True)
class Figures(_Backed):
    """Public figures of the whole federation, in cents; `member_count` counts active members."""

    member_count: int
    capital_pool: int
    usd_reserve: int
    rsc_outstanding: int


@dataclass(frozen=True)
class RegionFigures(_Backed):
    """One region's public figures, in cents; `member_count` counts its active members."""

    id: int
    name: str
    status: str
    member_count: int
    capital_pool: int
    usd_reserve: int
    rsc_outstanding: int


@dataclass(frozen=True)
class Federation:
    regions: tuple[RegionFigures, ...]
    totals: Figures
    chain_head: str          # the hash of the newest ledger entry: one chain for every region
    chain_head_entry_id: int  # 0 before the first entry

    @property
    def region_count(self) -> int:
        return len(self.regions)


def federation(session: Session) -> Federation:
    """Every region, oldest first, with its figures, the totals over all of them (dissolved
    regions included: their members' RSC is still outstanding and backed), and the chain head."""
    active_members = (select(Member.region_id, func.count().label("members"))
                      .where(Member.status == MEMBER_ACTIVE).group_by(Member.region_id).subquery())

    def balance_of(kind: str):
        return func.sum(case((Account.kind == kind, Account.balance), else_=0))

    balances = (select(Account.owner_id.label("region_id"), balance_of(CAPITAL_POOL).label("pool"),
                       balance_of(USD_RESERVE).label("reserve"), balance_of(ISSUANCE).label("issuance"))
                .where(Account.owner_type == OWNER_REGION, Account.kind.in_((CAPITAL_POOL, USD_RESERVE, ISSUANCE)))
                .group_by(Account.owner_id).subquery())
    query = (select(Region.id, Region.name, Region.status, func.coalesce(active_members.c.members, 0),
                    func.coalesce(balances.c.pool, 0), func.coalesce(balances.c.reserve, 0),
                    func.coalesce(balances.c.issuance, 0))
             .outerjoin(active_members, active_members.c.region_id == Region.id)
             .outerjoin(balances, balances.c.region_id == Region.id)
             .order_by(Region.id))
    with read_snapshot(session):
        rows = session.execute(query).all()
        head = chain_head(session)
        head_hash, head_entry_id = head.hash, head.entry_id
    regions = tuple(
        RegionFigures(id=region_id, name=name, status=status, member_count=int(members), capital_pool=int(pool),
                      usd_reserve=int(reserve), rsc_outstanding=-int(issuance))
        for region_id, name, status, members, pool, reserve, issuance in rows)
    totals = Figures(member_count=sum(r.member_count for r in regions),
                     capital_pool=sum(r.capital_pool for r in regions),
                     usd_reserve=sum(r.usd_reserve for r in regions),
                     rsc_outstanding=sum(r.rsc_outstanding for r in regions))
    return Federation(regions=regions, totals=totals, chain_head=head_hash, chain_head_entry_id=head_entry_id)


def region_choices(session: Session) -> list[tuple[int, str]]:
    """Every region's id and name, by name: the choices of a "region" filter (a federation has a
    handful to a few hundred regions, never members' numbers)."""
    return [(region_id, name) for region_id, name in
            session.execute(select(Region.id, Region.name).order_by(Region.name, Region.id)).all()]
