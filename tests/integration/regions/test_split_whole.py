"""A split keeps each side whole: the new region's set-up (parameters, constitution, wage table with
its history), its provisional board until its first board election, the region's inventory and
units divided as the plan says, and every sum conserved to the cent."""
from datetime import date, timedelta
from fractions import Fraction

import pytest
from sqlalchemy import func, select

import govern.wages.kinds  # noqa: F401  registers the wage kinds and the factor parameters
from govern.companies import service as companies
from govern.errors import ValidationError
from govern.facilities import rent as rents, service as facilities, tenancies, waiting_list as waiting_lists
from govern.facilities.models import Facility, FacilityApplication, RentCharge, Tenancy
from govern.inventory import service as inventory
from govern.inventory.models import InventoryEvent, InventoryItem
from govern.ledger import service as ledger
from govern.ledger.models import OWNER_COMPANY, OWNER_MEMBER, Account
from govern.members.models import Member
from govern.money import Money
from govern.proposals import constitution, service as proposals
from govern.regions import reorganise, service as regions
from govern.regions.models import Region
from govern.wages import service as wages
from tests.conftest import NOW, later
from tests.funding import buy_rsc, fill_pool, record_income

SPLIT_AT = later(NOW, days=7)  # 2026-12-03: after November's rent was charged


def vote_split(session, voters, payload, at=SPLIT_AT):
    proposal = proposals.create_proposal(
        session, voters[0], kind_key="split", title="North goes its own way", body="", min_voting_seconds=1,
        payload=payload, closes_at=at + timedelta(days=2), now=at)
    for voter in voters:
        proposals.cast_ballot(session, voter, proposal.id, "yes", at)
    proposals.close_proposal(session, proposal.id, at + timedelta(days=3))
    return proposal


def child_named(session, name="Northfield"):
    return session.execute(select(Region).where(Region.name == name)).scalar_one()


def add_item(session, region, name, cost, *, locality="", holder=None, kind="building"):
    return inventory.add_item(session, region_id=region.id, item=name, kind=kind, cost_minor=cost, currency="RSC",
                              holder_company_id=holder, proposal_id=None, now=NOW, locality=locality)


def sums(session, *region_ids):
    """What each side holds, by kind: the pool, the reserve, the RSC in circulation, USD owed, members'
    and companies' own balances, and the inventory's value."""
    total = dict.fromkeys(("capital_pool", "usd_reserve", "rsc", "usd_payouts", "members", "companies", "inventory"), 0)
    for region_id in region_ids:
        balances = ledger.region_balances(session, region_id)
        total["capital_pool"] += balances["capital_pool"]
        total["usd_reserve"] += balances["usd_reserve"]
        total["rsc"] += ledger.rsc_outstanding(balances)
        total["usd_payouts"] += balances["usd_payouts"]
        for owner, key in ((OWNER_MEMBER, "members"), (OWNER_COMPANY, "companies")):
            total[key] += session.execute(select(func.coalesce(func.sum(Account.balance), 0)).where(
                Account.region_id == region_id, Account.owner_type == owner, Account.currency == "RSC")).scalar_one()
        total["inventory"] += inventory.value_of_region_inventory(session, region_id)
    return total


@pytest.fixture
def town(session, region, make_member, now):
    """Riverside: North (three members, one runs a bike shop) and South (three, one of them the board,
    who runs a bakery); money everywhere; inventory in the North, in the South and nowhere in
    particular; units, a tenancy whose rent is unpaid, and a waiting list."""
    north = [make_member(locality="North", name=f"North {i}") for i in range(3)]
    south = [make_member(locality="South", name=f"South {i}", board=i == 0) for i in range(3)]
    for i, person in enumerate(north + south):
        buy_rsc(session, person, 1000 * (i + 1), now)
    fill_pool(session, region.id, south[1], 5000, now)
    shop = companies.register_company(session, north[0], "North Bikes", "bicycle repair", now)
    record_income(session, north[0], shop.id, 2500, "", now)
    bakery = companies.register_company(session, south[1], "South Bakery", "baking", now)
    items = {
        "mill": add_item(session, region, "Mill", 30_000, locality="north", kind="housing"),
        "depot": add_item(session, region, "Depot", 20_000, locality="South"),
        "stand": add_item(session, region, "Stand", 700, holder=shop.id, kind="equipment"),
        "oven": add_item(session, region, "Oven", 900, holder=bakery.id, kind="equipment"),
        # No locality: divided by the share (1/2 by member count), worth 110,000 together.
        "tractor": add_item(session, region, "Tractor", 50_000, kind="equipment"),
        "truck": add_item(session, region, "Truck", 30_000, kind="equipment"),
        "field": add_item(session, region, "Field", 20_000, kind="land"),
        "van": add_item(session, region, "Van", 10_000, kind="equipment"),
        "bench": add_item(session, region, "Bench", 0, kind="equipment"),
        "sign": add_item(session, region, "Sign", 0, kind="equipment"),
    }
    board = south[0]
    flat = facilities.create_facility(session, board, name="Mill flat 1", kind="housing", purchase=None,
                                      maintenance=Money(1000, "RSC"), inventory_item_id=items["mill"].id, now=now)
    office = facilities.create_facility(session, board, name="North office", kind="office", purchase=Money(50_000, "RSC"),
                                        maintenance=Money(0, "RSC"), locality="North", now=now)
    clinic = facilities.create_facility(session, board, name="Clinic", kind="health", purchase=Money(50_000, "RSC"),
                                        maintenance=Money(0, "RSC"), now=now)
    depot_room = facilities.create_facility(session, board, name="Depot room", kind="office", purchase=None,
                                            maintenance=Money(0, "RSC"), inventory_item_id=items["depot"].id, now=now)
    units = {"flat": flat, "office": office, "clinic": clinic, "depot_room": depot_room}
    tenant = make_member(locality="North", name="Broke Tenant")  # nothing to pay November's rent with
    application = waiting_lists.apply(session, tenant, flat.id, now=now)
    tenancy = tenancies.assign(session, board, application.id, now=now, start_month="2026-11")
    waiting_lists.apply(session, north[1], flat.id, now=now)
    assert rents.run_monthly_charges(session, later(NOW, days=6))["unpaid"] == 1
    return north + [tenant], south, shop, items, units, tenancy


