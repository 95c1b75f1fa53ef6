"""Odd input answers 400 or 404 in the error shape, never 500."""
import pytest
from tests.conftest import TEST_PASSWORD


@pytest.mark.parametrize("path", ["/proposals/99999999999999999999", "/accounts/99999999999999999999",
                                  "/members/99999999999999999999", "/companies/99999999999999999999",
                                  "/regions/99999999999999999999"])
def test_ids_too_large_for_any_row_are_not_found(api, member, path):
    response = api.as_member(member).get(path)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("query", ["?cursor=99999999999999999999", "?limit=²", "?cursor=²", "?cursor=１２"])
def test_exotic_paging_parameters_are_refused(api, member, query):
    response = api.as_member(member).get("/proposals" + query)
    assert response.status_code == 400


def test_exotic_numbers_in_bodies_are_refused(api, member):
    client = api.as_member(member)
    assert client.post("/transfers", json={"to_member_id": 2**70, "amount": {"amount": "1.00", "currency": "RSC"}}
                       ).status_code == 400
    assert client.put("/me/auto-convert", json={"percent": "sNaN"}).status_code == 400
    assert client.put("/me/auto-convert", json={"percent": "²"}).status_code == 400
    assert client.post("/conversions", json={"direction": "usd_to_rsc",
                                             "amount": {"amount": "１２", "currency": "USD"}}).status_code == 400
    joined = api.post("/members", json={"email": "x@example.org", "name": "X", "password": TEST_PASSWORD,
                                        "region_id": "99999999999999999999"})
    assert joined.status_code == 400


def test_an_income_idempotency_key_belongs_to_the_admin_who_sent_it(api, member, make_member, now):
    from govern.companies import service as companies
    from govern.companies import workers
    from govern.extensions import db

    alice = api.as_member(member)
    other_admin = make_member()
    cid = alice.post("/companies", json={"name": "Co", "industry": "bakery"}).get_json()["id"]
    workers.set_worker(db.session, member, cid, member_id=other_admin.id, occupation="baker", hourly_rate=None,
                         make_admin=True, now=now)
    body = {"amount": {"amount": "100.00", "currency": "USD"}, "memo": "sale"}
    first = alice.post(f"/companies/{cid}/income", json=body, headers={"Idempotency-Key": "1"})
    second = api.as_member(other_admin).post(f"/companies/{cid}/income", json=body, headers={"Idempotency-Key": "1"})
    assert first.status_code == second.status_code == 202
    assert first.get_json()["id"] != second.get_json()["id"]
    assert {d["member_id"] for d in (first.get_json(), second.get_json())} == {member.id, other_admin.id}


def test_the_convert_form_refuses_more_than_two_decimals(client, member):
    from tests.functional.test_pages import login

    login(client)
    response = client.post("/convert", data={"direction": "usd_to_rsc", "amount": "10.999"})
    assert response.status_code == 400
    assert "at most two decimals" in response.get_data(as_text=True)
