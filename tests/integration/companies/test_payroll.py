"""Companies and payroll against the database: the phase-one story and its edges."""
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from govern.companies import service as companies
from govern.companies import bankruptcy
from govern.companies import hours as company_hours
from govern.companies import pay_settings
from govern.companies import payroll
from govern.companies import schedules
from govern.companies import workers
from govern.companies.models import HoursEntry, PayrollRun, Payslip
from govern.errors import Conflict, Forbidden, InsufficientFunds, ValidationError
from govern.extensions import db
from govern.ledger import service as ledger
from govern.ledger.exchange import member_wallet
from govern.ledger.models import CAPITAL_POOL, LedgerEntry, UsdPayout
from govern.ledger.service import region_account
from govern.money import Money
from govern.regions import service as regions
from tests.conftest import TEST_PASSWORD
from tests.funding import record_income

JUNE = ("2026-06-01", "2026-06-30")
DECEMBER = ("2026-12-01", "2026-12-31")  # after the wage rows the tests set at `now`


@pytest.fixture
def shop(session, member, now):
    """Alice's one-person company with 1,000 USD of outside income and a rate of 25.00."""
    company = companies.register_company(session, member, "Alice's Bikes", "bicycle repair", now)
    record_income(session, member, company.id, 100000, "Repairs for tourists", now)
    workers.set_worker(session, member, company.id, member_id=member.id, occupation="mechanic",
                         hourly_rate=Money(2500, "RSC"), now=now)
    return company


def pool(session, region):
    return region_account(session, region.id, CAPITAL_POOL).balance


def test_the_phase_one_story(session, region, member, shop, now):
    assert companies.company_account(session, shop.id).balance == 100000  # USD 1,000 -> RSC 1,000
    pay_settings.set_auto_convert(session, member, "50")
    company_hours.enter_hours(session, member, shop.id, member_id=member.id, period_start=JUNE[0], period_end=JUNE[1],
                          hours="20", now=now)
    run = payroll.run_payroll(session, member, shop.id, *JUNE, now).run
    assert (run.gross_minor, run.tax_minor, run.net_minor) == (50000, 1000, 49000)
    assert pool(session, region) == 1000  # 2% income tax
    [slip] = payroll.payslips_of_run(session, run.id)
    assert (slip.converted_rsc_minor, slip.converted_usd_minor) == (24500, 24500)
    assert member_wallet(session, member.id).balance == 24500
    [payout] = session.execute(select(UsdPayout)).scalars().all()
    assert payout.amount_minor == 24500 and payout.status == "owed"
    assert companies.company_account(session, shop.id).balance == 50000
    assert ledger.verify(session).ok

    again = payroll.run_payroll(session, member, shop.id, *JUNE, now)
    assert not again.created and again.run.id == run.id
    assert member_wallet(session, member.id).balance == 24500
    assert session.execute(select(func.count()).select_from(PayrollRun)).scalar_one() == 1


def test_the_payroll_entry_is_caused_by_its_run(session, member, shop, now):
    company_hours.enter_hours(session, member, shop.id, member_id=member.id, period_start=JUNE[0], period_end=JUNE[1],
                          hours="2", now=now)
    run = payroll.run_payroll(session, member, shop.id, *JUNE, now).run
    entry = session.get(LedgerEntry, run.entry_id)
    assert (entry.cause_type, entry.cause_id) == ("payroll", str(run.id))


def test_a_company_that_cannot_pay_everyone_posts_nothing(session, region, member, make_member, shop, now):
    helper = make_member()
    workers.set_worker(session, member, shop.id, member_id=helper.id, occupation="mechanic",
                         hourly_rate=Money(2500, "RSC"), now=now)
    for person, hours in ((member, "30"), (helper, "20")):
        company_hours.enter_hours(session, member, shop.id, member_id=person.id, period_start=JUNE[0],
                              period_end=JUNE[1], hours=hours, now=now)
    entries = session.execute(select(func.count()).select_from(LedgerEntry)).scalar_one()
    with pytest.raises(InsufficientFunds) as error:
        payroll.run_payroll(session, member, shop.id, *JUNE, now)
    assert "cannot pay" in error.value.message
    assert session.execute(select(func.count()).select_from(LedgerEntry)).scalar_one() == entries
    assert session.execute(select(func.count()).select_from(PayrollRun)).scalar_one() == 0
    assert session.execute(select(func.count()).select_from(HoursEntry).where(
        HoursEntry.payroll_run_id.is_not(None))).scalar_one() == 0
    assert member_wallet(session, helper.id).balance == 0


def test_payroll_by_a_non_admin_is_forbidden(session, member, make_member, shop, now):
    other = make_member()
    workers.set_worker(session, member, shop.id, member_id=other.id, occupation="mechanic",
                         hourly_rate=Money(1000, "RSC"), now=now)
    with pytest.raises(Forbidden):
        payroll.run_payroll(session, other, shop.id, *JUNE, now)


