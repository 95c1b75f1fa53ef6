"""Journey 5: a company petitions for equipment; after a bankruptcy the equipment returns to the region."""
from datetime import timedelta

from playwright.sync_api import expect

from govern.companies import service as companies
from govern.members import service as members
from govern.proposals import service as proposals
from tests.browser.conftest import closes_in, utcnow


def test_equipment_granted_to_a_company_returns_to_the_region_when_the_board_declares_it_bankrupt(journey, server):
    server.region("Riverside")
    alice, bea = server.member("Alice Wheel"), server.member("Bea Board", board=True)
    server.fill_pool(alice)
    with server.session() as session:
        company_id = companies.register_company(session, members.get_member(session, alice.id), "Alice's Bikes",
                                                "bicycle repair", utcnow()).id

    admin = journey.member(alice)
    page = admin.open("/proposals/new", "what do you propose?")
    page = admin.link("Petition for equipment", "the equipment petition form")
    page.get_by_label("Title", exact=True).fill("A wheel truing stand for Alice's Bikes")
    page.get_by_label("Company", exact=True).fill("Alice's Bikes")  # by name
    page.get_by_label("Item", exact=True).fill("Wheel truing stand")
    page.get_by_label("Cost (RSC)").fill("15.00")
    page.get_by_label("Why the company needs it").fill("We true wheels by hand today.")
    page.get_by_label("Voting closes (UTC)").fill(closes_in(minutes=30))
    page = admin.submit("Open for voting", "the petition, open")
    proposal_path = page.url.removeprefix(server.url)
    page.get_by_role("radio", name="Yes", exact=True).check()
    page = admin.submit("Cast my ballot", "voted yes")
    with server.session() as session:
        proposal = proposals.get_proposal(session, int(proposal_path.rsplit("/", 1)[1]))
        assert proposals.close_due_proposals(session, proposal.closes_at + timedelta(seconds=1)) == 1

    page = admin.open(proposal_path, "the petition, passed and applied")
    expect(page.locator("h1 .badge")).to_have_text("executed")
    expect(page.locator("#effects + ul")).to_contain_text("Inventory: Wheel truing stand")

    page = admin.link("Inventory", "the public inventory with the new item")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name="Wheel truing stand"))
    expect(row.locator("td")).to_have_text(["Wheel truing stand", "equipment", "15.00 RSC", "Alice's Bikes", "in use"])

    board = journey.member(bea)
    page = board.open(f"/companies/{company_id}", "the company, seen by the board")
    page = board.submit("Declare bankrupt", "the company, declared bankrupt")
    assert "The company is declared bankrupt." in board.flash()
    expect(page.locator("h1 .badge")).to_have_text("bankrupt")

    page = board.link("Inventory", "the inventory after the bankruptcy")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name="Wheel truing stand"))
    expect(row.locator("td").nth(4)).to_have_text("returned")
    expect(row.locator("td").nth(3)).to_have_text("the region")
    page = board.link("Wheel truing stand", "the item's history")
    assert board.figure("Status") == "returned"
    expect(page.locator("ul.list li")).to_have_count(2)
    expect(page.locator("ul.list li").last).to_contain_text("Alice's Bikes")

    page = board.link("Inventory", "the inventory again")
    page.get_by_label("Status").select_option("returned")
    page = board.submit("Filter", "the inventory, only returned items")
    assert page.url.endswith("status=returned")
    expect(page.get_by_role("link", name="Wheel truing stand")).to_be_visible()
    page.get_by_label("Status").select_option("in_use")
    page = board.submit("Filter", "the inventory, only items in use")
    expect(page.get_by_role("link", name="Wheel truing stand")).to_have_count(0)
