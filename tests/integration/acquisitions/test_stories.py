"""The acquisition story and the equipment story, from the vote to the books."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from govern.acquisitions import service as acquisitions
from govern.companies import service as companies
from govern.companies import bankruptcy
from govern.companies.models import Company, Worker
from govern.errors import Conflict, Forbidden, InsufficientFunds, ValidationError
from govern.extensions import db
from govern.inventory import service as inventory
from govern.ledger import service as ledger
from govern.ledger.models import CAPITAL_POOL, LedgerEntry, Posting
from govern.ledger.service import region_account
from govern.members.models import Member
from govern.proposals import service as proposals
from govern.regions import service as regions
from tests.conftest import TEST_PASSWORD
from tests.funding import buy_rsc

BAKERY = {"business_name": "Corner Bakery", "seller": "Mrs. Baker", "price": {"amount": "30.00", "currency": "USD"},
          "industry": "bakery", "employees": [
              {"name": "Pat Dough", "email": "pat@example.org", "occupation": "baker",
               "hourly_wage": {"amount": "22.00", "currency": "RSC"}}]}


def fill_pool(session, region, member, now, usd_minor=10000):
    """A member's RSC sold back at a rate below par leaves the spread in the pool: 2:1 here."""
    buy_rsc(session, member, usd_minor * 2, now)
    regions.set_parameter(session, region.id, "exchange_rate", "0.5", cause_type="test", cause_id=None, now=now)
    buy_rsc(session, member, usd_minor * 2, now)
    regions.set_parameter(session, region.id, "exchange_rate", "1", cause_type="test", cause_id=None, now=now)
    return region_account(session, region.id, CAPITAL_POOL).balance


def entries(session):
    return session.execute(select(func.count()).select_from(LedgerEntry)).scalar_one()


@pytest.fixture
def passed_acquisition(session, region, member, make_member, propose, now):
    board = [make_member(board=True), make_member(board=True)]
    proposal = propose(member, "acquisition", BAKERY)
    for voter in (member, *board):
        proposals.cast_ballot(session, voter, proposal.id, "yes", now)
    proposals.close_proposal(session, proposal.id, now + timedelta(days=3))
    return proposal, board


def test_the_acquisition_story(session, region, member, passed_acquisition, now):
    proposal, board = passed_acquisition
    assert proposal.status == "passed"
    fill_pool(session, region, member, now)  # the pool holds 100.00 RSC
    reserve_before = ledger.region_balances(session, region.id)["usd_reserve"]
    later = now + timedelta(days=4)
    first = proposals.confirm_execution(session, board[0], proposal.id, later)
    assert first.proposal.status == "passed" and (first.confirmations, first.required) == (1, 2)
    done = proposals.confirm_execution(session, board[1], proposal.id, later)
    assert done.proposal.status == "executed"
    balances = ledger.region_balances(session, region.id)
    assert balances["capital_pool"] == 10000 - 3000 and balances["usd_reserve"] == reserve_before - 3000
    effects = {e.type: e.ref_id for e in proposals.effects_of(session, proposal.id)}
    assert set(effects) == {"entry", "company", "inventory_item", "invitation"}
    company = session.get(Company, int(effects["company"]))
    assert (company.owner, company.name) == ("region", "Corner Bakery")
    item = inventory.get_item(session, int(effects["inventory_item"]))
    assert (item.kind, item.held_by_company_id, item.cost_minor) == ("business", company.id, 3000)
    entry = session.get(LedgerEntry, int(effects["entry"]))
    assert (entry.cause_type, entry.cause_id) == ("proposal", str(proposal.id))
    assert ledger.verify(session).ok
    with pytest.raises(Conflict):
        proposals.confirm_execution(session, board[0], proposal.id, later)

    [invitation] = acquisitions.invitations_of(session, proposal.id)
    _, pat = acquisitions.accept(session, invitation.token, member=None, password=TEST_PASSWORD, now=later)
    worker = session.execute(select(Worker).where(Worker.member_id == pat.id)).scalar_one()
    assert (worker.company_id, worker.occupation, worker.hourly_rate_minor) == (company.id, "baker", 2200)
    assert pat.email == "pat@example.org" and pat.region_id == region.id
    with pytest.raises(Conflict):
        acquisitions.accept(session, invitation.token, member=None, password=TEST_PASSWORD, now=later)


