"""The backing ratio the federation shows: reserve over outstanding, four decimals, never rounded up."""
from decimal import Decimal

from govern.federation.service import Figures, backing_ratio


def test_a_fully_backed_region_shows_one():
    assert backing_ratio(220_00, 220_00) == Decimal("1.0000")


def test_a_reserve_a_cent_short_never_shows_as_fully_backed():
    assert backing_ratio(1_000_000_00 - 1, 1_000_000_00) == Decimal("0.9999")
    assert not Figures(member_count=1, capital_pool=0, usd_reserve=99, rsc_outstanding=100).backed


def test_the_split_that_went_wrong_shows_two_thirds():
    """The issue's observation: 540.00 RSC against a 360.00 reserve."""
    assert backing_ratio(360_00, 540_00) == Decimal("0.6666")


def test_nothing_outstanding_has_no_ratio():
    assert backing_ratio(0, 0) is None
    assert backing_ratio(10_00, 0) is None


def test_a_reserve_above_what_it_backs_shows_more_than_one():
    assert backing_ratio(60_00, 50_00) == Decimal("1.2000")
