"""The decay rule of a wage cut, on exact dates (DESIGN.md, "Wages")."""
from datetime import date, datetime, timedelta, timezone

from govern.wages.decay import TableChange, wage_on

UTC = timezone.utc
HIRED = datetime(2025, 6, 1, 9, 0, tzinfo=UTC)
FIRST = TableChange(datetime(2025, 1, 1, 12, 0, tzinfo=UTC), 3000, 30, 90)
CUT_AT = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
CUT_DAY = CUT_AT.date()


def cut(wage=2100, delay=30, decay=90, at=CUT_AT):
    return TableChange(at, wage, delay, decay)


def day(offset: int) -> date:
    return CUT_DAY + timedelta(days=offset)


def test_a_worker_keeps_the_old_wage_until_the_delay_is_over():
    changes = [FIRST, cut()]
    assert wage_on(changes, HIRED, day(-1)) == 3000
    assert wage_on(changes, HIRED, day(0)) == 3000
    assert wage_on(changes, HIRED, day(29)) == 3000
    assert wage_on(changes, HIRED, day(30)) == 3000  # the decay starts: 0 days past the delay


def test_the_wage_falls_linearly_during_the_decay_and_is_halfway_at_half_time():
    changes = [FIRST, cut()]
    assert wage_on(changes, HIRED, day(31)) == 2990  # 3000 - 900 x 1/90
    assert wage_on(changes, HIRED, day(30 + 45)) == 2550  # halfway: 3000 - 900 x 45/90
    assert wage_on(changes, HIRED, day(30 + 89)) == 2110


def test_after_the_decay_the_worker_has_the_new_wage():
    changes = [FIRST, cut()]
    assert wage_on(changes, HIRED, day(30 + 90)) == 2100
    assert wage_on(changes, HIRED, day(400)) == 2100


def test_no_delay_and_no_decay_cut_on_the_day_of_the_cut():
    changes = [FIRST, cut(delay=0, decay=0)]
    assert wage_on(changes, HIRED, day(-1)) == 3000
    assert wage_on(changes, HIRED, day(0)) == 2100


def test_a_raise_applies_at_once():
    changes = [FIRST, cut(wage=3500)]
    assert wage_on(changes, HIRED, day(-1)) == 3000
    assert wage_on(changes, HIRED, day(0)) == 3500


def test_a_worker_hired_at_or_after_the_cut_gets_the_new_wage_at_once():
    changes = [FIRST, cut()]
    assert wage_on(changes, CUT_AT, day(0)) == 2100
    assert wage_on(changes, CUT_AT + timedelta(days=1), day(1)) == 2100
    assert wage_on(changes, CUT_AT + timedelta(days=1), day(60)) == 2100


def test_a_second_cut_during_the_decay_starts_from_the_wage_as_it_stands_that_day():
    first_cut = cut(delay=0, decay=90)
    assert wage_on([FIRST, first_cut], HIRED, day(30)) == 2700  # 3000 - 900 x 30/90
    second_cut = cut(wage=1800, delay=10, decay=20, at=CUT_AT + timedelta(days=30))
    changes = [FIRST, first_cut, second_cut]
    assert wage_on(changes, HIRED, day(35)) == 2700  # kept during the second cut's delay
    assert wage_on(changes, HIRED, day(40)) == 2700
    assert wage_on(changes, HIRED, day(50)) == 2250  # 2700 - 900 x 10/20
    assert wage_on(changes, HIRED, day(60)) == 1800


def test_voting_the_same_wage_again_does_not_restart_a_decay():
    again = cut(at=CUT_AT + timedelta(days=40))
    assert wage_on([FIRST, cut(), again], HIRED, day(30 + 45)) == 2550


def test_a_table_raise_still_below_a_decaying_wage_is_a_cut_from_that_wage_never_a_drop():
    raise_at = CUT_AT + timedelta(days=30 + 45)  # the worker is at 2550 that day
    changes = [FIRST, cut(), TableChange(raise_at, 2400, 0, 10)]
    assert wage_on(changes, HIRED, day(75)) == 2550
    assert wage_on(changes, HIRED, day(80)) == 2475  # 2550 - 150 x 5/10
    assert wage_on(changes, HIRED, day(85)) == 2400


def test_decaying_wages_are_rounded_half_up_to_the_cent():
    changes = [FIRST, TableChange(CUT_AT, 2999, 0, 2)]
    assert wage_on(changes, HIRED, day(1)) == 3000  # 2999.5 rounds up


def test_without_a_row_there_is_no_wage_and_the_first_row_applies_at_once():
    assert wage_on([], HIRED, day(0)) is None
    assert wage_on([cut()], HIRED, day(-1)) is None
    assert wage_on([cut()], HIRED, day(0)) == 2100


# --- a kept wage: an acquired business's employee joins at their previous wage ---------------

def test_a_kept_wage_is_paid_whatever_the_table_said_when_they_joined():
    assert wage_on([FIRST], HIRED, day(0), kept=2200) == 2200  # the table's 30.00 at hire does not apply
    assert wage_on([], HIRED, day(0), kept=2200) == 2200  # nor is a table needed


def test_a_table_wage_above_the_kept_wage_raises_it_at_once():
    assert wage_on([FIRST, cut(wage=2500, at=CUT_AT)], HIRED, day(0), kept=2200) == 2500


def test_a_table_wage_below_the_kept_wage_cuts_it_through_the_delay_and_decay():
    changes = [FIRST, cut(wage=1900, delay=30, decay=90)]
    assert wage_on(changes, HIRED, day(29), kept=2200) == 2200
    assert wage_on(changes, HIRED, day(30 + 45), kept=2200) == 2050  # 2200 − 300 × 45/90
    assert wage_on(changes, HIRED, day(30 + 90), kept=2200) == 1900


def test_the_same_table_wage_voted_again_does_not_touch_a_kept_wage():
    again = TableChange(CUT_AT, 3000, 0, 0)  # the 30.00 the table had before they joined
    assert wage_on([FIRST, again], HIRED, day(0), kept=2200) == 2200