def test_a_pool_too_small_answers_409_and_posts_nothing(session, passed_acquisition, now):
    proposal, board = passed_acquisition
    later = now + timedelta(days=4)
    proposals.confirm_execution(session, board[0], proposal.id, later)
    before = entries(session)
    with pytest.raises(InsufficientFunds):
        proposals.confirm_execution(session, board[1], proposal.id, later)
    assert entries(session) == before
    assert session.execute(select(func.count()).select_from(Company)).scalar_one() == 0
    session.expire_all()
    assert session.get(type(proposal), proposal.id).status == "passed"


def test_an_approval_left_undone_expires_through_the_scheduler(app, session, passed_acquisition, now):
    proposal, board = passed_acquisition
    assert proposals.expire_overdue_approvals(session, now + timedelta(days=40)) == 1
    session.expire_all()
    assert session.get(type(proposal), proposal.id).status == "expired"
    with pytest.raises(Conflict):
        proposals.confirm_execution(session, board[0], proposal.id, now + timedelta(days=41))


def test_an_acquisition_needs_half_the_members_to_vote(session, region, member, make_member, propose, now):
    others = [make_member() for _ in range(3)]
    proposal = propose(member, "acquisition", BAKERY)
    proposals.cast_ballot(session, member, proposal.id, "yes", now)
    proposals.close_proposal(session, proposal.id, now + timedelta(days=3))
    assert proposal.status == "rejected"
    assert proposal.tally["quorum_met"] is False and len(others) == 3


def test_bad_acquisition_payloads_name_the_fields(session, region, member, propose):
    bad = dict(BAKERY, price={"amount": "-5.00", "currency": "USD"},
               employees=[{"name": "", "email": "nope", "occupation": "baker", "hourly_wage": {"amount": "1.00", "currency": "USD"}}])
    with pytest.raises(ValidationError) as error:
        propose(member, "acquisition", bad)
    assert {"payload.price", "payload.employees.0.name", "payload.employees.0.email",
            "payload.employees.0.hourly_wage"} <= set(error.value.fields)


def test_an_asset_purchase_enters_the_inventory_held_by_the_region(session, region, member, make_member, propose, now):
    board = [make_member(board=True), make_member(board=True)]
    fill_pool(session, region, member, now)
    proposal = propose(member, "asset_purchase", {"asset": "Flat 3, Mill Street", "kind": "housing",
                                                  "seller": "Town estates", "price": {"amount": "40.00", "currency": "RSC"},
                                                  "locality": " North "})
    assert proposal.payload["locality"] == "North"
    for voter in (member, *board):
        proposals.cast_ballot(session, voter, proposal.id, "yes", now)
    proposals.close_proposal(session, proposal.id, now + timedelta(days=3))
    for person in board:
        proposals.confirm_execution(session, person, proposal.id, now + timedelta(days=4))
    [item] = inventory.search(session, kind="housing")
    assert (item.item, item.held_by_company_id, item.cost_minor, item.cost_currency) == ("Flat 3, Mill Street", None, 4000, "RSC")
    assert item.locality == "North"  # a split that takes the North takes the flat
    balances = ledger.region_balances(session, region.id)
    assert balances["rsc_outside"] == 4000 and ledger.verify(session).ok


def test_an_asset_purchases_locality_is_text(region, member, propose):
    with pytest.raises(ValidationError) as error:
        propose(member, "asset_purchase", {"asset": "Flat", "kind": "housing", "seller": "Town estates",
                                           "price": {"amount": "40.00", "currency": "RSC"}, "locality": ["North"]})
    assert "payload.locality" in error.value.fields


