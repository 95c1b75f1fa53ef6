"""Journey 6: a board election by ranked ballot, cast with the keyboard alone and without JavaScript."""
from datetime import timedelta

from playwright.sync_api import expect

from govern.members import service as members
from govern.proposals import service as proposals
from tests.browser.conftest import closes_in, utcnow

FOCUS_RING = """() => { const style = getComputedStyle(document.activeElement);
  return {id: document.activeElement.id, outline: style.outlineStyle, width: parseFloat(style.outlineWidth)}; }"""


def focused(page) -> dict:
    return page.evaluate(FOCUS_RING)


def test_a_board_election_is_ranked_with_the_keyboard_and_without_javascript_and_shows_its_results(journey, server):
    server.region("Riverside")
    ada = server.member("Ada Lovell", board=True)
    cara, dev, eli = server.member("Cara Mendes"), server.member("Dev Okafor"), server.member("Eli Brandt")
    fay, gus = server.member("Fay Keys"), server.member("Gus Plain")

    proposer = journey.member(ada)
    page = proposer.open("/proposals/new/board_election", "the election form")
    page.get_by_label("Title", exact=True).fill("Elect next year's board")
    page.get_by_label("Seats", exact=True).fill("1")
    # Candidates by name, as people know each other (a number works too)
    page.get_by_label("Candidates (names or member numbers, separated by commas)").fill(
        f"Cara Mendes, dev okafor, {eli.id}")
    page.get_by_label("Voting closes (UTC)").fill(closes_in(minutes=30))
    page = proposer.submit("Open for voting", "the election, open")
    expect(page.locator("h1 .badge")).to_have_text("open")
    proposal_path = page.url.removeprefix(server.url)
    proposal_id = int(proposal_path.rsplit("/", 1)[1])
    with server.session() as session:  # Ada's own ballot, through the service
        proposals.cast_ballot(session, members.get_member(session, ada.id), proposal_id,
                              [f"m{cara.id}", f"m{dev.id}"], utcnow())

    # Fay ranks Dev, then Cara, then Eli, with the keyboard alone.
    keyboard = journey.member(fay)
    page = keyboard.open(proposal_path, "the ranked ballot")
    expect(page.get_by_role("group", name="Rank the candidates")).to_be_visible()
    page.get_by_label("Preference 1").focus()
    page.keyboard.type("Dev")                      # type-ahead picks "Dev Okafor"
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "rank_2"
    ring = focused(page)
    assert ring["outline"] != "none" and ring["width"] >= 2, f"no visible focus on the select: {ring}"
    page.keyboard.type("Cara")
    page.keyboard.press("Tab")
    for _ in range(3):                             # —, Cara, Dev, Eli: down three times
        page.keyboard.press("ArrowDown")
    expect(page.get_by_label("Preference 1")).to_have_value(f"m{dev.id}")
    expect(page.get_by_label("Preference 2")).to_have_value(f"m{cara.id}")
    expect(page.get_by_label("Preference 3")).to_have_value(f"m{eli.id}")
    expect(page.get_by_label("Preference 4")).to_contain_text("Re-open nominations")  # on every ballot
    page.keyboard.press("Tab")                     # Fay leaves her fourth preference empty
    assert focused(page)["id"] == "rank_4"
    page.keyboard.press("Tab")
    button = page.get_by_role("button", name="Cast my ballot")
    expect(button).to_be_focused()
    assert focused(page)["outline"] != "none", "no visible focus on the button"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page = keyboard.check("the ranked ballot, cast with the keyboard")
    assert "Your ballot is in." in keyboard.flash()
    expect(page.locator("#ballot")).to_contain_text("You voted: Dev Okafor > Cara Mendes > Eli Brandt")
    expect(page.get_by_label("Preference 1")).to_have_value(f"m{dev.id}")  # the form shows the ballot cast

    # Gus ranks Dev, then Eli, with JavaScript off.
    plain = journey.member(gus, java_script_enabled=False)
    page = plain.open(proposal_path, "the ranked ballot without javascript")
    page.get_by_label("Preference 1").select_option(label="Dev Okafor")
    page.get_by_label("Preference 2").select_option(label="Eli Brandt")
    page = plain.submit("Cast my ballot", "the ranked ballot, cast without javascript")
    assert "Your ballot is in." in plain.flash()
    expect(page.locator("#ballot")).to_contain_text("You voted: Dev Okafor > Eli Brandt")
    expect(page.get_by_text("Results are shown when voting closes.")).to_be_visible()

    with server.session() as session:
        closes_at = proposals.get_proposal(session, proposal_id).closes_at
        assert proposals.close_due_proposals(session, closes_at + timedelta(seconds=1)) == 1

    page = plain.open(proposal_path, "the election results")
    expect(page.locator("h1 .badge")).to_have_text("executed")
    expect(page.locator("#result + p")).to_contain_text("Dev Okafor")
    expect(page.get_by_role("img", name="First preferences")).to_be_visible()
    firsts = page.get_by_role("table", name="First preferences").locator("tbody td")
    expect(firsts).to_have_text(["Cara Mendes", "1", "Dev Okafor", "2", "Eli Brandt", "0", "Re-open nominations", "0"])
    expect(page.get_by_role("table", name="Counting rounds", exact=False)).to_be_visible()
    page = plain.link("Board seat: Dev Okafor", "the new board member's profile")
    assert "board" in plain.figure("Roles")
