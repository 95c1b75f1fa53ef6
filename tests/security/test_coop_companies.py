"""Attacks on co-op-owned companies fail cleanly and change nothing: a member who just joined, a
worker who would raise their own pay, another region's board, an invitation link in the wrong
hands, another company's grant, absurd amounts, and sweeps run again and again."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from govern.extensions import db
from govern.ledger.models import LedgerEntry, UsdPayout
from govern.regions import service as regions
from tests.conftest import TEST_PASSWORD
from tests.coop import acquire

LATER = timedelta(days=4)


def entries() -> int:
    return db.session.execute(select(func.count()).select_from(LedgerEntry)).scalar_one()


def test_a_newcomer_and_another_regions_board_cannot_run_or_read_a_board_run_company(api, region, member,
                                                                                      make_member, now):
    board = [make_member(board=True), make_member(board=True)]
    proposal, forge = acquire(db.session, member, board, now)
    newcomer = api.as_member(make_member(name="New", email="new@example.org"))
    foreign = api.as_member(make_member(board=True, email="far@example.org",
                                        region_id=regions.create_region(db.session, "Hillside", now).id))
    before = entries()
    period = {"period_start": "2026-12-01", "period_end": "2026-12-05"}
    for client, refused in ((newcomer, 403), (foreign, 403)):
        assert client.post(f"/companies/{forge.id}/payroll", json=period).status_code == refused
        assert client.post(f"/companies/{forge.id}/income", json={
            "amount": {"amount": "10.00", "currency": "USD"}}).status_code == refused
        assert client.post(f"/companies/{forge.id}/outside-purchases", json={
            "amount": {"amount": "1.00", "currency": "USD"}, "supplier": "Me"}).status_code == refused
        assert client.get(f"/proposals/{proposal.id}/invitations").status_code == 404
    assert foreign.post(f"/companies/{forge.id}/bankruptcy").status_code == 404
    assert entries() == before


def test_an_invitation_link_in_the_wrong_hands_makes_nobody_a_worker(api, region, member, make_member, now):
    board = [make_member(board=True), make_member(board=True)]
    proposal, forge = acquire(db.session, member, board, now)
    token = api.as_member(board[0]).get(f"/proposals/{proposal.id}/invitations").get_json()["items"][0]["token"]
    thief = api.as_member(make_member(email="thief@example.org"))
    assert thief.post(f"/invitations/{token}/accept").status_code == 403
    assert thief.post(f"/invitations/{token[:-1]}/accept").status_code == 404
    company = api.as_member(member).get(f"/companies/{forge.id}").get_json()
    assert company["workers"] == []


def test_a_worker_cannot_raise_their_own_pay_in_a_region_owned_company(api, region, member, make_member, now):
    from tests.coop import FORGE

    board = [make_member(board=True), make_member(board=True)]
    manager = make_member(name="Mona", email="mona@example.org")
    _, forge = acquire(db.session, member, board, now, {**FORGE, "manager_member_id": manager.id})
    mona = api.as_member(manager)
    for change in ({"hourly_rate": {"amount": "500.00", "currency": "RSC"}}, {"productivity": "1"}):
        answer = mona.post(f"/companies/{forge.id}/workers", json={"member_id": manager.id, "occupation": "manager",
                                                                    **change})
        assert answer.status_code == 403
    assert mona.post(f"/companies/{forge.id}/workers", json={"member_id": member.id, "occupation": "welder",
                                                              "admin": True}).status_code == 400
    [worker] = mona.get(f"/companies/{forge.id}").get_json()["workers"]
    assert (worker["hourly_rate"], worker["productivity"], worker["rate_now"]) == (None, "0.5", None)


def test_another_companys_grant_and_absurd_amounts_are_refused_and_post_nothing(api, region, member, make_member,
                                                                                 confirmed, now):
    alice = api.as_member(member)
    cid = alice.post("/companies", json={"name": "Bikes", "industry": "bicycle repair"}).get_json()["id"]
    confirmed(alice.post(f"/companies/{cid}/income", json={"amount": {"amount": "100.00", "currency": "USD"}}))
    before = entries()
    for body, field in (
            ({"amount": {"amount": "1000000000.01", "currency": "USD"}, "supplier": "X"}, "amount"),
            ({"amount": {"amount": "1.00", "currency": "USD"}, "supplier": "X", "grant_proposal_id": 1}, "grant_proposal_id"),
            ({"amount": {"amount": "1.00", "currency": "USD"}, "supplier": "X", "grant_proposal_id": "1"}, "grant_proposal_id"),
            ({"amount": {"amount": "1.00", "currency": "USD"}, "supplier": "X", "pay_to": "x" * 501}, "pay_to"),
            ({"amount": {"amount": "-1.00", "currency": "USD"}, "supplier": "X"}, "amount")):
        answer = alice.post(f"/companies/{cid}/outside-purchases", json=body)
        assert answer.status_code == 400 and field in answer.get_json()["error"]["fields"], (body, answer.get_json())
    assert alice.post(f"/companies/{cid}/outside-purchases", json={
        "amount": {"amount": "100.01", "currency": "USD"}, "supplier": "X"}).status_code == 409
    assert entries() == before
    assert db.session.execute(select(func.count()).select_from(UsdPayout)).scalar_one() == 0


def test_a_newcomer_cannot_elect_themselves_admin_of_a_company(api, region, member, make_member, now):
    alice = api.as_member(member)
    cid = alice.post("/companies", json={"name": "Bikes", "industry": "bicycle repair"}).get_json()["id"]
    newcomer = make_member(email="new@example.org")
    closes = (now + timedelta(days=2)).isoformat()
    body = {"kind": "company_admins", "title": "Me", "body": "", "closes_at": closes,
            "payload": {"company_id": cid, "admins": [newcomer.id]}}
    assert api.as_member(newcomer).post("/proposals", json=body).status_code == 403
    assert alice.post("/proposals", json=body).status_code == 400  # a non-worker cannot be elected either
    assert alice.post("/proposals", json={**body, "voting": {"electorate": "region"}}).status_code == 400


def test_a_leaving_sole_admin_is_refused_and_stays(api, member):
    alice = api.as_member(member)
    alice.post("/companies", json={"name": "Bikes", "industry": "bicycle repair"})
    other = alice.post("/companies", json={"name": "Wheels", "industry": "bicycle repair"}).get_json()
    refused = alice.post("/me/leave")
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "cannot_leave_yet"
    assert "Bikes" in refused.get_json()["error"]["message"] and "Wheels" in refused.get_json()["error"]["message"]
    assert alice.get("/me").get_json()["status"] == "active"
    assert alice.post(f"/companies/{other['id']}/close").status_code == 200
