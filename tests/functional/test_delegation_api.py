"""Delegation through the API and the pages."""
from datetime import timedelta

from govern.extensions import db
from govern.proposals import service as proposals
from tests.functional.test_pages import login


def test_delegations_are_set_listed_replaced_and_withdrawn(api, member, make_member):
    alice = api.as_member(member)
    bob, carol = make_member(), make_member()
    assert alice.put("/me/delegations/all", json={"delegate_id": bob.id}).status_code == 200
    assert alice.put("/me/delegations/all", json={"delegate_id": carol.id}).get_json()["delegate_id"] == carol.id
    assert alice.put("/me/delegations/wage_rate", json={"delegate_id": bob.id}).status_code == 200
    listed = alice.get("/me/delegations").get_json()["items"]
    assert [(d["scope"], d["delegate_id"]) for d in listed] == [("all", carol.id), ("wage_rate", bob.id)]
    assert alice.delete("/me/delegations/all").status_code == 204
    assert alice.delete("/me/delegations/all").status_code == 404
    assert alice.put("/me/delegations/all", json={"delegate_id": member.id}).status_code == 400
    assert alice.put("/me/delegations/nonsense", json={"delegate_id": bob.id}).status_code == 400


def test_a_member_sees_how_their_vote_was_cast_for_them(client, api, member, make_member, propose, now):
    bob = make_member(name="Bob")
    api.as_member(member).put("/me/delegations/all", json={"delegate_id": bob.id})
    proposal = propose(bob)
    proposals.cast_ballot(db.session, bob, proposal.id, "yes", now)
    proposals.close_proposal(db.session, proposal.id, now + timedelta(days=3))
    login(client)
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "your vote counted with Bob" in page
    delegate = client.get(f"/members/{bob.id}/as-delegate").get_data(as_text=True)
    assert "1 member for all proposals" in delegate and "A proposal" in delegate
    listed = api.as_member(member).get(f"/proposals/{proposal.id}").get_json()["tally"]
    assert (listed["direct_weight"], listed["delegated_weight"], listed["yes"]) == (1, 1, 2)
