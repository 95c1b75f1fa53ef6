"""Several regions in one deployment: public records of each, voting only at home, moving."""
from datetime import timedelta

from govern.clock import utcnow
from govern.extensions import db
from govern.ledger import service as ledger
from govern.proposals import service as proposals
from govern.regions import service as regions
from tests.functional.test_pages import login


def test_a_member_reads_another_regions_decisions_but_votes_only_at_home(client, api, member, make_member, now):
    other_region = regions.create_region(db.session, "Hilltop", now)
    neighbour = make_member(region_id=other_region.id, email="n@example.org")
    proposal = proposals.create_proposal(db.session, neighbour, kind_key="referendum", title="Hilltop question",
                                         body="", payload={}, closes_at=utcnow() + timedelta(days=2), now=utcnow(),
                                         min_voting_seconds=1)
    login(client)
    listed = client.get(f"/proposals?region={other_region.id}").get_data(as_text=True)
    assert "Hilltop question" in listed and "in Hilltop" in listed and "New proposal" not in listed
    vote = api.as_member(member).put(f"/proposals/{proposal.id}/ballot", json={"choice": "yes"})
    assert vote.status_code == 403


def test_moving_through_the_api_takes_the_balance_along(api, member, now, buy_through_api):
    other_region = regions.create_region(db.session, "Hilltop", now)
    alice = api.as_member(member)
    buy_through_api(alice, "12.00")
    moved = alice.post("/me/move", json={"region_id": other_region.id})
    assert moved.status_code == 200 and moved.get_json()["region_id"] == other_region.id
    assert alice.get("/me").get_json()["accounts"][0]["balance"] == {"amount": "12.00", "currency": "RSC"}
    assert api.get(f"/regions/{other_region.id}").get_json()["rsc_outstanding"] == {"amount": "12.00", "currency": "RSC"}
    assert alice.post("/me/move", json={"region_id": other_region.id}).status_code == 400
    assert alice.post("/me/move", json={"region_id": "2"}).status_code == 400


def test_the_header_names_the_members_region(client, member, region):
    login(client)
    assert 'class="region-tag"' in client.get("/dashboard").get_data(as_text=True)


def test_a_transfer_to_a_member_of_another_region_shows_both_regions(client, api, member, make_member, now,
                                                                     buy_through_api):
    hilltop = regions.create_region(db.session, "Hilltop", now)
    neighbour = make_member(region_id=hilltop.id, email="n@example.org")
    alice = api.as_member(member)
    buy_through_api(alice, "30.00")
    sent = alice.post("/transfers", json={"to_member_id": neighbour.id, "amount": {"amount": "10.00", "currency": "RSC"}})
    assert sent.status_code == 201, sent.get_json()
    assert sorted(sent.get_json()["entry"]["regions"]) == sorted([member.region_id, hilltop.id])
    usd = [p["amount"] for p in sent.get_json()["entry"]["postings"] if p["amount"]["currency"] == "USD"]
    assert sorted(a["amount"] for a in usd) == ["-10.00", "10.00"]  # the backing moved between the reserves
    assert api.get("/ledger/verify").get_json() == {"ok": True, "entries": api.get("/ledger/verify").get_json()["entries"]}
    login(client)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Riverside → Hilltop" in page


def test_no_member_pulls_or_floods_money_across_a_border(api, member, make_member, now, buy_through_api):
    """A negative amount would take RSC from the other region's member; a huge one would overflow a
    reserve: both are refused whole, and neither region's reserve moves."""
    from govern.ledger.models import USD_RESERVE

    hilltop = regions.create_region(db.session, "Hilltop", now)
    neighbour = make_member(region_id=hilltop.id, email="n@example.org")
    alice = api.as_member(member)
    buy_through_api(alice, "30.00")
    before = [ledger.region_balances(db.session, r)[USD_RESERVE] for r in (member.region_id, hilltop.id)]
    for amount in ("-10.00", "10000000000000.00", "1000000000.01"):
        sent = alice.post("/transfers", json={"to_member_id": neighbour.id, "amount": {"amount": amount, "currency": "RSC"}})
        assert sent.status_code == 400 and "amount" in sent.get_json()["error"]["fields"], amount
    short = alice.post("/transfers", json={"to_member_id": neighbour.id, "amount": {"amount": "30.01", "currency": "RSC"}})
    assert short.status_code == 409
    assert [ledger.region_balances(db.session, r)[USD_RESERVE] for r in (member.region_id, hilltop.id)] == before
    assert api.get("/ledger/verify").get_json()["ok"] is True
