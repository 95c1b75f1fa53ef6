"""Security-relevant events are logged to `govern.security` (logins, denials, CSRF failures,
rate-limit hits, money and vote writes), and no log line carries a password, a token, a session
or CSRF value, or the choice of a secret ballot."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

import pytest

from govern.extensions import db
from tests.security.conftest import PASSWORD, bearer_token, build_scenario, csrf_token_from, log_in

WRONG_PASSWORD = "Tr0ub4dor&3-wrong"


@pytest.fixture
def security_log(caplog, monkeypatch):
    # The migrations' logging.config.fileConfig (run once per test session to build the schema)
    # disables loggers that already exist; the server never runs it, so undo it here.
    monkeypatch.setattr(logging.getLogger("govern.security"), "disabled", False)
    caplog.set_level(logging.DEBUG)
    return caplog


def _lines(caplog, logger="govern.security") -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == logger]


def _everything_logged(caplog) -> str:
    """Every record of every logger, formatted, with any traceback."""
    handler = logging.Handler()
    handler.setFormatter(logging.Formatter("%(name)s %(message)s"))
    return "\n".join(handler.format(record) for record in caplog.records)


@pytest.fixture
def csrf_world(app_factory, now):
    app = app_factory(WTF_CSRF_ENABLED=True, GOVERN_LOGIN_LIMIT="2 per minute")
    with app.app_context():
        yield app, build_scenario(db.session, now)


def test_logins_are_logged_without_the_password(csrf_world, security_log):
    app, scenario = csrf_world
    client = app.test_client()
    log_in(client, scenario.member_email)
    log_in(app.test_client(), scenario.other_email, password=WRONG_PASSWORD)
    app.test_client().post("/api/v1/tokens", json={"email": scenario.admin_email, "password": PASSWORD})
    app.test_client().post("/api/v1/tokens", json={"email": "nobody@example.org", "password": WRONG_PASSWORD})
    lines = _lines(security_log)
    assert f"login ok: member {scenario.member_id} via page from 127.0.0.1" in lines
    assert f"login ok: member {scenario.admin_id} via api from 127.0.0.1" in lines
    assert sum(line.startswith("login failed: email #") and "via page" in line for line in lines) == 1
    assert sum(line.startswith("login failed: email #") and "via api" in line for line in lines) == 1
    logged = _everything_logged(security_log)
    assert PASSWORD not in logged and WRONG_PASSWORD not in logged and "nobody@example.org" not in logged


def test_denials_csrf_failures_and_rate_limit_hits_are_logged(csrf_world, security_log):
    app, scenario = csrf_world
    client = app.test_client()
    client.get("/api/v1/me")
    log_in(client, scenario.other_email)
    client.get("/board/to-carry-out")
    client.post("/convert", data={"direction": "usd_to_rsc", "amount": "1.00"})
    for _ in range(3):
        app.test_client().post("/api/v1/tokens", json={"email": scenario.member_email, "password": WRONG_PASSWORD})
    lines = _lines(security_log)
    assert "denied GET /api/v1/me: not_authenticated" in lines
    assert "denied GET /board/to-carry-out: forbidden" in lines
    assert "csrf failure POST /convert from 127.0.0.1" in lines
    assert "rate limited POST /api/v1/tokens from 127.0.0.1" in lines


def test_money_writes_are_logged_once_committed(app, now, security_log):
    scenario = build_scenario(db.session, now)
    client = app.test_client()
    token = bearer_token(client, scenario.member_email)
    security_log.clear()
    made = client.post("/api/v1/conversions", headers={"Authorization": f"Bearer {token}"},
                       json={"direction": "rsc_to_usd", "amount": {"amount": "2.00", "currency": "RSC"}})
    short = client.post("/api/v1/transfers", headers={"Authorization": f"Bearer {token}"},
                        json={"to_member_id": scenario.admin_id, "amount": {"amount": "9999.00", "currency": "RSC"}})
    assert (made.status_code, short.status_code) == (201, 409)
    entry_id = made.get_json()["entry_id"]
    [money] = [line for line in _lines(security_log) if line.startswith("money:")]
    assert money.startswith(f"money: ledger entry {entry_id} posted (cause conversion")


def test_vote_writes_are_logged_without_the_choice_of_a_secret_ballot(app, now, security_log):
    scenario = build_scenario(db.session, now)
    client = app.test_client()
    token = bearer_token(client, scenario.member_email)
    auth = {"Authorization": f"Bearer {token}"}
    created = client.post("/api/v1/proposals", headers=auth, json={
        "kind": "referendum", "title": "Secret question", "body": "", "payload": {},
        "closes_at": (datetime.now(timezone.utc) + timedelta(days=2)).isoformat(),
        "voting": {"method": "approval", "options": ["Lighthouse", "Windmill"], "secret": True}})
    assert created.status_code == 201, created.get_json()
    proposal = created.get_json()
    assert proposal["voting"].get("secret") is True
    windmill = next(o["id"] for o in proposal["voting"]["options"] if o["label"] == "Windmill")
    security_log.clear()
    assert client.put(f"/api/v1/proposals/{proposal['id']}/ballot", headers=auth,
                      json={"choice": [windmill]}).status_code == 200
    assert client.delete(f"/api/v1/proposals/{proposal['id']}/ballot", headers=auth).status_code == 204
    votes = [line for line in _lines(security_log) if line.startswith("vote:")]
    assert votes == [f"vote: ballot cast on proposal {proposal['id']} by member {scenario.member_id}",
                     f"vote: ballot withdrawn on proposal {proposal['id']} by member {scenario.member_id}"]
    logged = _everything_logged(security_log)
    assert "Windmill" not in logged and windmill not in logged


def test_no_token_session_or_csrf_value_is_ever_logged(csrf_world, security_log):
    """A whole session of activity, including failures on a URL that carries a secret."""
    app, scenario = csrf_world
    client = app.test_client()
    log_in(client, scenario.member_email)
    session_value = client.get_cookie("session").value
    csrf_value = csrf_token_from(client.get("/convert").get_data(as_text=True))
    client.post("/convert", data={"direction": "usd_to_rsc", "amount": "1.00", "csrf_token": csrf_value})
    token = bearer_token(client, scenario.member_email)
    client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}x"})
    invitation_secret = "s3cret-invitation-token"
    client.post(f"/invitations/{invitation_secret}", data={"password": PASSWORD})
    client.post("/logout", data={"csrf_token": csrf_value})
    logged = _everything_logged(security_log)
    assert "csrf failure POST /invitations/<token>" in logged
    for secret in (PASSWORD, token, session_value, csrf_value, invitation_secret, app.config["SECRET_KEY"]):
        assert secret not in logged
