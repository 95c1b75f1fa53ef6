"""An acquired business runs for real through the API: the board reads the invitations, the welder
accepts with their own token, the board (running the company) enters hours and pays the invited
wage; then its workers elect an admin, it buys outside with its grant, and the region's money
comes back (API.md "1.1 — co-op-owned companies")."""
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from govern.companies import surplus
from govern.extensions import db
from tests.conftest import TEST_PASSWORD
from tests.coop import FORGE, acquire

WES = SimpleNamespace(email="wes@example.org")  # who the invitation makes a member, to log in as


def rsc(amount):
    return {"amount": amount, "currency": "RSC"}


def usd(amount):
    return {"amount": amount, "currency": "USD"}


@pytest.fixture
def bought(api, region, member, make_member, now):
    board = [make_member(board=True, name="Bea", email="bea@example.org"),
             make_member(board=True, name="Bo", email="bo@example.org")]
    proposal, forge = acquire(db.session, member, board, now)
    return proposal, forge, api.as_member(board[0]), board


def test_an_acquired_business_pays_its_invited_wage_through_the_api(api, bought, confirmed, region, member,
                                                                     make_member):
    proposal, forge, bea, _ = bought
    listed = bea.get(f"/proposals/{proposal.id}/invitations").get_json()
    [invitation] = listed["items"]
    assert {k: invitation[k] for k in ("name", "email", "occupation", "hourly_wage", "status", "manager")} == {
        "name": "Wes Welder", "email": "wes@example.org", "occupation": "welder", "hourly_wage": rsc("22.00"),
        "status": "open", "manager": False}
    assert listed["next"] is None

    # Wes is already a member (he joined on his own): he accepts with his token, by his email.
    wes = make_member(name="Wes Welder", email="wes@example.org")
    impostor = api.as_member(make_member(email="someone@example.org"))
    refused = impostor.post(f"/invitations/{invitation['token']}/accept")
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "not_invited"
    accepted = api.as_member(wes).post(f"/invitations/{invitation['token']}/accept")
    assert accepted.status_code == 201
    assert {k: accepted.get_json()[k] for k in ("company_id", "member_id", "occupation", "hourly_wage", "admin")} == {
        "company_id": forge.id, "member_id": wes.id, "occupation": "welder", "hourly_wage": rsc("22.00"),
        "admin": False}
    assert bea.get(f"/proposals/{proposal.id}/invitations").get_json()["items"][0]["status"] == "accepted"

    # Nobody manages it: the board runs it. Income, hours, payroll at the invited 22.00.
    company = bea.get(f"/companies/{forge.id}").get_json()
    assert company["run_by"] == "board" and company["owner"] == "region"
    [worker] = company["workers"]
    assert (worker["kept_wage"], worker["rate_now"], worker["productivity"]) == (rsc("22.00"), rsc("22.00"), "0.5")
    confirmed(bea.post(f"/companies/{forge.id}/income", json={"amount": usd("500.00"), "memo": "park gates"}))
    assert bea.post(f"/companies/{forge.id}/hours", json={"member_id": wes.id, "period_start": "2026-12-01",
                                                          "period_end": "2026-12-05", "hours": "12.5"}).status_code == 201
    run = bea.post(f"/companies/{forge.id}/payroll", json={"period_start": "2026-12-01", "period_end": "2026-12-05"})
    assert run.status_code == 201
    [slip] = run.get_json()["payslips"]
    assert (slip["rate"], slip["base_rate"], slip["productivity"], slip["gross"], slip["tax"], slip["net"]) == (
        rsc("22.00"), rsc("22.00"), "0.5", rsc("275.00"), rsc("5.50"), rsc("269.50"))
    mine = api.as_member(wes).get("/me/payslips").get_json()["items"]
    assert [(s["company"], s["rate"], s["net"]) for s in mine] == [("Town Forge", rsc("22.00"), rsc("269.50"))]


def test_the_invitations_are_the_boards_of_the_region_only(api, bought, region, member, make_member):
    from govern.regions import service as regions

    proposal, _, bea, _ = bought
    assert api.get(f"/proposals/{proposal.id}/invitations").status_code == 401
    assert api.as_member(member).get(f"/proposals/{proposal.id}/invitations").status_code == 404
    elsewhere = regions.create_region(db.session, "Hillside", region.created_at)
    foreign = make_member(board=True, region_id=elsewhere.id, email="far@example.org")
    assert api.as_member(foreign).get(f"/proposals/{proposal.id}/invitations").status_code == 404
    referendum = api.as_member(member).post("/proposals", json={
        "kind": "referendum", "title": "Tea", "body": "", "payload": {},
        "closes_at": (datetime.now(timezone.utc) + timedelta(days=2)).isoformat()}).get_json()
    assert bea.get(f"/proposals/{referendum['id']}/invitations").status_code == 404


