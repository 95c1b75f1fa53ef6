"""Conversions, accounts, entries and verification through the JSON API."""
import pytest

from govern.errors import InsufficientFunds
from govern.regions import service as regions
from govern.treasury.references import payout_reference
from tests.funding import confirm


def usd(amount):
    return {"amount": amount, "currency": "USD"}


def rsc(amount):
    return {"amount": amount, "currency": "RSC"}


@pytest.fixture
def alice(api, member):
    return api.as_member(member)


def test_buying_rsc_is_a_deposit_that_issues_nothing_until_the_board_confirms_it(alice, api, region, session, now):
    response = alice.post("/conversions", json={"direction": "usd_to_rsc", "amount": usd("100.00")})
    assert response.status_code == 202
    body = response.get_json()
    assert (body["status"], body["amount"], body["kind"], body["rate"]) == ("pending", usd("100.00"), "conversion", "1")
    assert body["reference"].startswith("RSC-")
    assert alice.get("/me").get_json()["accounts"][0]["balance"] == rsc("0.00")
    assert api.get(f"/regions/{region.id}").get_json()["usd_reserve"] == usd("0.00")
    assert api.get("/ledger/verify").get_json() == {"ok": True, "entries": 0}

    confirmed = confirm(session, body["id"], now)

    assert (confirmed.status, confirmed.credited_minor) == ("confirmed", 100_00)
    assert alice.get("/me").get_json()["accounts"][0]["balance"] == rsc("100.00")
    figures = api.get(f"/regions/{region.id}").get_json()
    assert figures["usd_reserve"] == usd("100.00")
    assert figures["rsc_outstanding"] == rsc("100.00")
    shown = alice.get(f"/deposits/{body['id']}").get_json()
    assert (shown["status"], shown["debited"], shown["credited"]) == ("confirmed", usd("100.00"), rsc("100.00"))


def test_cashing_out_destroys_rsc_and_records_usd_owed(alice, api, region, buy_through_api):
    buy_through_api(alice, "50.00")
    response = alice.post("/conversions", json={"direction": "rsc_to_usd", "amount": rsc("20.00")})
    assert response.status_code == 201
    assert response.get_json()["credited"] == usd("20.00")
    figures = api.get(f"/regions/{region.id}").get_json()
    assert figures["usd_reserve"] == usd("30.00")
    assert figures["rsc_outstanding"] == rsc("30.00")
    [owed] = alice.get("/payouts?status=owed").get_json()["items"]
    assert (owed["amount"], owed["status"], owed["reference"]) == (usd("20.00"), "owed", payout_reference(owed["id"]))


def test_cashing_out_more_than_the_balance_answers_409_and_posts_nothing(alice, api, region, buy_through_api):
    buy_through_api(alice, "10.00")
    response = alice.post("/conversions", json={"direction": "rsc_to_usd", "amount": rsc("10.01")})
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "insufficient_funds"
    assert api.get("/ledger/verify").get_json() == {"ok": True, "entries": 1}


def test_an_incentive_is_paid_by_the_pool_at_the_rate_of_the_day_the_deposit_was_claimed(
        alice, session, region, now, buy_through_api):
    regions.set_parameter(session, region.id, "exchange_rate", "1.05", cause_type="test", cause_id=None, now=now)
    claimed = alice.post("/conversions", json={"direction": "usd_to_rsc", "amount": usd("100.00")})
    assert claimed.status_code == 202 and claimed.get_json()["rate"] == "1.05"
    with pytest.raises(InsufficientFunds, match="capital pool"):  # the pool is empty: nothing posted
        confirm(session, claimed.get_json()["id"], now)
    # Someone sells RSC at 1.05 first: the pool earns the spread, then pays the incentive from it.
    regions.set_parameter(session, region.id, "exchange_rate", "1", cause_type="test", cause_id=None, now=now)
    buy_through_api(alice, "200.00")
    regions.set_parameter(session, region.id, "exchange_rate", "1.05", cause_type="test", cause_id=None, now=now)
    sold = alice.post("/conversions", json={"direction": "rsc_to_usd", "amount": rsc("105.00")})
    assert sold.get_json()["credited"] == usd("100.00")
    # The rate falls back to 1 before the money arrives: the deposit keeps the rate of its day.
    regions.set_parameter(session, region.id, "exchange_rate", "1", cause_type="test", cause_id=None, now=now)
    assert confirm(session, claimed.get_json()["id"], now).credited_minor == 105_00
    assert alice.get(f"/deposits/{claimed.get_json()['id']}").get_json()["credited"] == rsc("105.00")


@pytest.mark.parametrize("amount", [100, "100.001", "-5.00", "0.00"])
def test_amounts_as_numbers_with_three_decimals_negative_or_zero_answer_400(alice, amount):
    response = alice.post("/conversions", json={"direction": "usd_to_rsc", "amount": {"amount": amount, "currency": "USD"}})
    assert response.status_code == 400
    assert "amount" in response.get_json()["error"]["fields"]


