"""Splitting a region, moving between regions, dissolving: nothing created, nothing lost."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from govern.companies import service as companies
from govern.companies.models import Company
from govern.errors import Conflict, ValidationError
from govern.extensions import db
from govern.inventory import service as inventory
from govern.ledger import exchange, service as ledger
from govern.ledger.exchange import member_wallet
from govern.members import service as members
from govern.members.models import Member
from govern.money import Money
from govern.proposals import service as proposals
from govern.regions import reorganise, service as regions
from govern.regions.models import Region
from tests.integration.acquisitions.test_stories import fill_pool
from tests.funding import buy_rsc, record_income


@pytest.fixture
def town(session, region, make_member, now):
    """Riverside: three members in North (one runs a company with a granted item), three in South,
    money in wallets, the pool and the reserve."""
    north = [make_member(locality="North") for _ in range(3)]
    south = [make_member(locality="South") for _ in range(3)]
    for i, person in enumerate(north + south):
        buy_rsc(session, person, 1000 * (i + 1), now)
    fill_pool(session, region, south[0], now, usd_minor=5000)
    shop = companies.register_company(session, north[0], "North Bikes", "bicycle repair", now)
    record_income(session, north[0], shop.id, 2500, "", now)
    item = inventory.add_item(session, region_id=region.id, item="Stand", kind="equipment", cost_minor=0,
                              currency="RSC", holder_company_id=shop.id, proposal_id=None, now=now)
    exchange.convert(session, north[1], "rsc_to_usd", Money(500, "RSC"), now)  # USD owed to a mover
    return north, south, shop, item


def totals(session, *region_ids):
    sums = {"capital_pool": 0, "usd_reserve": 0, "rsc": 0, "usd_payouts": 0}
    for region_id in region_ids:
        balances = ledger.region_balances(session, region_id)
        sums["capital_pool"] += balances["capital_pool"]
        sums["usd_reserve"] += balances["usd_reserve"]
        sums["rsc"] += ledger.rsc_outstanding(balances)
        sums["usd_payouts"] += balances["usd_payouts"]
    return sums


def vote_split(session, region, voters, yes, now, payload=None):
    proposal = proposals.create_proposal(
        session, voters[0], kind_key="split", title="North goes its own way", body="", min_voting_seconds=1,
        payload=payload or {"new_region_name": "Northfield", "localities": ["north"]},
        closes_at=now + timedelta(days=2), now=now)
    for i, voter in enumerate(voters):
        proposals.cast_ballot(session, voter, proposal.id, "yes" if i < yes else "no", now)
    proposals.close_proposal(session, proposal.id, now + timedelta(days=3))
    return proposal


def test_a_split_conserves_every_sum_and_keeps_both_regions_backed(session, region, town, now):
    north, south, shop, item = town
    everyone = north + south
    before = totals(session, region.id)
    wallets = {p.id: member_wallet(session, p.id).balance for p in everyone}
    proposal = vote_split(session, region, everyone, yes=5, now=now)
    assert proposal.status == "executed"
    child = session.execute(select(Region).where(Region.name == "Northfield")).scalar_one()
    assert child.parent_id == region.id
    assert totals(session, region.id, child.id) == before
    for person in north:
        assert session.get(Member, person.id).region_id == child.id
    assert {p.id: member_wallet(session, p.id).balance for p in everyone} == wallets  # untouched
    assert session.get(Company, shop.id).region_id == child.id
    assert inventory.get_item(session, item.id).owner_region_id == child.id
    pool_before = before["capital_pool"]
    assert ledger.region_balances(session, child.id)["capital_pool"] == pool_before * 3 // 6
    for region_id in (region.id, child.id):
        balances = ledger.region_balances(session, region_id)
        assert balances["usd_reserve"] >= ledger.rsc_outstanding(balances)
    assert ledger.verify(session).ok
    assert {e.type for e in proposals.effects_of(session, proposal.id)} == {"region", "entry"}
    with pytest.raises(Conflict):
        reorganise.split(session, region.id, name="Again", localities=["north"], share=None,
                         proposal_id=proposal.id, now=now)


def test_sixty_percent_yes_leaves_the_region_whole(session, region, town, now):
    north, south, _, _ = town
    before = totals(session, region.id)
    proposal = vote_split(session, region, north + south[:2], yes=3, now=now)  # 3 of 5: 60%
    assert proposal.status == "rejected"
    assert session.execute(select(func.count()).select_from(Region)).scalar_one() == 1
    assert totals(session, region.id) == before


def test_an_explicit_share_divides_the_pool(session, region, town, now):
    north, south, _, _ = town
    pool = ledger.region_balances(session, region.id)["capital_pool"]
    vote_split(session, region, north + south, yes=6, now=now,
               payload={"new_region_name": "Northfield", "localities": ["North"], "asset_share": "0.25"})
    child = session.execute(select(Region).where(Region.name == "Northfield")).scalar_one()
    assert ledger.region_balances(session, child.id)["capital_pool"] == pool // 4


@pytest.mark.parametrize("payload, field", [
    ({"new_region_name": "X", "localities": []}, "payload.localities"),
    ({"new_region_name": "X", "localities": ["Nowhere"]}, "payload.localities"),
    ({"new_region_name": "X", "localities": ["North"], "asset_share": "1"}, "payload.asset_share"),
    ({"new_region_name": "Riverside", "localities": ["North"]}, "payload.new_region_name"),
])
def test_bad_splits_are_refused_with_the_field(session, region, town, now, payload, field):
    north, _, _, _ = town
    with pytest.raises(ValidationError) as error:
        proposals.create_proposal(session, north[0], kind_key="split", title="x", body="", payload=payload,
                                  closes_at=now + timedelta(days=2), now=now, min_voting_seconds=1)
    assert field in error.value.fields


def test_movers_lose_their_ballots_on_the_parents_open_proposals(session, region, town, now):
    north, south, _, _ = town
    other = proposals.create_proposal(session, south[0], kind_key="referendum", title="Paint", body="", payload={},
                                      closes_at=now + timedelta(days=10), now=now, min_voting_seconds=1)
    proposals.cast_ballot(session, north[0], other.id, "yes", now)
    vote_split(session, region, north + south, yes=6, now=now)
    assert proposals.turnout(session, other.id) == 0
    assert session.get(type(other), other.id).electorate_size == 3


def test_a_member_moves_with_their_money_and_its_backing(session, region, member, now):
    north = regions.create_region(session, "Hilltop", now)
    buy_rsc(session, member, 1234, now)
    before = totals(session, region.id, north.id)
    members_after = reorganise.move_member(session, member, north.id, now)
    assert members_after.region_id == north.id and member_wallet(session, member.id).balance == 1234
    assert totals(session, region.id, north.id) == before
    assert ledger.rsc_outstanding(ledger.region_balances(session, north.id)) == 1234
    assert ledger.verify(session).ok


def test_dissolution_hands_the_pool_and_inventory_over_and_makes_the_region_read_only(session, region, town, now):
    north, south, shop, item = town
    everyone = north + south
    wallets = {p.id: member_wallet(session, p.id).balance for p in everyone}
    proposal = proposals.create_proposal(session, everyone[0], kind_key="dissolution", title="Hand over", body="",
                                         payload={"municipality": "City of Riverside"}, min_voting_seconds=1,
                                         closes_at=now + timedelta(days=2), now=now)
    for voter in everyone:
        proposals.cast_ballot(session, voter, proposal.id, "yes", now)
    proposals.close_proposal(session, proposal.id, now + timedelta(days=3))
    assert proposal.status == "executed"
    session.expire_all()
    assert session.get(Region, region.id).status == "dissolved"
    assert ledger.region_balances(session, region.id)["capital_pool"] == 0
    assert inventory.get_item(session, item.id).status == "retired"
    assert {p.id: member_wallet(session, p.id).balance for p in everyone} == wallets
    assert ledger.verify(session).ok
    with pytest.raises(Conflict):
        proposals.create_proposal(session, everyone[0], kind_key="referendum", title="x", body="", payload={},
                                  closes_at=now + timedelta(days=2), now=now, min_voting_seconds=1)
    exchange.convert(session, everyone[1], "rsc_to_usd", Money(100, "RSC"), now)  # cashing out still works
    with pytest.raises(Conflict):
        buy_rsc(session, everyone[1], 100, now)
