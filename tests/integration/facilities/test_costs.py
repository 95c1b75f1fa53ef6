"""The units' maintenance and operating costs, paid from the capital pool through the ledger, to a
co-op company or to a supplier through the treasury, on exact figures."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from govern.companies import service as companies
from govern.errors import InsufficientFunds, ValidationError
from govern.facilities import costs, service as facilities
from govern.facilities.models import MaintenancePayment, OperatingCost
from govern.ledger import service as ledger
from govern.ledger.models import CAPITAL_POOL, LedgerEntry, UsdPayout
from govern.ledger.service import region_account
from govern.money import Money
from tests.funding import fill_pool

JANUARY_2 = datetime(2027, 1, 2, 9, 0, tzinfo=timezone.utc)  # November and December 2026 have ended


def rsc(minor: int) -> Money:
    return Money(minor, "RSC")


@pytest.fixture
def board(make_member):
    return make_member(board=True, name="Board")


@pytest.fixture
def flat(session, board, now):
    return facilities.create_facility(session, board, name="Flat 2B", kind="housing", purchase=rsc(18_000_000),
                                      maintenance=rsc(12_000), now=now)


@pytest.fixture
def repairs(session, member, now):
    """A co-op company that maintains buildings."""
    return companies.register_company(session, member, "Fix-It Co-op", "repairs", now)


def pool(session, region):
    return region_account(session, region.id, CAPITAL_POOL).balance


def test_an_operating_cost_paid_to_a_coop_company_moves_rsc_from_the_pool(session, region, member, board, flat,
                                                                           repairs, now):
    fill_pool(session, region.id, member, 50_000, now)
    before = pool(session, region)
    cost = costs.record_operating_cost(session, board, flat.id, month="2026-11", amount=rsc(4_250), memo="Boiler",
                                       company_id=repairs.id, now=now)
    assert pool(session, region) == before - 4_250
    assert companies.company_account(session, repairs.id).balance == 4_250
    entry = session.get(LedgerEntry, cost.entry_id)
    assert (entry.cause_type, entry.cause_id, cost.payout_id, cost.company_id) == ("facility_cost", str(cost.id),
                                                                                  None, repairs.id)
    assert facilities.price(session, flat, "2026-11", member=True).operating == 4_250  # and it is part of the cost


def test_an_operating_cost_paid_to_a_supplier_leaves_the_reserve_through_a_payout(session, region, member, board,
                                                                                   flat, now):
    fill_pool(session, region.id, member, 50_000, now)
    before = ledger.region_balances(session, region.id)
    cost = costs.record_operating_cost(session, board, flat.id, month="2026-11", amount=rsc(3_550), memo="Water",
                                       supplier="City Water", pay_to="City Bank 1-2-3", now=now)
    after = ledger.region_balances(session, region.id)
    assert after[CAPITAL_POOL] == before[CAPITAL_POOL] - 3_550
    assert after["usd_reserve"] == before["usd_reserve"] - 3_550
    assert after["usd_payouts"] == before.get("usd_payouts", 0) + 3_550
    payout = session.get(UsdPayout, cost.payout_id)
    assert (payout.payee, payout.pay_to, payout.member_id, payout.company_id) == ("City Water", "City Bank 1-2-3",
                                                                                  None, None)
    assert ledger.verify(session).ok


def test_a_pool_that_cannot_pay_records_no_cost_and_posts_nothing(session, region, board, flat, repairs, now):
    with pytest.raises(InsufficientFunds):
        costs.record_operating_cost(session, board, flat.id, month="2026-11", amount=rsc(100), memo="Water",
                                    supplier="City Water", now=now)
    assert session.execute(select(func.count()).select_from(OperatingCost)).scalar_one() == 0
    assert session.execute(select(func.count()).select_from(UsdPayout)).scalar_one() == 0
    for payee, field in (({}, "supplier"), ({"company_id": repairs.id, "supplier": "X"}, "supplier"),
                         ({"company_id": 99_999}, "company_id")):
        with pytest.raises(ValidationError) as error:
            costs.record_operating_cost(session, board, flat.id, month="2026-11", amount=rsc(100), memo="Water",
                                        now=now, **payee)
        assert field in error.value.fields


def test_the_maintenance_is_paid_once_a_month_to_the_maintainer_from_the_month_named(session, region, member, board,
                                                                                      flat, repairs, now):
    fill_pool(session, region.id, member, 50_000, now)
    assert costs.run_maintenance(session, JANUARY_2) == {"paid": 0, "unpaid": 0}  # nobody named: nobody paid
    costs.set_maintainer(session, board, flat.id, company_id=repairs.id, now=now)
    assert flat.maintenance_next_month == "2026-11"
    before = pool(session, region)
    assert costs.run_maintenance(session, JANUARY_2) == {"paid": 2, "unpaid": 0}  # November and December
    assert costs.run_maintenance(session, JANUARY_2 + timedelta(hours=1)) == {"paid": 0, "unpaid": 0}
    assert pool(session, region) == before - 2 * 12_000
    assert companies.company_account(session, repairs.id).balance == 24_000
    months = [(p.month, p.status, p.amount_minor) for p in costs.maintenance_payments(session, flat.id)]
    assert months == [("2026-12", "paid", 12_000), ("2026-11", "paid", 12_000)]
    paid = costs.costs_paid(session, region.id)
    assert [(c.month, c.what, c.paid_to, c.amount) for c in paid] == [
        ("2026-12", "Maintenance", "Fix-It Co-op", 12_000), ("2026-11", "Maintenance", "Fix-It Co-op", 12_000)]
    assert ledger.verify(session).ok


def test_a_month_the_pool_cannot_pay_waits_and_is_paid_when_it_can(session, region, member, board, flat, now):
    costs.set_maintainer(session, board, flat.id, supplier="Roof & Co", pay_to="Mill Bank 9", now=now)
    assert costs.run_maintenance(session, JANUARY_2) == {"paid": 0, "unpaid": 1}  # November, then December waits
    [waiting] = costs.unpaid_maintenance(session, board)
    assert (waiting[0].month, waiting[0].status, waiting[0].attempts, waiting[0].entry_id) == ("2026-11", "unpaid", 1,
                                                                                               None)
    fill_pool(session, region.id, member, 50_000, JANUARY_2)
    assert costs.run_maintenance(session, JANUARY_2 + timedelta(hours=1)) == {"paid": 2, "unpaid": 0}
    payouts = session.execute(select(UsdPayout.payee, UsdPayout.amount_minor)).all()
    assert payouts == [("Roof & Co", 12_000), ("Roof & Co", 12_000)]
    assert session.execute(select(func.count()).select_from(MaintenancePayment)).scalar_one() == 2
    assert ledger.verify(session).ok


def test_only_the_regions_board_names_a_maintainer(session, region, member, board, flat, repairs, now):
    from govern.errors import Forbidden, NotFound
    from govern.regions import service as regions

    with pytest.raises(Forbidden):
        costs.set_maintainer(session, member, flat.id, company_id=repairs.id, now=now)
    elsewhere = regions.create_region(session, "Hillside", now)
    from govern.members import service as members
    from tests.conftest import TEST_PASSWORD

    foreign = members.join(session, email="far@example.org", name="Far", password=TEST_PASSWORD,
                           region_id=elsewhere.id, board=True, now=now)
    with pytest.raises(NotFound):
        costs.set_maintainer(session, foreign, flat.id, supplier="Roof & Co", now=now)
    assert session.get(type(flat), flat.id).maintainer_name is None
