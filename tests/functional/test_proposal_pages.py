"""Proposal pages: proposing, voting with forms that fit the method, results with a chart."""
from datetime import timedelta

from govern.extensions import db
from govern.proposals import service as proposals
from govern.proposals.models import Proposal
from tests.functional.test_pages import login


def test_a_member_proposes_a_tax_change_through_the_form(client, member, region, now):
    login(client)
    form = client.get("/proposals/new/parameter").get_data(as_text=True)
    assert "Lowest value members may vote" in form
    response = client.post("/proposals/new/parameter", data={
        "title": "Tax at 5%", "body": "Why *not*", "closes_at": (proposals_now() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        "payload_name": "income_tax_rate", "payload_min": "0", "payload_max": "0.1",
    }, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    assert "Tax at 5%" in page and "<em>not</em>" in page
    assert "Your figure" in page


def test_bad_proposal_input_shows_the_form_again_with_the_message_by_the_field(client, member, region):
    login(client)
    response = client.post("/proposals/new/parameter", data={
        "title": "Tax", "closes_at": (proposals_now() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        "payload_name": "income_tax_rate", "payload_min": "0.5", "payload_max": "0.1",
    })
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "must not be below the lowest value" in page
    assert 'value="Tax"' in page


def test_markdown_in_a_proposal_is_sanitized(client, member, propose):
    proposal = proposals.create_proposal(
        db.session, member, kind_key="referendum", title="XSS?", payload={},
        body='<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>',
        closes_at=proposals_now() + timedelta(days=1), now=proposals_now(), min_voting_seconds=1)
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    section = page[page.index('aria-label="Proposal text"'):page.index("</section>")]
    assert "<script" not in section and 'href="javascript' not in section and "<img" not in section
    assert "&lt;script&gt;" in section  # shown as text, never run


def proposals_now():
    from govern.clock import utcnow

    return utcnow()


def test_voting_through_the_page_gives_a_receipt_and_shows_the_ballot(client, member, propose):
    proposal = propose(member, at=proposals_now())
    login(client)
    response = client.post(f"/proposals/{proposal.id}/ballot", data={"choice": "yes"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Your ballot is in. Receipt:" in page
    assert "Replace my ballot" in page


def test_a_ranked_ballot_form_works_without_javascript(client, member, make_member, region):
    candidates = [make_member(name=n) for n in ("Ann", "Ben", "Cat")]
    now = proposals_now()
    proposal = proposals.create_proposal(
        db.session, member, kind_key="board_election", title="Board", body="", now=now, min_voting_seconds=1,
        payload={"seats": 1, "candidates": [c.id for c in candidates]}, closes_at=now + timedelta(days=1))
    login(client)
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert page.count("<select") == 4 and "Preference 1" in page  # three candidates and re-opening nominations
    assert "Re-open nominations" in page
    options = {o["label"]: o["id"] for o in proposal.voting["options"]}
    client.post(f"/proposals/{proposal.id}/ballot", data={"rank_1": options["Cat"], "rank_2": options["Ann"], "rank_3": ""})
    ballot = proposals.ballot_of(db.session, proposal.id, member.id)
    assert proposals.voting.decode_choice(proposals.rule_of(proposal), ballot.choice) == [options["Cat"], options["Ann"]]


def test_a_closed_proposal_shows_its_result_and_a_chart_with_the_numbers(client, member, make_member, propose, now):
    others = [make_member() for _ in range(2)]
    proposal = propose(member)
    for voter, choice in zip([member, *others], ("yes", "yes", "no")):
        proposals.cast_ballot(db.session, voter, proposal.id, choice, now)
    proposals.close_proposal(db.session, proposal.id, now + timedelta(days=3))
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Passed" in page
    assert '<svg class="chart" role="img"' in page and "<title" in page
    assert "<td>Yes</td><td class=\"num\">2</td>" in page


def test_the_proposals_list_has_open_closed_and_mine_tabs(client, member, make_member, propose, now):
    mine = propose(member, title="Mine and open", at=proposals_now())
    other = make_member()
    closed = propose(other, title="Theirs and closed", at=proposals_now())
    proposals.close_proposal(db.session, closed.id, proposals_now() + timedelta(days=3))
    login(client)
    assert "Mine and open" in client.get("/proposals").get_data(as_text=True)
    assert "Theirs and closed" in client.get("/proposals?tab=closed").get_data(as_text=True)
    mine_tab = client.get("/proposals?tab=mine").get_data(as_text=True)
    assert "Mine and open" in mine_tab and "Theirs and closed" not in mine_tab
    assert client.get("/proposals?tab=nope").status_code == 404


def test_the_header_counts_unread_notifications(client, member, make_member, propose, now):
    other = make_member()
    proposal = propose(other, closes_in=timedelta(hours=20))
    proposals.send_closing_reminders(db.session, now)
    login(client)
    page = client.get("/dashboard").get_data(as_text=True)
    assert 'aria-label="1 unread"' in page
    listed = client.get("/notifications").get_data(as_text=True)
    assert f"/proposals/{proposal.id}" in listed
    client.post("/notifications")
    assert 'aria-label="1 unread"' not in client.get("/dashboard").get_data(as_text=True)


def test_comments_join_the_discussion(client, member, propose):
    proposal = propose(member, at=proposals_now())
    login(client)
    page = client.post(f"/proposals/{proposal.id}/comments", data={"body": "I **agree**"},
                       follow_redirects=True).get_data(as_text=True)
    assert "<strong>agree</strong>" in page


def test_the_author_cancels_from_the_page(client, member, propose):
    proposal = propose(member, at=proposals_now())
    login(client)
    client.post(f"/proposals/{proposal.id}/cancel")
    assert db.session.get(Proposal, proposal.id).status == "cancelled"
