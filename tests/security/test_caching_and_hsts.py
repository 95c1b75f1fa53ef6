"""Promise: answers meant for one person (a logged-in member's pages, anything asked with a bearer
token, anything that sets a cookie) carry `Cache-Control: no-store`, so neither a shared cache nor
the browser's history keeps a member's balance after they log out; public records stay cacheable.
With GOVERN_SECURE_COOKIES=1, answers over HTTPS carry Strict-Transport-Security."""
from __future__ import annotations

import pytest

from govern.extensions import db
from tests.security.conftest import bearer_token, build_scenario, log_in


@pytest.fixture
def scenario(app, now):
    return build_scenario(db.session, now)


def test_a_members_pages_and_api_answers_are_not_stored(app, scenario):
    client = app.test_client()
    log_in(client, scenario.member_email)
    token = bearer_token(app.test_client(), scenario.member_email)
    private = {
        "the dashboard": client.get("/dashboard"),
        "the tokens page": client.get("/me/tokens"),
        "a public page seen logged in": client.get("/regions"),
        "a statement download": client.get("/me/statement.csv"),
        "the API's /me": app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}),
        "a token": app.test_client().post("/api/v1/tokens", json={"email": scenario.member_email,
                                                                   "password": "amber-otter-cascade-42"}),
        "a redirect after logging in": log_in(app.test_client(), scenario.member_email),
    }
    for what, response in private.items():
        assert response.status_code in (200, 201, 302), what
        assert response.headers.get("Cache-Control") == "no-store", what


def test_a_form_that_sets_a_session_cookie_is_not_stored(app_factory):
    """The login form keeps its CSRF token in a fresh session cookie: a cache must not hand both on."""
    response = app_factory(WTF_CSRF_ENABLED=True).test_client().get("/login")
    assert "Set-Cookie" in response.headers and response.headers["Cache-Control"] == "no-store"


def test_public_records_and_static_files_may_be_cached(app, scenario):
    client = app.test_client()
    for path in ("/regions", "/api/v1/regions", "/records/capital-pool", "/static/style.css"):
        response = client.get(path)
        assert response.status_code == 200 and "no-store" not in response.headers.get("Cache-Control", ""), path
        assert "Set-Cookie" not in response.headers, path


def test_https_answers_carry_hsts_when_secure_cookies_are_on(app_factory, now):
    app = app_factory(SESSION_COOKIE_SECURE=True)
    with app.app_context():
        build_scenario(db.session, now)
    client = app.test_client()
    over_https = client.get("/regions", base_url="https://conductor.example")
    assert over_https.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert client.get("/api/v1/regions", base_url="https://conductor.example").headers["Strict-Transport-Security"]
    assert "Strict-Transport-Security" not in client.get("/regions").headers  # plain HTTP: browsers ignore it anyway


def test_no_hsts_without_secure_cookies(app, scenario):
    """A site that also answers plain HTTP must not pin browsers to HTTPS by accident."""
    response = app.test_client().get("/regions", base_url="https://conductor.example")
    assert "Strict-Transport-Security" not in response.headers


def test_hsts_is_sent_behind_a_trusted_https_proxy(app_factory, now):
    app = app_factory(SESSION_COOKIE_SECURE=True, GOVERN_TRUSTED_PROXIES=1)
    with app.app_context():
        build_scenario(db.session, now)
    response = app.test_client().get("/regions", headers={"X-Forwarded-Proto": "https"})
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
