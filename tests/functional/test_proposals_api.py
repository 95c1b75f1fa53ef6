"""Proposals and ballots through the JSON API, as API.md promises them."""
from datetime import timedelta

import pytest

from govern.clock import utcnow
from govern.extensions import db
from govern.proposals import service as proposals


def closes(**delta):
    return (utcnow() + timedelta(**(delta or {"days": 2}))).isoformat()


@pytest.fixture
def voters(api, make_member):
    people = [make_member() for _ in range(3)]
    return people, [api.as_member(p) for p in people]


def test_a_parameter_proposal_runs_from_proposal_to_new_rate(api, region, voters):
    people, clients = voters
    created = clients[0].post("/proposals", json={
        "kind": "parameter", "title": "Raise the income tax", "body": "To fund **equipment**.",
        "payload": {"name": "income_tax_rate", "min": "0", "max": "0.2"}, "closes_at": closes(seconds=3),
    })
    assert created.status_code == 201, created.get_json()
    proposal = created.get_json()
    assert proposal["status"] == "open" and proposal["voting"]["method"] == "median"
    assert proposal["tally"] is None and proposal["electorate_size"] == 3
    receipts = []
    for client, figure in zip(clients, ("0.02", "0.05", "0.10")):
        answer = client.put(f"/proposals/{proposal['id']}/ballot", json={"choice": figure})
        assert answer.status_code == 200
        receipts.append(answer.get_json()["receipt"])
    assert clients[0].get(f"/proposals/{proposal['id']}/ballots").status_code == 409

    proposals.close_due_proposals(db.session, utcnow() + timedelta(seconds=5))
    closed = clients[0].get(f"/proposals/{proposal['id']}").get_json()
    assert closed["status"] == "executed"
    assert closed["outcome"]["value"] == "0.05"
    assert closed["effects"][0]["type"] == "parameter"
    assert api.get(f"/regions/{region.id}").get_json()["parameters"]["income_tax_rate"] == "0.05"
    published = clients[0].get(f"/proposals/{proposal['id']}/ballots").get_json()
    assert sorted(item["receipt"] for item in published["items"]) == sorted(receipts)
    assert sorted(item["choice"] for item in published["items"]) == ["0.02", "0.05", "0.1"]


def test_an_unknown_kind_or_a_bad_payload_answers_400_with_fields(voters):
    _, clients = voters
    unknown = clients[0].post("/proposals", json={"kind": "coup", "title": "x", "payload": {}, "closes_at": closes()})
    assert unknown.status_code == 400 and "kind" in unknown.get_json()["error"]["fields"]
    bad = clients[0].post("/proposals", json={"kind": "parameter", "title": "x", "closes_at": closes(),
                                              "payload": {"name": "income_tax_rate", "min": 0, "max": "2"}})
    assert bad.status_code == 400
    assert {"payload.min", "payload.max"} <= set(bad.get_json()["error"]["fields"])


def test_closes_at_too_soon_or_without_offset_answers_400(voters, app):
    _, clients = voters
    app.config["GOVERN_MIN_VOTING_SECONDS"] = 3600
    soon = clients[0].post("/proposals", json={"kind": "referendum", "title": "x", "closes_at": closes(minutes=5)})
    assert soon.status_code == 400 and "closes_at" in soon.get_json()["error"]["fields"]
    naive = clients[0].post("/proposals", json={"kind": "referendum", "title": "x", "closes_at": "2030-01-01T10:00:00"})
    assert naive.status_code == 400 and "closes_at" in naive.get_json()["error"]["fields"]


def test_ballots_of_the_wrong_shape_outside_the_electorate_or_after_close_are_refused(api, voters, make_member, now):
    people, clients = voters
    proposal = clients[0].post("/proposals", json={"kind": "referendum", "title": "Paint it green?",
                                                   "closes_at": closes(seconds=3)}).get_json()
    assert clients[1].put(f"/proposals/{proposal['id']}/ballot", json={"choice": "maybe"}).status_code == 400
    assert clients[1].put(f"/proposals/{proposal['id']}/ballot", json={}).status_code == 400
    newcomer = api.as_member(make_member())
    outside = newcomer.put(f"/proposals/{proposal['id']}/ballot", json={"choice": "yes"})
    assert outside.status_code == 403
    clients[2].post("/me/leave")
    assert clients[2].put(f"/proposals/{proposal['id']}/ballot", json={"choice": "yes"}).status_code == 403
    assert clients[1].put(f"/proposals/{proposal['id']}/ballot", json={"choice": "yes"}).status_code == 200
    assert clients[1].delete(f"/proposals/{proposal['id']}/ballot").status_code == 204
    proposals.close_due_proposals(db.session, utcnow() + timedelta(seconds=5))
    late = clients[1].put(f"/proposals/{proposal['id']}/ballot", json={"choice": "yes"})
    assert late.status_code == 409


