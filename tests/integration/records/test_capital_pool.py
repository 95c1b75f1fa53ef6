"""The capital pool's history: every movement with its cause, adding up to the pool."""
from datetime import timedelta

import pytest

from govern.errors import ValidationError
from govern.ledger.models import CAPITAL_POOL
from govern.ledger.service import region_account
from govern.records import service


def all_movements(session, region_id, limit):
    movements, cursor = [], None
    while True:
        page = service.pool_movements(session, region_id, before=cursor, limit=limit)
        movements += page.movements
        if page.next_cursor is None:
            return movements
        cursor = page.next_cursor


@pytest.mark.parametrize("limit", [1, 3, 200])
def test_the_pool_history_adds_up_to_the_pool_on_every_page(session, scenario, limit):
    for region in (scenario.region, scenario.child):
        pool = region_account(session, region.id, CAPITAL_POOL).balance
        movements = all_movements(session, region.id, limit)
        assert sum(m.amount for m in movements) == pool
        assert [m.entry_id for m in movements] == sorted({m.entry_id for m in movements}, reverse=True)
        assert movements[0].balance_after == pool
        for newer, older in zip(movements, movements[1:]):
            assert older.balance_after == newer.balance_after - newer.amount
        assert movements[-1].balance_after == movements[-1].amount


def test_each_movement_names_its_cause(session, scenario):
    movements = all_movements(session, scenario.region.id, 200)
    causes = {(m.cause_type, m.cause_id) for m in movements}
    assert ("payroll", str(scenario.runs[0].id)) in causes
    for proposal in (scenario.acquisition, scenario.grant, scenario.kitchen, scenario.split):
        [moved] = [m for m in movements if m.cause_id == str(proposal.id) and m.cause_type == "proposal"]
        assert moved.proposal.title == proposal.title and moved.amount < 0
    # Buying RSC is a deposit the board confirmed (the pool paid its incentive); selling is a conversion.
    assert {m.cause_type for m in movements} == {"payroll", "conversion", "deposit", "proposal"}
    assert all(m.cause_id is not None for m in movements), "a movement that does not say which cause it was"
    [split] = [m for m in all_movements(session, scenario.child.id, 200) if m.cause_type == "proposal"]
    assert split.proposal.id == scenario.split.id and split.amount > 0


@pytest.mark.parametrize("grouping", ["month", "day"])
def test_the_balance_by_period_ends_at_the_pool_and_starts_where_the_window_does(session, scenario, now, grouping):
    history = service.pool_history(session, scenario.region.id, grouping=grouping, now=now, before=None, limit=5)
    pool = region_account(session, scenario.region.id, CAPITAL_POOL).balance
    assert history.periods[-1].closing == pool == history.page.balance
    assert history.opening + sum(p.money_in + p.money_out for p in history.periods) == pool
    assert history.opening == 0  # the scenario begins inside the window
    assert [p.period for p in history.periods] == sorted(p.period for p in history.periods)
    if grouping == "month":
        assert [p.period for p in history.periods] == ["2026-10", "2026-11"]


def test_a_window_that_starts_after_some_movements_opens_at_the_balance_then(session, scenario, now):
    pool = region_account(session, scenario.region.id, CAPITAL_POOL).balance
    sixty_days = service.pool_history(session, scenario.region.id, grouping="day", now=now + timedelta(days=14),
                                      before=None, limit=5)
    assert sixty_days.since.date().isoformat() == "2026-10-12"
    assert sixty_days.opening == 100000 - 3000  # filled on 7 October, the bakery bought on the 11th
    assert sixty_days.opening + sum(p.money_in + p.money_out for p in sixty_days.periods) == pool
    years_later = service.pool_history(session, scenario.region.id, grouping="month", now=now + timedelta(days=1000),
                                       before=None, limit=5)
    assert years_later.periods == [] and years_later.opening == pool


def test_a_grouping_other_than_month_or_day_is_refused():
    with pytest.raises(ValidationError) as error:
        service.parse_grouping("year")
    assert "by" in error.value.fields


def test_only_the_first_page_adds_up_the_periods_and_later_pages_continue_the_balance(session, scenario, now):
    first = service.pool_history(session, scenario.region.id, grouping="month", now=now, before=None, limit=2)
    later = service.pool_history(session, scenario.region.id, grouping="month", now=now,
                                 before=first.page.next_cursor, limit=2)
    assert first.periods and later.periods is None
    last = first.page.movements[-1]
    assert later.page.movements[0].balance_after == last.balance_after - last.amount
