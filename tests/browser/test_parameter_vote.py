"""Journey 3: members set the income tax rate by the median of their ballots."""
from datetime import timedelta

from playwright.sync_api import expect

from govern.proposals import service as proposals
from tests.browser.conftest import closes_in


def test_three_members_vote_an_income_tax_rate_and_the_median_becomes_the_regions_rate(journey, server):
    region_id = server.region("Riverside")
    ann, ben, cat = server.member("Ann Field"), server.member("Ben Stone"), server.member("Cat Reyes")

    proposer = journey.member(ann)
    page = proposer.link("Proposals", "proposals (none open)")
    page = proposer.link("New proposal", "what do you propose?", exact=False)
    page = proposer.link("Change a region parameter", "the parameter form")
    page.get_by_label("Title", exact=True).fill("Raise the income tax to fund the pool")
    page.get_by_label("What and why").fill("The pool is **too small** to buy the bakery next year.")
    page.get_by_label("Parameter", exact=True).select_option("income_tax_rate")
    page.get_by_label("Lowest value members may vote").fill("0")
    page.get_by_label("Highest value members may vote").fill("0.2")
    page.get_by_label("Voting closes (UTC)").fill(closes_in(minutes=30))
    page = proposer.submit("Open for voting", "the new proposal, open")
    assert "Your proposal is open for voting." in proposer.flash()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Raise the income tax to fund the pool")
    expect(page.locator(".prose strong")).to_have_text("too small")
    proposal_path = page.url.removeprefix(server.url)
    proposal_id = int(proposal_path.rsplit("/", 1)[1])

    for visitor, figure in ((proposer, "0.05"), (journey.member(ben), "0.03"), (journey.member(cat), "0.1")):
        page = visitor.open(proposal_path, "reads the proposal")
        ballot = page.get_by_label("Your figure")
        expect(page.get_by_text("From 0 to 0.2.")).to_be_visible()
        ballot.fill(figure)
        page = visitor.submit("Cast my ballot", f"voted {figure}")
        assert "Your ballot is in. Receipt:" in visitor.flash()
        expect(page.locator("#ballot")).to_contain_text(f"You voted: {figure}")

    expect(page.get_by_text("Results are shown when voting closes.")).to_be_visible()
    with server.session() as session:
        closes_at = proposals.get_proposal(session, proposal_id).closes_at
        assert proposals.close_due_proposals(session, closes_at + timedelta(seconds=1)) == 1

    page = proposer.open(proposal_path, "the proposal, closed, with its tally")
    expect(page.locator("h1 .badge")).to_have_text("executed")
    expect(page.locator("#result + p")).to_contain_text("0.05")
    chart = page.locator("svg[role=img]")
    expect(chart).to_have_count(1)
    expect(chart.locator("title")).to_have_text("The median of 3 ballots")
    expect(page.get_by_role("img", name="The median of 3 ballots")).to_be_visible()
    values = page.get_by_role("table", name="The median of 3 ballots").locator("tbody td")
    expect(values).to_have_text(["Lowest ballot", "0.03", "Median", "0.05", "Highest ballot", "0.1"])
    expect(page.locator("#effects")).to_be_visible()

    page = proposer.link("income_tax_rate: 0.02 → 0.05", "the region's page after the change")
    assert page.url.endswith(f"/regions/{region_id}")
    row = page.get_by_role("row").filter(has=page.locator("code", has_text="income_tax_rate")).first
    expect(row.locator("td").nth(1)).to_have_text("0.05")
    changes = page.get_by_role("table", name="Latest parameter changes and what caused them")
    expect(changes.locator("tbody tr").first).to_contain_text("income_tax_rate")
    expect(changes.locator("tbody tr").first).to_contain_text(f"proposal {proposal_id}")
