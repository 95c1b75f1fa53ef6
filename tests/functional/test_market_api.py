"""The marketplace through the API: listing, search, buying with tax, delivering, hiring."""
import pytest

from govern.extensions import db
from govern.regions import service as regions


def rsc(amount):
    return {"amount": amount, "currency": "RSC"}


@pytest.fixture
def shop(api, member):
    alice = api.as_member(member)
    cid = alice.post("/companies", json={"name": "Bread & Co", "industry": "bakery"}).get_json()["id"]
    return alice, cid


@pytest.fixture
def buyer(api, make_member, buy_through_api):
    bob = make_member(name="Bob", locality="North")
    client = api.as_member(bob)
    buy_through_api(client, "20.00")
    return bob, client


def test_listing_searching_buying_with_tax_and_delivering(shop, buyer, api, region, now):
    alice, cid = shop
    bob, client = buyer
    regions.set_parameter(db.session, region.id, "sales_tax_rate", "0.1", cause_type="test", cause_id=None, now=now)
    listed = alice.post("/listings", json={"company_id": cid, "kind": "product", "title": "Sourdough loaf",
                                           "description": "Baked daily", "price": rsc("4.00"), "locality": "North"})
    assert listed.status_code == 201
    lid = listed.get_json()["id"]
    alice.post("/listings", json={"company_id": cid, "kind": "service", "title": "Cake class", "price": rsc("9.00")})
    found = client.get("/listings?q=sourdough").get_json()["items"]
    assert [l["id"] for l in found] == [lid]
    assert [l["title"] for l in client.get("/listings?kind=service").get_json()["items"]] == ["Cake class"]
    assert [l["title"] for l in client.get("/listings?locality=north").get_json()["items"]] == ["Sourdough loaf"]
    order = client.post(f"/listings/{lid}/orders", json={"quantity": 2}, headers={"Idempotency-Key": "o-1"})
    assert order.status_code == 201
    body = order.get_json()
    assert (body["total"], body["tax"]) == (rsc("8.80"), rsc("0.80"))
    replay = client.post(f"/listings/{lid}/orders", json={"quantity": 2}, headers={"Idempotency-Key": "o-1"})
    assert replay.get_json()["id"] == body["id"]
    assert client.get("/me").get_json()["accounts"][0]["balance"] == rsc("11.20")
    assert api.get(f"/regions/{region.id}").get_json()["capital_pool"] == rsc("0.80")
    assert client.post(f"/orders/{body['id']}/delivered").status_code == 403
    delivered = alice.post(f"/orders/{body['id']}/delivered")
    assert delivered.get_json()["status"] == "delivered"
    assert alice.post(f"/orders/{body['id']}/delivered").status_code == 409
    assert api.get("/ledger/verify").get_json()["ok"] is True


def test_not_enough_money_answers_409_and_posts_nothing(shop, buyer, api):
    alice, cid = shop
    _, client = buyer
    lid = alice.post("/listings", json={"company_id": cid, "kind": "product", "title": "Wedding cake",
                                        "price": rsc("500.00")}).get_json()["id"]
    entries = api.get("/ledger/verify").get_json()["entries"]
    short = client.post(f"/listings/{lid}/orders", json={})
    assert short.status_code == 409 and short.get_json()["error"]["code"] == "insufficient_funds"
    assert api.get("/ledger/verify").get_json()["entries"] == entries


def test_applying_to_a_job_and_being_hired(shop, buyer, member):
    alice, cid = shop
    bob, client = buyer
    job = alice.post("/listings", json={"company_id": cid, "kind": "job", "title": "Night baker",
                                        "occupation": "baker", "price": rsc("21.00")}).get_json()
    applied = client.post(f"/listings/{job['id']}/applications", json={"message": "I love mornings"})
    assert applied.status_code == 201
    assert client.post(f"/listings/{job['id']}/applications", json={}).status_code == 409
    assert client.post(f"/applications/{applied.get_json()['id']}/accept").status_code == 403
    assert alice.post(f"/applications/{applied.get_json()['id']}/accept").get_json()["status"] == "accepted"
    worker = next(w for w in alice.get(f"/companies/{cid}").get_json()["workers"] if w["member_id"] == bob.id)
    assert (worker["occupation"], worker["hourly_rate"]) == ("baker", rsc("21.00"))
    assert client.post(f"/listings/{job['id']}/orders", json={}).status_code == 400


def test_bad_listings_are_refused(shop, api, make_member):
    alice, cid = shop
    assert alice.post("/listings", json={"company_id": cid, "kind": "rumour", "title": "x", "price": rsc("1.00")}).status_code == 400
    assert alice.post("/listings", json={"company_id": cid, "kind": "product", "title": "x",
                                         "price": {"amount": "1.00", "currency": "USD"}}).status_code == 400
    assert alice.post("/listings", json={"company_id": cid, "kind": "job", "title": "x", "occupation": "juggler"}
                      ).status_code == 400  # no wage given and none in the table
    outsider = api.as_member(make_member())
    assert outsider.post("/listings", json={"company_id": cid, "kind": "product", "title": "x",
                                            "price": rsc("1.00")}).status_code == 403


def test_a_bridge_company_shows_the_outside_price_and_buys_outside_from_the_reserve(shop, api, region, confirmed):
    alice, cid = shop
    confirmed(alice.post(f"/companies/{cid}/income", json={"amount": {"amount": "50.00", "currency": "USD"}}))
    assert alice.put(f"/companies/{cid}/bridge", json={"is_bridge": True}).get_json()["is_bridge"] is True
    listed = alice.post("/listings", json={"company_id": cid, "kind": "product", "title": "Imported flour",
                                           "price": rsc("12.00"), "outside_price": {"amount": "12.00", "currency": "USD"}})
    assert listed.get_json()["outside_price"] == {"amount": "12.00", "currency": "USD"}
    bought = alice.post(f"/companies/{cid}/outside-purchases", json={"amount": {"amount": "30.00", "currency": "USD"},
                                                                     "supplier": "Mill & Co."})
    assert bought.status_code == 201
    figures = api.get(f"/regions/{region.id}").get_json()
    assert figures["usd_reserve"] == {"amount": "20.00", "currency": "USD"}
    assert figures["rsc_outstanding"] == rsc("20.00")
    too_much = alice.post(f"/companies/{cid}/outside-purchases", json={"amount": {"amount": "30.00", "currency": "USD"},
                                                                       "supplier": "Mill & Co."})
    assert too_much.status_code == 409
