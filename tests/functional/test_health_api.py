"""The health plan through the JSON API."""
from govern.extensions import db
from govern.regions import service as regions


def money(amount, currency="RSC"):
    return {"amount": amount, "currency": currency}


def test_a_member_sees_their_share_enrolls_once_and_the_board_alone_lists_them(api, member, make_member, region, now,
                                                                              buy_through_api):
    regions.set_parameter(db.session, region.id, "health_plan_premium", "40", cause_type="test", cause_id=None, now=now)
    alice = api.as_member(member)
    board = api.as_member(make_member(board=True))
    assert alice.get("/me/health").get_json()["inside_share"]["share"] is None
    below = alice.post("/me/health/enrollment")
    assert below.status_code == 409 and below.get_json()["error"]["code"] == "inside_share_too_low"
    buy_through_api(alice, "100.00")
    alice.post("/contributions", json={"amount": money("30.00")})
    alice.post("/conversions", json={"direction": "rsc_to_usd", "amount": money("10.00")})
    mine = alice.get("/me/health").get_json()
    assert mine["inside_share"]["inside"] == money("30.00") and mine["inside_share"]["outside"] == money("10.00")
    assert mine["inside_share"]["share"] == "0.7500" and mine["inside_share"]["eligible"] is True
    enrolled = alice.post("/me/health/enrollment")
    assert enrolled.status_code == 201 and enrolled.get_json()["inside_share"] == "0.7500"
    assert alice.post("/me/health/enrollment").status_code == 409
    assert alice.get("/health/enrollments").status_code == 403
    assert [e["member_id"] for e in board.get("/health/enrollments").get_json()["items"]] == [member.id]
    assert api.get("/health/enrollments").status_code == 401
    assert alice.delete("/me/health/enrollment").get_json()["status"] == "left"
    assert board.get("/health/enrollments").get_json()["items"] == []
