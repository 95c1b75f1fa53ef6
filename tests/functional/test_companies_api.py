"""Companies and wages through the JSON API, as API.md describes them."""
import pytest

from govern.extensions import db


def usd(amount):
    return {"amount": amount, "currency": "USD"}


def rsc(amount):
    return {"amount": amount, "currency": "RSC"}


@pytest.fixture
def alice(api, member):
    return api.as_member(member)


def test_the_phase_one_story_through_the_api(alice, api, member, region, confirmed):
    created = alice.post("/companies", json={"name": "Alice's Bikes", "industry": "bicycle repair"})
    assert created.status_code == 201
    company = created.get_json()
    assert company["owner"] == "workers" and company["status"] == "active"
    assert company["workers"] == [{"member_id": member.id, "name": "Alice", "occupation": company["workers"][0]["occupation"],
                                   "hourly_rate": None, "admin": True, "kept_wage": None, "productivity": "0.5",
                                   "rate_now": None}]
    cid = company["id"]
    income = alice.post(f"/companies/{cid}/income", json={"amount": usd("1000.00"), "memo": "Tourist season"})
    assert income.status_code == 202 and income.get_json()["status"] == "pending"
    assert alice.get(f"/accounts/{company['account_id']}").get_json()["balance"] == rsc("0.00")
    confirmed(income)
    account = alice.get(f"/accounts/{company['account_id']}").get_json()
    assert account["balance"] == rsc("1000.00")
    assert alice.post(f"/companies/{cid}/workers", json={"member_id": member.id, "occupation": "mechanic",
                                                         "hourly_rate": rsc("25.00")}).status_code == 201
    assert alice.put("/me/auto-convert", json={"percent": "50"}).get_json() == {"percent": "50"}
    hours = alice.post(f"/companies/{cid}/hours", json={"member_id": member.id, "period_start": "2026-06-01",
                                                        "period_end": "2026-06-30", "hours": "20"})
    assert hours.status_code == 201 and hours.get_json()["hours"] == "20.00"
    preview = alice.post(f"/companies/{cid}/payroll/preview", json={"period_start": "2026-06-01", "period_end": "2026-06-30"})
    assert preview.get_json()["gross"] == rsc("500.00") and preview.get_json()["affordable"] is True
    run = alice.post(f"/companies/{cid}/payroll", json={"period_start": "2026-06-01", "period_end": "2026-06-30"})
    assert run.status_code == 201
    body = run.get_json()
    assert (body["gross"], body["tax"], body["net"]) == (rsc("500.00"), rsc("10.00"), rsc("490.00"))
    [slip] = body["payslips"]
    assert slip["hours"] == "20.00" and slip["rate"] == rsc("25.00") and slip["converted"] == usd("245.00")
    assert api.get(f"/regions/{region.id}").get_json()["capital_pool"] == rsc("10.00")
    assert alice.get("/me").get_json()["accounts"][0]["balance"] == rsc("245.00")
    again = alice.post(f"/companies/{cid}/payroll", json={"period_start": "2026-06-01", "period_end": "2026-06-30"})
    assert again.status_code == 200 and again.get_json()["run_id"] == body["run_id"]
    assert alice.get("/me").get_json()["accounts"][0]["balance"] == rsc("245.00")
    slips = alice.get("/me/payslips").get_json()
    assert slips["items"][0]["net"] == rsc("490.00") and slips["items"][0]["company"] == "Alice's Bikes"
    assert api.get("/ledger/verify").get_json()["ok"] is True


def test_bad_company_input_answers_400_with_fields(alice):
    assert "name" in alice.post("/companies", json={"industry": "x"}).get_json()["error"]["fields"]
    cid = alice.post("/companies", json={"name": "Co", "industry": "bakery"}).get_json()["id"]
    bad_rate = alice.post(f"/companies/{cid}/workers", json={"member_id": 1, "occupation": "baker", "hourly_rate": 25})
    assert bad_rate.status_code == 400
    bad_hours = alice.post(f"/companies/{cid}/hours", json={"member_id": 1, "period_start": "2026-06-01",
                                                            "period_end": "2026-05-01", "hours": "2"})
    assert bad_hours.status_code == 400 and "period_end" in bad_hours.get_json()["error"]["fields"]
    assert alice.put("/me/auto-convert", json={"percent": "150"}).status_code == 400
    assert alice.put("/me/auto-convert", json={"percent": 50.5}).status_code == 400