def test_the_equipment_story(session, region, member, make_member, propose, now):
    board = make_member(board=True)
    fill_pool(session, region, member, now)
    shop = companies.register_company(session, member, "Alice's Bikes", "bicycle repair", now)
    petition = {"company_id": shop.id, "item": "Wheel truing stand", "cost": {"amount": "15.00", "currency": "RSC"},
                "justification": "We true wheels by hand today."}
    proposal = propose(member, "equipment_grant", petition)
    proposals.cast_ballot(session, member, proposal.id, "yes", now)
    proposals.close_proposal(session, proposal.id, now + timedelta(days=3))
    assert proposal.status == "executed"
    assert companies.company_account(session, shop.id).balance == 1500
    [item] = inventory.search(session, holder=shop.id)
    assert (item.status, item.granted_by_proposal_id, item.owner_region_id) == ("in_use", proposal.id, region.id)
    pool_entries = session.execute(select(Posting.entry_id).where(
        Posting.account_id == region_account(session, region.id, CAPITAL_POOL).id)).scalars().all()
    grant_entry = session.get(LedgerEntry, max(pool_entries))
    assert (grant_entry.cause_type, grant_entry.cause_id) == ("proposal", str(proposal.id))

    bankruptcy.declare_bankrupt(session, board, shop.id, now + timedelta(days=5))
    session.expire_all()
    item = inventory.get_item(session, item.id)
    assert (item.status, item.held_by_company_id) == ("returned", None)
    assert [e.event for e in inventory.history(session, item.id)] == ["granted", "returned"]

    other = companies.register_company(session, member, "Wheels Two", "bicycle repair", now)
    again = propose(member, "equipment_grant", {"company_id": other.id, "item": "Wheel truing stand", "item_id": item.id,
                                                "cost": {"amount": "0.00", "currency": "RSC"}, "justification": "Reuse it."})
    proposals.cast_ballot(session, member, again.id, "yes", now)
    proposals.close_proposal(session, again.id, now + timedelta(days=6))
    session.expire_all()
    item = inventory.get_item(session, item.id)
    assert (again.status, item.status, item.held_by_company_id) == ("executed", "in_use", other.id)


def test_only_a_company_admin_petitions_for_its_equipment(session, region, member, make_member, propose, now):
    shop = companies.register_company(session, member, "Bikes", "bicycle repair", now)
    outsider = make_member()
    petition = {"company_id": shop.id, "item": "Stand", "cost": {"amount": "5.00", "currency": "RSC"},
                "justification": "x"}
    with pytest.raises(Forbidden):
        propose(outsider, "equipment_grant", petition)
    for bad, field in (({**petition, "company_id": 999}, "payload.company_id"),
                       ({**petition, "cost": {"amount": "0.00", "currency": "RSC"}}, "payload.cost"),
                       ({**petition, "cost": {"amount": "5.00", "currency": "USD"}}, "payload.cost")):
        with pytest.raises(ValidationError) as error:
            propose(member, "equipment_grant", bad)
        assert field in error.value.fields


def test_a_grant_to_a_company_that_went_bankrupt_meanwhile_moves_nothing(session, region, member, make_member,
                                                                        propose, now):
    board = make_member(board=True)
    fill_pool(session, region, member, now)
    shop = companies.register_company(session, member, "Bikes", "bicycle repair", now)
    proposal = propose(member, "equipment_grant", {"company_id": shop.id, "item": "Stand", "justification": "x",
                                                   "cost": {"amount": "5.00", "currency": "RSC"}})
    proposals.cast_ballot(session, member, proposal.id, "yes", now)
    bankruptcy.declare_bankrupt(session, board, shop.id, now)
    before = entries(session)
    proposals.close_proposal(session, proposal.id, now + timedelta(days=3))
    assert proposal.status == "rejected" and "bankrupt" in proposal.outcome["reason"]
    assert entries(session) == before
