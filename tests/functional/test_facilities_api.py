"""Facilities through the JSON API: offering, applying, the waiting list, assigning, the public
record, and subsidies voted with `parameter` proposals."""
from datetime import datetime, timedelta, timezone


from govern import months

from govern.facilities import rent as rents
from govern.extensions import db
from tests.funding import fill_pool


def rsc(amount):
    return {"amount": amount, "currency": "RSC"}


def offer(board, **extra):
    body = {"name": "Flat 2B", "kind": "housing", "purchase": rsc("180000.00"), "maintenance": rsc("120.00"), **extra}
    response = board.post("/facilities", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_the_board_offers_a_unit_and_anyone_reads_its_price(api, make_member, member):
    board = api.as_member(make_member(board=True))
    assert api.as_member(member).post("/facilities", json={"name": "x", "kind": "housing",
                                                           "maintenance": rsc("1.00")}).status_code == 403
    unit = offer(board, market_rate=rsc("800.00"))
    shown = api.get(f"/facilities/{unit['id']}").get_json()
    assert shown["price_now"]["cost"] == rsc("620.00") and shown["price_now"]["rent"] == rsc("620.00")
    assert shown["market_rate"] == rsc("800.00") and shown["let"] is False and shown["waiting"] == 0
    assert [f["id"] for f in api.get("/facilities").get_json()["items"]] == [unit["id"]]
    bad = board.post("/facilities", json={"name": "x", "kind": "castle", "maintenance": rsc("1.00"), "purchase": rsc("1.00")})
    assert bad.status_code == 400 and "kind" in bad.get_json()["error"]["fields"]
    assert board.post("/facilities", json={"name": "x", "kind": "office", "maintenance": {"amount": 5, "currency": "RSC"},
                                           "purchase": rsc("1.00")}).status_code == 400


def test_a_unit_names_its_locality_so_a_split_of_that_locality_takes_it(api, make_member):
    board = api.as_member(make_member(board=True))
    unit = offer(board, locality="  North ")
    assert unit["locality"] == "North" and api.get(f"/facilities/{unit['id']}").get_json()["locality"] == "North"
    assert offer(board, name="Flat 3")["locality"] == ""
    too_long = board.post("/facilities", json={"name": "x", "kind": "office", "maintenance": rsc("1.00"),
                                               "purchase": rsc("1.00"), "locality": "x" * 101})
    assert too_long.status_code == 400 and "locality" in too_long.get_json()["error"]["fields"]


def test_applying_twice_answers_409_and_members_see_only_their_place(api, make_member, member):
    board = api.as_member(make_member(board=True))
    unit = offer(board)
    bob = api.as_member(make_member(name="Bob"))
    alice = api.as_member(member)
    first = bob.post(f"/facilities/{unit['id']}/applications", json={"message": "Family of three"})
    assert first.status_code == 201 and first.get_json()["position"] == 1
    second = alice.post(f"/facilities/{unit['id']}/applications")
    assert second.get_json()["position"] == 2
    twice = alice.post(f"/facilities/{unit['id']}/applications")
    assert twice.status_code == 409 and twice.get_json()["error"]["code"] == "already_applied"
    mine = alice.get(f"/facilities/{unit['id']}/applications").get_json()["items"]
    assert [(a["member_id"], a["position"]) for a in mine] == [(member.id, 2)]
    listed = board.get(f"/facilities/{unit['id']}/applications").get_json()["items"]
    assert [a["position"] for a in listed] == [1, 2] and listed[0]["message"] == "Family of three"
    passed_over = board.post(f"/facility-applications/{second.get_json()['id']}/assign", json={})
    assert passed_over.status_code == 400 and "reason" in passed_over.get_json()["error"]["fields"]
    tenancy = board.post(f"/facility-applications/{first.get_json()['id']}/assign", json={"start_month": "2026-12"})
    assert tenancy.status_code == 201, tenancy.get_json()
    assert alice.get(f"/facilities/{unit['id']}/applications").get_json()["items"][0]["position"] == 1
    assert alice.delete(f"/facility-applications/{second.get_json()['id']}").get_json()["status"] == "withdrawn"
    assert alice.delete(f"/facility-applications/{first.get_json()['id']}").status_code == 404


def test_a_tenancy_is_charged_and_shows_on_the_public_record(app, api, make_member, member, region, buy_through_api):
    board = api.as_member(make_member(board=True))
    unit = offer(board)
    alice = api.as_member(member)
    buy_through_api(alice, "1000.00")
    application = alice.post(f"/facilities/{unit['id']}/applications").get_json()
    this_month = months.month_of(datetime.now(timezone.utc))
    tenancy = board.post(f"/facility-applications/{application['id']}/assign",
                         json={"start_month": this_month}).get_json()
    next_month = datetime.now(timezone.utc).replace(day=1) + timedelta(days=32)
    assert rents.run_monthly_charges(db.session, next_month) == {"paid": 1, "unpaid": 0}
    charges = alice.get(f"/tenancies/{tenancy['id']}/charges").get_json()["items"]
    assert [(c["month"], c["rent"], c["status"]) for c in charges] == [(this_month, rsc("620.00"), "paid")]
    assert api.as_member(make_member()).get(f"/tenancies/{tenancy['id']}/charges").status_code == 404
    record = api.get(f"/records/facilities?region_id={region.id}").get_json()
    assert [(r["facility_name"], r["cost"], r["rent"], r["subsidy"]) for r in record["items"]] == [
        ("Flat 2B", rsc("620.00"), rsc("620.00"), rsc("0.00"))]
    assert "member_id" not in record["items"][0]
    assert alice.get("/me/tenancies").get_json()["items"][0]["unpaid"] == []
    ended = alice.post(f"/tenancies/{tenancy['id']}/end", json={})
    assert ended.status_code == 200 and ended.get_json()["status"] == "ended"


def test_operating_costs_are_recorded_by_the_board_for_a_month(api, make_member, member, now):
    board = api.as_member(make_member(board=True))
    unit = offer(board)
    fill_pool(db.session, member.region_id, member, 10_000, now)
    month = months.month_of(datetime.now(timezone.utc))
    body = {"month": month, "amount": rsc("35.50"), "memo": "Water", "supplier": "City Water"}
    assert api.as_member(member).post(f"/facilities/{unit['id']}/costs", json=body).status_code == 403
    assert board.post(f"/facilities/{unit['id']}/costs", json=body).status_code == 201
    assert board.post(f"/facilities/{unit['id']}/costs", json={**body, "month": "November"}).status_code == 400
    assert api.get(f"/facilities/{unit['id']}").get_json()["price_now"]["operating"] == rsc("35.50")
    assert [c["memo"] for c in api.get(f"/facilities/{unit['id']}/costs").get_json()["items"]] == ["Water"]


def test_a_subsidy_outside_zero_to_one_is_refused_and_a_voted_one_applies(api, make_member, member, region):
    alice = api.as_member(member)
    closes = (datetime.now(timezone.utc) + timedelta(seconds=2)).isoformat()
    for bounds in (("0", "1.5"), ("-0.1", "0.5")):
        refused = alice.post("/proposals", json={"kind": "parameter", "title": "Cheaper flats", "body": "Yes.",
                                                 "closes_at": closes,
                                                 "payload": {"name": "subsidy_housing", "min": bounds[0], "max": bounds[1]}})
        assert refused.status_code == 400, refused.get_json()
    made = alice.post("/proposals", json={"kind": "parameter", "title": "Cheaper flats", "body": "Yes.",
                                          "closes_at": closes, "payload": {"name": "subsidy_housing", "min": "0",
                                                                           "max": "0.5"}})
    assert made.status_code == 201, made.get_json()
    assert alice.put(f"/proposals/{made.get_json()['id']}/ballot", json={"choice": "0.25"}).status_code == 200
    from govern.proposals import service as proposals

    proposals.close_proposal(db.session, made.get_json()["id"], datetime.now(timezone.utc) + timedelta(seconds=5))
    assert api.get(f"/regions/{region.id}").get_json()["parameters"]["subsidy_housing"] == "0.25"
    unit = offer(api.as_member(make_member(board=True)))
    price = api.get(f"/facilities/{unit['id']}").get_json()["price_now"]
    assert (price["subsidy_rate"], price["rent"], price["subsidy"]) == ("0.25", rsc("465.00"), rsc("155.00"))