def test_an_unknown_currency_or_direction_answers_400(alice):
    assert alice.post("/conversions", json={"direction": "usd_to_rsc", "amount": {"amount": "1.00", "currency": "EUR"}}).status_code == 400
    assert alice.post("/conversions", json={"direction": "sideways", "amount": usd("1.00")}).status_code == 400
    assert alice.post("/conversions", json={"direction": "usd_to_rsc", "amount": rsc("1.00")}).status_code == 400


def test_a_replayed_idempotency_key_returns_the_first_answer_and_claims_once(alice, api):
    headers = {"Idempotency-Key": "abc-123"}
    first = alice.post("/conversions", json={"direction": "usd_to_rsc", "amount": usd("5.00")}, headers=headers)
    again = alice.post("/conversions", json={"direction": "usd_to_rsc", "amount": usd("5.00")}, headers=headers)
    assert first.status_code == again.status_code == 202
    assert first.get_json() == again.get_json()
    assert len(alice.get("/deposits").get_json()["items"]) == 1
    assert api.get("/ledger/verify").get_json()["entries"] == 0
    other = alice.post("/conversions", json={"direction": "usd_to_rsc", "amount": usd("6.00")}, headers=headers)
    assert other.status_code == 409
    assert other.get_json()["error"]["code"] == "idempotency_key_reused"
    cash_out = alice.post("/conversions", json={"direction": "rsc_to_usd", "amount": rsc("5.00")}, headers=headers)
    assert cash_out.status_code == 409  # one key is one request, whichever direction


def test_a_member_who_left_can_cash_out_but_not_buy(alice, buy_through_api):
    buy_through_api(alice, "5.00")
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


def test_region_accounts_are_public(api, alice, region, buy_through_api):
    buy_through_api(alice, "5.00")
    entries = api.get("/accounts/1/entries").get_json()  # the first region account: the capital pool
    assert "items" in entries and "next" in entries
    assert api.get("/accounts/1").get_json()["owner"] == {"type": "region", "id": region.id}


def test_entries_are_paged_newest_first_with_a_cursor_and_name_their_cause(alice, buy_through_api):
    deposits = [buy_through_api(alice, amount).id for amount in ("1.00", "2.00", "3.00", "4.00", "5.00")]
    account_id = alice.get("/me").get_json()["accounts"][0]["id"]
    first = alice.get(f"/accounts/{account_id}/entries?limit=2").get_json()
    assert [e["id"] for e in first["items"]] == [5, 4]
    second = alice.get(f"/accounts/{account_id}/entries?limit=2&cursor={first['next']}").get_json()
    assert [e["id"] for e in second["items"]] == [3, 2]
    last = alice.get(f"/accounts/{account_id}/entries?limit=2&cursor={second['next']}").get_json()
    assert [e["id"] for e in last["items"]] == [1] and last["next"] is None
    entry = last["items"][0]
    assert entry["cause"] == {"type": "deposit", "id": str(deposits[0])}
    assert entry["prev_hash"] == "0" * 64 and len(entry["hash"]) == 64
    assert sum(int(p["amount"]["amount"].replace(".", "")) for p in entry["postings"]
               if p["amount"]["currency"] == "RSC") == 0
    cashed = alice.post("/conversions", json={"direction": "rsc_to_usd", "amount": rsc("1.00")}).get_json()
    newest = alice.get(f"/accounts/{account_id}/entries?limit=1").get_json()["items"][0]
    assert newest["cause"] == {"type": "conversion", "id": str(cashed["id"])}
    assert alice.get(f"/accounts/{account_id}/entries?limit=201").status_code == 400
    assert alice.get(f"/accounts/{account_id}/entries?cursor=abc").status_code == 400


def test_members_pay_each_other_in_rsc(alice, api, member, make_member, buy_through_api):
    bob = make_member(name="Bob")
    buy_through_api(alice, "30.00")
    paid = alice.post("/transfers", json={"to_member_id": bob.id, "amount": rsc("12.50"), "memo": "Bike repair"})
    assert paid.status_code == 201
    assert paid.get_json()["entry"]["memo"] == "Bike repair"
    assert api.as_member(bob).get("/me").get_json()["accounts"][0]["balance"] == rsc("12.50")
    short = alice.post("/transfers", json={"to_member_id": bob.id, "amount": rsc("20.00")})
    assert short.status_code == 409
    assert alice.post("/transfers", json={"to_member_id": member.id, "amount": rsc("1.00")}).status_code == 400
    assert alice.post("/transfers", json={"to_member_id": bob.id, "amount": usd("1.00")}).status_code == 400


def test_verify_reports_an_intact_ledger(api, alice, buy_through_api):
    buy_through_api(alice, "5.00")
    assert api.get("/ledger/verify").get_json() == {"ok": True, "entries": 1}
