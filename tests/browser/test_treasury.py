"""Journey: USD is real. A member adds money and gets a reference and the co-op's bank details;
the board confirms the deposit on its treasury page; the RSC arrives; the member cashes some out
and the board pays it; anyone reads the reconciliation."""
from playwright.sync_api import expect


def test_a_member_adds_money_the_board_confirms_it_and_later_pays_out_what_they_cash_out(journey, server):
    server.region("Riverside")
    bea = server.member("Bea Board", board=True)
    nia = server.member("Nia Lee")

    board = journey.member(bea)
    page = board.link("Treasury", "the board's treasury page, empty")
    page.get_by_label("The co-op's bank account").fill("Riverside Co-op\nMill Bank, account 12-3456-7")
    page = board.submit("Publish", "bank details published")
    assert "The bank details are published" in board.flash()

    member = journey.member(nia)
    page = member.link("Add money", "the add-money page")
    expect(page.locator(".bank-details")).to_contain_text("Mill Bank, account 12-3456-7")
    page.get_by_label("Amount (USD)").fill("250.00")
    page = member.submit("Get my reference", "the deposit with its reference")
    reference = page.locator(".reference").inner_text()
    assert reference.startswith("RSC-") and reference in member.flash()
    assert member.figure("RSC issued") == "not yet"
    page = member.link("Dashboard", "dashboard: money on its way")
    assert member.figure("Your balance") == "0.00 RSC"
    expect(page.get_by_role("link", name=reference)).to_be_visible()

    page = board.open("/treasury", "the treasury page with a waiting deposit")
    row = page.get_by_role("row").filter(has_text=reference)
    expect(row).to_contain_text("Nia Lee")
    row.get_by_label(f"Bank reference for {reference}").fill("MB-2026-11-20-0042")
    page = board.follow(row.get_by_role("button", name="Confirm"), "deposit confirmed")
    assert f"Deposit {reference} confirmed: 250.00 RSC issued." in board.flash()

    page = member.link("Dashboard", "dashboard with the RSC")
    assert member.figure("Your balance") == "250.00 RSC"
    page = member.link("Convert USD ⇄ RSC", "the convert page")
    page.get_by_label("Your bank account for payouts").fill("Nia Lee, Mill Bank 98-7654-3")
    page = member.submit("Save", "payout account saved")
    page.get_by_label("Cash out RSC to USD").check()
    page.get_by_label("Amount", exact=True).fill("40.00")
    page = member.submit("Convert", "cashed out: a payout owed")
    expect(page.get_by_role("table", name="USD the co-op owes you or has paid you")).to_contain_text("owed")

    page = board.open("/treasury", "the treasury page with a payout to make")
    payouts = page.locator("#payouts")
    expect(payouts).to_contain_text("Nia Lee, Mill Bank 98-7654-3")
    payouts.get_by_role("checkbox").first.check()
    payouts.get_by_label("Bank reference of the transfer").fill("MB-OUT-7")
    page = board.submit("Mark the ticked payouts paid", "payout paid")
    assert "1 payout of 40.00 USD in all marked paid." in board.flash()

    page = member.open("/convert", "the convert page: the payout was paid")
    expect(page.get_by_role("table", name="USD the co-op owes you or has paid you")).to_contain_text("MB-OUT-7")
    visitor = journey.visitor("visitor")
    visitor.open("/treasury/reconciliation", "the public reconciliation")
    assert visitor.figure("USD reserve (ledger)") == "210.00 USD"
    assert visitor.figure("Payouts owed") == "0.00 USD"
