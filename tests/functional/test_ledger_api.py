"""Conversions, accounts, entries and verification through the JSON API."""
import pytest

from govern.regions import service as regions


def usd(amount):
    return {"amount": amount, "currency": "USD"}


def rsc(amount):
    return {"amount": amount, "currency": "RSC"}


@pytest.fixture
def alice(api, member):
    return api.as_member(member)


def test_buying_rsc_credits_the_member_and_fills_the_reserve(alice, api, region):
    response = alice.post("/conversions", json={"direction": "usd_to_rsc", "amount": usd("100.00")})
    assert response.status_code == 201
    body = response.get_json()
    assert body["debited"] == usd("100.00") and body["credited"] == rsc("100.00") and body["rate"] == "1"
    assert alice.get("/me").get_json()["accounts"][0]["balance"] == rsc("100.00")
    figures = api.get(f"/regions/{region.id}").get_json()
    assert figures["usd_reserve"] == usd("100.00")
    assert figures["rsc_outstanding"] == rsc("100.00")


def test_cashing_out_destroys_rsc_and_records_usd_owed(alice, api, region):
    alice.post("/conversions", json={"direction": "usd_to_rsc", "amount": usd("50.00")})
    response = alice.post("/conversions", json={"direction": "rsc_to_usd", "amount": rsc("20.00")})
    assert response.status_code == 201
    assert response.get_json()["credited"] == usd("20.00")
    figures = api.get(f"/regions/{region.id}").get_json()
    assert figures["usd_reserve"] == usd("30.00")
    assert figures["rsc_outstanding"] == rsc("30.00")


def test_cashing_out_more_than_the_balance_answers_409_and_posts_nothing(alice, api, region):
    alice.post("/conversions", json={"direction": "usd_to_rsc", "amount": usd("10.00")})
    response = alice.post("/conversions", json={"direction": "rsc_to_usd", "amount": rsc("10.01")})
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "insufficient_funds"
    assert api.get("/ledger/verify").get_json() == {"ok": True, "entries": 1}


def test_an_incentive_rate_is_paid_by_the_pool_and_refused_when_the_pool_is_empty(alice, session, region, now):
    regions.set_parameter(session, region.id, "exchange_rate", "1.05", cause_type="test", cause_id=None, now=now)
    refused = alice.post("/conversions", json={"direction": "usd_to_rsc", "amount": usd("100.00")})
    assert refused.status_code == 409
    assert "capital pool" in refused.get_json()["error"]["message"]
    # Someone sells RSC at 1.05 first: the pool earns the spread, then pays the next incentive from it.
    regions.set_parameter(session, region.id, "exchange_rate", "1", cause_type="test", cause_id=None, now=now)
    alice.post("/conversions", json={"direction": "usd_to_rsc", "amount": usd("200.00")})
    regions.set_parameter(session, region.id, "exchange_rate", "1.05", cause_type="test", cause_id=None, now=now)
    sold = alice.post("/conversions", json={"direction": "rsc_to_usd", "amount": rsc("105.00")})
    assert sold.get_json()["credited"] == usd("100.00")
    bought = alice.post("/conversions", json={"direction": "usd_to_rsc", "amount": usd("100.00")})
    assert bought.status_code == 201
    assert bought.get_json()["credited"] == rsc("105.00")


@pytest.mark.parametrize("amount", [100, "100.001", "-5.00", "0.00"])
def test_amounts_as_numbers_with_three_decimals_negative_or_zero_answer_400(alice, amount):
    response = alice.post("/conversions", json={"direction": "usd_to_rsc", "amount": {"amount": amount, "currency": "USD"}})
    assert response.status_code == 400
    assert "amount" in response.get_json()["error"]["fields"]


def test_an_unknown_currency_or_direction_answers_400(alice):
    assert alice.post("/conversions", json={"direction": "usd_to_rsc", "amount": {"amount": "1.00", "currency": "EUR"}}).status_code == 400
    assert alice.post("/conversions", json={"direction": "sideways", "amount": usd("1.00")}).status_code == 400
    assert alice.post("/conversions", json={"direction": "usd_to_rsc", "amount": rsc("1.00")}).status_code == 400


