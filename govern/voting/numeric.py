"""Numbers voted within bounds: median and mean.

A ballot is a decimal string (JSON numbers are refused) within [minimum, maximum], both
inclusive when set. Its canonical text is normalised: "0.050" and "0.05" are the same ballot.

median: the weighted median of the ballots. With an even number of ballots it is the LOWER of
the two middle values. That is conservative (a parameter moves less far), and it is always a
value somebody actually voted for, which matters because a parameter must be one of the
values voted, never an average nobody chose.

mean: the exact arithmetic mean, rounded half-to-even to the precision of the finest ballot or
bound: the most decimals in any canonical ballot ("0.050" counts as "0.05") or written in the
minimum or maximum ("0.000" counts as three), and never coarser than whole units. Both bounds
are multiples of that precision, so the rounded mean stays within them. The result is
normalised like a ballot ("0.150" -> "0.15").
"""
from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from govern.money import parse_decimal

from .counting import CHOICE, Count, Method, decimal_text, round_fraction, refuse
from .rules import VotingRule


def validate_number(rule: VotingRule, raw: object) -> str:
    value = parse_decimal(raw, CHOICE)
    if rule.minimum is not None and value < rule.minimum:
        raise refuse(f"must be at least {rule.minimum}")
    if rule.maximum is not None and value > rule.maximum:
        raise refuse(f"must be at most {rule.maximum}")
    if rule.whole_numbers and value != value.to_integral_value():
        raise refuse("must be a whole number")
    return decimal_text(value)


def _as_is(rule: VotingRule, canonical: str) -> str:
    return canonical


def _values(weights: dict[str, int]) -> list[tuple[Decimal, int]]:
    return sorted((Decimal(text), weight) for text, weight in weights.items() if weight > 0)


def _spread(values: list[tuple[Decimal, int]]) -> dict:
    return {"lowest": decimal_text(values[0][0]), "highest": decimal_text(values[-1][0])}


def _nothing(key: str) -> Count:
    return Count(False, {key: None, "lowest": None, "highest": None}, "No ballots were cast.")


def lower_median(values: list[tuple[Decimal, int]]) -> Decimal:
    """The value at position (n - 1) // 2 of the n ballots in ascending order."""
    position = (sum(weight for _, weight in values) - 1) // 2
    seen = 0
    for value, weight in values:
        seen += weight
        if seen > position:
            return value
    raise ValueError("no ballots")


def count_median(rule: VotingRule, weights: dict[str, int]) -> Count:
    values = _values(weights)
    if not values:
        return _nothing("median")
    median = Decimal(decimal_text(lower_median(values)))
    details = {"median": decimal_text(median), **_spread(values)}
    return Count(True, details, f"The median of the ballots is {decimal_text(median)}.", value=median)


def _finest_exponent(rule: VotingRule, values: list[tuple[Decimal, int]]) -> int:
    written = [value for value, _ in values] + [bound for bound in (rule.minimum, rule.maximum) if bound is not None]
    return min([0] + [value.as_tuple().exponent for value in written])


def count_mean(rule: VotingRule, weights: dict[str, int]) -> Count:
    values = _values(weights)
    if not values:
        return _nothing("mean")
    total = sum(Fraction(value) * weight for value, weight in values)
    ballots = sum(weight for _, weight in values)
    mean = Decimal(decimal_text(round_fraction(total / ballots, _finest_exponent(rule, values))))
    details = {"mean": decimal_text(mean), **_spread(values)}
    return Count(True, details, f"The mean of the ballots is {decimal_text(mean)}.", value=mean)


MEDIAN_METHOD = Method(
    name="median", label="Median of the numbers voted", validate=validate_number, decode=_as_is, count=count_median
)
MEAN_METHOD = Method(
    name="mean", label="Mean of the numbers voted", validate=validate_number, decode=_as_is, count=count_mean
)
