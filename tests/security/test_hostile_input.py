"""Promise: hostile input is a client error, never a server error, and never sends a member
elsewhere. Found by a hostile visitor: `POST /login?next=/%09/evil.com` answered
`302 Location: //evil.com`; a body of 100,000 `[` (RecursionError), a lone surrogate in a name
(UnicodeEncodeError) and `next=/%0a/evil.com` (a newline in a header) answered 500."""
from __future__ import annotations

import pytest

from govern.extensions import db
from tests.conftest import TEST_PASSWORD
from tests.security.conftest import bearer_token, build_scenario, row_counts
from tests.security.routes import json_body


@pytest.fixture
def hostile(app_factory, now):
    """TESTING off: an unexpected exception is answered 500 as in production, not raised."""
    app = app_factory(TESTING=False, GOVERN_LOGIN_LIMIT="1000 per minute")
    with app.app_context():
        yield app, build_scenario(db.session, now)


def _login(client, email: str, next_value: str):
    return client.post("/login", query_string={"next": next_value}, data={"email": email, "password": TEST_PASSWORD})


@pytest.mark.parametrize("target", ["//evil.com", "/\\evil.com", "/\\/evil.com", "https://evil.com/x",
                                    "http:/evil.com", "evil.com", " //evil.com", "/%2F/evil.com/.."])
def test_a_login_never_sends_the_member_to_another_site(hostile, target):
    app, scenario = hostile
    response = _login(app.test_client(), scenario.member_email, target)
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location in ("/dashboard", target) and location.startswith("/") and not location.startswith(("//", "/\\"))


@pytest.mark.parametrize("target", ["/\t/evil.com", "/\n/evil.com", "/\r\nSet-Cookie: x=1", "/\x00", "/\x7f/evil.com",
                                    "/\u2028/evil.com"])
def test_a_next_address_with_control_characters_is_refused_with_400(hostile, target):
    app, scenario = hostile
    client = app.test_client()
    assert client.get("/login", query_string={"next": target}).status_code == 400
    refused = _login(client, scenario.member_email, target)
    assert refused.status_code == 400 and "Location" not in refused.headers
    assert client.get("/dashboard").status_code == 302  # not logged in by the refused request


def test_the_raw_query_strings_the_visitor_sent_answer_400(hostile):
    app, scenario = hostile
    client = app.test_client()
    for query in ("next=/%09/evil.com", "next=/%0a/evil.com", "next=/%0d%0aX-Injected:%201"):
        response = client.post(f"/login?{query}", data={"email": scenario.member_email, "password": TEST_PASSWORD})
        assert response.status_code == 400, query
        assert "X-Injected" not in response.headers


def test_a_same_site_path_is_followed_after_login(hostile):
    app, scenario = hostile
    response = _login(app.test_client(), scenario.member_email, f"/proposals/{scenario.proposal_id}?tab=1")
    assert response.headers["Location"] == f"/proposals/{scenario.proposal_id}?tab=1"


@pytest.mark.parametrize("body", ["[" * 100_000, '{"a":' * 50_000 + "1" + "}" * 50_000, "[" * 100_000 + "]" * 100_000])
def test_json_nested_beyond_reason_is_a_bad_request(hostile, body):
    app, scenario = hostile
    client = app.test_client()
    token = bearer_token(client, scenario.member_email)
    for path, headers in (("/api/v1/members", {}), ("/api/v1/tokens", {}),
                          ("/api/v1/proposals", {"Authorization": f"Bearer {token}"})):
        response = client.post(path, data=body, content_type="application/json", headers=headers)
        assert response.status_code == 400, path
        assert response.get_json()["error"]["code"] == "invalid_json"


def _operations_with_bodies(client) -> list[tuple[str, str, dict]]:
    document = client.get("/api/v1/openapi.json").get_json()
    found = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            schema = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            if schema and "$ref" in schema:  # a named model: its fields are in the components
                schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
            if schema:
                found.append((method.upper(), path, schema))
    return found


def _string_fields(schema: dict) -> list[str]:
    return [name for name, spec in schema.get("properties", {}).items() if spec.get("type") == "string"
            or name in ("name", "title", "memo", "body", "message", "label", "password", "email")]


@pytest.mark.parametrize("bad", ["\ud800", "ok\udfffok", "nul\x00inside"])
def test_a_lone_surrogate_or_a_nul_in_any_string_field_is_a_bad_request_and_changes_nothing(hostile, bad):
    """Every JSON operation of the OpenAPI document, each of its string fields in turn, with the
    rightful caller's token: 400, never 500."""
    app, scenario = hostile
    client = app.test_client()
    headers = {"Authorization": f"Bearer {bearer_token(client, scenario.admin_email)}"}
    before = row_counts(db.session)
    sent = 0
    ids = {"id": scenario.company_id, "scope": "all", "token": "no-such-invitation"}
    for method, path, schema in _operations_with_bodies(client):
        for field in _string_fields(schema) or ["anything"]:
            body = {**(json_body("", scenario) or {}), field: bad}
            url = "/api/v1" + path.format(**ids)
            response = client.open(url, method=method, json=body, headers=headers)
            sent += 1
            assert response.status_code == 400, (method, path, field, response.status_code)
            assert response.get_json()["error"]["code"] == "invalid_json"
    assert sent >= 40
    after = row_counts(db.session)
    assert {k: v for k, v in after.items() if k != "api_tokens"} == {k: v for k, v in before.items() if k != "api_tokens"}


def test_a_lone_surrogate_in_a_name_leaves_the_member_unborn(hostile):
    app, _ = hostile
    client = app.test_client()
    raw = '{"email": "new@example.org", "name": "Eve \\ud800", "password": "%s"}' % TEST_PASSWORD
    response = client.post("/api/v1/members", data=raw, content_type="application/json")
    assert response.status_code == 400
    assert client.post("/api/v1/tokens", json={"email": "new@example.org", "password": TEST_PASSWORD}).status_code == 401


def test_a_paired_surrogate_escape_is_an_ordinary_character(hostile):
    """`\\ud83d\\ude00` is how JSON writes 😀: a name with it is fine."""
    app, _ = hostile
    raw = '{"email": "smile@example.org", "name": "Sam \\ud83d\\ude00", "password": "%s"}' % TEST_PASSWORD
    response = app.test_client().post("/api/v1/members", data=raw, content_type="application/json")
    assert response.status_code == 201 and response.get_json()["name"] == "Sam 😀"
