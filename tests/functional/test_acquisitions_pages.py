"""Acquisitions, the inventory and invitations through pages and the API."""
from datetime import timedelta

from govern.acquisitions import service as acquisitions
from govern.extensions import db
from govern.proposals import service as proposals
from tests.functional.test_pages import login
from tests.integration.acquisitions.test_stories import BAKERY, fill_pool
from tests.conftest import TEST_PASSWORD


def passed_acquisition(member, make_member, propose, now):
    board = [make_member(board=True, email="b1@example.org"), make_member(board=True, email="b2@example.org")]
    proposal = propose(member, "acquisition", BAKERY)
    for voter in (member, *board):
        proposals.cast_ballot(db.session, voter, proposal.id, "yes", now)
    proposals.close_proposal(db.session, proposal.id, now + timedelta(days=3))
    return proposal, board


def test_the_board_sees_what_will_move_then_confirms_and_follows_the_links(client, region, member, make_member,
                                                                           propose, now):
    proposal, board = passed_acquisition(member, make_member, propose, now)
    fill_pool(db.session, region, member, now)
    login(client, "b1@example.org")
    queue = client.get("/board/to-carry-out").get_data(as_text=True)
    assert f"/proposals/{proposal.id}" in queue
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "What carrying it out will move" in page
    assert "The capital pool pays 30.00 USD" in page and "Pat Dough" in page
    client.post(f"/proposals/{proposal.id}/execute")
    proposals.confirm_execution(db.session, board[1], proposal.id, now + timedelta(days=4))
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Company: Corner Bakery" in page and "Inventory: Business: Corner Bakery" in page
    assert "/invitations/" in page  # the board sees the invitation links to hand out


def test_an_invited_employee_joins_through_the_link(app, region, member, make_member, propose, now):
    proposal, board = passed_acquisition(member, make_member, propose, now)
    fill_pool(db.session, region, member, now)
    for person in board:
        proposals.confirm_execution(db.session, person, proposal.id, now + timedelta(days=4))
    [invitation] = acquisitions.invitations_of(db.session, proposal.id)
    client = app.test_client()
    offer = client.get(f"/invitations/{invitation.token}").get_data(as_text=True)
    assert "22.00 RSC an hour" in offer and "pat@example.org" in offer
    short = client.post(f"/invitations/{invitation.token}", data={"password": "short"})
    assert short.status_code == 400
    joined = client.post(f"/invitations/{invitation.token}", data={"password": TEST_PASSWORD, "locality": "Town"},
                         follow_redirects=True)
    assert "Welcome" in joined.get_data(as_text=True) and "Corner Bakery" in joined.get_data(as_text=True)
    assert app.test_client().get("/invitations/not-a-token").status_code == 404


def test_the_inventory_is_public_filterable_and_exports_csv(client, api, region, member, propose, now):
    from govern.companies import service as companies

    fill_pool(db.session, region, member, now)
    shop = companies.register_company(db.session, member, "Bikes", "bicycle repair", now)
    proposal = propose(member, "equipment_grant", {"company_id": shop.id, "item": "Truing stand", "justification": "x",
                                                   "cost": {"amount": "15.00", "currency": "RSC"}})
    proposals.cast_ballot(db.session, member, proposal.id, "yes", now)
    proposals.close_proposal(db.session, proposal.id, now + timedelta(days=3))
    listed = api.get("/inventory?kind=equipment").get_json()
    [item] = listed["items"]
    assert item["item"] == "Truing stand" and item["cost"] == {"amount": "15.00", "currency": "RSC"}
    assert item["held_by_company_id"] == shop.id and item["granted_by_proposal_id"] == proposal.id
    assert api.get("/inventory?status=returned").get_json()["items"] == []
    assert api.get("/inventory?status=lost").status_code == 400
    page = client.get("/inventory").get_data(as_text=True)
    assert "Truing stand" in page and "Bikes" in page
    csv_text = client.get("/inventory.csv?kind=equipment").get_data(as_text=True)
    assert csv_text.splitlines()[0].startswith("id,item,kind,cost") and "Truing stand,equipment,15.00,RSC" in csv_text
    detail = client.get(f"/inventory/{item['id']}").get_data(as_text=True)
    assert "granted" in detail and f"proposal {proposal.id}" in detail
