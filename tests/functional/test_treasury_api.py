"""The treasury through the JSON API: a member claims, the board confirms or rejects, imports a
statement and settles payouts; the reconciliation is public; the limits hold without a 500."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from govern.ledger.checks import BALANCE_MAX
from govern.ledger.models import CAPITAL_POOL, EXTERNAL, ISSUANCE, USD_RESERVE, LedgerEntry
from govern.ledger.service import Leg, post, region_account
from tests.conftest import TEST_PASSWORD


def usd(amount):
    return {"amount": amount, "currency": "USD"}


def rsc(amount):
    return {"amount": amount, "currency": "RSC"}


@pytest.fixture
def board(api, make_member):
    return api.as_member(make_member(name="Bea Board", board=True))


@pytest.fixture
def alice(api, member):
    return api.as_member(member)


def claim(client, amount):
    response = client.post("/conversions", json={"direction": "usd_to_rsc", "amount": usd(amount)})
    assert response.status_code == 202, response.get_json()
    return response.get_json()


def entries(session) -> int:
    return session.execute(select(func.count()).select_from(LedgerEntry)).scalar_one()


def test_a_member_claims_the_board_confirms_and_the_rsc_arrives_once(alice, board, api):
    board.put("/treasury/bank-details", json={"details": "Riverside Co-op\nMill Bank 12-3456-7"})
    deposit = claim(alice, "80.00")
    assert deposit["pay_to"] == "Riverside Co-op\nMill Bank 12-3456-7"
    assert alice.get("/treasury/bank-details").get_json()["details"] == "Riverside Co-op\nMill Bank 12-3456-7"
    assert [d["id"] for d in board.get("/deposits?status=pending").get_json()["items"]] == [deposit["id"]]

    confirmed = board.post(f"/deposits/{deposit['id']}/confirm", json={"bank_reference": "MB-0042"})
    again = board.post(f"/deposits/{deposit['id']}/confirm", json={"bank_reference": "MB-0042"})

    assert confirmed.status_code == 200
    body = confirmed.get_json()
    assert (body["status"], body["debited"], body["credited"], body["rate"]) == ("confirmed", usd("80.00"),
                                                                                  rsc("80.00"), "1")
    assert body["confirmed_at"] and body["entry_id"]
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "deposit_confirmed"
    assert alice.get("/me").get_json()["accounts"][0]["balance"] == rsc("80.00")
    assert api.get("/ledger/verify").get_json() == {"ok": True, "entries": 1}
    assert alice.get("/deposits?status=confirmed").get_json()["items"][0]["id"] == deposit["id"]


def test_the_board_rejects_a_deposit_with_a_reason_and_members_cannot(alice, board, api, make_member):
    deposit = claim(alice, "10.00")
    assert alice.post(f"/deposits/{deposit['id']}/reject", json={"reason": "mine"}).status_code == 403
    assert alice.post(f"/deposits/{deposit['id']}/confirm", json={"bank_reference": "x"}).status_code == 403
    assert board.post(f"/deposits/{deposit['id']}/reject", json={"reason": ""}).status_code == 400
    rejected = board.post(f"/deposits/{deposit['id']}/reject", json={"reason": "No transfer came"}).get_json()
    assert (rejected["status"], rejected["reason"]) == ("rejected", "No transfer came")
    assert board.post(f"/deposits/{deposit['id']}/confirm", json={"bank_reference": "x"}).status_code == 409
    other = api.as_member(make_member())
    assert other.get(f"/deposits/{deposit['id']}").status_code == 404
    assert other.get("/deposits").get_json()["items"] == []
    assert api.get("/ledger/verify").get_json()["entries"] == 0


def test_a_statement_through_the_api_confirms_its_deposits_once_and_lists_the_rest(alice, board, api, region):
    first, second = claim(alice, "100.00"), claim(alice, "20.00")
    content = ("date,amount,reference,balance\n"
               f"2026-11-20,100.00,{first['reference']},100.00\n"
               "2026-11-21,19.00," + second["reference"] + ",119.00\n")

    imported = board.post("/bank-statements", json={"format": "csv", "content": content})
    again = board.post("/bank-statements", json={"format": "csv", "content": content})

    assert imported.status_code == 201
    body = imported.get_json()
    assert (body["matched"], body["balance"], body["already_imported"]) == ([first["id"]], usd("119.00"), 0)
    [line] = body["unmatched"]
    assert (line["amount"], line["reference"], line["status"]) == (usd("19.00"), second["reference"], "unmatched")
    assert again.status_code == 201 and (again.get_json()["matched"], again.get_json()["already_imported"]) == ([], 2)
    assert [item["id"] for item in board.get("/bank-statement-lines").get_json()["items"]] == [line["id"]]
    assert alice.get("/bank-statement-lines").status_code == 403
    reconciliation = api.get(f"/treasury/reconciliation?region_id={region.id}").get_json()
    assert (reconciliation["usd_reserve"], reconciliation["bank_balance"], reconciliation["difference"]) == (
        usd("100.00"), usd("119.00"), usd("19.00"))
    assert len(api.get("/treasury/reconciliation/history").get_json()["items"]) == 2
    dismissed = board.post(f"/bank-statement-lines/{line['id']}/dismiss", json={"note": "Paid 1.00 short: refunded"})
    assert dismissed.get_json()["status"] == "dismissed"
    assert api.get("/ledger/verify").get_json() == {"ok": True, "entries": 1}


def test_the_board_settles_payouts_one_or_a_batch_and_each_only_once(alice, board, api, buy_through_api):
    buy_through_api(alice, "50.00")
    ids = [alice.post("/conversions", json={"direction": "rsc_to_usd", "amount": rsc(a)}).get_json()["id"]
           for a in ("10.00", "5.00", "2.00")]
    owed = [p["id"] for p in board.get("/payouts?status=owed").get_json()["items"]]
    assert len(owed) == 3 and len(ids) == 3
    one = board.post(f"/payouts/{owed[0]}/paid", json={"bank_reference": "MB-1"})
    assert one.status_code == 200 and one.get_json()["status"] == "paid"
    assert board.post(f"/payouts/{owed[0]}/paid", json={"bank_reference": "MB-1"}).status_code == 409
    batch = board.post("/payouts/paid", json={"payout_ids": owed[1:], "bank_reference": "BATCH-2"})
    assert batch.status_code == 200 and {p["status"] for p in batch.get_json()["items"]} == {"paid"}
    assert alice.post("/payouts/paid", json={"payout_ids": owed[1:], "bank_reference": "x"}).status_code == 403
    assert [p["bank_reference"] for p in alice.get("/payouts").get_json()["items"]] == ["MB-1", "BATCH-2", "BATCH-2"]
    assert api.get("/ledger/verify").get_json()["ok"]


def test_where_a_member_is_paid_is_theirs_to_set(alice, api, make_member):
    assert alice.get("/me/payout-account").get_json() == {"details": None, "updated_at": None}
    assert alice.put("/me/payout-account", json={"details": ""}).status_code == 400
    saved = alice.put("/me/payout-account", json={"details": "IBAN DE00 1234 5678"}).get_json()
    assert saved["details"] == "IBAN DE00 1234 5678"
    assert api.as_member(make_member()).get("/me/payout-account").get_json()["details"] is None


@pytest.mark.parametrize("path, body", [
    ("/conversions", {"direction": "usd_to_rsc", "amount": usd("1000000000.01")}),
    ("/conversions", {"direction": "rsc_to_usd", "amount": rsc("10000000000000.00")}),
    ("/transfers", {"to_member_id": 1, "amount": rsc("1000000000.01")}),
    ("/contributions", {"amount": rsc("999999999999999.99")}),
])
def test_no_request_names_more_than_a_billion(alice, api, path, body):
    response = alice.post(path, json=body)
    assert response.status_code == 400
    assert response.get_json()["error"]["fields"]["amount"] == ["must be at most 1000000000.00"]
    assert api.get("/ledger/verify").get_json()["entries"] == 0


def test_a_deposit_that_would_take_the_reserve_past_the_64_bit_limit_answers_409_and_nothing_breaks(
        alice, board, api, client, session, region, now):
    """The reserve (and the RSC it backs) a cent short of what a balance can hold: the next
    deposit is refused with 409 ledger_limit, nothing is posted, and every page still answers."""
    near = BALANCE_MAX - 50_00
    post(session, [Leg(region_account(session, region.id, EXTERNAL), -near),
                   Leg(region_account(session, region.id, USD_RESERVE), near),
                   Leg(region_account(session, region.id, ISSUANCE), -near),
                   Leg(region_account(session, region.id, CAPITAL_POOL), near)],
         memo="An improbably rich co-op", cause_type="test", cause_id=None, now=now, region_id=region.id)
    deposit = claim(alice, "100.00")
    posted = entries(session)

    refused = board.post(f"/deposits/{deposit['id']}/confirm", json={"bank_reference": "MB-1"})

    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "ledger_limit"
    assert entries(session) == posted
    assert board.get(f"/deposits/{deposit['id']}").get_json()["status"] == "pending"
    assert api.get("/ledger/verify").get_json() == {"ok": True, "entries": posted}
    for path in ("/api/v1/regions", f"/api/v1/regions/{region.id}", "/api/v1/treasury/reconciliation", "/",
                 "/records", "/treasury/reconciliation", "/verify"):
        assert client.get(path).status_code == 200, path
    figures = api.get(f"/regions/{region.id}").get_json()
    assert figures["usd_reserve"] == usd("92233720368547708.07")


def test_money_moving_requests_are_rate_limited_per_member_and_a_refused_one_moves_nothing(
        app_factory, session, now):
    from govern.extensions import db
    from govern.members import service as members
    from govern.regions import service as regions
    from tests.conftest import ApiClient

    app = app_factory(GOVERN_MONEY_LIMIT="3 per minute")
    with app.app_context():
        region = regions.create_region(db.session, "Riverside", now)
        for name in ("alice", "bob"):
            members.join(db.session, email=f"{name}@example.org", name=name, password=TEST_PASSWORD,
                         region_id=region.id, now=now)
        client = app.test_client()

        def token(name):
            return client.post("/api/v1/tokens", json={"email": f"{name}@example.org",
                                                       "password": TEST_PASSWORD}).get_json()["token"]

        alice, bob = ApiClient(client, token("alice")), ApiClient(client, token("bob"))
        answers = [alice.post("/conversions", json={"direction": "usd_to_rsc", "amount": usd("1.00")}).status_code
                   for _ in range(3)]
        limited = alice.post("/transfers", json={"to_member_id": 2, "amount": rsc("1.00")})
        assert answers == [202, 202, 202]
        assert limited.status_code == 429 and limited.get_json()["error"]["code"] == "rate_limited"
        assert alice.post("/conversions", json={"direction": "usd_to_rsc", "amount": usd("1.00")}).status_code == 429
        assert len(alice.get("/deposits").get_json()["items"]) == 3  # the refused claim left nothing
        assert alice.get("/me").status_code == 200  # reading is not limited
        assert bob.post("/conversions", json={"direction": "usd_to_rsc", "amount": usd("1.00")}).status_code == 202
