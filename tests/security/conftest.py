"""Fixtures for the security promises: a small region where every kind of private object exists,
owned by a known member, so that tests can aim real ids at every route."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import func, inspect, select, text

from govern.companies import service as companies
from govern.companies import hours as company_hours
from govern.companies import payroll
from govern.companies import workers
from govern.delegation import service as delegation
from govern.extensions import db
from govern.facilities import service as facilities
from govern import months
from govern.facilities import rent as rents
from govern.facilities import tenancies as tenancies
from govern.facilities import waiting_list as waiting_lists
from govern.health import service as health
from govern.ledger import exchange, service as ledger
from govern.ledger.models import CAPITAL_POOL, UsdPayout
from govern.market import service as market
from govern.mail.models import OutgoingMail
from govern.members import service as members
from govern.money import Money
from govern.proposals import service as proposals
from govern.regions import service as regions
from govern.treasury import service as treasury
from tests.conftest import TEST_PASSWORD
from tests.funding import buy_rsc, record_income

PASSWORD = TEST_PASSWORD
PAY_PERIOD = ("2026-10-01", "2026-10-31")


@dataclass(frozen=True)
class Scenario:
    """Ids and emails of one small region. `member` owns the private objects (wallet, order,
    application, delegation, payslip, ballot, a place on a unit's waiting list, a tenancy and its
    rent charge, a health plan enrollment, a pending deposit and a payout owed); `admin` runs the
    company; `other` owns nothing; the board imported a statement with an unmatched line."""

    region_id: int
    other_region_id: int
    board_email: str
    admin_email: str
    member_email: str
    other_email: str
    board_id: int
    admin_id: int
    member_id: int
    other_id: int
    company_id: int
    product_id: int
    job_id: int
    order_id: int
    application_id: int
    proposal_id: int
    election_id: int  # a board election whose nominations are open (the board and the admin stand)
    member_wallet_id: int
    company_account_id: int
    pool_account_id: int
    facility_id: int  # an office open to applications, where the member waits (facility_application_id)
    facility_application_id: int
    let_facility_id: int  # a flat let to the member (tenancy_id), with one month charged (rent_charge_id)
    tenancy_id: int
    rent_charge_id: int
    health_enrollment_id: int
    deposit_id: int  # the member's deposit, waiting for the bank
    payout_id: int  # USD owed to the member after cashing out
    statement_id: int  # a bank statement the board imported
    statement_line_id: int  # its line that matched nothing
    inventory_item_id: int | None = None
    mail_id: int | None = None  # a mail the outbox holds for the region (the member's confirmed deposit)

    def email_of(self, role: str) -> str | None:
        return {"board": self.board_email, "admin": self.admin_email, "member": self.member_email,
                "other": self.other_email}.get(role)


def build_scenario(session, now) -> Scenario:
    region = regions.create_region(session, "Riverside", now)
    other_region = regions.create_region(session, "Hillside", now)

    def join(name, email, board=False):
        return members.join(session, email=email, name=name, password=PASSWORD, region_id=region.id,
                            board=board, now=now)

    board = join("Bea Board", "board@example.org", board=True)
    admin = join("Ada Admin", "admin@example.org")
    member = join("Mia Member", "member@example.org")
    other = join("Oscar Other", "other@example.org")

    company = companies.register_company(session, admin, "Bread & Co", "bakery", now)
    record_income(session, admin, company.id, 100_000, "first sales", now)
    workers.set_worker(session, admin, company.id, member_id=member.id, occupation="baker",
                         hourly_rate=Money(2_000, "RSC"), now=now)
    company_hours.enter_hours(session, member, company.id, member_id=member.id, period_start=PAY_PERIOD[0],
                          period_end=PAY_PERIOD[1], hours="10", now=now)
    payroll.run_payroll(session, admin, company.id, *PAY_PERIOD, now)

    buy_rsc(session, member, 5_000, now)
    product = market.create_listing(session, admin, company_id=company.id, kind="product", title="Sourdough loaf",
                                    description="Baked daily", price=Money(400, "RSC"), now=now)
    hiring = companies.register_company(session, admin, "Night Ovens", "bakery", now)
    job = market.create_listing(session, admin, company_id=hiring.id, kind="job", title="Night baker",
                                description="Ovens at 4 am", price=Money(2_500, "RSC"), occupation="baker", now=now)
    order = market.buy(session, member, product.id, now)
    application = market.apply(session, member, job.id, "I bake.", now)
    delegation.set_delegation(session, member, "all", admin.id, now)
    proposal = proposals.create_proposal(
        session, member, kind_key="referendum", title="Open a second bakery", body="Because bread.", payload={},
        closes_at=now + timedelta(days=3), now=now, min_voting_seconds=1, voting_request=None)
    proposals.cast_ballot(session, member, proposal.id, "yes", now)
    election = proposals.create_proposal(
        session, board, kind_key="board_election", title="Elect the board", body="", now=now, min_voting_seconds=1,
        payload={"seats": 1, "candidates": [board.id, admin.id],
                 "nominations_close_at": (now + timedelta(days=2)).isoformat()},
        closes_at=now + timedelta(days=10), voting_request=None)

    # Facilities: an office where the member waits, and a flat let to the member since this month,
    # whose first month the scheduler has charged (and the member paid).
    office = facilities.create_facility(session, board, name="Office 2, Mill Street", kind="office",
                                        description="A quiet office", purchase=Money(240_000, "RSC"),
                                        maintenance=Money(1_000, "RSC"), now=now)
    flat = facilities.create_facility(session, board, name="Flat 1B, Mill Street", kind="housing",
                                      description="Two rooms", purchase=Money(360_000, "RSC"),
                                      maintenance=Money(2_000, "RSC"), now=now)
    waiting = waiting_lists.apply(session, member, office.id, now=now, message="I need a desk.")
    let = waiting_lists.apply(session, member, flat.id, now=now, message="I need a home.")
    tenancy = tenancies.assign(session, board, let.id, now=now, start_month=months.month_of(now))
    rents.run_monthly_charges(session, now + timedelta(days=10))  # November has ended
    [charge] = tenancies.charges_of_tenancy(session, member, tenancy.id)
    # Health: the plan is offered, and the member (whose commerce is all inside) is enrolled.
    regions.set_parameter(session, region.id, "health_plan_premium", "40", cause_type="test", cause_id=None, now=now)
    enrollment = health.enroll(session, member, now)
    # The treasury: the board publishes the bank details; the member claims a deposit (still
    # waiting) and cashes out 1.00 (a payout owed); a statement leaves one line nobody claimed.
    treasury.set_bank_details(session, board, "Riverside Co-op, Mill Bank, account 12-3456-7", now)
    deposit = treasury.request_conversion(session, member, Money(2_000, "USD"), now)
    cashed = exchange.convert(session, member, "rsc_to_usd", Money(100, "RSC"), now)
    imported = treasury.import_statement(session, board, "csv", "date,amount,reference\n2026-11-20,-2.50,Bank fee\n",
                                         now, balance=Money(1_050_00, "USD"))

    return Scenario(
        region_id=region.id, other_region_id=other_region.id,
        board_email=board.email, admin_email=admin.email, member_email=member.email, other_email=other.email,
        board_id=board.id, admin_id=admin.id, member_id=member.id, other_id=other.id,
        company_id=company.id, product_id=product.id, job_id=job.id, order_id=order.id,
        application_id=application.id, proposal_id=proposal.id, election_id=election.id,
        member_wallet_id=exchange.member_wallet(session, member.id).id,
        company_account_id=companies.company_account(session, company.id).id,
        pool_account_id=ledger.region_account(session, region.id, CAPITAL_POOL).id,
        facility_id=office.id, facility_application_id=waiting.id, let_facility_id=flat.id, tenancy_id=tenancy.id,
        rent_charge_id=charge.id, health_enrollment_id=enrollment.id, deposit_id=deposit.id,
        payout_id=session.execute(select(UsdPayout.id).where(UsdPayout.conversion_id == cashed.id)).scalar_one(),
        statement_id=imported.statement.id, statement_line_id=imported.unmatched[0].id,
        mail_id=session.execute(select(func.min(OutgoingMail.id)).where(OutgoingMail.region_id == region.id)).scalar_one(),
    )


@pytest.fixture
def scenario(app, now) -> Scenario:
    return build_scenario(db.session, now)


def csrf_token_from(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def log_in(client, email: str, password: str = PASSWORD):
    """Log in through the page, with the form's CSRF token when the app checks them."""
    page = client.get("/login").get_data(as_text=True)
    data = {"email": email, "password": password}
    if 'name="csrf_token"' in page:
        data["csrf_token"] = csrf_token_from(page)
    return client.post("/login", data=data)


def bearer_token(client, email: str, password: str = PASSWORD) -> str:
    response = client.post("/api/v1/tokens", json={"email": email, "password": password})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["token"]


def row_counts(session) -> dict[str, int]:
    """Rows per table, and the ledger's chain head: what a refused request must leave as it was."""
    session.expire_all()
    bind = session.get_bind()
    tables = sorted(inspect(bind).get_table_names())
    counts = {t: session.execute(text(f'SELECT COUNT(*) FROM "{t}"')).scalar_one() for t in tables
              if t != "alembic_version"}
    counts["ledger head"] = session.execute(text("SELECT hash FROM ledger_head")).scalar_one()
    return counts


REDIS_URL = "redis://127.0.0.1:6379"


def redis_or_skip():
    """A connection to the local Redis, or a skip when it is down (a failure in CI, which needs it)."""
    redis = pytest.importorskip("redis")
    connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip("Redis is not running on 127.0.0.1:6379 (CI requires it)")
    return connection
