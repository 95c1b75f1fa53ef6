"""Promise 12: repeated failed logins are throttled (429), the same way for a known and an unknown
email, through the page and the API, in memory and in Redis (shared by several workers)."""
from __future__ import annotations

import uuid

import pytest

from govern.extensions import db
from tests.security.conftest import REDIS_URL, build_scenario, redis_or_skip
from tests.conftest import TEST_PASSWORD

LIMIT = 5  # GOVERN_LOGIN_LIMIT's default: 5 failures in 5 minutes


@pytest.fixture
def scenario(app, now):
    return build_scenario(db.session, now)


def _api_attempts(client, email, count, password="wrong-password"):
    return [client.post("/api/v1/tokens", json={"email": email, "password": password}) for _ in range(count)]


def test_failed_api_logins_are_throttled_alike_for_known_and_unknown_emails(app, scenario):
    known = _api_attempts(app.test_client(), scenario.member_email, LIMIT + 1)
    unknown = _api_attempts(app.test_client(), "nobody@example.org", LIMIT + 1)
    assert [r.status_code for r in known] == [401] * LIMIT + [429]
    assert [r.status_code for r in unknown] == [401] * LIMIT + [429]
    assert known[0].get_json() == unknown[0].get_json()
    assert known[-1].get_json() == unknown[-1].get_json() == {"error": {
        "code": "rate_limited", "message": "Too many attempts. Wait a few minutes and try again."}}
    assert known[-1].headers["Retry-After"] and unknown[-1].headers["Retry-After"]


def test_failed_page_logins_are_throttled_alike_for_known_and_unknown_emails(app, scenario):
    for email in (scenario.member_email, "nobody@example.org"):
        client = app.test_client()
        answers = [client.post("/login", data={"email": email, "password": "wrong-password"}) for _ in range(LIMIT + 1)]
        assert [r.status_code for r in answers] == [401] * LIMIT + [429]
        assert all("Wrong email or password." in r.get_data(as_text=True) and 'name="password"' in
                   r.get_data(as_text=True) for r in answers[:LIMIT])
        assert "Too many attempts" in answers[-1].get_data(as_text=True)


def test_the_page_and_the_api_share_one_budget_of_failures(app, scenario):
    client = app.test_client()
    for _ in range(3):
        client.post("/login", data={"email": scenario.member_email, "password": "wrong-password"})
    assert [r.status_code for r in _api_attempts(client, scenario.member_email, 3)] == [401, 401, 429]


def test_once_throttled_even_the_right_password_waits(app, scenario):
    client = app.test_client()
    _api_attempts(client, scenario.member_email, LIMIT)
    assert _api_attempts(client, scenario.member_email, 1, password=TEST_PASSWORD)[0].status_code == 429
    assert client.post("/login", data={"email": scenario.member_email, "password": TEST_PASSWORD}).status_code == 429


def test_successful_logins_do_not_count_and_other_emails_are_not_blocked(app, scenario):
    client = app.test_client()
    assert [r.status_code for r in _api_attempts(client, scenario.member_email, LIMIT + 2, TEST_PASSWORD)] == \
        [201] * (LIMIT + 2)
    _api_attempts(client, "nobody@example.org", LIMIT + 1)
    assert _api_attempts(client, scenario.other_email, 1, password=TEST_PASSWORD)[0].status_code == 201


@pytest.fixture
def redis_prefix():
    connection = redis_or_skip()
    prefix = f"govern-test-{uuid.uuid4().hex}"
    yield prefix
    for key in connection.scan_iter(f"*{prefix}*"):
        connection.delete(key)
    connection.close()


def test_two_workers_sharing_redis_count_failures_together(app_factory, now, redis_prefix):
    """With GOVERN_RATELIMIT_STORAGE_URL=redis://…, an attacker gains nothing by spreading
    attempts over several workers: the failures add up in Redis."""
    settings = {"RATELIMIT_STORAGE_URI": REDIS_URL, "RATELIMIT_KEY_PREFIX": redis_prefix}
    first = app_factory(**settings)
    with first.app_context():
        scenario = build_scenario(db.session, now)
    second = app_factory(**settings)
    workers = [first.test_client(), second.test_client()]
    for email in (scenario.member_email, "nobody@example.org"):
        answers = [workers[n % 2].post("/api/v1/tokens", json={"email": email, "password": "wrong"}).status_code
                   for n in range(LIMIT + 1)]
        assert answers == [401] * LIMIT + [429]
    connection = redis_or_skip()
    assert list(connection.scan_iter(f"*{redis_prefix}*"))