@pytest.mark.parametrize("hours, problem", [("-1", "hours"), ("0", "hours"), ("721", "hours"), (8, "hours"),
                                            ("1.234", "hours")])
def test_absurd_hours_are_refused(session, member, shop, now, hours, problem):
    with pytest.raises(ValidationError) as error:
        company_hours.enter_hours(session, member, shop.id, member_id=member.id, period_start=JUNE[0],
                              period_end=JUNE[1], hours=hours, now=now)
    assert problem in error.value.fields


def test_more_than_24_hours_a_day_counting_earlier_entries_is_refused(session, member, shop, now):
    company_hours.enter_hours(session, member, shop.id, member_id=member.id, period_start="2026-06-01",
                          period_end="2026-06-01", hours="20", now=now)
    with pytest.raises(ValidationError):
        company_hours.enter_hours(session, member, shop.id, member_id=member.id, period_start="2026-06-01",
                              period_end="2026-06-01", hours="5", now=now)


def test_a_period_overlapping_an_earlier_run_is_refused(session, member, shop, now):
    company_hours.enter_hours(session, member, shop.id, member_id=member.id, period_start=JUNE[0], period_end=JUNE[1],
                          hours="1", now=now)
    payroll.run_payroll(session, member, shop.id, *JUNE, now)
    with pytest.raises(ValidationError) as error:
        payroll.run_payroll(session, member, shop.id, "2026-06-15", "2026-07-10", now)
    assert "period_start" in error.value.fields
    with pytest.raises(ValidationError):
        company_hours.enter_hours(session, member, shop.id, member_id=member.id, period_start="2026-06-30",
                              period_end="2026-07-02", hours="1", now=now)


def test_a_worker_enters_their_own_hours_but_not_anothers(session, member, make_member, shop, now):
    worker = make_member()
    workers.set_worker(session, member, shop.id, member_id=worker.id, occupation="mechanic",
                         hourly_rate=Money(1000, "RSC"), now=now)
    company_hours.enter_hours(session, worker, shop.id, member_id=worker.id, period_start=JUNE[0], period_end=JUNE[1],
                          hours="3", now=now)
    with pytest.raises(Forbidden):
        company_hours.enter_hours(session, worker, shop.id, member_id=member.id, period_start=JUNE[0],
                              period_end=JUNE[1], hours="3", now=now)


def test_a_rate_of_zero_or_in_usd_and_a_worker_who_is_not_a_member_are_refused(session, member, shop, now):
    for rate in (Money(0, "RSC"), Money(500, "USD")):
        with pytest.raises(ValidationError) as error:
            workers.set_worker(session, member, shop.id, member_id=member.id, occupation="mechanic",
                                 hourly_rate=rate, now=now)
        assert "hourly_rate" in error.value.fields
    with pytest.raises(ValidationError) as error:
        workers.set_worker(session, member, shop.id, member_id=9999, occupation="mechanic",
                             hourly_rate=Money(500, "RSC"), now=now)
    assert "member_id" in error.value.fields


def test_a_worker_without_a_rate_stops_the_run_with_a_clear_message(session, member, now):
    company = companies.register_company(session, member, "New Co", "bakery", now)
    record_income(session, member, company.id, 1000, "", now)
    company_hours.enter_hours(session, member, company.id, member_id=member.id, period_start=JUNE[0],
                          period_end=JUNE[1], hours="1", now=now)
    with pytest.raises(Conflict) as error:
        payroll.run_payroll(session, member, company.id, *JUNE, now)
    assert error.value.code == "rate_missing"


def test_income_tax_follows_the_regions_current_rate(session, region, member, shop, now):
    regions.set_parameter(session, region.id, "income_tax_rate", "0.1", cause_type="test", cause_id=None, now=now)
    company_hours.enter_hours(session, member, shop.id, member_id=member.id, period_start=JUNE[0], period_end=JUNE[1],
                          hours="4", now=now)
    run = payroll.run_payroll(session, member, shop.id, *JUNE, now).run
    assert (run.gross_minor, run.tax_minor, run.tax_rate) == (10000, 1000, "0.1")


def test_a_bankrupt_company_stops_paying(session, member, make_member, shop, now):
    board = make_member(board=True)
    with pytest.raises(Forbidden):
        bankruptcy.declare_bankrupt(session, member, shop.id, now)
    bankruptcy.declare_bankrupt(session, board, shop.id, now)
    with pytest.raises(Conflict):
        company_hours.enter_hours(session, member, shop.id, member_id=member.id, period_start=JUNE[0],
                              period_end=JUNE[1], hours="1", now=now)
    with pytest.raises(Conflict):
        record_income(session, member, shop.id, 100, "", now)


