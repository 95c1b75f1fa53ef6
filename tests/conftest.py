"""Fixtures shared by every test.

The schema comes from the migrations, built once per run: on SQLite into a template file that
each test copies; on PostgreSQL (TEST_DATABASE_URL) into the database, truncated between tests.

The clock: every test runs with the whole process's clock moved to `NOW` (time-machine, ticking),
so the app's routes, the services, the scheduler's jobs and the test itself read one clock, and
the suite passes on any day. A test that starts another process (which time-machine cannot
reach) is marked `real_clock` and takes every time it needs from the real clock.
"""
from __future__ import annotations

import os
import shutil
from datetime import datetime, timedelta, timezone

import pytest
import time_machine
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from govern import create_app
from govern.config import normalize_database_url
from govern.extensions import db
from govern.ledger.checks import GENESIS_HASH
from govern.members import service as members
from govern.regions import service as regions

PG_URL = os.environ.get("TEST_DATABASE_URL")
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc)
# The password every test member has: strong enough for the password check (zxcvbn score 3 or more),
# so no test weakens the check to get a member in.
TEST_PASSWORD = "amber-otter-cascade-42"


def pytest_addoption(parser):
    parser.addoption("--clock-ahead", type=int, default=0, metavar="DAYS",
                     help="move the process's real clock DAYS ahead for the whole run: proves that no test "
                          "depends on today's date (.ci/run uses 365)")


_real_clock_moved = []


def pytest_configure(config):
    days = config.getoption("--clock-ahead", 0)
    if days:
        traveller = time_machine.travel(datetime.now(timezone.utc) + timedelta(days=days), tick=True)
        traveller.start()
        _real_clock_moved.append(traveller)


def pytest_unconfigure(config):
    while _real_clock_moved:
        _real_clock_moved.pop().stop()


def pytest_report_header(config):
    if config.getoption("--clock-ahead", 0):
        return f"clock moved ahead: the real clock reads {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC"
    return None


@pytest.fixture(autouse=True)
def clock(request):
    """The process's clock, at `NOW` when the test starts and ticking from there; move it with
    `clock.shift(timedelta(...))` or `clock.move_to(moment)`. None for `real_clock` tests."""
    if request.node.get_closest_marker("real_clock"):
        yield None
        return
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


def base_config(database_url: str) -> dict:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        "GOVERN_MIN_VOTING_SECONDS": 1,
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 8,
        "RATELIMIT_STORAGE_URI": "memory://",
        "GOVERN_RUN_SCHEDULER": False,
        "GOVERN_SMTP_URL": "",
        "GOVERN_BASE_URL": "http://coop.test",
    }


def _migrate(database_url: str) -> None:
    app = create_app(base_config(database_url))
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def schema(tmp_path_factory):
    """Run the migrations once. Returns the URL of the migrated database (or template)."""
    if PG_URL:
        url = normalize_database_url(PG_URL)
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        _migrate(url)
        return url
    template = tmp_path_factory.mktemp("schema") / "template.sqlite3"
    url = f"sqlite:///{template}"
    _migrate(url)
    return url


def new_database_url(schema_url: str, tmp_path) -> str:
    if PG_URL:
        engine = create_engine(schema_url)
        with engine.begin() as conn:
            tables = [r[0] for r in conn.execute(text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"))]
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            conn.execute(text(f"INSERT INTO ledger_head (id, entry_id, hash) VALUES (1, 0, '{GENESIS_HASH}')"))
        engine.dispose()
        return schema_url
    target = tmp_path / "test.sqlite3"
    shutil.copy(schema_url.removeprefix("sqlite:///"), target)
    return f"sqlite:///{target}"


@pytest.fixture
def app_factory(schema, tmp_path):
    """Build the app on a fresh database; pass config overrides (e.g. CSRF on)."""
    url = new_database_url(schema, tmp_path)
    made = []

    def make(**overrides):
        app = create_app({**base_config(url), "GOVERN_OUTBOX_DIR": str(tmp_path / "outbox"), **overrides})
        made.append(app)
        return app

    yield make
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(app_factory):
    app = app_factory()
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def now():
    return NOW


@pytest.fixture
def session(app):
    return db.session


@pytest.fixture
def region(app, now):
    region = regions.create_region(db.session, "Riverside", now)
    return region


@pytest.fixture
def make_member(app, region, now):
    """Create members: make_member(), make_member(board=True, locality="North")."""
    counter = {"n": 0}

    def make(*, name=None, email=None, password=TEST_PASSWORD, board=False, locality="", region_id=None):
        counter["n"] += 1
        n = counter["n"]
        return members.join(
            db.session, email=email or f"member{n}@example.org", name=name or f"Member {n}",
            password=password, region_id=region_id or region.id, locality=locality, board=board, now=now,
        )

    return make


@pytest.fixture
def member(make_member):
    return make_member(name="Alice", email="alice@example.org")


class ApiClient:
    """The test client speaking JSON with a bearer token."""

    def __init__(self, client, token: str | None = None):
        self.client = client
        self.token = token

    def _headers(self, headers):
        out = dict(headers or {})
        if self.token:
            out["Authorization"] = f"Bearer {self.token}"
        return out

    def get(self, path, headers=None):
        return self.client.get(f"/api/v1{path}", headers=self._headers(headers))

    def post(self, path, json=None, headers=None):
        return self.client.post(f"/api/v1{path}", json=json, headers=self._headers(headers))

    def put(self, path, json=None, headers=None):
        return self.client.put(f"/api/v1{path}", json=json, headers=self._headers(headers))

    def delete(self, path, headers=None):
        return self.client.delete(f"/api/v1{path}", headers=self._headers(headers))


@pytest.fixture
def api(client):
    """Anonymous API client; `api.as_member(member)` gives one logged in with a token."""
    anonymous = ApiClient(client)

    def as_member(member, password=TEST_PASSWORD):
        response = client.post("/api/v1/tokens", json={"email": member.email, "password": password})
        assert response.status_code == 201, response.get_json()
        return ApiClient(client, response.get_json()["token"])

    anonymous.as_member = as_member
    return anonymous


@pytest.fixture
def confirmed(session):
    """confirmed(response): a claim answered 202 (a deposit: a USD → RSC conversion or a company's
    income) is confirmed by the board through the treasury service, as when the money reaches the
    bank. Returns the confirmed deposit."""
    from govern.clock import utcnow
    from tests.funding import confirm

    def board_confirms(response):
        assert response.status_code == 202, response.get_json()
        return confirm(session, response.get_json()["id"], utcnow())

    return board_confirms


@pytest.fixture
def buy_through_api(confirmed):
    """buy_through_api(client, "100.00"): the member claims a USD → RSC deposit through the API and
    the board confirms it. Returns the confirmed deposit."""
    def buy(client, amount: str):
        return confirmed(client.post("/conversions", json={"direction": "usd_to_rsc",
                                                           "amount": {"amount": amount, "currency": "USD"}}))

    return buy


def later(moment: datetime, **delta) -> datetime:
    return moment + timedelta(**delta)


@pytest.fixture
def propose(app, now):
    """Open a proposal through the service: propose(author, "parameter", payload, closes_in=...)."""
    from govern.proposals import service as proposals

    def make(author, kind="referendum", payload=None, *, title="A proposal", closes_in=timedelta(days=2),
             voting=None, at=None):
        return proposals.create_proposal(
            db.session, author, kind_key=kind, title=title, body="Because.", payload=payload or {},
            closes_at=(at or now) + closes_in, now=at or now, min_voting_seconds=1, voting_request=voting,
        )

    return make
