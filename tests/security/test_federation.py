"""Promise: founding regions and splitting them gives a newcomer no power. Founding a region from a
template is the board's, from its own region; a split's provisional board is only ever members who
move, and a newcomer who names himself one still needs the split to pass its floors."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from govern.clock import utcnow
from govern.extensions import db
from govern.members.models import Member
from govern.proposals import service as proposals
from govern.regions.models import Region
from tests.conftest import TEST_PASSWORD


def regions_count() -> int:
    return db.session.execute(select(func.count()).select_from(Region)).scalar_one()


def test_a_newcomer_cannot_found_a_region(client, api, region, make_member):
    newcomer = make_member(name="Mallory")
    assert client.post("/login", data={"email": newcomer.email, "password": TEST_PASSWORD}).status_code == 302
    assert client.get("/regions/new").status_code == 403
    assert client.post("/regions/new", data={"name": "Mallory Land"}).status_code == 403
    assert regions_count() == 1


def test_a_newcomer_who_names_himself_a_provisional_board_gets_nothing_without_the_vote(api, region, make_member):
    centre = [make_member(locality="Centre") for _ in range(9)]
    mallory = make_member(name="Mallory", locality="Hamlet")
    attacker = api.as_member(mallory)
    body = {"kind": "split", "title": "The Hamlet is free", "closes_at": (utcnow() + timedelta(days=20)).isoformat(),
            "payload": {"new_region_name": "Mallory Land", "localities": ["Hamlet"]}}
    # Members who stay are not his to name (nor is anyone else's id).
    for board in ([centre[0].id], [mallory.id, centre[1].id]):
        refused = attacker.post("/proposals", json={**body, "payload": {**body["payload"], "provisional_board": board}})
        assert refused.status_code == 400 and "payload.provisional_board" in refused.get_json()["error"]["fields"]
    made = attacker.post("/proposals", json={**body, "payload": {**body["payload"], "provisional_board": [mallory.id]}})
    assert made.status_code == 201
    attacker.put(f"/proposals/{made.get_json()['id']}/ballot", json={"choice": "yes"})
    closed = proposals.close_proposal(db.session, made.get_json()["id"], utcnow() + timedelta(days=21))
    assert closed.status == "rejected"  # one ballot of ten: below the split's quorum
    assert regions_count() == 1 and not db.session.get(Member, mallory.id).is_board