def test_only_admins_run_payroll_and_only_the_board_declares_bankruptcy(alice, api, make_member):
    cid = alice.post("/companies", json={"name": "Co", "industry": "bakery"}).get_json()["id"]
    other = api.as_member(make_member())
    assert other.post(f"/companies/{cid}/payroll", json={"period_start": "2026-06-01",
                                                         "period_end": "2026-06-30"}).status_code == 403
    assert alice.post(f"/companies/{cid}/bankruptcy").status_code == 403
    board = api.as_member(make_member(board=True))
    declared = board.post(f"/companies/{cid}/bankruptcy")
    assert declared.status_code == 200 and declared.get_json()["status"] == "bankrupt"
    assert board.post(f"/companies/{cid}/bankruptcy").status_code == 409


def test_a_worker_owned_companys_account_is_private_to_its_workers(alice, api, make_member):
    company = alice.post("/companies", json={"name": "Co", "industry": "bakery"}).get_json()
    other = api.as_member(make_member())
    assert other.get(f"/accounts/{company['account_id']}").status_code == 404
    assert api.get(f"/accounts/{company['account_id']}").status_code == 404
    assert alice.get(f"/accounts/{company['account_id']}").status_code == 200


def test_income_replayed_with_the_same_key_is_claimed_once(alice, api, confirmed):
    cid = alice.post("/companies", json={"name": "Co", "industry": "bakery"}).get_json()["id"]
    headers = {"Idempotency-Key": "inv-77"}
    first = alice.post(f"/companies/{cid}/income", json={"amount": usd("10.00")}, headers=headers)
    second = alice.post(f"/companies/{cid}/income", json={"amount": usd("10.00")}, headers=headers)
    assert first.get_json() == second.get_json()
    confirmed(first)
    third = alice.post(f"/companies/{cid}/income", json={"amount": usd("10.00")}, headers=headers)
    assert third.status_code == 202 and third.get_json()["id"] == first.get_json()["id"]
    assert api.get("/ledger/verify").get_json()["entries"] == 1


def test_payslips_are_visible_to_the_companys_workers_only(alice, api, member, make_member, confirmed):
    cid = alice.post("/companies", json={"name": "Co", "industry": "bakery"}).get_json()["id"]
    confirmed(alice.post(f"/companies/{cid}/income", json={"amount": usd("100.00")}))
    alice.post(f"/companies/{cid}/workers", json={"member_id": member.id, "occupation": "baker", "hourly_rate": rsc("10.00")})
    alice.post(f"/companies/{cid}/hours", json={"member_id": member.id, "period_start": "2026-06-01",
                                                "period_end": "2026-06-30", "hours": "2"})
    alice.post(f"/companies/{cid}/payroll", json={"period_start": "2026-06-01", "period_end": "2026-06-30"})
    assert len(alice.get(f"/companies/{cid}/payroll").get_json()["items"]) == 1
    mallory = api.as_member(make_member())
    assert mallory.get(f"/companies/{cid}/payroll").status_code == 404


def test_the_public_capital_pool_history_never_shows_who_was_paid_what(alice, api, member, make_member, region,
                                                                       confirmed):
    bob = make_member(name="Bob")
    cid = alice.post("/companies", json={"name": "Co", "industry": "bakery"}).get_json()["id"]
    confirmed(alice.post(f"/companies/{cid}/income", json={"amount": usd("100.00")}))
    for person, rate in ((member, "10.00"), (bob, "12.00")):
        alice.post(f"/companies/{cid}/workers", json={"member_id": person.id, "occupation": "baker",
                                                      "hourly_rate": rsc(rate)})
        alice.post(f"/companies/{cid}/hours", json={"member_id": person.id, "period_start": "2026-06-01",
                                                    "period_end": "2026-06-30", "hours": "2"})
    alice.post(f"/companies/{cid}/payroll", json={"period_start": "2026-06-01", "period_end": "2026-06-30"})
    pool_id = next(a["id"] for a in [api.get(f"/accounts/{i}").get_json() for i in range(1, 8)]
                   if a.get("kind") == "capital_pool")
    payroll = api.get(f"/accounts/{pool_id}/entries").get_json()["items"][0]
    public = [p for p in payroll["postings"] if p["account_id"] is not None]
    assert all(api.get(f"/accounts/{p['account_id']}").status_code == 200 for p in public)
    hidden = [p for p in payroll["postings"] if p["account_id"] is None]
    assert hidden == [{"account_id": None, "amount": rsc("-0.88")}]  # -44.00 company + 19.60 + 23.52 workers
    mine = alice.get(f"/accounts/{pool_id}/entries").get_json()["items"][0]["postings"]
    my_wallet = alice.get("/me").get_json()["accounts"][0]["id"]
    assert {"account_id": my_wallet, "amount": rsc("19.60")} in mine
    outsider = api.as_member(make_member(name="Carol")).get(f"/accounts/{pool_id}/entries").get_json()
    assert outsider["items"][0]["postings"] == payroll["postings"]  # a non-worker sees no one's pay
