"""A payroll's arithmetic without a database: a last payroll shared out, and productivity."""
from decimal import ROUND_DOWN, ROUND_HALF_UP, Context, Decimal
from fractions import Fraction

from hypothesis import given, strategies as st

from govern.companies.pay_arithmetic import PayLine, gross_pay, income_tax, shared_out, slip_for
from govern.wages.calculator import productivity_factor, with_productivity


WIDE = Context(prec=60)  # exact for these sizes: the integer arithmetic must equal it


def line(member_id, centihours, rate):
    return PayLine(member_id, "mechanic", centihours, rate)


def test_a_last_payroll_paid_in_full_when_the_company_can():
    grosses, share = shared_out([line(1, 500, 3_000), line(2, 500, 1_000)], 20_000)
    assert (grosses, share) == ([15_000, 5_000], Fraction(1))


def test_a_last_payroll_the_company_cannot_pay_gives_everyone_the_same_share_rounded_down():
    grosses, share = shared_out([line(1, 500, 3_000), line(2, 500, 1_000), line(3, 100, 1_001)], 10_000)
    assert share == Fraction(10_000, 21_001)
    assert grosses == [7_142, 2_380, 476]  # 15,000 × share, 5,000 × share, 1,001 × share, each rounded down
    assert sum(grosses) <= 10_000


def test_a_company_that_holds_nothing_pays_nothing():
    assert shared_out([line(1, 500, 3_000)], 0) == ([0], Fraction(0))


def test_the_slip_of_a_shared_out_line_taxes_what_is_paid():
    slip = slip_for(line(1, 500, 3_000), Decimal("0.02"), Decimal("1"), gross=7_500)
    assert (slip.gross, slip.tax, slip.net, slip.rate_minor) == (7_500, 150, 7_350, 3_000)


def test_productivity_moves_the_wage_within_the_occupations_range():
    assert productivity_factor(Decimal("0"), Decimal("0.2")) == Decimal("0.8")
    assert productivity_factor(Decimal("0.5"), Decimal("0.2")) == Decimal("1")
    assert with_productivity(2_200, Decimal("1"), Decimal("0.2"), 1_500) == 2_640
    assert with_productivity(2_201, Decimal("0.75"), Decimal("0.2"), 1_500) == 2_421  # 2421.1 → 2421
    assert with_productivity(2_205, Decimal("0.75"), Decimal("0.2"), 1_500) == 2_426  # 2425.5 → 2426, half up


def test_productivity_never_takes_a_wage_below_the_minimum_wage():
    assert with_productivity(1_600, Decimal("0"), Decimal("0.2"), 1_500) == 1_500  # 12.80 → 15.00
    assert with_productivity(1_000, Decimal("0"), Decimal("0.2"), 1_500) == 1_000  # already below: stays


@given(st.integers(-10**9, 10**9), st.integers(0, 10**9))
def test_gross_pay_in_integers_is_the_exact_decimal_rounded_half_up(centihours, rate_minor):
    exact = (Decimal(centihours) * rate_minor / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP, context=WIDE)
    assert gross_pay(centihours, rate_minor) == int(exact)


@given(st.integers(-10**15, 10**15), st.decimals(min_value=0, max_value=1, places=6))
def test_income_tax_in_integers_is_the_exact_decimal_rounded_down(gross, rate):
    exact = (Decimal(gross) * rate).quantize(Decimal(1), rounding=ROUND_DOWN, context=WIDE)
    assert income_tax(gross, rate) == int(exact)
