"""The capital pool's chart keeps its totals between page views and adds only newer postings;
a cached total whose chain prefix no longer holds is counted again from the start."""
from dataclasses import replace
from datetime import timedelta

import pytest

from govern.ledger import contributions
from govern.ledger.models import CAPITAL_POOL
from govern.ledger.service import region_account
from govern.money import Money
from govern.records import period_totals, service


@pytest.fixture
def inject(session, make_member):
    """Outside money into the pool, as the board records it: USD into the reserve, RSC into the pool."""
    board = make_member(board=True)

    def record(amount, when):
        contributions.record_external(session, board, Money(amount, "USD"), "A friend", public=True, now=when)
    return record


def chart(session, region_id, now):
    return service.pool_history(session, region_id, grouping="month", now=now, before=None, limit=5).periods


def test_movements_posted_after_the_chart_was_drawn_are_counted(session, region, now, inject):
    inject(10_000, now - timedelta(days=40))
    inject(2_500, now)
    first = chart(session, region.id, now)
    assert [(p.money_in, p.closing) for p in first][-2:] == [(10_000, 10_000), (2_500, 12_500)]

    inject(400, now)
    again = chart(session, region.id, now)
    assert (again[-1].money_in, again[-1].closing) == (2_900, 12_900)
    assert again[-1].closing == region_account(session, region.id, CAPITAL_POOL).balance


def test_totals_whose_chain_prefix_changed_are_counted_again(session, region, now, inject):
    inject(7_000, now)
    chart(session, region.id, now)
    for key, counted in list(period_totals._COUNTED.items()):  # as if another database now sat at this address
        period_totals._COUNTED[key] = replace(counted, through_hash="f" * 64, totals={"1999-01": (1, 0)})
    periods = chart(session, region.id, now)
    assert [(p.period, p.money_in) for p in periods] == [(now.strftime("%Y-%m"), 7_000)]