def test_a_split_divides_the_inventory_and_the_units_as_its_plan_said_and_conserves_every_sum(
        session, region, town):
    north, south, shop, items, units, tenancy = town
    before = sums(session, region.id)
    plan = reorganise.plan_split(session, region.id, ["north"], None)
    assert plan.share == Fraction(4, 7)  # four of the seven active members live in the North
    proposal = vote_split(session, north + south, {"new_region_name": "Northfield", "localities": ["North"]})
    assert proposal.status == "executed"
    child = child_named(session)
    session.expire_all()
    owner = {key: session.get(InventoryItem, item.id).owner_region_id for key, item in items.items()}
    assert {key for key, region_id in owner.items() if region_id == child.id} == {
        item_key for item_key, item in items.items() if item.id in {i.item_id for i in plan.items_going}}
    # By locality and by holder:
    assert owner["mill"] == owner["stand"] == child.id and owner["depot"] == owner["oven"] == region.id
    # By the share, 4/7 of 110,000.00 = 62,857.14: the tractor (50,000) fits, then the van (10,000) fits;
    # the field would overshoot by more than the gap. One of the two worthless items (4/7 of 2, rounded down).
    assert {key for key in ("tractor", "truck", "field", "van", "bench", "sign") if owner[key] == child.id} == {
        "tractor", "van", "bench"}
    # Units follow their item, or their locality; the others stay. The tenancy, the unpaid rent and the
    # waiting list follow the unit.
    region_of = {key: session.get(Facility, unit.id).region_id for key, unit in units.items()}
    assert region_of == {"flat": child.id, "office": child.id, "clinic": region.id, "depot_room": region.id}
    assert session.get(Tenancy, tenancy.id).facility_id == units["flat"].id
    charge = session.execute(select(RentCharge).where(RentCharge.tenancy_id == tenancy.id)).scalar_one()
    assert (charge.status, charge.region_id) == ("unpaid", child.id)
    assert session.execute(select(func.count()).select_from(FacilityApplication).where(
        FacilityApplication.facility_id == units["flat"].id, FacilityApplication.status == "pending")).scalar_one() == 1
    # Each moved item's history says why.
    notes = dict(session.execute(select(InventoryEvent.item_id, InventoryEvent.note).where(
        InventoryEvent.event == "transferred", InventoryEvent.proposal_id == proposal.id)).all())
    assert notes[items["mill"].id] == "to Northfield in a split: its locality goes"
    assert notes[items["tractor"].id] == "to Northfield in a split: divided by the share"
    # Every sum is conserved to the cent, and both regions are backed.
    assert sums(session, region.id, child.id) == before
    assert sums(session, child.id)["inventory"] == plan.inventory_value_going
    for region_id in (region.id, child.id):
        balances = ledger.region_balances(session, region_id)
        assert balances["usd_reserve"] >= ledger.rsc_outstanding(balances)
    assert ledger.verify(session).ok