def test_carrying_out_something_that_has_not_passed_answers_409(api, voters, make_member):
    _, clients = voters
    board = api.as_member(make_member(board=True))
    proposal = clients[0].post("/proposals", json={"kind": "referendum", "title": "x", "closes_at": closes()}).get_json()
    assert board.post(f"/proposals/{proposal['id']}/execute").status_code == 409
    assert clients[0].post(f"/proposals/{proposal['id']}/execute").status_code == 403


def test_an_approval_referendum_lists_its_options_and_picks_the_winner(voters):
    _, clients = voters
    proposal = clients[0].post("/proposals", json={
        "kind": "referendum", "title": "Where do we meet?", "closes_at": closes(seconds=3),
        "voting": {"method": "approval", "options": ["Library", "Park", "Hall"]},
    }).get_json()
    options = proposal["voting"]["options"]
    assert [o["label"] for o in options] == ["Library", "Park", "Hall"]
    ids = [o["id"] for o in options]
    for client, choice in zip(clients, ([ids[0], ids[1]], [ids[1]], [ids[1], ids[2]])):
        assert client.put(f"/proposals/{proposal['id']}/ballot", json={"choice": choice}).status_code == 200
    proposals.close_due_proposals(db.session, utcnow() + timedelta(seconds=5))
    closed = clients[0].get(f"/proposals/{proposal['id']}").get_json()
    assert closed["outcome"]["winners"] == [ids[1]]


def test_a_board_election_replaces_the_appointed_board_with_the_winners(api, region, make_member):
    appointed = make_member(board=True)
    candidates = [make_member(name=f"Candidate {i}") for i in range(3)]
    voters = [api.as_member(m) for m in candidates]
    proposal = voters[0].post("/proposals", json={
        "kind": "board_election", "title": "Elect two", "closes_at": closes(seconds=3),
        "payload": {"seats": 2, "candidates": [c.id for c in candidates]},
    }).get_json()
    assert proposal["voting"]["method"] == "ranked" and proposal["voting"]["secret"] is True
    assert proposal["voting"]["options"][-1] == {"id": "ron", "label": "Re-open nominations"}
    by_member = {o["member_id"]: o["id"] for o in proposal["voting"]["options"] if "member_id" in o}
    a, b, c = (by_member[m.id] for m in candidates)
    for client, ranking in zip(voters, ([a, b], [b, a], [a, c])):
        assert client.put(f"/proposals/{proposal['id']}/ballot", json={"choice": ranking}).status_code == 200
    proposals.close_due_proposals(db.session, utcnow() + timedelta(seconds=5))
    closed = voters[0].get(f"/proposals/{proposal['id']}").get_json()
    assert closed["status"] == "executed"
    assert set(closed["outcome"]["winners"]) == {a, b}
    roles = {m.id: api.as_member(m).get("/me").get_json()["roles"] for m in (appointed, *candidates)}
    assert "board" not in roles[appointed.id]
    assert "board" in roles[candidates[0].id] and "board" in roles[candidates[1].id]
    published = voters[0].get(f"/proposals/{proposal['id']}/ballots").get_json()["items"]
    assert all("member_id" not in item for item in published)


def test_proposals_are_listed_newest_first_and_filtered_by_status(voters):
    _, clients = voters
    for title in ("one", "two", "three"):
        clients[0].post("/proposals", json={"kind": "referendum", "title": title, "closes_at": closes()})
    listed = clients[1].get("/proposals?status=open&limit=2").get_json()
    assert [p["title"] for p in listed["items"]] == ["three", "two"] and listed["next"]
    assert clients[1].get("/proposals?status=executed").get_json()["items"] == []
    assert clients[1].get("/proposals?status=bogus").status_code == 400
