"""Journey: the board founds a region from its own template, and members read, before voting, who
gets what when North splits off with a provisional board."""
import re
from datetime import timedelta

from playwright.sync_api import expect

from govern.inventory import service as inventory
from govern.members import service as members
from govern.proposals import service as proposals
from tests.browser.conftest import utcnow


def test_the_board_founds_a_region_and_members_see_who_gets_what_before_a_split(journey, server):
    server.region("Riverside")
    board = server.member("Bea Board", board=True, locality="South")
    nora = server.member("Nora North", locality="North")
    with server.session() as session:
        for name, cost, locality in (("Mill", 30_000, "North"), ("Depot", 20_000, "South"), ("Tractor", 50_000, "")):
            inventory.add_item(session, region_id=server.region_id, item=name, kind="building", cost_minor=cost,
                               currency="RSC", holder_company_id=None, proposal_id=None, now=utcnow(),
                               locality=locality)
        split = proposals.create_proposal(
            session, members.get_member(session, nora.id), kind_key="split", title="North goes its own way",
            body="", payload={"new_region_name": "Northfield", "localities": ["North"],
                              "provisional_board": [nora.id]},
            closes_at=utcnow() + timedelta(days=20), now=utcnow(), min_voting_seconds=1).id

    bea = journey.member(board)
    page = bea.open("/regions/new", "the board's page to found a region")
    page = bea.submit("Found the region", "a region without a name", status=400)
    expect(page.locator("#name-error")).to_be_visible()
    page.get_by_label("Name of the new region").fill("Hilltop")
    page = bea.submit("Found the region", "Hilltop founded from Riverside")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hilltop")
    expect(page.get_by_text("Founded from the template of")).to_be_visible()

    visitor = journey.visitor()
    page = visitor.open(f"/proposals/{split}", "the split's page: who gets what, before any vote")
    expect(page.get_by_role("heading", name="Who gets what")).to_be_visible()
    expect(page.locator("[data-goes]")).to_have_count(3)
    board = page.get_by_role("definition").filter(has_text=re.compile(r"^Nora North$"))
    expect(board).to_be_visible()  # the payload's board by name, not by member number