def test_the_new_region_gets_every_parameter_the_constitution_and_the_wage_table_with_its_history(
        session, region, make_member, now):
    for name, value in (("income_tax_rate", "0.05"), ("quorum.referendum", "0.3"), ("occupation.welder.skill", "0.9"),
                        ("industry.shipbuilding.need", "0.8")):
        regions.set_parameter(session, region.id, name, value, cause_type="test", cause_id=None, now=now)
    wages.set_wage(session, region.id, "welder", None, 3000, now=now - timedelta(days=60), cause_type="test",
                   cause_id=None)
    wages.set_wage(session, region.id, "welder", None, 2000, now=now - timedelta(days=20), cause_type="test",
                   cause_id=None, reduction_delay_days=10, reduction_decay_days=20)  # a cut phasing in today
    wages.set_wage(session, region.id, "welder", "shipbuilding", 2800, now=now - timedelta(days=5), cause_type="test",
                   cause_id=None)
    north = [make_member(locality="North") for _ in range(2)]
    south = [make_member(locality="South") for _ in range(2)]
    hired = now - timedelta(days=90)
    today = date(2026, 11, 26)
    before = wages.wage_for_worker(session, region.id, "welder", None, hired, today)
    assert 2000 < before < 3000
    vote_split(session, north + south, {"new_region_name": "Northfield", "localities": ["north"]}, at=now)
    child = child_named(session)
    assert regions.all_parameters(session, child.id) == regions.all_parameters(session, region.id)
    assert constitution.constitution(session, child.id) == constitution.constitution(session, region.id)
    assert str(regions.parameter(session, child.id, "occupation.welder.skill")) == "0.9"
    assert str(regions.parameter(session, child.id, "industry.shipbuilding.need")) == "0.8"
    assert [(r.hourly_wage_minor, r.effective_from, r.industry) for r in wages.occupation_history(session, child.id, "welder")] \
        == [(r.hourly_wage_minor, r.effective_from, r.industry) for r in wages.occupation_history(session, region.id, "welder")]
    # A worker who moves keeps the wage the cut's phasing-in gives them, day by day.
    for day in (today, today + timedelta(days=15)):
        assert wages.wage_for_worker(session, child.id, "welder", None, hired, day) == \
            wages.wage_for_worker(session, region.id, "welder", None, hired, day)


# --- the provisional board -------------------------------------------------------------------------

@pytest.fixture
def people(session, region, make_member, now):
    north = [make_member(locality="North", name=f"North {i}") for i in range(4)]
    south = [make_member(locality="South", name=f"South {i}", board=i == 0) for i in range(3)]
    return north, south


def test_a_provisional_board_must_be_members_who_move(session, region, people, make_member, now):
    north, south = people
    left = make_member(locality="North")
    from govern.members import service as members
    members.leave(session, left, now)
    elsewhere = make_member(locality="North", region_id=regions.create_region(session, "Hillside", now).id)
    for board, words in (([south[0].id], "these are not: "), ([999_999], "these are not: 999999"),
                         ([left.id], "these are not"), ([elsewhere.id], "these are not"),
                         ([north[0].id, north[0].id], "names a member twice"), ("North 0", "list of member ids"),
                         ([north[0].id] * 16, "at most 15")):
        with pytest.raises(ValidationError) as error:
            proposals.create_proposal(session, north[0], kind_key="split", title="x", body="", min_voting_seconds=1,
                                      payload={"new_region_name": "Northfield", "localities": ["North"],
                                               "provisional_board": board},
                                      closes_at=now + timedelta(days=2), now=now)
        assert words in error.value.fields["payload.provisional_board"][0], board


def test_the_provisional_board_governs_until_the_first_board_election_replaces_it(session, region, people, now):
    north, south = people
    proposal = vote_split(session, north + south, {"new_region_name": "Northfield", "localities": ["North"],
                                                   "provisional_board": [north[0].id, north[1].id]}, at=now)
    assert proposal.payload["provisional_board"] == [north[0].id, north[1].id]
    child = child_named(session)
    assert child.board_provisional is True
    assert [member_id for member_id, _ in regions.board_members(session, child.id)] == [north[0].id, north[1].id]
    assert [member_id for member_id, _ in regions.board_members(session, region.id)] == [south[0].id]  # untouched
    election = proposals.create_proposal(session, north[2], kind_key="board_election", title="Our first board",
                                         body="", payload={"seats": 1, "candidates": [north[3].id]},
                                         closes_at=now + timedelta(days=10), now=now, min_voting_seconds=1)
    for voter in north:
        proposals.cast_ballot(session, voter, election.id, [f"m{north[3].id}"], now)
    proposals.close_proposal(session, election.id, now + timedelta(days=11))
    assert election.status == "executed"
    session.expire_all()
    assert session.get(Region, child.id).board_provisional is False
    assert [member_id for member_id, _ in regions.board_members(session, child.id)] == [north[3].id]
    assert not session.get(Member, north[0].id).is_board


def test_a_split_without_a_provisional_board_leaves_the_new_region_without_one(session, region, people, now):
    north, south = people
    vote_split(session, north + south, {"new_region_name": "Northfield", "localities": ["North"]}, at=now)
    child = child_named(session)
    assert child.board_provisional is False and regions.board_members(session, child.id) == []
