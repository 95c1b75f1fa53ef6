"""Fixtures for the reliability promises (issue 10). Helpers that are not fixtures live in
`support.py`, so integration tests can import them too."""
from __future__ import annotations

import pytest

from govern.ledger import exchange
from govern.ledger.models import CONVERSION_USD_TO_RSC
from govern.money import Money


@pytest.fixture
def fund(session, now):
    """fund(member, minor): the member buys this much RSC at the default rate of 1."""
    def give(member, rsc_minor: int) -> None:
        exchange.convert(session, member, CONVERSION_USD_TO_RSC, Money(rsc_minor, "USD"), now)
    return give


@pytest.fixture
def token_for(client):
    """token_for(member): a bearer token, for API calls made from threads."""
    def issue(member, password: str = "password123") -> str:
        response = client.post("/api/v1/tokens", json={"email": member.email, "password": password})
        assert response.status_code == 201, response.get_json()
        return response.get_json()["token"]
    return issue


@pytest.fixture
def post_from_threads(app):
    """post_from_threads(count, path, token, body(i), headers(i)): `count` API POSTs released at
    once, each from its own thread and database connection. Returns (status, json) per thread."""
    from tests.reliability.support import run_together

    def send(count, path, token, body, headers=None):
        def one(_session, i):
            extra = headers(i) if headers else {}
            response = app.test_client().post(f"/api/v1{path}", json=body(i),
                                              headers={"Authorization": f"Bearer {token}", **extra})
            return response.status_code, response.get_json()
        return run_together(app, count, one)
    return send
