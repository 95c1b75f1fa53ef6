"""Promise 9: every state-changing page request without a valid CSRF token is refused with 400
and changes nothing. The test walks the app's URL map, so a new form route is covered by itself."""
from __future__ import annotations

import pytest

from govern.extensions import db
from tests.security.conftest import build_scenario, csrf_token_from, log_in, row_counts
from tests.security.routes import STATE_CHANGING, calls_for

ROLES = ["anonymous", "member", "admin", "board"]


@pytest.fixture
def csrf_app(app_factory, now):
    app = app_factory(WTF_CSRF_ENABLED=True)
    with app.app_context():
        scenario = build_scenario(db.session, now)
        yield app, scenario


def _form_calls(app, scenario):
    return [c for c in calls_for(app.url_map, scenario) if not c.is_api and c.method in STATE_CHANGING]


def test_the_walk_reaches_every_state_changing_page_route(csrf_app):
    app, scenario = csrf_app
    walked = {(c.endpoint, c.method) for c in _form_calls(app, scenario)}
    expected = {(rule.endpoint, method) for rule in app.url_map.iter_rules() if not rule.rule.startswith("/api/")
                for method in rule.methods & STATE_CHANGING}
    assert walked == expected
    assert len(walked) >= 25


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("token", ["missing", "forged"])
def test_state_changing_pages_refuse_requests_without_a_valid_csrf_token(csrf_app, role, token):
    app, scenario = csrf_app
    client = app.test_client()
    if role != "anonymous":
        assert log_in(client, scenario.email_of(role)).status_code == 302
    failures = []
    for call in _form_calls(app, scenario):
        before = row_counts(db.session)
        form = dict(call.form)
        if token == "forged":
            form["csrf_token"] = "IjAwMDAi.forged.signature"
        response = client.open(call.path, method=call.method, data=form)
        after = row_counts(db.session)
        if response.status_code != 400 or "expired" not in response.get_data(as_text=True):
            failures.append(f"{call.method} {call.path}: {response.status_code}")
        if after != before:
            failures.append(f"{call.method} {call.path} changed {_changed(before, after)}")
    assert failures == []


def test_the_same_form_with_its_token_is_accepted(csrf_app):
    """The control: the refusal above is the token's doing, not a broken request."""
    app, scenario = csrf_app
    client = app.test_client()
    log_in(client, scenario.member_email)
    token = csrf_token_from(client.get("/convert").get_data(as_text=True))
    before = row_counts(db.session)
    response = client.post("/convert", data={"direction": "usd_to_rsc", "amount": "1.00", "csrf_token": token})
    assert response.status_code == 302
    assert row_counts(db.session)["deposits"] == before["deposits"] + 1  # a deposit waiting for the bank


def test_a_token_from_another_session_is_refused(csrf_app):
    app, scenario = csrf_app
    attacker, victim = app.test_client(), app.test_client()
    log_in(attacker, scenario.other_email)
    stolen = csrf_token_from(attacker.get("/convert").get_data(as_text=True))
    assert log_in(victim, scenario.member_email).status_code == 302
    assert victim.get("/dashboard").status_code == 200
    before = row_counts(db.session)
    response = victim.post("/convert", data={"direction": "usd_to_rsc", "amount": "1.00", "csrf_token": stolen})
    assert response.status_code == 400
    assert row_counts(db.session) == before


def _changed(before: dict, after: dict) -> list[str]:
    return [name for name in before if before[name] != after.get(name)]
