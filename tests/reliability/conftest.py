"""Fixtures for the reliability promises (issue 10). Helpers that are not fixtures live in
`support.py`, so integration tests can import them too."""
from __future__ import annotations

import pytest

from govern.money import Money
from tests.conftest import TEST_PASSWORD
from tests.funding import buy_rsc, record_income


@pytest.fixture
def app(app_factory):
    """As in tests/conftest.py, with a connection pool big enough that each of the 50 threads a
    reliability test releases at once holds its own connection (the default pool holds 15, and
    the rest would queue for one and time out on a loaded machine), and a money rate limit above
    the fifty requests one member sends at once."""
    app = app_factory(SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True, "pool_size": 5, "max_overflow": 50,
                                                 "pool_timeout": 120},
                      GOVERN_MONEY_LIMIT="1000 per minute")  # fifty requests at once test the ledger, not the limit
    with app.app_context():
        yield app


@pytest.fixture
def fund(session, now):
    """fund(member, minor): the member buys this much RSC at the default rate of 1."""
    def give(member, rsc_minor: int) -> None:
        buy_rsc(session, member, rsc_minor, now)
    return give


@pytest.fixture
def token_for(client):
    """token_for(member): a bearer token, for API calls made from threads."""
    def issue(member, password: str = TEST_PASSWORD) -> str:
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


@pytest.fixture
def staffed_company(session, region, make_member, now):
    """staffed_company(workers=3, period=("2026-06-01", "2026-06-30")): a company with outside
    income, workers at 20.00 an hour with hours entered for the period; the first worker converts
    half of each pay to USD and the second gives a tenth to the capital pool, so a run writes
    every kind of row payroll writes. Returns (company_id, [worker member ids])."""
    from govern.companies import service as companies
    from govern.companies import hours as company_hours, pay_settings, workers as company_workers

    def make(workers: int = 3, period: tuple[str, str] = ("2026-06-01", "2026-06-30"), name: str = "Bikes"):
        founder = make_member()
        company = companies.register_company(session, founder, name, "bicycle repair", now)
        record_income(session, founder, company.id, workers * 1000_00, "repairs", now)
        staff = [founder] + [make_member() for _ in range(workers - 1)]
        for number, worker in enumerate(staff):
            company_workers.set_worker(session, founder, company.id, member_id=worker.id, occupation="mechanic",
                                 hourly_rate=Money(20_00, "RSC"), now=now)
            company_hours.enter_hours(session, founder, company.id, member_id=worker.id, period_start=period[0],
                                  period_end=period[1], hours=str(10 + number), now=now)
        pay_settings.set_auto_convert(session, staff[0], "50")
        if len(staff) > 1:
            pay_settings.set_contribution_rate(session, staff[1], "10")
        session.commit()
        return company.id, [worker.id for worker in staff]

    return make
