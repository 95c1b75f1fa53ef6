"""The region's money comes back to it: the monthly surplus sweep of region-owned companies, and a
bankrupt company's balance after its last payroll, on exact figures."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from govern.acquisitions import service as acquisitions
from govern.companies import bankruptcy, hours as company_hours, payroll, purchases, service as companies, surplus
from govern.companies.models import SurplusSweep
from govern.errors import Conflict
from govern.inventory import service as inventory
from govern.ledger import service as ledger
from govern.ledger.models import CAPITAL_POOL, LedgerEntry
from govern.ledger.service import region_account
from govern.money import Money
from govern.proposals import service as proposals
from govern.records import service as records
from govern.regions import service as regions
from tests.conftest import TEST_PASSWORD
from tests.coop import acquire, invitation_for
from tests.funding import record_income

LATER = timedelta(days=4)
JANUARY_2 = datetime(2027, 1, 2, 9, 0, tzinfo=timezone.utc)  # December 2026 has ended


@pytest.fixture
def forge(session, region, member, make_member, now):
    """The forge the co-op bought in November 2026, with its welder paid 22.00 an hour."""
    board = [make_member(board=True), make_member(board=True)]
    proposal, company = acquire(session, member, board, now)
    _, wes = acquisitions.accept(session, invitation_for(session, proposal.id, "wes@example.org").token, member=None,
                                 password=TEST_PASSWORD, now=now + LATER)
    return company, wes, board


def pool(session, region):
    return region_account(session, region.id, CAPITAL_POOL).balance


def balance(session, company):
    return companies.company_account(session, company.id).balance


def pay(session, company, board, wes, start, end, hours, now):
    company_hours.enter_hours(session, board[0], company.id, member_id=wes.id, period_start=start, period_end=end,
                              hours=hours, now=now)
    return payroll.run_payroll(session, board[0], company.id, start, end, now).run


def test_the_sweep_returns_the_share_of_the_balance_above_the_reserve_once_a_month(session, region, forge, now):
    company, wes, board = forge
    record_income(session, board[0], company.id, 500_000, "gates", now + LATER)  # 5,000.00 RSC
    pay(session, company, board, wes, "2026-12-01", "2026-12-15", "50", now + LATER)  # 1,100.00 gross
    assert balance(session, company) == 500_000 - 110_000
    before = pool(session, region)
    result = surplus.run_surplus_sweeps(session, JANUARY_2)
    # balance 3,900.00 − 3 months × 1,100.00 = 600.00 above the reserve; half of it is swept
    sweep = session.execute(select(SurplusSweep)).scalar_one()
    assert (sweep.month, sweep.balance_minor, sweep.monthly_payroll_minor, sweep.reserve_months) == (
        "2026-12", 390_000, 110_000, 3)
    assert (sweep.earmarked_minor, sweep.surplus_minor, sweep.share, sweep.swept_minor) == (0, 60_000, "0.5", 30_000)
    assert result == {"companies": 1, "swept": 30_000}
    assert balance(session, company) == 360_000 and pool(session, region) - before == 30_000
    entry = session.get(LedgerEntry, sweep.entry_id)
    assert (entry.cause_type, entry.cause_id) == ("surplus_sweep", str(sweep.id))

    # Again, or from the next hour's job: nothing new.
    assert surplus.run_surplus_sweeps(session, JANUARY_2 + timedelta(hours=1)) == {"companies": 0, "swept": 0}
    assert surplus.sweep_company(session, company.id, "2026-12", JANUARY_2) is None
    assert session.execute(select(func.count()).select_from(SurplusSweep)).scalar_one() == 1
    assert balance(session, company) == 360_000

    # The pool's public record shows where the money came from.
    newest = records.pool_movements(session, region.id, before=None, limit=1).movements
    assert [(m.cause_type, m.cause_id, m.amount) for m in newest] == [("surplus_sweep", str(sweep.id), 30_000)]
    assert ledger.verify(session).ok


def test_nothing_is_swept_below_the_reserve_and_the_month_is_still_recorded(session, region, forge, now):
    company, wes, board = forge
    record_income(session, board[0], company.id, 300_000, "gates", now + LATER)
    pay(session, company, board, wes, "2026-12-01", "2026-12-15", "50", now + LATER)  # 1,900.00 left < 3 × 1,100.00
    before = pool(session, region)
    surplus.run_surplus_sweeps(session, JANUARY_2)
    sweep = session.execute(select(SurplusSweep)).scalar_one()
    assert (sweep.surplus_minor, sweep.swept_minor, sweep.entry_id) == (190_000 - 330_000, 0, None)
    assert pool(session, region) == before


def test_the_reserve_counts_the_largest_of_the_last_three_months_of_payroll(session, region, forge, now):
    company, wes, board = forge
    record_income(session, board[0], company.id, 500_000, "gates", now + LATER)
    pay(session, company, board, wes, "2026-11-20", "2026-11-30", "40", now + LATER)  # 880.00 in November
    pay(session, company, board, wes, "2026-12-01", "2026-12-10", "10", now + LATER)  # 220.00 in December
    assert surplus.monthly_payroll(session, company.id, "2026-12") == 88_000
    surplus.run_surplus_sweeps(session, JANUARY_2)
    sweep = session.execute(select(SurplusSweep)).scalar_one()
    # 5,000.00 − 1,100.00 paid = 3,900.00; reserve 3 × 880.00 = 2,640.00; surplus 1,260.00; half swept
    assert (sweep.balance_minor, sweep.surplus_minor, sweep.swept_minor) == (390_000, 126_000, 63_000)


def test_unspent_grant_cash_is_never_swept_and_the_share_is_voted(session, region, member, forge, propose, now):
    company, wes, board = forge
    regions.set_parameter(session, region.id, "surplus_share", "0.25", cause_type="test", cause_id=None, now=now)
    regions.set_parameter(session, region.id, "surplus_reserve_months", "0", cause_type="test", cause_id=None, now=now)
    record_income(session, board[0], company.id, 100_000, "gates", now + LATER)
    companies_admin_vote = propose(wes, "company_admins", {"company_id": company.id, "admins": [wes.id]},
                                   at=now + LATER)
    proposals.cast_ballot(session, wes, companies_admin_vote.id, "yes", now + LATER)
    proposals.close_proposal(session, companies_admin_vote.id, now + LATER + timedelta(days=3))
    grant = propose(wes, "equipment_grant", {"company_id": company.id, "item": "Plasma cutter",
                                             "cost": {"amount": "400.00", "currency": "RSC"}, "justification": "Gates"},
                    at=now + LATER)
    for voter in (member, wes, *board):
        proposals.cast_ballot(session, voter, grant.id, "yes", now + LATER)
    proposals.close_proposal(session, grant.id, now + LATER + timedelta(days=4))
    assert grant.status == "executed"
    purchases.record_outside_purchase(session, wes, company.id, Money(15_000, "USD"), supplier="Cutters Inc.",
                                      grant_proposal_id=grant.id, now=now + LATER + timedelta(days=5))
    assert purchases.unspent_grants(session, company.id) == 25_000
    surplus.run_surplus_sweeps(session, JANUARY_2)
    sweep = session.execute(select(SurplusSweep)).scalar_one()
    # 1,000.00 + 400.00 − 150.00 = 1,250.00; 250.00 of the grant kept; no reserve; a quarter of 1,000.00
    assert (sweep.balance_minor, sweep.earmarked_minor, sweep.surplus_minor, sweep.swept_minor) == (
        125_000, 25_000, 100_000, 25_000)


def test_a_company_bought_this_month_and_worker_owned_companies_are_not_swept(session, region, member, forge, now):
    company, _, board = forge
    shop = companies.register_company(session, member, "Bikes", "bicycle repair", now)
    record_income(session, member, shop.id, 100_000, "tourists", now)
    record_income(session, board[0], company.id, 100_000, "gates", now + LATER)
    assert surplus.run_surplus_sweeps(session, now + LATER) == {"companies": 0, "swept": 0}  # October: before them
    assert session.execute(select(func.count()).select_from(SurplusSweep)).scalar_one() == 0
    surplus.run_surplus_sweeps(session, JANUARY_2)
    assert [s.company_id for s in session.execute(select(SurplusSweep)).scalars()] == [company.id]


def test_a_bankruptcy_pays_the_last_payroll_then_returns_the_rest_with_the_equipment(session, region, forge, now):
    company, wes, board = forge
    later = now + LATER
    record_income(session, board[0], company.id, 10_000, "a small job", later)  # 100.00
    company_hours.enter_hours(session, board[0], company.id, member_id=wes.id, period_start="2026-12-01",
                              period_end="2026-12-03", hours="2.5", now=later)
    before_pool, before_reserve = pool(session, region), ledger.region_balances(session, region.id)["usd_reserve"]
    bankruptcy.declare_bankrupt(session, board[1], company.id, later)
    session.expire_all()
    [run] = payroll.runs_of(session, company.id)
    assert (run.final, run.paid_share, run.gross_minor, run.tax_minor) == (True, "1", 5_500, 110)  # 2.5 h × 22.00
    # 100.00 − 55.00 paid = 45.00 returns; the pool also gets the 1.10 income tax
    assert balance(session, company) == 0 and pool(session, region) - before_pool == 4_500 + 110
    assert ledger.region_balances(session, region.id)["usd_reserve"] == before_reserve
    returned = session.get(LedgerEntry, companies.get_company(session, company.id).returned_entry_id)
    assert (returned.cause_type, returned.cause_id) == ("bankruptcy", str(company.id))
    assert [i.status for i in inventory.search(session, region_id=region.id, kind="business")] == ["returned"]
    with pytest.raises(Conflict):
        bankruptcy.declare_bankrupt(session, board[1], company.id, later)
    assert ledger.verify(session).ok


def test_a_bankrupt_company_keeps_nothing_of_an_unspent_grant(session, region, member, make_member, propose, now):
    board = make_member(board=True)
    shop = companies.register_company(session, member, "Bikes", "bicycle repair", now)
    from tests.funding import fill_pool

    fill_pool(session, region.id, member, 10_000, now)
    grant = propose(member, "equipment_grant", {"company_id": shop.id, "item": "Truing stand", "justification": "x",
                                                "cost": {"amount": "50.00", "currency": "RSC"}})
    proposals.cast_ballot(session, member, grant.id, "yes", now)
    proposals.close_proposal(session, grant.id, now + timedelta(days=3))
    before = pool(session, region)
    bankruptcy.declare_bankrupt(session, board, shop.id, now + timedelta(days=4))
    assert balance(session, shop) == 0 and pool(session, region) - before == 5_000  # the 50.00 came back
    [item] = inventory.search(session, region_id=region.id, kind="equipment")
    assert (item.status, item.held_by_company_id) == ("returned", None)


def test_a_last_payroll_the_company_cannot_pay_is_shared_out_and_nothing_is_left(session, region, member, make_member,
                                                                                  now):
    from govern.companies import workers

    board = make_member(board=True)
    shop = companies.register_company(session, member, "Bikes", "bicycle repair", now)
    other = make_member(name="Ola")
    for person, rate in ((member, 3_000), (other, 1_000)):
        workers.set_worker(session, member, shop.id, member_id=person.id, occupation="mechanic",
                           hourly_rate=Money(rate, "RSC"), now=now)
    record_income(session, member, shop.id, 10_000, "a few repairs", now)  # 100.00
    for person in (member, other):
        company_hours.enter_hours(session, member, shop.id, member_id=person.id, period_start="2026-11-02",
                                  period_end="2026-11-06", hours="5", now=now)  # owed 150.00 + 50.00
    bankruptcy.declare_bankrupt(session, board, shop.id, now)
    [run] = payroll.runs_of(session, shop.id)
    slips = {s.member_id: s for s in payroll.payslips_of_run(session, run.id)}
    assert (run.final, run.paid_share, run.gross_minor) == (True, "0.5", 10_000)
    assert (slips[member.id].gross_minor, slips[other.id].gross_minor) == (7_500, 2_500)  # each half of their due
    assert balance(session, shop) == 0 and shop.returned_entry_id is None
    assert ledger.verify(session).ok
