"""A split through the API and the pages: the provisional board named (400 on the field otherwise),
the proposal page's "who gets what" being what the split does, and the new region's page asking
for a board election while its board is provisional."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from govern.clock import utcnow
from govern.extensions import db
from govern.facilities import service as facilities
from govern.facilities.models import Facility
from govern.inventory import service as inventory
from govern.inventory.models import InventoryItem
from govern.ledger import service as ledger
from govern.money import Money
from govern.proposals import service as proposals
from govern.proposals.models import Proposal
from govern.regions.models import Region
from tests.conftest import TEST_PASSWORD
from tests.funding import buy_rsc


def log_in(client, member):
    assert client.post("/login", data={"email": member.email, "password": TEST_PASSWORD}).status_code == 302


def closes(**delta):
    return (utcnow() + timedelta(**(delta or {"days": 2}))).isoformat()


def vote_and_close(proposal_id, voters):
    for voter in voters:
        proposals.cast_ballot(db.session, voter, proposal_id, "yes", utcnow())
    return proposals.close_proposal(db.session, proposal_id, utcnow() + timedelta(days=3))


@pytest.fixture
def town(region, make_member, now):
    north = [make_member(locality="North", name=f"Nora {i}") for i in range(3)]
    south = [make_member(locality="South", name=f"Sam {i}", board=i == 0) for i in range(3)]
    for i, person in enumerate(north + south):
        buy_rsc(db.session, person, 1000 * (i + 1), now)
    for name, cost, locality in (("Mill", 30_000, "North"), ("Depot", 20_000, "South"), ("Tractor", 50_000, ""),
                                 ("Truck", 30_000, ""), ("Field", 20_000, ""), ("Van", 10_000, "")):
        inventory.add_item(db.session, region_id=region.id, item=name, kind="building", cost_minor=cost,
                           currency="RSC", holder_company_id=None, proposal_id=None, now=now, locality=locality)
    facilities.create_facility(db.session, south[0], name="North office", kind="office", purchase=Money(0, "RSC"),
                               maintenance=Money(0, "RSC"), locality="north", now=now)
    facilities.create_facility(db.session, south[0], name="Clinic", kind="health", purchase=Money(0, "RSC"),
                               maintenance=Money(0, "RSC"), now=now)
    return north, south


def split_body(**payload):
    return {"kind": "split", "title": "North goes its own way", "closes_at": closes(),
            "payload": {"new_region_name": "Northfield", "localities": ["North"], **payload}}


def test_a_provisional_board_of_members_who_do_not_move_is_refused_on_its_field(api, town):
    north, south = town
    client = api.as_member(north[0])
    for board in ([south[1].id], [north[0].id, 999_999], "everyone"):
        response = client.post("/proposals", json=split_body(provisional_board=board))
        assert response.status_code == 400, board
        assert list(response.get_json()["error"]["fields"]) == ["payload.provisional_board"]
    made = client.post("/proposals", json=split_body(provisional_board=[north[1].id, north[0].id]))
    assert made.status_code == 201
    assert made.get_json()["payload"]["provisional_board"] == [north[1].id, north[0].id]


def test_the_proposal_page_shows_who_gets_what_and_the_split_does_exactly_that(api, client, region, town):
    north, south = town
    proposal = api.as_member(north[0]).post("/proposals", json=split_body(provisional_board=[north[1].id])).get_json()
    page = client.get(f"/proposals/{proposal['id']}").get_data(as_text=True)  # anybody may read it, before any vote
    assert "Who gets what" in page and "Nora 1" in page
    said_items = {int(i): goes for i, goes in re.findall(r'data-item="(\d+)" data-goes="(\w+)"', page)}
    said_units = {int(i): goes for i, goes in re.findall(r'data-unit="(\d+)" data-goes="(\w+)"', page)}
    assert len(said_items) == 6 and len(said_units) == 2
    assert "new" in said_items.values() and "parent" in said_items.values()
    assert vote_and_close(proposal["id"], north + south).status == "executed"
    child = db.session.execute(select(Region).where(Region.name == "Northfield")).scalar_one()
    db.session.expire_all()
    did_items = {i: "new" if db.session.get(InventoryItem, i).owner_region_id == child.id else "parent" for i in said_items}
    did_units = {i: "new" if db.session.get(Facility, i).region_id == child.id else "parent" for i in said_units}
    assert (did_items, did_units) == (said_items, said_units)
    assert ledger.verify(db.session).ok
    after = client.get(f"/proposals/{proposal['id']}").get_data(as_text=True)
    assert "What the split did" in after and "Northfield" in after


def test_the_new_regions_page_asks_for_a_board_election_until_one_is_held(client, api, region, town):
    north, south = town
    proposal = proposals.create_proposal(
        db.session, north[0], kind_key="split", title="North goes", body="", min_voting_seconds=1,
        payload={"new_region_name": "Northfield", "localities": ["North"], "provisional_board": [north[0].id]},
        closes_at=utcnow() + timedelta(days=2), now=utcnow())
    vote_and_close(proposal.id, north + south)
    child = db.session.execute(select(Region).where(Region.name == "Northfield")).scalar_one()
    public = client.get(f"/regions/{child.id}").get_data(as_text=True)
    assert "This region has a provisional board, named by the split that founded it: hold a board election." in public
    assert "Provisional board" in public and "Nora 0" in public
    assert api.get(f"/regions/{child.id}").get_json()["board_provisional"] is True
    log_in(client, north[2])
    mine = client.get(f"/regions/{child.id}").get_data(as_text=True)
    assert 'href="/proposals/new/board_election"' in mine
    election = proposals.create_proposal(
        db.session, north[2], kind_key="board_election", title="Our first board", body="",
        payload={"seats": 1, "candidates": [north[2].id]}, closes_at=utcnow() + timedelta(days=10), now=utcnow(),
        min_voting_seconds=1)
    for voter in north:
        proposals.cast_ballot(db.session, voter, election.id, [f"m{north[2].id}"], utcnow())
    assert proposals.close_proposal(db.session, election.id, utcnow() + timedelta(days=11)).status == "executed"
    after = client.get(f"/regions/{child.id}").get_data(as_text=True)
    assert "provisional board" not in after.lower() and "Nora 2" in after
    assert api.get(f"/regions/{child.id}").get_json()["board_provisional"] is False


def test_the_split_form_takes_the_provisional_board_by_name_and_says_what_is_wrong_next_to_it(client, town):
    north, south = town
    log_in(client, north[0])
    form = client.get("/proposals/new/split").get_data(as_text=True)
    assert "Provisional board of the new region" in form
    data = {"title": "North goes", "closes_at": (utcnow() + timedelta(days=20)).strftime("%Y-%m-%dT%H:%M"),
            "payload_new_region_name": "Northfield", "payload_localities": "North"}
    refused = client.post("/proposals/new/split", data={**data, "payload_provisional_board": "Sam 1"})
    assert refused.status_code == 400
    error = re.search(r'<div id="payload_provisional_board-error">(.*?)</div>', refused.get_data(as_text=True), re.S)
    assert error and "must be active members who move to the new region" in error.group(1)
    accepted = client.post("/proposals/new/split", data={**data, "payload_provisional_board": f"Nora 1\n{north[2].id}"})
    assert accepted.status_code == 302
    made = db.session.execute(select(Proposal).order_by(Proposal.id.desc()).limit(1)).scalar_one()
    assert made.payload["provisional_board"] == [north[1].id, north[2].id]


def test_a_split_names_a_new_region_with_a_name_no_region_has(api, town):
    north, _ = town
    alice = api.as_member(north[0])
    for name, words in (("Riverside", "is already the name of a region"), ("  ", "must be 1 to 120 characters"),
                        ("x" * 121, "must be 1 to 120 characters")):
        refused = alice.post("/proposals", json=split_body(new_region_name=name))
        assert refused.status_code == 400
        assert refused.get_json()["error"]["fields"]["payload.new_region_name"] == [words]
