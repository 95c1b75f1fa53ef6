"""The treasury's private objects: a member's deposits, payouts and payout account are theirs and
their region's board's; another member, or the board of another region, finds nothing and changes
nothing."""
from __future__ import annotations

import pytest

from govern.extensions import db
from govern.members import service as members
from tests.security.conftest import PASSWORD, bearer_token, build_scenario, log_in, row_counts


@pytest.fixture
def world(app, now):
    scenario = build_scenario(db.session, now)
    members.join(db.session, email="hill@example.org", name="Hill Board", password=PASSWORD,
                 region_id=scenario.other_region_id, board=True, now=now)
    members_account = bearer_token(app.test_client(), scenario.member_email)
    app.test_client().put("/api/v1/me/payout-account", headers={"Authorization": f"Bearer {members_account}"},
                          json={"details": "Mia Member, Mill Bank 98-7654-3"})
    clients = {}
    for role, email in (("member", scenario.member_email), ("other", scenario.other_email),
                        ("admin", scenario.admin_email), ("board", scenario.board_email),
                        ("far_board", "hill@example.org")):
        client = app.test_client()
        log_in(client, email)
        clients[role] = (client, {"Authorization": f"Bearer {bearer_token(client, email)}"})
    return scenario, clients


def api(clients, role, method, path, **kwargs):
    client, headers = clients[role]
    return client.open(f"/api/v1{path}", method=method, headers=headers, **kwargs)


def test_a_members_deposit_and_payout_are_theirs_and_their_boards(world):
    scenario, clients = world
    deposit, payout = scenario.deposit_id, scenario.payout_id
    assert api(clients, "member", "GET", f"/deposits/{deposit}").get_json()["id"] == deposit
    assert api(clients, "board", "GET", f"/deposits/{deposit}").get_json()["member_id"] == scenario.member_id
    for role in ("other", "admin", "far_board"):
        assert api(clients, role, "GET", f"/deposits/{deposit}").status_code == 404, role
        assert deposit not in [d["id"] for d in api(clients, role, "GET", "/deposits").get_json()["items"]], role
        assert payout not in [p["id"] for p in api(clients, role, "GET", "/payouts").get_json()["items"]], role
        assert clients[role][0].get(f"/deposits/{deposit}").status_code == 404, role
        assert "Mill Bank 98-7654-3" not in str(api(clients, role, "GET", "/me/payout-account").get_json()), role


def test_the_board_of_another_region_can_neither_confirm_nor_pay_nor_read_this_regions_treasury(world, app):
    scenario, clients = world
    before = row_counts(db.session)
    answers = [
        api(clients, "far_board", "POST", f"/deposits/{scenario.deposit_id}/confirm", json={"bank_reference": "x"}),
        api(clients, "far_board", "POST", f"/deposits/{scenario.deposit_id}/reject", json={"reason": "x"}),
        api(clients, "far_board", "POST", f"/payouts/{scenario.payout_id}/paid", json={"bank_reference": "x"}),
        api(clients, "far_board", "POST", "/payouts/paid", json={"payout_ids": [scenario.payout_id],
                                                                  "bank_reference": "x"}),
        api(clients, "far_board", "POST", f"/bank-statement-lines/{scenario.statement_line_id}/dismiss",
            json={"note": "x"}),
    ]
    assert [a.status_code for a in answers] == [404] * 5
    assert api(clients, "far_board", "GET", "/bank-statement-lines").get_json()["items"] == []
    page = clients["far_board"][0].get("/treasury").get_data(as_text=True)
    assert "Mia Member" not in page and "Mill Bank 98-7654-3" not in page and "Bank fee" not in page
    assert clients["far_board"][0].get(f"/treasury/statements/{scenario.statement_id}").status_code == 404
    assert "Mill Bank 98-7654-3" not in clients["far_board"][0].get("/treasury/payouts.csv").get_data(as_text=True)
    assert row_counts(db.session) == before


def test_only_the_members_own_board_sees_where_they_are_paid(world):
    scenario, clients = world
    assert '"Mia Member, Mill Bank 98-7654-3"' in clients["board"][0].get("/treasury/payouts.csv").get_data(as_text=True)
    assert "Mill Bank 98-7654-3" in clients["board"][0].get("/treasury").get_data(as_text=True)
    assert "Mill Bank 98-7654-3" not in clients["other"][0].get("/convert").get_data(as_text=True)


def test_members_cannot_do_the_boards_part(world):
    scenario, clients = world
    before = row_counts(db.session)
    for role in ("member", "admin", "other"):
        assert api(clients, role, "POST", f"/deposits/{scenario.deposit_id}/confirm",
                   json={"bank_reference": "self-service"}).status_code == 403, role
        assert api(clients, role, "POST", "/bank-statements", json={
            "format": "csv", "content": "date,amount,reference\n2026-11-20,20.00,x\n"}).status_code == 403, role
        assert api(clients, role, "PUT", "/treasury/bank-details", json={"details": "pay me"}).status_code == 403
        assert clients[role][0].post("/treasury/bank-details", data={"details": "pay me"}).status_code == 404
    assert row_counts(db.session) == before
