"""POST /api/v1/transfers/batch: many members paid in one entry, all or nothing, once per key."""
import pytest

from govern.companies import service as companies
from govern.extensions import db
from tests.funding import buy_rsc, record_income


def rsc(amount):
    return {"amount": amount, "currency": "RSC"}


@pytest.fixture
def payees(make_member):
    return [make_member() for _ in range(5)]


def _balance(client):
    return client.get("/me").get_json()["accounts"][0]["balance"]


def test_a_batch_pays_every_member_in_one_entry(api, member, payees, session, now):
    buy_rsc(session, member, 100_00, now)
    alice = api.as_member(member)
    before = api.get("/ledger/verify").get_json()["entries"]
    lines = [{"to_member_id": p.id, "amount": rsc(f"{n + 1}.00"), "memo": f"share {n}"} for n, p in enumerate(payees)]
    made = alice.post("/transfers/batch", json={"transfers": lines, "memo": "harvest shares"})
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert (body["transfers"], body["total"]) == (5, rsc("15.00"))
    assert api.get("/ledger/verify").get_json() == {"ok": True, "entries": before + 1}
    assert _balance(alice) == rsc("85.00")
    assert [_balance(api.as_member(p)) for p in payees] == [rsc(f"{n}.00") for n in range(1, 6)]
    entry = alice.get(f"/accounts/{alice.get('/me').get_json()['accounts'][0]['id']}/entries").get_json()["items"][0]
    assert entry["id"] == body["entry_id"] and entry["memo"] == "harvest shares"
    # the payees' wallets are private: the payer reads them as one summed line
    assert entry["postings"][1] == {"account_id": None, "amount": rsc("15.00")}


def test_one_unknown_payee_or_a_short_balance_moves_nothing(api, member, payees, make_member, session, now):
    buy_rsc(session, member, 10_00, now)
    alice = api.as_member(member)
    entries = api.get("/ledger/verify").get_json()["entries"]
    unknown = alice.post("/transfers/batch", json={"transfers": [
        {"to_member_id": payees[0].id, "amount": rsc("1.00")}, {"to_member_id": 999_999, "amount": rsc("1.00")}]})
    assert unknown.status_code == 400 and "999999" in unknown.get_json()["error"]["fields"]["transfers"][0]
    short = alice.post("/transfers/batch", json={"transfers": [
        {"to_member_id": p.id, "amount": rsc("3.00")} for p in payees]})
    assert short.status_code == 409
    yourself = alice.post("/transfers/batch", json={"transfers": [{"to_member_id": member.id, "amount": rsc("1.00")}]})
    assert yourself.status_code == 400
    assert api.get("/ledger/verify").get_json()["entries"] == entries
    assert _balance(alice) == rsc("10.00")


def test_the_batch_is_bounded_and_shaped(api, member, payees, session, now):
    buy_rsc(session, member, 100_00, now)
    alice = api.as_member(member)
    most = alice.post("/transfers/batch", json={"transfers": [
        {"to_member_id": payees[n % 5].id, "amount": rsc("0.01")} for n in range(1_000)]})
    assert most.status_code == 201 and most.get_json()["total"] == rsc("10.00")
    too_many = alice.post("/transfers/batch", json={"transfers": [
        {"to_member_id": payees[0].id, "amount": rsc("0.01")}] * 1_001})
    assert too_many.status_code == 400 and "transfers" in too_many.get_json()["error"]["fields"]
    assert alice.post("/transfers/batch", json={"transfers": []}).status_code == 400
    usd = alice.post("/transfers/batch", json={"transfers": [
        {"to_member_id": payees[0].id, "amount": {"amount": "1.00", "currency": "USD"}}]})
    assert usd.status_code == 400


def test_the_same_key_pays_once_and_another_body_with_it_is_refused(api, member, payees, session, now):
    buy_rsc(session, member, 10_00, now)
    alice = api.as_member(member)
    body = {"transfers": [{"to_member_id": p.id, "amount": rsc("1.00")} for p in payees]}
    first = alice.post("/transfers/batch", json=body, headers={"Idempotency-Key": "payday-1"})
    again = alice.post("/transfers/batch", json=body, headers={"Idempotency-Key": "payday-1"})
    assert first.status_code == again.status_code == 201
    assert first.get_json()["entry_id"] == again.get_json()["entry_id"]
    assert _balance(alice) == rsc("5.00")
    other = alice.post("/transfers/batch", json={"transfers": body["transfers"][:1]},
                       headers={"Idempotency-Key": "payday-1"})
    assert other.status_code == 409


def test_a_company_pays_from_its_own_account_and_only_its_admins_may(api, member, payees, session, now):
    company = companies.register_company(db.session, member, "Orchard", "farming", now)
    record_income(session, member, company.id, 50_00, "apples", now)
    body = {"from_company_id": company.id, "transfers": [{"to_member_id": p.id, "amount": rsc("2.00")} for p in payees]}
    stranger = api.as_member(payees[0]).post("/transfers/batch", json=body)
    assert stranger.status_code == 403
    paid = api.as_member(member).post("/transfers/batch", json=body)
    assert paid.status_code == 201 and paid.get_json()["total"] == rsc("10.00")
    assert api.as_member(member).get(f"/companies/{company.id}").status_code == 200
    assert _balance(api.as_member(payees[1])) == rsc("2.00")
    assert _balance(api.as_member(member)) == rsc("0.00")
