"""What payroll pays: invited employees keep their wage until the table raises it (a cut decays),
the binding wage table is a floor, and productivity moves the table's wage within voted bounds."""
from datetime import timedelta

import pytest

from govern.acquisitions import service as acquisitions
from govern.companies import hours as company_hours, payroll, rates, service as companies, workers
from govern.errors import Forbidden, ValidationError
from govern.ledger import service as ledger
from govern.money import Money
from govern.regions import service as regions
from govern.wages import service as wages
from tests.conftest import TEST_PASSWORD
from tests.coop import acquire, invitation_for
from tests.funding import record_income

LATER = timedelta(days=4)


@pytest.fixture
def forge_with_wes(session, region, member, make_member, now):
    """The forge the co-op bought, with the welder it invited at 22.00 while the table says 15.00."""
    wages.set_wage(session, region.id, "welder", None, 1_500, now=now, cause_type="test", cause_id=None,
                   reduction_delay_days=10, reduction_decay_days=20)
    board = [make_member(board=True), make_member(board=True)]
    proposal, forge = acquire(session, member, board, now)
    _, wes = acquisitions.accept(session, invitation_for(session, proposal.id, "wes@example.org").token, member=None,
                                 password=TEST_PASSWORD, now=now + LATER)
    record_income(session, board[0], forge.id, 100_000, "gates", now + LATER)
    return forge, wes, board


def rate_on(session, forge, wes, day):
    worker = companies.worker_of(session, forge.id, wes.id)
    return rates.rates_of_workers(session, forge, [worker], day)[wes.id].rate_minor


def test_the_invited_welder_is_paid_the_invited_wage_not_the_table(session, forge_with_wes, now):
    forge, wes, board = forge_with_wes
    company_hours.enter_hours(session, board[0], forge.id, member_id=wes.id, period_start="2026-12-01",
                              period_end="2026-12-05", hours="8", now=now + LATER)
    run = payroll.run_payroll(session, board[0], forge.id, "2026-12-01", "2026-12-05", now + LATER).run
    [slip] = payroll.payslips_of_run(session, run.id)
    assert (slip.rate_minor, slip.base_rate_minor, slip.productivity, slip.gross_minor) == (2_200, 2_200, "0.5", 17_600)
    assert ledger.verify(session).ok


def test_a_vote_above_the_kept_wage_raises_it_and_one_below_cuts_it_through_the_decay(session, region, forge_with_wes,
                                                                                      now):
    forge, wes, _ = forge_with_wes
    raise_day = now + timedelta(days=10)
    wages.set_wage(session, region.id, "welder", None, 2_500, now=raise_day, cause_type="test", cause_id=None)
    assert rate_on(session, forge, wes, raise_day.date()) == 2_500  # a raise applies at once
    cut_day = now + timedelta(days=20)
    wages.set_wage(session, region.id, "welder", None, 1_800, now=cut_day, cause_type="test", cause_id=None,
                   reduction_delay_days=10, reduction_decay_days=20)
    assert rate_on(session, forge, wes, (cut_day + timedelta(days=9)).date()) == 2_500  # the delay
    assert rate_on(session, forge, wes, (cut_day + timedelta(days=20)).date()) == 2_150  # halfway down: 25 − 7 × 10/20
    assert rate_on(session, forge, wes, (cut_day + timedelta(days=40)).date()) == 1_800


def test_a_table_wage_still_below_the_kept_wage_reaches_it_as_a_cut(session, region, forge_with_wes, now):
    forge, wes, _ = forge_with_wes
    day = now + timedelta(days=10)
    wages.set_wage(session, region.id, "welder", None, 1_800, now=day, cause_type="test", cause_id=None,
                   reduction_delay_days=10, reduction_decay_days=20)  # 15 → 18: a raise of the table, below 22
    assert rate_on(session, forge, wes, day.date()) == 2_200
    assert rate_on(session, forge, wes, (day + timedelta(days=20)).date()) == 2_000  # 22 − 4 × 10/20
    assert rate_on(session, forge, wes, (day + timedelta(days=30)).date()) == 1_800


