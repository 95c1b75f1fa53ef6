"""Promise: a member's email is seen by that member and by the board of their own region only; the
emails of a business's employees named in an acquisition are seen by that region's board only.
Found by a hostile visitor: a board member read other regions' members' emails through
`GET /api/v1/members/{id}`, and the proposal page showed employees' emails to logged-out visitors."""
from __future__ import annotations

from datetime import timedelta

import pytest

from govern.extensions import db
from govern.members import service as members
from govern.proposals import service as proposals
from tests.conftest import TEST_PASSWORD
from tests.integration.acquisitions.test_stories import BAKERY
from tests.security.conftest import bearer_token, build_scenario, log_in

EMPLOYEE_EMAIL = BAKERY["employees"][0]["email"]


@pytest.fixture
def world(app, now):
    scenario = build_scenario(db.session, now)
    members.join(db.session, email="hillboard@example.org", name="Hill Board", password=TEST_PASSWORD,
                 region_id=scenario.other_region_id, board=True, now=now)
    return scenario


def _api(client, email, path):
    return client.get(f"/api/v1{path}", headers={"Authorization": f"Bearer {bearer_token(client, email)}"})


def test_a_board_member_reads_the_emails_of_their_own_regions_members_only(app, world):
    client = app.test_client()
    path = f"/members/{world.member_id}"
    assert _api(client, world.board_email, path).get_json()["email"] == world.member_email
    assert _api(client, world.member_email, path).get_json()["email"] == world.member_email
    for outsider in ("hillboard@example.org", world.other_email, world.admin_email):
        assert "email" not in _api(client, outsider, path).get_json(), outsider
    for email, shown in (("hillboard@example.org", False), (world.board_email, True)):
        page = app.test_client()
        log_in(page, email)
        assert (world.member_email in page.get(path).get_data(as_text=True)) is shown, email


def _acquisition(world, now):
    proposer = members.get_member(db.session, world.member_id)
    return proposals.create_proposal(db.session, proposer, kind_key="acquisition", title="Buy the corner bakery",
                                     body="Good bread.", payload=BAKERY, closes_at=now + timedelta(days=2), now=now,
                                     min_voting_seconds=1, voting_request=None)


def test_an_acquisitions_employee_emails_are_for_the_regions_board_only(app, world, now):
    proposal = _acquisition(world, now)
    anonymous = app.test_client().get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Pat Dough" in anonymous and EMPLOYEE_EMAIL not in anonymous
    client = app.test_client()
    for email, shown in ((world.member_email, False), (world.admin_email, False), ("hillboard@example.org", False),
                         (world.board_email, True)):
        [employee] = _api(client, email, f"/proposals/{proposal.id}").get_json()["payload"]["employees"]
        assert employee["name"] == "Pat Dough" and ("email" in employee) is shown, email
        listed = _api(client, email, "/proposals").get_json()["items"]
        assert (EMPLOYEE_EMAIL in str(listed)) is (shown and any(p["id"] == proposal.id for p in listed)), email
        page = app.test_client()
        log_in(page, email)
        assert (EMPLOYEE_EMAIL in page.get(f"/proposals/{proposal.id}").get_data(as_text=True)) is shown, email
    assert proposals.get_proposal(db.session, proposal.id).payload["employees"][0]["email"] == EMPLOYEE_EMAIL


def test_what_carrying_out_an_acquisition_will_move_names_emails_to_the_board_only(app, world, now):
    proposal = _acquisition(world, now)
    for voter_id in (world.board_id, world.admin_id, world.member_id):
        proposals.cast_ballot(db.session, members.get_member(db.session, voter_id), proposal.id, "yes", now)
    proposals.close_proposal(db.session, proposal.id, now + timedelta(days=3))
    assert proposals.get_proposal(db.session, proposal.id).status == "passed"
    for email, shown in ((None, False), (world.other_email, False), (world.board_email, True)):
        client = app.test_client()
        if email:
            log_in(client, email)
        page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
        assert "What carrying it out will move" in page
        expected = f"Pat Dough &lt;{EMPLOYEE_EMAIL}&gt; is invited" if shown else "Pat Dough is invited"
        assert expected in page and (EMPLOYEE_EMAIL in page) is shown, email
