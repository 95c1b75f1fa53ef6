"""Journey 4: members vote to buy a business; the board reviews what will move and carries it out."""
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from govern.members import service as members
from govern.proposals import service as proposals
from tests.browser.conftest import closes_in, utcnow

EMPLOYEE = "Pat Dough, pat@example.org, baker, 22.00"
BAKERY = {"business_name": "Corner Bakery", "seller": "Mrs. Baker", "price": {"amount": "30.00", "currency": "USD"},
          "industry": "bakery", "employees": [{"name": "Pat Dough", "email": "pat@example.org", "occupation": "baker",
                                               "hourly_wage": {"amount": "22.00", "currency": "RSC"}}]}


def test_an_approved_acquisition_is_reviewed_and_carried_out_by_the_board_and_links_to_what_it_made(journey, server):
    server.region("Riverside")
    mia = server.member("Mia Chen")
    bea, bob = server.member("Bea Board", board=True), server.member("Bob Board", board=True)
    assert server.fill_pool(mia) == 10000  # 100.00 RSC in the capital pool

    proposer = journey.member(mia)
    page = proposer.open("/proposals/new/acquisition", "the acquisition form")
    page.get_by_label("Title", exact=True).fill("Buy the Corner Bakery")
    page.get_by_label("What and why").fill("Mrs. Baker retires; the bakery keeps its baker.")
    page.get_by_label("Business", exact=True).fill("Corner Bakery")
    page.get_by_label("Seller", exact=True).fill("Mrs. Baker")
    page.get_by_label("Price", exact=True).fill("30.00")
    page.get_by_label("Currency", exact=True).select_option("USD")
    page.get_by_label("Industry", exact=True).fill("bakery")
    page.get_by_label("Employees", exact=True).fill(EMPLOYEE)
    page.get_by_label("Voting closes (UTC)").fill(closes_in(minutes=30))
    page = proposer.submit("Open for voting", "the acquisition, open")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Buy the Corner Bakery")
    proposal_path = page.url.removeprefix(server.url)
    proposal_id = int(proposal_path.rsplit("/", 1)[1])

    first_board, second_board = journey.member(bea), journey.member(bob)
    for visitor, choice in ((proposer, "Yes"), (first_board, "Yes"), (second_board, "No")):
        page = visitor.open(proposal_path, "reads the acquisition")
        page.get_by_role("radio", name=choice, exact=True).check()
        page = visitor.submit("Cast my ballot", f"voted {choice.lower()}")
        assert "Your ballot is in." in visitor.flash()
    with server.session() as session:
        closes_at = proposals.get_proposal(session, proposal_id).closes_at
        assert proposals.close_due_proposals(session, closes_at + timedelta(seconds=1)) == 1

    page = first_board.link("To carry out", "the board's queue")
    expect(page.get_by_role("heading", level=1)).to_have_text("Approved, waiting for the board")
    page = first_board.link("Buy the Corner Bakery", "the approved acquisition, before confirming")
    expect(page.locator("h1 .badge")).to_have_text("passed")
    expect(page.get_by_role("img", name="Ballots: 3 of 3 voters")).to_be_visible()
    expect(page.get_by_role("heading", name="What carrying it out will move")).to_be_visible()
    moves = page.locator("ul.preview li")
    expect(moves).to_have_count(4)
    expect(moves.nth(0)).to_contain_text("The capital pool pays 30.00 USD")
    expect(moves.nth(0)).to_contain_text("it holds 100.00 RSC and can pay. Paid to Mrs. Baker.")
    expect(moves.nth(1)).to_contain_text("A region-owned company “Corner Bakery” (bakery) is created")
    expect(moves.nth(2)).to_have_text("No manager is named: the board runs the company until its workers elect an admin.")
    expect(moves.nth(3)).to_have_text("Pat Dough <pat@example.org> is invited to join as baker at 22.00 RSC an hour, "
                                      "which they keep until a vote raises it.")
    expect(page.get_by_text("It takes 2 board confirmations.")).to_be_visible()
    page = first_board.submit("Confirm and carry out", "the first board confirmation")
    assert "Your confirmation is recorded: 1 of 2 needed." in first_board.flash()
    expect(page.locator("h1 .badge")).to_have_text("passed")

    page = second_board.link("To carry out", "the queue, for the second board member")
    page = second_board.link("Buy the Corner Bakery", "the acquisition, for the second board member")
    page = second_board.submit("Confirm and carry out", "the acquisition, carried out")
    expect(page.locator("h1 .badge")).to_have_text("executed")
    changed = page.locator("#effects + ul li")
    expect(changed).to_have_count(4)
    expect(changed.filter(has_text="Invitation: Pat Dough, baker (open)").get_by_role("link")).to_be_visible()

    page = second_board.link("Company: Corner Bakery", "the new region-owned company")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Corner Bakery")
    assert second_board.figure("Owned by") == "the region"
    assert second_board.figure("Industry") == "bakery"

    page = second_board.open(proposal_path, "back to the acquisition")
    page = second_board.link("Inventory: Business: Corner Bakery", "the business in the inventory")
    expect(page.get_by_role("heading", level=1)).to_have_text("Business: Corner Bakery")
    assert second_board.figure("Held by") == "Corner Bakery"
    assert second_board.figure("Cost") == "30.00 USD"
    assert second_board.figure("Status") == "in use"

    page = second_board.open(proposal_path, "back to the acquisition again")
    second_board.link("Ledger entry #", "where the ledger entry link leads", exact=False)