def test_productivity_moves_the_table_wage_within_the_occupations_range(session, region, forge_with_wes, now):
    forge, wes, board = forge_with_wes
    later = now + LATER
    workers.set_worker(session, board[0], forge.id, member_id=wes.id, occupation="welder", hourly_rate=None,
                       productivity="0.75", now=later)
    # 22.00 × (1 + 2 × 0.25 × 0.2) = 24.20
    assert rate_on(session, forge, wes, later.date()) == 2_420
    company_hours.enter_hours(session, board[0], forge.id, member_id=wes.id, period_start="2026-12-01",
                              period_end="2026-12-05", hours="10", now=later)
    run = payroll.run_payroll(session, board[0], forge.id, "2026-12-01", "2026-12-05", later).run
    [slip] = payroll.payslips_of_run(session, run.id)
    assert (slip.rate_minor, slip.base_rate_minor, slip.productivity, slip.gross_minor) == (2_420, 2_200, "0.75", 24_200)


def test_productivity_outside_the_voted_bounds_is_refused_and_narrower_bounds_apply_at_pay_time(
        session, region, forge_with_wes, now):
    forge, wes, board = forge_with_wes
    later = now + LATER
    for bad in ("1.5", "-0.1", "lots", 0.7):
        with pytest.raises(ValidationError) as error:
            workers.set_worker(session, board[0], forge.id, member_id=wes.id, occupation="welder", hourly_rate=None,
                               productivity=bad, now=later)
        assert "productivity" in error.value.fields
    workers.set_worker(session, board[0], forge.id, member_id=wes.id, occupation="welder", hourly_rate=None,
                       productivity="1", now=later)
    regions.set_parameter(session, region.id, "productivity_max", "0.6", cause_type="test", cause_id=None, now=later)
    assert rate_on(session, forge, wes, later.date()) == 2_288  # held at 0.6: 22.00 × 1.04
    with pytest.raises(ValidationError):
        workers.set_worker(session, board[0], forge.id, member_id=wes.id, occupation="welder", hourly_rate=None,
                           productivity="0.7", now=later)


def test_productivity_never_pushes_a_wage_below_the_minimum_wage(session, region, forge_with_wes, now):
    forge, wes, board = forge_with_wes
    later = now + LATER
    regions.set_parameter(session, region.id, "minimum_wage", "21", cause_type="test", cause_id=None, now=later)
    workers.set_worker(session, board[0], forge.id, member_id=wes.id, occupation="welder", hourly_rate=None,
                       productivity="0", now=later)
    assert rate_on(session, forge, wes, later.date()) == 2_100  # 22.00 × 0.8 = 17.60, held at 21.00


def test_nobody_sets_their_own_rate_or_productivity_in_a_region_owned_company(session, region, member, make_member,
                                                                              now):
    board = [make_member(board=True), make_member(board=True)]
    manager = make_member(name="Mona")
    from tests.coop import FORGE

    _, forge = acquire(session, member, board, now, {**FORGE, "manager_member_id": manager.id})
    for change in ({"hourly_rate": Money(9_900, "RSC")}, {"hourly_rate": None, "productivity": "1"}):
        with pytest.raises(Forbidden):
            workers.set_worker(session, manager, forge.id, member_id=manager.id, occupation="manager", now=now,
                               **change)
    workers.set_worker(session, board[0], forge.id, member_id=manager.id, occupation="manager",
                       hourly_rate=Money(2_600, "RSC"), now=now)  # the board may, while the table has no manager wage
    worker = companies.worker_of(session, forge.id, manager.id)
    assert rates.rates_of_workers(session, forge, [worker], now.date())[manager.id].rate_minor == 2_600


def test_the_binding_wage_table_is_a_floor_under_the_companys_own_rates(session, region, member, make_member, now):
    shop = companies.register_company(session, member, "Bikes", "bicycle repair", now)
    cheap, dear = make_member(name="Cheap"), make_member(name="Dear")
    for person, rate in ((cheap, 2_000), (dear, 4_000)):
        workers.set_worker(session, member, shop.id, member_id=person.id, occupation="mechanic",
                           hourly_rate=Money(rate, "RSC"), now=now)
    wages.set_wage(session, region.id, "mechanic", None, 3_000, now=now, cause_type="test", cause_id=None)
    on = now.date()
    rows = [companies.worker_of(session, shop.id, p.id) for p in (cheap, dear)]
    assert {k: r.rate_minor for k, r in rates.rates_of_workers(session, shop, rows, on).items()} == {
        cheap.id: 2_000, dear.id: 4_000}  # not binding: their own rates
    regions.set_parameter(session, region.id, "wage_table_binding", "1", cause_type="test", cause_id=None, now=now)
    assert {k: r.rate_minor for k, r in rates.rates_of_workers(session, shop, rows, on).items()} == {
        cheap.id: 3_000, dear.id: 4_000}  # at least the table: 40.00 stays 40.00, 20.00 rises to 30.00
