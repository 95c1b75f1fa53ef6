"""median and mean of decimal ballots within bounds, counted by hand."""
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govern.errors import ValidationError
from govern.voting import tally, validate_choice

from .helpers import count, rule

RATE = {"minimum": "0", "maximum": "0.20"}


def test_the_median_of_three_rates_is_the_middle_one():
    outcome = count(rule("median", **RATE), [("0.02", 1), ("0.05", 1), ("0.10", 1)])
    assert outcome.passed
    assert outcome.value == Decimal("0.05")
    assert outcome.tally["median"] == "0.05"
    assert (outcome.tally["lowest"], outcome.tally["highest"]) == ("0.02", "0.1")


def test_with_an_even_count_the_median_is_the_lower_middle_value():
    outcome = count(rule("median", **RATE), [("0.02", 1), ("0.05", 1), ("0.10", 1), ("0.15", 1)])
    assert outcome.value == Decimal("0.05")


def test_the_median_is_weighted_by_how_many_voted_each_value():
    outcome = count(rule("median", **RATE), [("0.01", 4), ("0.10", 3), ("0.20", 1)])
    assert outcome.value == Decimal("0.01")
    outcome = count(rule("median", **RATE), [("0.01", 3), ("0.10", 3), ("0.20", 1)])
    assert outcome.value == Decimal("0.1")


@given(st.lists(st.tuples(st.integers(0, 200), st.integers(1, 5)), min_size=1, max_size=12))
def test_the_median_is_always_a_value_somebody_voted_for(votes):
    voting = rule("median", **RATE)
    ballots = [(f"0.{thousandths:03d}", weight) for thousandths, weight in votes]
    outcome = count(voting, ballots)
    expanded = sorted(Decimal(choice) for choice, weight in ballots for _ in range(weight))
    assert outcome.value == expanded[(len(expanded) - 1) // 2]


def test_no_ballots_decides_no_value():
    outcome = tally(rule("median", **RATE), [], 10)
    assert not outcome.passed
    assert outcome.value is None
    assert outcome.reason == "No ballots were cast."


def test_the_mean_is_exact_and_rounded_to_the_finest_precision_written():
    outcome = count(rule("mean", **RATE), [("0.02", 1), ("0.05", 1), ("0.1", 1)])
    assert outcome.value == Decimal("0.06")
    outcome = count(rule("mean", minimum="0", maximum="100"), [("10", 1), ("15", 1)])
    assert outcome.value == Decimal("12")
    outcome = count(rule("mean", minimum="0", maximum="100"), [("10", 1), ("15.5", 1)])
    assert outcome.value == Decimal("12.8")


def test_the_mean_rounds_half_to_even():
    bounds = {"minimum": "0", "maximum": "10"}
    assert count(rule("mean", **bounds), [("1", 1), ("2", 1)]).value == Decimal("2")
    assert count(rule("mean", **bounds), [("2", 1), ("3", 1)]).value == Decimal("2")
    assert count(rule("mean", **bounds), [("0.1", 1), ("0.2", 1)]).value == Decimal("0.2")


def test_the_mean_takes_the_precision_of_the_bounds_too():
    outcome = count(rule("mean", minimum="0.000", maximum="1"), [("0", 2), ("1", 1)])
    assert outcome.value == Decimal("0.333")
    assert outcome.tally["mean"] == "0.333"


def test_the_mean_is_weighted():
    outcome = count(rule("mean", minimum="0", maximum="10"), [("1", 3), ("5", 1)])
    assert outcome.value == Decimal("2")


@pytest.mark.parametrize("raw", ["0.050", "0.05", "0.0500", " 0.05"])
def test_equal_numbers_have_one_canonical_text(raw):
    assert validate_choice(rule("median", **RATE), raw) == "0.05"


@pytest.mark.parametrize("raw, text", [("0", "0"), ("-0.0", "0"), ("0.20", "0.2"), ("00.1", "0.1")])
def test_canonical_numbers_have_no_trailing_zeros(raw, text):
    assert validate_choice(rule("median", minimum="-1", maximum="1"), raw) == text


def test_large_whole_numbers_keep_their_digits():
    assert validate_choice(rule("mean", minimum="0", maximum="1000"), "100.0") == "100"


@pytest.mark.parametrize("raw", [0.05, 5, None, "5%", "1e-2", "abc", "", ["0.05"], "0.21", "-0.01"])
def test_json_numbers_bad_text_and_values_outside_the_bounds_are_refused(raw):
    with pytest.raises(ValidationError) as error:
        validate_choice(rule("median", **RATE), raw)
    assert "choice" in error.value.fields


def test_the_bounds_are_inclusive():
    voting = rule("median", **RATE)
    assert validate_choice(voting, "0") == "0"
    assert validate_choice(voting, "0.2") == "0.2"


def test_without_bounds_any_decimal_is_accepted():
    assert validate_choice(rule("median"), "-12.5") == "-12.5"
