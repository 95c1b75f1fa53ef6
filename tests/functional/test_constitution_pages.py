"""The constitution on the pages: the proposal form says the chosen kind's floor in plain words,
an open proposal shows its turnout against its quorum, the region's page shows every floor, and
an election's page takes nominations."""
from datetime import timedelta

import pytest

from govern.clock import utcnow
from govern.extensions import db
from govern.members import service as members
from govern.proposals import service as proposals
from govern.regions import service as regions
from tests.functional.test_pages import login
from tests.conftest import TEST_PASSWORD


def closes(days: int) -> str:
    return (utcnow() + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def production_app(app_factory):
    """As in production: no GOVERN_MIN_VOTING_SECONDS, so each kind's min_voting_days applies."""
    app = app_factory(GOVERN_MIN_VOTING_SECONDS=None)
    with app.app_context():
        region = regions.create_region(db.session, "Riverside", utcnow())
        members.join(db.session, email="alice@example.org", name="Alice", password=TEST_PASSWORD,
                     region_id=region.id, now=utcnow())
        client = app.test_client()
        login(client)
        yield client, region


def test_the_proposal_form_says_the_kinds_floor_in_plain_words(production_app):
    client, _ = production_app
    split = client.get("/proposals/new/split").get_data(as_text=True)
    assert "This kind of proposal needs 40% of members to vote and two thirds yes; at least 14 days." in split
    election = client.get("/proposals/new/board_election").get_data(as_text=True)
    assert "needs 20% of members to vote; seats are filled by single transferable vote; at least 7 days." in election
    parameter = client.get("/proposals/new/parameter").get_data(as_text=True)
    assert "needs 20% of members to vote; the median vote wins; at least 3 days." in parameter
    assert ("To change a floor (quorum.*, threshold.*, min_voting_days.*), a yes/no vote on its new value: needs 50% "
            "of members to vote and two thirds yes; at least 14 days.") in parameter
    chooser = client.get("/proposals/new").get_data(as_text=True)
    assert "It needs 50% of members to vote and three quarters yes; at least 30 days." in chooser


def test_the_form_follows_the_regions_own_floors(production_app):
    client, region = production_app
    regions.set_parameter(db.session, region.id, "quorum.referendum", "0.25", cause_type="test", cause_id=None,
                          now=utcnow())
    assert "needs 25% of members to vote and more yes than no; at least 1 day." in \
        client.get("/proposals/new/referendum").get_data(as_text=True)


def test_a_form_asking_for_less_than_the_floor_comes_back_with_the_reason_by_the_field(production_app):
    client, _ = production_app
    answer = client.post("/proposals/new/dissolution", data={
        "title": "Dissolve", "closes_at": closes(31), "payload_municipality": "Springfield", "quorum": "0.1"})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert "the quorum must be at least 0.5 (50% of the voters): the least this region allows" in page
    short = client.post("/proposals/new/dissolution", data={
        "title": "Dissolve", "closes_at": closes(10), "payload_municipality": "Springfield"}).get_data(as_text=True)
    assert "must be at least 30 days from now: the least voting period this region set" in short


def test_a_floor_is_changed_through_the_parameter_form_by_a_yes_no_vote(production_app):
    client, _ = production_app
    answer = client.post("/proposals/new/parameter", data={
        "title": "A higher bar to dissolve", "closes_at": closes(15), "payload_name": "quorum.dissolution",
        "payload_value": "0.6"}, follow_redirects=True)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200, page
    assert "two thirds" in page and "quorum 50% of voters" in page
    assert 'name="choice" value="yes"' in page


def test_an_open_proposal_shows_its_turnout_against_its_quorum(client, member, make_member, propose, now):
    others = [make_member() for _ in range(3)]
    proposal = propose(member, voting={"quorum": "0.5"})
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "0 of 4 (0%); the quorum is 2 (50% of voters):" in page and "2 more ballots needed" in page
    proposals.cast_ballot(db.session, others[0], proposal.id, "abstain", now)
    assert "1 more ballot needed" in client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    proposals.cast_ballot(db.session, others[1], proposal.id, "no", now)
    assert "(50% of voters):\n      reached" in client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    plain = propose(member)
    assert "no quorum is needed" in client.get(f"/proposals/{plain.id}").get_data(as_text=True)


def test_a_proposal_rejected_for_its_quorum_says_so(client, member, make_member, propose, now):
    make_member()
    proposal = propose(member, voting={"quorum": "1"})
    proposals.cast_ballot(db.session, member, proposal.id, "yes", now)
    proposals.close_proposal(db.session, proposal.id, now + timedelta(days=3))
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Quorum not met: 1 of 2 voted, 2 needed." in page and "the quorum was 2: not met" in page
    records = client.get(f"/records/proposals?region={proposal.region_id}").get_data(as_text=True)
    assert "Quorum not met: 1 of 2 voted, 2 needed." in records


def test_the_region_page_shows_the_constitution(client, region, now):
    regions.set_parameter(db.session, region.id, "quorum.split", "0.45", cause_type="test", cause_id=None, now=now)
    page = client.get(f"/regions/{region.id}").get_data(as_text=True)
    assert 'id="constitution"' in page and "Floors by kind of proposal" in page
    split = page[page.index("<code>split</code>"):]
    assert split.index("45% of members") < split.index("two thirds yes") < split.index("14 days") < split.index("</tr>")
    footer = page[page.index("<tfoot>"):page.index("</tfoot>")]
    assert "<code>constitution</code>" in footer and "50% of members" in footer and "two thirds yes" in footer
    assert "— (single transferable vote)" in page
    parameters_table = page[page.index("Values members set by vote"):page.index('id="constitution"')]
    assert "income_tax_rate" in parameters_table and "quorum.split" not in parameters_table


def test_members_stand_for_election_from_its_page_until_nominations_close(client, member, make_member, propose, now):
    author = make_member(name="Author")
    election = propose(author, "board_election", {"seats": 1, "candidates": [author.id],
                                                  "nominations_close_at": (now + timedelta(days=2)).isoformat()},
                       closes_in=timedelta(days=9))
    login(client)
    page = client.get(f"/proposals/{election.id}").get_data(as_text=True)
    assert "Nominations are open until" in page and "Stand as a candidate" in page
    assert "Voting opens" in page and "Cast my ballot" not in page
    stood = client.post(f"/proposals/{election.id}/candidacy", follow_redirects=True).get_data(as_text=True)
    assert "You are a candidate in this election." in stood and "Withdraw my candidacy" in stood
    assert "2 candidates for 1 seat" in stood
    withdrawn = client.post(f"/proposals/{election.id}/candidacy/withdraw", follow_redirects=True).get_data(as_text=True)
    assert "You are no longer a candidate." in withdrawn and "1 candidate for 1 seat" in withdrawn


def test_the_election_form_takes_a_nomination_window(client, member, region):
    login(client)
    answer = client.post("/proposals/new/board_election", data={
        "title": "Elect the board", "closes_at": closes(10), "payload_seats": "1", "payload_candidates": str(member.id),
        "payload_nominations_close_at": closes(2)}, follow_redirects=True)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200, page
    assert "Nominations are open until" in page and "Re-open nominations" not in page.split("Your ballot")[1]
