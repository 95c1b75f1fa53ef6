"""How a split divides the items that have no locality: by value, to within one item of the share."""
from fractions import Fraction

from hypothesis import given, strategies as st

from govern.regions.reorganise import divide_by_share


def test_largest_first_then_the_one_item_that_closes_the_gap_best():
    items = [(1, 50_000), (2, 30_000), (3, 20_000), (4, 10_000), (5, 0), (6, 0)]
    # 4/7 of 110,000 is 62,857.14: 50,000 fits, 30,000 and 20,000 do not, 10,000 does; one of two
    # worthless items (4/7 of 2, rounded down), the lowest id.
    assert divide_by_share(items, Fraction(4, 7)) == {1, 4, 5}
    assert divide_by_share(list(reversed(items)), Fraction(4, 7)) == {1, 4, 5}  # the order given does not matter


def test_an_item_goes_past_the_share_only_if_it_brings_the_new_region_closer():
    # 1/2 of 101 is 50.5: 41 fits; adding 60 would leave it 50.5 away instead of 9.5: it stays.
    assert divide_by_share([(1, 60), (2, 41)], Fraction(1, 2)) == {2}
    # 9/10 of 101 is 90.9: 60 fits; adding 41 gives 101, 10.1 past instead of 30.9 short: it goes.
    assert divide_by_share([(1, 60), (2, 41)], Fraction(9, 10)) == {1, 2}
    assert divide_by_share([], Fraction(1, 2)) == set()


@given(st.lists(st.integers(min_value=0, max_value=10**9), max_size=30),
       st.fractions(min_value=Fraction(1, 1000), max_value=Fraction(999, 1000)))
def test_the_new_region_never_gets_more_than_one_item_past_its_share(values, share):
    items = list(enumerate(values, start=1))
    going = divide_by_share(items, share)
    moved = sum(value for item_id, value in items if item_id in going)
    target = share * sum(values)
    if moved > target:
        assert moved - target < max(value for item_id, value in items if item_id in going)
    assert abs(target - moved) <= target  # never further from the share than moving nothing
    assert going == divide_by_share(list(reversed(items)), share)