def test_the_scheduler_pays_elapsed_periods_of_scheduled_companies(session, member, shop, now):
    schedules.set_pay_schedule(session, member, shop.id, "weekly", "2026-06-01")
    company_hours.enter_hours(session, member, shop.id, member_id=member.id, period_start="2026-06-01",
                          period_end="2026-06-07", hours="2", now=now)
    company_hours.enter_hours(session, member, shop.id, member_id=member.id, period_start="2026-06-08",
                          period_end="2026-06-14", hours="3", now=now)
    at = datetime(2026, 6, 16, 9, tzinfo=timezone.utc)
    assert schedules.run_scheduled_payrolls(session, at) == 2
    assert schedules.run_scheduled_payrolls(session, at) == 0
    runs = payroll.runs_of(session, shop.id)
    assert [(r.period_start, r.period_end) for r in runs] == [(date(2026, 6, 8), date(2026, 6, 14)),
                                                              (date(2026, 6, 1), date(2026, 6, 7))]


def test_monthly_periods_follow_the_calendar(member, session, shop):
    shop.pay_schedule, shop.schedule_start = "monthly", date(2026, 1, 31)
    assert schedules.next_scheduled_period(shop, None) == (date(2026, 1, 31), date(2026, 2, 27))
    shop.schedule_start = date(2026, 12, 1)
    assert schedules.next_scheduled_period(shop, None) == (date(2026, 12, 1), date(2026, 12, 31))


def test_a_payroll_of_many_workers_posts_one_entry_and_writes_payslips_in_bulk(session, region, member, now):
    from sqlalchemy import event

    from govern.members import service as members

    company = companies.register_company(session, member, "Big Co-op", "logistics", now)
    record_income(session, member, company.id, 10_000_000, "", now)
    people = [members.join(session, email=f"w{i}@example.org", name=f"W{i}", password=TEST_PASSWORD, now=now)
              for i in range(300)]
    for person in people:
        workers.set_worker(session, member, company.id, member_id=person.id, occupation="driver",
                             hourly_rate=Money(2000, "RSC"), now=now)
        company_hours.enter_hours(session, member, company.id, member_id=person.id, period_start=JUNE[0],
                              period_end=JUNE[1], hours="10", now=now)
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        run = payroll.run_payroll(session, member, company.id, *JUNE, now).run
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert run.gross_minor == 300 * 20000
    assert session.execute(select(func.count()).select_from(Payslip)).scalar_one() == 300
    assert len(statements) < 60  # a fixed number of statements, not one (or more) per worker
    assert ledger.verify(session).ok


def test_region_owned_companies_pay_the_wage_table(session, region, member, now):
    from govern.wages import service as wages

    company = companies.register_company(session, member, "Town Bakery", "bakery", now, owner="region")
    wages.set_wage(session, region.id, "baker", None, 3000, now=now, cause_type="test", cause_id=None)
    worker = make_region_worker(session, company, member, "baker", now)
    fund(session, member, company, now)
    company_hours.enter_hours(session, member, company.id, member_id=worker.member_id, period_start=DECEMBER[0],
                          period_end=DECEMBER[1], hours="10", now=now)
    run = payroll.run_payroll(session, None, company.id, *DECEMBER, now).run
    assert run.gross_minor == 30000  # the table's 30.00, not the worker's own 20.00
    assert payroll.plan_payroll(session, None, company.id, "2026-12-01", "2026-12-31").slips == []


def test_worker_owned_companies_pay_their_own_rates_unless_the_table_is_binding(session, region, member, shop, now):
    from govern.wages import service as wages

    wages.set_wage(session, region.id, "mechanic", None, 3000, now=now, cause_type="test", cause_id=None)
    company_hours.enter_hours(session, member, shop.id, member_id=member.id, period_start=DECEMBER[0], period_end=DECEMBER[1],
                          hours="10", now=now)
    assert payroll.plan_payroll(session, member, shop.id, *DECEMBER).totals.gross == 25000
    regions.set_parameter(session, region.id, "wage_table_binding", "1", cause_type="test", cause_id=None, now=now)
    assert payroll.plan_payroll(session, member, shop.id, *DECEMBER).totals.gross == 30000


def make_region_worker(session, company, member, occupation, now):
    """Region-owned companies have no founder worker; acquisitions add workers. Here: directly."""
    from govern.companies.models import Worker

    worker = Worker(company_id=company.id, member_id=member.id, occupation=occupation, hourly_rate_minor=2000,
                    admin=True, hired_at=now)
    session.add(worker)
    session.commit()
    return worker


def fund(session, member, company, now):
    record_income(session, member, company.id, 100000, "", now)


def test_hours_running_past_a_pay_period_are_paid_by_the_run_they_start_in(session, member, shop, now):
    company_hours.enter_hours(session, member, shop.id, member_id=member.id, period_start="2026-06-25",
                          period_end="2026-07-05", hours="8", now=now)
    run = payroll.run_payroll(session, member, shop.id, *JUNE, now).run
    assert run.gross_minor == 8 * 2500
    with pytest.raises(ValidationError):  # nothing left unpaid in July
        payroll.run_payroll(session, member, shop.id, "2026-07-01", "2026-07-31", now)
