"""Money crosses the edges as decimal strings and lives inside as integer cents."""
from decimal import Decimal

import pytest

from govern.errors import ValidationError
from govern.money import Money, convert_minor, divide_minor, format_minor, parse_amount, parse_money


@pytest.mark.parametrize("text, minor", [("12.50", 1250), ("0.01", 1), ("7", 700), ("7.5", 750), ("1000000", 100000000)])
def test_decimal_strings_become_integer_cents(text, minor):
    assert parse_amount(text) == minor


@pytest.mark.parametrize("bad", [12.5, 12, None, "12.345", "-1.00", "1e3", "abc", "", " ", "0", "0.00"])
def test_numbers_three_decimals_negatives_and_zero_are_refused(bad):
    with pytest.raises(ValidationError) as error:
        parse_amount(bad)
    assert "amount" in error.value.fields


def test_money_objects_need_a_known_currency():
    assert parse_money({"amount": "3.00", "currency": "USD"}) == Money(300, "USD")
    for bad in ({"amount": "3.00", "currency": "EUR"}, {"amount": "3.00"}, "3.00", {"amount": "3", "currency": "RSC", "x": 1}):
        with pytest.raises(ValidationError):
            parse_money(bad)


def test_formatting_always_shows_two_decimals():
    assert format_minor(1234) == "12.34"
    assert format_minor(5) == "0.05"
    assert format_minor(-5) == "-0.05"
    assert Money(100, "RSC").to_json() == {"amount": "1.00", "currency": "RSC"}


def test_conversion_rounds_down_to_the_cent():
    assert convert_minor(100, Decimal("1.05")) == 105
    assert convert_minor(333, Decimal("1.005")) == 334  # 334.665 -> 334
    assert divide_minor(100, Decimal("3")) == 33
    assert divide_minor(105, Decimal("1.05")) == 100
