"""Promise: a bearer token can be revoked, by the API (`DELETE /api/v1/tokens/current`,
`DELETE /api/v1/tokens`) or on the tokens page, and stops working at once; "Log out everywhere"
and a password change revoke every token too. Found by a hostile visitor: a stolen token kept
working for its 30 days whatever its owner did."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from govern.extensions import db
from govern.members.models import ApiToken
from tests.security.conftest import PASSWORD, bearer_token, build_scenario, csrf_token_from, log_in


@pytest.fixture
def scenario(app, now):
    return build_scenario(db.session, now)


def _me(client, token):
    return client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})


def _delete(client, path, token):
    return client.delete(f"/api/v1{path}", headers={"Authorization": f"Bearer {token}"})


def test_revoking_the_current_token_ends_that_token_only(app, scenario):
    client = app.test_client()
    phone, laptop = bearer_token(client, scenario.member_email), bearer_token(client, scenario.member_email)
    response = _delete(client, "/tokens/current", phone)
    assert response.status_code == 204 and response.get_data() == b""
    refused = _me(client, phone)
    assert refused.status_code == 401 and refused.get_json()["error"]["code"] == "invalid_token"
    assert _delete(client, "/tokens/current", phone).status_code == 401
    assert _me(client, laptop).status_code == 200


def test_revoking_every_token_ends_all_of_them_and_the_browser_sessions(app, scenario):
    client = app.test_client()
    tokens = [bearer_token(client, scenario.member_email) for _ in range(3)]
    others = bearer_token(client, scenario.other_email)
    browser = app.test_client()
    log_in(browser, scenario.member_email)
    assert browser.get("/dashboard").status_code == 200
    assert _delete(client, "/tokens", tokens[0]).status_code == 204
    assert [_me(client, token).status_code for token in tokens] == [401, 401, 401]
    assert browser.get("/dashboard").status_code == 302
    assert _me(client, others).status_code == 200  # another member's token is untouched
    assert _delete(client, "/tokens", "not-a-token").status_code == 401


def test_the_tokens_page_lists_tokens_with_their_use_and_revokes_one(app, scenario, clock):
    client = app.test_client()
    script = client.post("/api/v1/tokens", json={"email": scenario.member_email, "password": PASSWORD,
                                                 "label": "Bank bridge <script>"}).get_json()["token"]
    curl = client.post("/api/v1/tokens", json={"email": scenario.member_email, "password": PASSWORD},
                       headers={"User-Agent": "curl/8.5.0"}).get_json()["token"]
    clock.shift(timedelta(hours=2))
    _me(client, script)
    browser = app.test_client()
    log_in(browser, scenario.member_email)
    page = browser.get("/me/tokens")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "Bank bridge &lt;script&gt;" in text and "curl/8.5.0" in text and "Your API tokens (2)" in text
    assert "26 Nov 2026, 14:00 UTC" in text and "never" in text  # the script was used two hours in; curl not yet
    [bridge_id] = db.session.execute(select(ApiToken.id).where(ApiToken.label == "Bank bridge <script>")).scalars()
    done = browser.post(f"/me/tokens/{bridge_id}/revoke", follow_redirects=True)
    assert "The token was revoked" in done.get_data(as_text=True) and "Bank bridge" not in done.get_data(as_text=True)
    assert _me(client, script).status_code == 401 and _me(client, curl).status_code == 200


def test_a_token_is_revoked_by_its_owner_only(app, scenario):
    client = app.test_client()
    victims = bearer_token(client, scenario.member_email)
    [victim_id] = db.session.execute(select(ApiToken.id)).scalars()
    attacker = app.test_client()
    log_in(attacker, scenario.other_email)
    refused = attacker.post(f"/me/tokens/{victim_id}/revoke", follow_redirects=True)
    assert "No such token." in refused.get_data(as_text=True)
    assert "#%d" % victim_id not in attacker.get("/me/tokens").get_data(as_text=True)
    assert _me(client, victims).status_code == 200


def test_log_out_everywhere_ends_sessions_and_tokens(app_factory, now):
    app = app_factory(WTF_CSRF_ENABLED=True)
    with app.app_context():
        scenario = build_scenario(db.session, now)
        client = app.test_client()
        token = bearer_token(client, scenario.member_email)
        phone, laptop = app.test_client(), app.test_client()
        log_in(phone, scenario.member_email)
        log_in(laptop, scenario.member_email)
        csrf = csrf_token_from(laptop.get("/me/tokens").get_data(as_text=True))
        assert laptop.post("/me/logout-everywhere").status_code == 400  # without the form's token: nothing
        assert _me(client, token).status_code == 200
        done = laptop.post("/me/logout-everywhere", data={"csrf_token": csrf}, follow_redirects=True)
        assert "1 API token revoked" in done.get_data(as_text=True)
        assert _me(client, token).status_code == 401
        assert phone.get("/dashboard").status_code == 302 and laptop.get("/dashboard").status_code == 302


def test_changing_the_password_revokes_tokens_and_other_sessions_but_keeps_this_one(app, scenario):
    client = app.test_client()
    token = bearer_token(client, scenario.member_email)
    phone, laptop = app.test_client(), app.test_client()
    log_in(phone, scenario.member_email)
    log_in(laptop, scenario.member_email)
    new = "lantern-meadow-quartz-19"
    changed = laptop.post("/me/password", data={"current_password": PASSWORD, "new_password": new})
    assert changed.status_code == 302
    assert laptop.get("/dashboard").status_code == 200
    assert phone.get("/dashboard").status_code == 302
    assert _me(client, token).status_code == 401
    assert client.post("/api/v1/tokens", json={"email": scenario.member_email, "password": PASSWORD}).status_code == 401
    assert client.post("/api/v1/tokens", json={"email": scenario.member_email, "password": new}).status_code == 201


def test_a_tokens_last_use_is_written_at_most_every_five_minutes(app, scenario, clock):
    client = app.test_client()
    token = bearer_token(client, scenario.member_email)

    def last_used():
        db.session.expire_all()
        return db.session.execute(select(ApiToken.last_used_at)).scalar_one()

    _me(client, token)
    first = last_used()
    clock.shift(timedelta(minutes=2))
    _me(client, token)
    assert last_used() == first
    clock.shift(timedelta(minutes=4))
    _me(client, token)
    assert last_used() > first + timedelta(minutes=5)


def test_the_tokens_page_pages_a_members_many_tokens(app, scenario, now):
    """A script that logs in on every run leaves many tokens: the page shows 50 at a time and the count."""
    from govern.members import service as members

    member = members.get_member(db.session, scenario.member_id)
    for _ in range(55):
        members.issue_token(db.session, member, now, timedelta(days=1), "nightly script")
    browser = app.test_client()
    log_in(browser, scenario.member_email)
    first = browser.get("/me/tokens").get_data(as_text=True)
    assert "Your API tokens (55)" in first and first.count("nightly script") == 50 and "Older tokens" in first
    older = browser.get(f"/me/tokens?cursor={db.session.execute(select(ApiToken.id).order_by(ApiToken.id)).scalars().all()[5]}")
    assert older.get_data(as_text=True).count("nightly script") == 5
