"""The members part of the JSON API, as integrators use it."""
from datetime import timedelta

from sqlalchemy import select

from govern.members import service as members
from govern.members.models import ApiToken
from tests.conftest import TEST_PASSWORD


def test_anybody_can_join_and_get_a_token(api, region):
    response = api.post("/members", json={"email": "Bea@Example.org", "name": "Bea", "password": TEST_PASSWORD,
                                          "locality": "North"})
    assert response.status_code == 201
    body = response.get_json()
    assert body["region_id"] == region.id
    assert body["roles"] == ["member"]
    assert body["status"] == "active"
    assert body["email"] == "bea@example.org"
    assert body["locality"] == "North"

    token = api.post("/tokens", json={"email": "bea@example.org", "password": TEST_PASSWORD})
    assert token.status_code == 201
    assert len(token.get_json()["token"]) > 30


def test_me_shows_the_member_and_their_rsc_account(api, member):
    me = api.as_member(member).get("/me")
    assert me.status_code == 200
    body = me.get_json()
    assert body["id"] == member.id and body["email"] == member.email
    [account] = body["accounts"]
    assert account["currency"] == "RSC"
    assert account["balance"] == {"amount": "0.00", "currency": "RSC"}


def test_join_with_missing_fields_answers_400_with_every_field(api, region):
    response = api.post("/members", json={"email": "not-an-email", "password": "short"})
    assert response.status_code == 400
    fields = response.get_json()["error"]["fields"]
    assert set(fields) == {"email", "name", "password"}


def test_join_with_a_taken_email_answers_409(api, member):
    response = api.post("/members", json={"email": member.email.upper(), "name": "X", "password": TEST_PASSWORD})
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "email_taken"


def test_join_an_unknown_region_answers_400(api, region):
    response = api.post("/members", json={"email": "z@example.org", "name": "Z", "password": TEST_PASSWORD,
                                          "region_id": 999})
    assert response.status_code == 400
    assert "region_id" in response.get_json()["error"]["fields"]


def test_body_that_is_not_a_json_object_answers_400(api, region):
    response = api.client.post("/api/v1/members", data="[1, 2]", content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_json"


def test_wrong_password_answers_401_and_repeated_failures_429(api, member):
    for _ in range(5):
        response = api.post("/tokens", json={"email": member.email, "password": "wrong-password"})
        assert response.status_code == 401
        assert response.get_json()["error"]["code"] == "invalid_credentials"
    throttled = api.post("/tokens", json={"email": member.email, "password": TEST_PASSWORD})
    assert throttled.status_code == 429
    assert throttled.get_json()["error"]["code"] == "rate_limited"


def test_unknown_email_is_throttled_like_a_known_one(api, region):
    statuses = [api.post("/tokens", json={"email": "ghost@example.org", "password": "whatever1"}).status_code
                for _ in range(6)]
    assert statuses == [401] * 5 + [429]


def test_successful_logins_are_not_throttled(api, member):
    for _ in range(8):
        assert api.post("/tokens", json={"email": member.email, "password": TEST_PASSWORD}).status_code == 201


def test_requests_without_or_with_a_bad_token_answer_401(api, member):
    assert api.get("/me").status_code == 401
    bad = api.get("/me", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401
    assert bad.get_json()["error"]["code"] == "invalid_token"


def test_expired_tokens_answer_401(api, member, session, now):
    token = members.issue_token(session, member, now - timedelta(days=40), timedelta(days=30))
    response = api.get("/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "invalid_token"


def test_only_a_hash_of_the_token_is_stored(api, member, session):
    token = api.as_member(member).token
    stored = session.execute(select(ApiToken.token_hash)).scalars().all()
    assert token not in stored
    assert len(stored) == 1 and len(stored[0]) == 64


def test_other_members_see_public_fields_only(api, member, make_member):
    other = make_member()
    seen = api.as_member(other).get(f"/members/{member.id}").get_json()
    assert "email" not in seen
    assert seen["name"] == "Alice"


def test_board_sees_member_emails(api, member, make_member):
    board = make_member(board=True)
    seen = api.as_member(board).get(f"/members/{member.id}").get_json()
    assert seen["email"] == member.email


def test_unknown_member_answers_404(api, member):
    assert api.as_member(member).get("/members/9999").status_code == 404


def test_a_member_who_leaves_keeps_their_login_and_balance(api, member):
    client = api.as_member(member)
    left = client.post("/me/leave")
    assert left.status_code == 200
    assert left.get_json()["status"] == "left"
    me = client.get("/me").get_json()
    assert me["status"] == "left"
    assert me["accounts"][0]["balance"]["currency"] == "RSC"
    assert client.post("/me/leave").status_code == 403