def test_the_workers_elect_an_admin_who_buys_outside_with_the_grant(api, bought, confirmed, region, member, now):
    proposal, forge, bea, board = bought
    invitation = bea.get(f"/proposals/{proposal.id}/invitations").get_json()["items"][0]
    joined = api.post(f"/invitations/{invitation['token']}/accept", json={"password": TEST_PASSWORD})
    wes = api.as_member(WES)
    closes = (datetime.now(timezone.utc) + timedelta(seconds=2)).isoformat()
    vote = wes.post("/proposals", json={"kind": "company_admins", "title": "Wes runs the forge", "body": "",
                                        "payload": {"company_id": forge.id, "admins": [joined.get_json()["member_id"]]},
                                        "closes_at": closes})
    assert vote.status_code == 201, vote.get_json()
    assert vote.get_json()["voting"]["electorate"] == f"company:{forge.id}"
    assert wes.put(f"/proposals/{vote.get_json()['id']}/ballot", json={"choice": "yes"}).status_code == 200
    from govern.proposals import service as proposals

    proposals.close_proposal(db.session, vote.get_json()["id"], now + timedelta(days=5))
    assert api.get(f"/companies/{forge.id}").status_code == 401
    company = wes.get(f"/companies/{forge.id}").get_json()
    assert company["run_by"] == "admins" and company["workers"][0]["admin"] is True
    assert bea.post(f"/companies/{forge.id}/payroll", json={"period_start": "2026-12-01",
                                                            "period_end": "2026-12-05"}).status_code == 403

    confirmed(wes.post(f"/companies/{forge.id}/income", json={"amount": usd("100.00")}))
    grant = wes.post("/proposals", json={"kind": "equipment_grant", "title": "A cutter", "body": "",
                                         "payload": {"company_id": forge.id, "item": "Plasma cutter",
                                                     "cost": rsc("300.00"), "justification": "gates"},
                                         "closes_at": closes}).get_json()
    for voter in (wes, bea, api.as_member(member)):
        voter.put(f"/proposals/{grant['id']}/ballot", json={"choice": "yes"})
    proposals.close_proposal(db.session, grant["id"], now + timedelta(days=5))
    body = {"amount": usd("250.00"), "supplier": "Cutters Inc.", "pay_to": "Mill Bank 4-4",
            "memo": "the cutter", "grant_proposal_id": grant["id"]}
    first = wes.post(f"/companies/{forge.id}/outside-purchases", json=body, headers={"Idempotency-Key": "cutter"})
    again = wes.post(f"/companies/{forge.id}/outside-purchases", json=body, headers={"Idempotency-Key": "cutter"})
    assert first.status_code == 201 and again.get_json()["id"] == first.get_json()["id"]
    assert first.get_json()["payout"]["status"] == "owed"
    assert wes.post(f"/companies/{forge.id}/outside-purchases", json={**body, "grant_proposal_id": proposal.id}
                    ).status_code == 400  # an acquisition is not a grant the forge received
    assert api.as_member(member).get(f"/companies/{forge.id}/outside-purchases").get_json()["items"][0]["supplier"] \
        == "Cutters Inc."  # a region-owned company's books are every member's to read
    grants = api.get(f"/companies/{forge.id}/grants").get_json()["items"]
    assert [(g["cash"], g["spent"], g["unspent"]) for g in grants] == [(rsc("300.00"), usd("250.00"), rsc("50.00"))]
    payouts = bea.get("/payouts?status=owed").get_json()["items"]
    assert [(p["payee"], p["member_id"], p["company_id"], p["amount"]) for p in payouts] == [
        ("Cutters Inc.", None, forge.id, usd("250.00"))]


def test_the_sweeps_and_the_equal_share_are_public(api, bought, confirmed, region, member):
    _, forge, bea, _ = bought
    confirmed(bea.post(f"/companies/{forge.id}/income", json={"amount": usd("800.00")}))
    surplus.run_surplus_sweeps(db.session, datetime(2026, 12, 2, tzinfo=timezone.utc))  # the forge was not there
    assert api.get(f"/companies/{forge.id}/surplus-sweeps").get_json()["items"] == []
    surplus.run_surplus_sweeps(db.session, datetime(2027, 1, 2, tzinfo=timezone.utc))
    [sweep] = api.get(f"/companies/{forge.id}/surplus-sweeps").get_json()["items"]
    assert (sweep["month"], sweep["balance"], sweep["surplus"], sweep["swept"]) == (
        "2026-12", rsc("800.00"), rsc("800.00"), rsc("400.00"))
    movements = api.get(f"/records/capital-pool?region_id={region.id}").get_json()["items"]
    assert (movements[0]["cause"], movements[0]["amount"]) == ({"type": "surplus_sweep", "id": sweep["id"]},
                                                               rsc("400.00"))
    figures = api.get(f"/regions/{region.id}").get_json()
    assert figures["co_op_assets"]["companies"] == rsc("400.00")
    assert figures["co_op_assets"]["inventory"] == rsc("100.00")  # the forge itself, at its price
    assert figures["co_op_assets"]["total"]["amount"] == "{:.2f}".format(
        sum(float(v["amount"]) for k, v in figures["co_op_assets"].items() if k != "total"))


def test_a_bankruptcy_through_the_api_returns_the_balance_after_the_last_payroll(api, bought, confirmed, make_member):
    proposal, forge, bea, _ = bought
    invitation = bea.get(f"/proposals/{proposal.id}/invitations").get_json()["items"][0]
    wes_id = api.post(f"/invitations/{invitation['token']}/accept", json={"password": TEST_PASSWORD}
                      ).get_json()["member_id"]
    confirmed(bea.post(f"/companies/{forge.id}/income", json={"amount": usd("50.00")}))
    bea.post(f"/companies/{forge.id}/hours", json={"member_id": wes_id, "period_start": "2026-12-01",
                                                   "period_end": "2026-12-01", "hours": "1"})
    ended = bea.post(f"/companies/{forge.id}/bankruptcy")
    assert ended.status_code == 200 and ended.get_json()["status"] == "bankrupt"
    runs = api.as_member(WES).get(f"/companies/{forge.id}/payroll")
    [run] = runs.get_json()["items"]
    assert (run["final"], run["paid_share"], run["gross"]) == (True, "1", rsc("22.00"))
    account = api.get(f"/accounts/{ended.get_json()['account_id']}").get_json()
    assert account["balance"] == rsc("0.00") and ended.get_json()["returned_entry_id"] is not None
    assert FORGE["business_name"] == ended.get_json()["name"]