def test_the_ledger_entry_an_acquisition_posted_is_shown_where_its_link_leads(journey, server):
    server.region("Riverside")
    mia = server.member("Mia Chen")
    bea, bob = server.member("Bea Board", board=True), server.member("Bob Board", board=True)
    server.fill_pool(mia)
    with server.session() as session:
        now = utcnow()
        author, board = members.get_member(session, mia.id), [members.get_member(session, p.id) for p in (bea, bob)]
        proposal = proposals.create_proposal(session, author, kind_key="acquisition", title="Buy the Corner Bakery",
                                             body="", payload=BAKERY, closes_at=now + timedelta(minutes=5), now=now,
                                             min_voting_seconds=1)
        for voter in (author, *board):
            proposals.cast_ballot(session, voter, proposal.id, "yes", now)
        later = now + timedelta(minutes=6)
        proposals.close_proposal(session, proposal.id, later)
        for person in board:
            proposals.confirm_execution(session, person, proposal.id, later)
        proposal_id = proposal.id
    visitor = journey.visitor("anybody")
    visitor.open(f"/proposals/{proposal_id}", "the carried-out acquisition")
    page = visitor.link("Ledger entry #", "where the ledger entry link leads", exact=False)
    expect(page.get_by_text("Acquisition of Corner Bakery from Mrs. Baker").first).to_be_visible()


def test_the_board_pays_the_bought_bakerys_baker_the_wage_she_was_invited_at(journey, server):
    """Nobody manages the bakery yet: the board runs it. Pat joins through her invitation, the board
    enters her hours and pays her the invited 22.00 (the wage table says 15.00), and she reads it."""
    from govern.acquisitions import service as acquisitions
    from govern.wages import service as wages
    from tests.funding import record_income

    server.region("Riverside")
    mia = server.member("Mia Chen")
    bea, bob = server.member("Bea Board", board=True), server.member("Bob Board", board=True)
    server.fill_pool(mia)
    with server.session() as session:
        now = utcnow()
        author, board = members.get_member(session, mia.id), [members.get_member(session, p.id) for p in (bea, bob)]
        wages.set_wage(session, author.region_id, "baker", None, 1_500, now=now, cause_type="test", cause_id=None)
        proposal = proposals.create_proposal(session, author, kind_key="acquisition", title="Buy the Corner Bakery",
                                             body="", payload=BAKERY, closes_at=now + timedelta(minutes=5), now=now,
                                             min_voting_seconds=1)
        for voter in (author, *board):
            proposals.cast_ballot(session, voter, proposal.id, "yes", now)
        later = now + timedelta(minutes=6)
        proposals.close_proposal(session, proposal.id, later)
        for person in board:
            proposals.confirm_execution(session, person, proposal.id, later)
        [invitation] = acquisitions.invitations_of(session, proposal.id)
        token, company_id = invitation.token, invitation.company_id
        record_income(session, board[0], company_id, 50_000, "bread", utcnow())

    pat = journey.visitor("Pat, invited")
    page = pat.open(f"/invitations/{token}", "her invitation")
    page.get_by_label("Choose a password").fill("amber-otter-cascade-42")
    page = pat.submit("Accept", "joined the co-op and the bakery")
    assert "Welcome" in pat.flash()

    board_member = journey.member(bea)
    page = board_member.open(f"/companies/{company_id}", "the bakery, run by the board")
    expect(page.locator("#management")).to_contain_text("The board runs this company")
    workers = page.get_by_role("table", name="Who works here and at what rate")
    expect(workers).to_contain_text("kept from 22.00 RSC")
    hours = page.locator("section#hours")
    hours.get_by_label("Worker").select_option(label="Pat Dough")
    hours.get_by_label("From").fill("2026-12-01")
    hours.get_by_label("To (included)").fill("2026-12-05")
    hours.locator("input[name=hours]").fill("10")
    page = board_member.submit("Enter hours", "Pat's hours")
    assert "Hours entered." in board_member.flash()
    payroll = page.locator("section#run-payroll")
    payroll.locator("input[name=period_start]").fill("2026-12-01")
    payroll.locator("input[name=period_end]").fill("2026-12-05")
    page = board_member.submit("Preview", "the payroll preview")
    expect(page.locator("tbody tr").first).to_contain_text("22.00 RSC")
    page = board_member.submit("Confirm and pay 220.00 RSC", "the bakery's payroll, paid")
    assert "Payroll paid." in board_member.flash()

    page = pat.open("/payslips", "her payslip")
    slip = page.get_by_role("table", name="Every pay, newest first").locator("tbody tr").first
    expect(slip).to_contain_text("Corner Bakery")
    expect(slip).to_contain_text("22.00 RSC")
    expect(slip).to_contain_text("215.60 RSC")  # 220.00 less 2% income tax
