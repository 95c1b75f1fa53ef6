"""Contributions to the capital pool: once, from each pay, and from outside."""
def rsc(amount):
    return {"amount": amount, "currency": "RSC"}


def usd(amount):
    return {"amount": amount, "currency": "USD"}


def test_a_member_gives_once_and_it_shows_in_the_pool(api, member, region, buy_through_api):
    alice = api.as_member(member)
    buy_through_api(alice, "10.00")
    given = alice.post("/contributions", json={"amount": rsc("4.00"), "public": True}, headers={"Idempotency-Key": "g1"})
    assert given.status_code == 201
    again = alice.post("/contributions", json={"amount": rsc("4.00"), "public": True}, headers={"Idempotency-Key": "g1"})
    assert again.get_json()["entry_id"] == given.get_json()["entry_id"]
    assert api.get(f"/regions/{region.id}").get_json()["capital_pool"] == rsc("4.00")
    assert alice.post("/contributions", json={"amount": rsc("7.00")}).status_code == 409
    assert alice.post("/contributions", json={"amount": usd("1.00")}).status_code == 400


def test_a_standing_rate_gives_a_share_of_each_net_pay(api, member, region, confirmed):
    alice = api.as_member(member)
    cid = alice.post("/companies", json={"name": "Co", "industry": "bakery"}).get_json()["id"]
    confirmed(alice.post(f"/companies/{cid}/income", json={"amount": usd("100.00")}))
    alice.post(f"/companies/{cid}/workers", json={"member_id": member.id, "occupation": "baker", "hourly_rate": rsc("10.00")})
    assert alice.put("/me/contribution-rate", json={"percent": "10"}).get_json() == {"percent": "10"}
    assert alice.put("/me/auto-convert", json={"percent": "95"}).status_code == 400  # together over 100%
    alice.post(f"/companies/{cid}/hours", json={"member_id": member.id, "period_start": "2026-06-01",
                                                "period_end": "2026-06-30", "hours": "5"})
    alice.post(f"/companies/{cid}/payroll", json={"period_start": "2026-06-01", "period_end": "2026-06-30"})
    # gross 50.00, tax 1.00, net 49.00, 10% = 4.90 to the pool
    assert api.get(f"/regions/{region.id}").get_json()["capital_pool"] == rsc("5.90")
    assert alice.get("/me").get_json()["accounts"][0]["balance"] == rsc("44.10")
    assert api.get("/ledger/verify").get_json()["ok"] is True


def test_the_board_records_outside_contributions_keeping_the_backing(api, member, make_member, region):
    board = api.as_member(make_member(board=True))
    body = {"amount": usd("250.00"), "from": "Friends of the Co-op", "public": True}
    assert api.as_member(member).post("/contributions/external", json=body).status_code == 403
    assert board.post("/contributions/external", json=body).status_code == 201
    figures = api.get(f"/regions/{region.id}").get_json()
    assert figures["capital_pool"] == rsc("250.00") and figures["usd_reserve"] == usd("250.00")
    assert board.post("/contributions/external", json={"amount": rsc("1.00"), "from": "x"}).status_code == 400


def test_a_contribution_appears_on_the_public_record_of_the_pool(api, client, member, region, buy_through_api):
    alice = api.as_member(member)
    buy_through_api(alice, "10.00")
    given = alice.post("/contributions", json={"amount": rsc("4.00"), "public": True}).get_json()
    quiet = alice.post("/contributions", json={"amount": rsc("1.00")}).get_json()
    movements = api.get(f"/records/capital-pool?region_id={region.id}").get_json()["items"]
    assert [(m["entry_id"], m["amount"], m["cause"]["type"]) for m in movements] == [
        (quiet["entry_id"], rsc("1.00"), "contribution"), (given["entry_id"], rsc("4.00"), "contribution")]
    assert "Alice" in movements[1]["memo"] and "Alice" not in movements[0]["memo"]  # named only when public
    page = client.get(f"/records/capital-pool?region={region.id}").get_data(as_text=True)
    assert "Contribution to the capital pool by Alice" in page


def test_a_contribution_that_is_not_positive_or_exceeds_the_balance_posts_nothing(api, member, region, buy_through_api):
    alice = api.as_member(member)
    buy_through_api(alice, "10.00")
    head = api.get("/records/chain-head").get_json()["entry_id"]
    for amount, status in (("0.00", 400), ("-1.00", 400), ("1.005", 400), ("10.01", 409)):
        answer = alice.post("/contributions", json={"amount": rsc(amount)})
        assert answer.status_code == status, (amount, answer.get_json())
        assert answer.get_json()["error"]["code"]
    assert alice.post("/contributions", json={"amount": 5}).status_code == 400
    assert api.get("/records/chain-head").get_json()["entry_id"] == head
    assert api.get(f"/regions/{region.id}").get_json()["capital_pool"] == rsc("0.00")


def test_the_standing_contribution_shows_on_the_payslip_and_is_counted_once(api, member, region, confirmed):
    alice = api.as_member(member)
    cid = alice.post("/companies", json={"name": "Co", "industry": "bakery"}).get_json()["id"]
    confirmed(alice.post(f"/companies/{cid}/income", json={"amount": usd("100.00")}))
    alice.post(f"/companies/{cid}/workers", json={"member_id": member.id, "occupation": "baker", "hourly_rate": rsc("10.00")})
    alice.put("/me/contribution-rate", json={"percent": "10"})
    alice.post(f"/companies/{cid}/hours", json={"member_id": member.id, "period_start": "2026-06-01",
                                                "period_end": "2026-06-30", "hours": "5"})
    period = {"period_start": "2026-06-01", "period_end": "2026-06-30"}
    alice.post(f"/companies/{cid}/payroll", json=period)
    again = alice.post(f"/companies/{cid}/payroll", json=period)
    assert again.status_code in (200, 409)
    slip = alice.get("/me/payslips").get_json()["items"][0]
    assert (slip["net"], slip["contributed"]) == (rsc("49.00"), rsc("4.90"))
    assert api.get(f"/regions/{region.id}").get_json()["capital_pool"] == rsc("5.90")  # 1.00 tax + 4.90 given
