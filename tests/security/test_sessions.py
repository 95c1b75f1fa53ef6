"""Promise 11: sessions. A cookie captured before logout is refused after it; logging in starts a
fresh session (nothing an attacker planted before, such as a CSRF token, survives it); cookies
are HttpOnly, SameSite=Lax, and Secure whenever the site is served over HTTPS."""
from __future__ import annotations

import pytest

from govern.extensions import db
from tests.security.conftest import build_scenario, csrf_token_from, log_in
from tests.conftest import TEST_PASSWORD

SESSION_COOKIE = "session"


@pytest.fixture
def scenario(app, now):
    return build_scenario(db.session, now)


def _session_cookie(client):
    return client.get_cookie(SESSION_COOKIE)


def _set_cookie_headers(response) -> list[str]:
    return [v for v in response.headers.getlist("Set-Cookie") if v.startswith(f"{SESSION_COOKIE}=")]


def test_a_session_cookie_captured_before_logout_is_refused_after_it(app, scenario):
    client = app.test_client()
    log_in(client, scenario.member_email)
    assert client.get("/dashboard").status_code == 200
    captured = _session_cookie(client).value
    client.post("/logout")
    assert client.get("/dashboard").status_code == 302

    replay = app.test_client()
    replay.set_cookie(SESSION_COOKIE, captured)
    response = replay.get("/dashboard")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_logging_out_ends_the_members_other_sessions_too(app, scenario):
    phone, laptop = app.test_client(), app.test_client()
    log_in(phone, scenario.member_email)
    log_in(laptop, scenario.member_email)
    laptop.post("/logout")
    assert phone.get("/dashboard").status_code == 302


def test_logging_in_starts_a_fresh_session(app_factory, now):
    """Session fixation: a session obtained before login (here, one an attacker could plant,
    holding a CSRF token the attacker knows) must not become the logged-in session."""
    app = app_factory(WTF_CSRF_ENABLED=True)
    with app.app_context():
        scenario = build_scenario(db.session, now)
    client = app.test_client()
    planted_token = csrf_token_from(client.get("/login").get_data(as_text=True))
    before = _session_cookie(client).value
    response = client.post("/login", data={"email": scenario.member_email, "password": TEST_PASSWORD,
                                           "csrf_token": planted_token})
    assert response.status_code == 302
    assert _session_cookie(client).value != before
    convert_page = client.get("/convert").get_data(as_text=True)
    assert csrf_token_from(convert_page) != planted_token
    refused = client.post("/convert", data={"direction": "usd_to_rsc", "amount": "1.00", "csrf_token": planted_token})
    assert refused.status_code == 400


def test_the_session_cookie_is_httponly_and_samesite_lax(app, scenario):
    response = log_in(app.test_client(), scenario.member_email)
    [cookie] = _set_cookie_headers(response)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_the_session_cookie_is_secure_when_served_over_https(app, scenario):
    client = app.test_client()
    response = client.post("/login", data={"email": scenario.member_email, "password": TEST_PASSWORD},
                           base_url="https://conductor.example")
    [cookie] = _set_cookie_headers(response)
    assert "Secure" in cookie and "HttpOnly" in cookie


def test_the_session_cookie_is_secure_behind_a_trusted_https_proxy(app_factory, now):
    app = app_factory(GOVERN_TRUSTED_PROXIES=1)
    with app.app_context():
        scenario = build_scenario(db.session, now)
    response = app.test_client().post("/login", data={"email": scenario.member_email, "password": TEST_PASSWORD},
                                      headers={"X-Forwarded-Proto": "https"})
    [cookie] = _set_cookie_headers(response)
    assert "Secure" in cookie


def test_forwarded_headers_are_ignored_without_a_trusted_proxy(app, scenario):
    """Anybody can send X-Forwarded-*: without a proxy in front, they must not change the answer."""
    response = app.test_client().post("/login", data={"email": scenario.member_email, "password": TEST_PASSWORD},
                                      headers={"X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example"})
    [cookie] = _set_cookie_headers(response)
    assert "Secure" not in cookie
    assert "evil.example" not in response.headers["Location"]


def test_govern_secure_cookies_makes_the_cookie_secure_even_over_plain_http(app_factory, now, monkeypatch, tmp_path):
    """For a TLS proxy that does not say X-Forwarded-Proto: GOVERN_SECURE_COOKIES=1 forces it."""
    from govern.config import from_environment

    monkeypatch.setenv("GOVERN_SECURE_COOKIES", "1")
    monkeypatch.setenv("GOVERN_SECRET_KEY", "not-used-here")
    app = app_factory(SESSION_COOKIE_SECURE=from_environment(tmp_path)["SESSION_COOKIE_SECURE"])
    with app.app_context():
        scenario = build_scenario(db.session, now)
    response = app.test_client().post("/login", data={"email": scenario.member_email, "password": TEST_PASSWORD})
    [cookie] = _set_cookie_headers(response)
    assert "Secure" in cookie