def test_a_replayed_idempotency_key_returns_the_first_answer_and_posts_nothing(alice, api):
    headers = {"Idempotency-Key": "abc-123"}
    first = alice.post("/conversions", json={"direction": "usd_to_rsc", "amount": usd("5.00")}, headers=headers)
    again = alice.post("/conversions", json={"direction": "usd_to_rsc", "amount": usd("5.00")}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.get_json() == again.get_json()
    assert api.get("/ledger/verify").get_json()["entries"] == 1
    other = alice.post("/conversions", json={"direction": "usd_to_rsc", "amount": usd("6.00")}, headers=headers)
    assert other.status_code == 409
    assert other.get_json()["error"]["code"] == "idempotency_key_reused"


def test_a_member_who_left_can_cash_out_but_not_buy(alice):
    alice.post("/conversions", json={"direction": "usd_to_rsc", "amount": usd("5.00")})
    alice.post("/me/leave")
    assert alice.post("/conversions", json={"direction": "usd_to_rsc", "amount": usd("5.00")}).status_code == 403
    assert alice.post("/conversions", json={"direction": "rsc_to_usd", "amount": rsc("5.00")}).status_code == 201


def test_members_see_their_own_account_and_not_anothers(alice, api, member, make_member):
    account_id = alice.get("/me").get_json()["accounts"][0]["id"]
    mine = alice.get(f"/accounts/{account_id}")
    assert mine.status_code == 200
    assert mine.get_json()["owner"] == {"type": "member", "id": member.id}
    other = api.as_member(make_member())
    assert other.get(f"/accounts/{account_id}").status_code == 404
    assert api.get(f"/accounts/{account_id}").status_code == 404
    assert other.get(f"/accounts/{account_id}/entries").status_code == 404


def test_region_accounts_are_public(api, alice, region):
    alice.post("/conversions", json={"direction": "usd_to_rsc", "amount": usd("5.00")})
    entries = api.get("/accounts/1/entries").get_json()  # the first region account: the capital pool
    assert "items" in entries and "next" in entries
    assert api.get("/accounts/1").get_json()["owner"] == {"type": "region", "id": region.id}


def test_entries_are_paged_newest_first_with_a_cursor(alice):
    for amount in ("1.00", "2.00", "3.00", "4.00", "5.00"):
        alice.post("/conversions", json={"direction": "usd_to_rsc", "amount": usd(amount)})
    account_id = alice.get("/me").get_json()["accounts"][0]["id"]
    first = alice.get(f"/accounts/{account_id}/entries?limit=2").get_json()
    assert [e["id"] for e in first["items"]] == [5, 4]
    second = alice.get(f"/accounts/{account_id}/entries?limit=2&cursor={first['next']}").get_json()
    assert [e["id"] for e in second["items"]] == [3, 2]
    last = alice.get(f"/accounts/{account_id}/entries?limit=2&cursor={second['next']}").get_json()
    assert [e["id"] for e in last["items"]] == [1] and last["next"] is None
    entry = last["items"][0]
    assert entry["cause"] == {"type": "conversion", "id": None}
    assert entry["prev_hash"] == "0" * 64 and len(entry["hash"]) == 64
    assert sum(float(p["amount"]["amount"]) for p in entry["postings"] if p["amount"]["currency"] == "RSC") == 0
    assert alice.get(f"/accounts/{account_id}/entries?limit=201").status_code == 400
    assert alice.get(f"/accounts/{account_id}/entries?cursor=abc").status_code == 400


def test_members_pay_each_other_in_rsc(alice, api, member, make_member):
    bob = make_member(name="Bob")
    alice.post("/conversions", json={"direction": "usd_to_rsc", "amount": usd("30.00")})
    paid = alice.post("/transfers", json={"to_member_id": bob.id, "amount": rsc("12.50"), "memo": "Bike repair"})
    assert paid.status_code == 201
    assert paid.get_json()["entry"]["memo"] == "Bike repair"
    assert api.as_member(bob).get("/me").get_json()["accounts"][0]["balance"] == rsc("12.50")
    short = alice.post("/transfers", json={"to_member_id": bob.id, "amount": rsc("20.00")})
    assert short.status_code == 409
    assert alice.post("/transfers", json={"to_member_id": member.id, "amount": rsc("1.00")}).status_code == 400
    assert alice.post("/transfers", json={"to_member_id": bob.id, "amount": usd("1.00")}).status_code == 400


def test_verify_reports_an_intact_ledger(api, alice):
    alice.post("/conversions", json={"direction": "usd_to_rsc", "amount": usd("5.00")})
    assert api.get("/ledger/verify").get_json() == {"ok": True, "entries": 1}
