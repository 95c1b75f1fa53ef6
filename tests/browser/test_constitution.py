"""Journey: the constitution as members meet it — the rule of a kind on its form, a looser rule
refused next to its field, turnout against the quorum on an open proposal, a proposal rejected
for too few voters, and the floors on the region's page."""
from datetime import timedelta

from playwright.sync_api import expect

from govern.proposals import service as proposals
from govern.regions import service as regions
from tests.browser.conftest import closes_in


def test_a_member_reads_the_floor_meets_the_quorum_and_finds_the_constitution(journey, server):
    region_id = server.region("Riverside")
    ann, *_ = (server.member(name) for name in ("Ann Field", "Ben Stone", "Cat Reyes", "Dan Vale"))

    proposer = journey.member(ann)
    page = proposer.open("/proposals/new", "what do you propose? each kind with its floor")
    expect(page.get_by_text("It needs 50% of members to vote and three quarters yes;", exact=False)).to_be_visible()
    page = proposer.link("Dissolve the region", "the dissolution form with its rule")
    expect(page.locator(".rules")).to_contain_text("This kind of proposal needs 50% of members to vote and three "
                                                   "quarters yes")
    page.get_by_label("Title", exact=True).fill("Hand everything to the town")
    page.get_by_label("Municipality that receives the assets").fill("Springfield")
    page.get_by_label("Voting closes (UTC)").fill(closes_in(minutes=30))
    page.get_by_label("Quorum (share of voters who must vote, 0 to 1)").fill("0.1")
    page = proposer.submit("Open for voting", "a looser quorum, refused by its field", status=400)
    expect(page.locator(".field.has-error")).to_contain_text("the quorum must be at least 0.5 (50% of the voters): the least this region allows")
    page.get_by_label("Quorum (share of voters who must vote, 0 to 1)").fill("")
    page = proposer.submit("Open for voting", "the dissolution, open")
    proposal_path = page.url.removeprefix(server.url)
    turnout = page.locator("#turnout")
    expect(turnout).to_contain_text("0 of 4 (0%); the quorum is 2 (50% of voters)")
    expect(turnout).to_contain_text("2 more ballots needed")

    page.get_by_label("Yes").check()
    page = proposer.submit("Cast my ballot", "voted yes; one more ballot needed")
    expect(page.locator("#turnout")).to_contain_text("1 more ballot needed")

    proposal_id = int(proposal_path.rsplit("/", 1)[1])
    with server.session() as session:
        closes_at = proposals.get_proposal(session, proposal_id).closes_at
        assert proposals.close_due_proposals(session, closes_at + timedelta(seconds=1)) == 1
    page = proposer.open(proposal_path, "rejected for its quorum")
    expect(page.locator("h1 .badge")).to_have_text("rejected")
    expect(page.locator("#result + p")).to_contain_text("Quorum not met: 1 of 4 voted, 2 needed.")

    page = proposer.open(f"/regions/{region_id}", "the region's page with its constitution")
    floors = page.get_by_role("table", name="Floors by kind of proposal")
    expect(floors).to_be_visible()
    dissolution = floors.get_by_role("row").filter(has=page.locator("code", has_text="dissolution"))
    expect(dissolution).to_contain_text("50% of members")
    expect(dissolution).to_contain_text("three quarters yes")
    expect(dissolution).to_contain_text("30 days")
    expect(floors.locator("tfoot")).to_contain_text("two thirds yes")
    expect(page.locator(".lead")).not_to_contain_text("dissolved")
    with server.session() as session:
        assert regions.get_region(session, region_id).status == "active"
