"""Money as integer minor units (cents) with a currency; parsing and formatting at the edges.

Nothing in Conductor holds money in a float. Amounts cross the API as decimal strings with at
most two decimals (see API.md), and are integers everywhere inside.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal, InvalidOperation

from govern.errors import ValidationError

CURRENCIES = ("RSC", "USD")
MINOR_PER_UNIT = 100
# The most any request may name: 1,000,000,000.00. Far above what a co-op moves at once, and so far
# below a 64-bit balance (about 92,233,720,368,547,758.07) that only ~92 million maximal requests
# could add up to it; `ledger.service.post` refuses any entry that would get there all the same.
MAX_MINOR = 1_000_000_000 * MINOR_PER_UNIT
MAX_AMOUNT_TEXT = "1000000000.00"

_AMOUNT = re.compile(r"^-?[0-9]{1,15}(\.[0-9]{1,2})?$")
_DECIMAL = re.compile(r"^-?[0-9]{1,15}(\.[0-9]{1,12})?$")


@dataclass(frozen=True)
class Money:
    minor: int
    currency: str

    def to_json(self) -> dict:
        return {"amount": format_minor(self.minor), "currency": self.currency}

    def __str__(self) -> str:
        return f"{format_minor(self.minor)} {self.currency}"


def format_minor(minor: int) -> str:
    """1234 -> '12.34', -5 -> '-0.05'."""
    sign = "-" if minor < 0 else ""
    whole, cents = divmod(abs(minor), MINOR_PER_UNIT)
    return f"{sign}{whole}.{cents:02d}"


def parse_amount(text: object, field: str = "amount", *, allow_zero: bool = False) -> int:
    """Parse a positive decimal string with at most two decimals into minor units."""
    if not isinstance(text, str):
        raise ValidationError.for_field(field, "must be a decimal string such as \"12.50\"")
    text = text.strip()
    if not _AMOUNT.match(text):
        raise ValidationError.for_field(field, _amount_problem(text))
    minor = int((Decimal(text) * MINOR_PER_UNIT).to_integral_value())
    if minor < 0:
        raise ValidationError.for_field(field, "must not be negative")
    if minor == 0 and not allow_zero:
        raise ValidationError.for_field(field, "must be more than zero")
    if minor > MAX_MINOR:
        raise ValidationError.for_field(field, f"must be at most {MAX_AMOUNT_TEXT}")
    return minor


def _amount_problem(text: str) -> str:
    """What is wrong with an amount, in words: too large, too many decimals, or not a number."""
    if re.fullmatch(r"-?[0-9]+(\.[0-9]*)?", text):
        whole, _, cents = text.lstrip("-").partition(".")
        if len(whole.lstrip("0")) > 10:
            return f"must be at most {MAX_AMOUNT_TEXT}"
        if len(cents) > 2:
            return "can have at most two decimals (cents), such as 12.50"
    return "must be an amount such as 12.50 (digits, and a point before the cents)"


def parse_money(value: object, field: str = "amount", *, currencies: tuple[str, ...] = CURRENCIES,
                allow_zero: bool = False) -> Money:
    """Parse the API's money object `{"amount": "12.50", "currency": "RSC"}`."""
    if not isinstance(value, dict):
        raise ValidationError.for_field(field, "must be an object with amount and currency")
    currency = value.get("currency")
    if currency not in currencies:
        raise ValidationError.for_field(field, f"currency must be one of {', '.join(currencies)}")
    extra = set(value) - {"amount", "currency"}
    if extra:
        raise ValidationError.for_field(field, f"unexpected keys: {', '.join(sorted(extra))}")
    return Money(parse_amount(value.get("amount"), field, allow_zero=allow_zero), currency)


def require_positive(money: Money, field: str = "amount") -> Money:
    """Services re-check what the edges parsed: a movement of zero or less is never valid,
    whoever calls (a negative transfer would run the wrong way)."""
    if not isinstance(money.minor, int) or isinstance(money.minor, bool) or money.minor <= 0:
        raise ValidationError.for_field(field, "must be more than zero")
    if money.minor > MAX_MINOR:
        raise ValidationError.for_field(field, f"must be at most {MAX_AMOUNT_TEXT}")
    if money.currency not in CURRENCIES:
        raise ValidationError.for_field(field, f"currency must be one of {', '.join(CURRENCIES)}")
    return money


def parse_decimal(text: object, field: str) -> Decimal:
    """Parse a decimal string (rates, percentages, bounds); numbers as JSON numbers are refused."""
    if not isinstance(text, str) or not _DECIMAL.match(text.strip()):
        raise ValidationError.for_field(field, "must be a decimal string such as \"0.05\"")
    try:
        return Decimal(text.strip())
    except InvalidOperation:  # pragma: no cover - the pattern already guards this
        raise ValidationError.for_field(field, "must be a decimal string") from None


def convert_minor(minor: int, rate: Decimal) -> int:
    """minor × rate, rounded down to the cent: conversion never creates a fraction of a cent."""
    return int((Decimal(minor) * rate).to_integral_value(rounding=ROUND_DOWN))


def divide_minor(minor: int, rate: Decimal) -> int:
    """minor ÷ rate, rounded down to the cent."""
    return int((Decimal(minor) / rate).to_integral_value(rounding=ROUND_DOWN))
