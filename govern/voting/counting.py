"""What every voting method shares: the Method record, canonical text, numbers as text, quorum."""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Callable

from govern.errors import ValidationError

from .rules import VotingRule

CHOICE = "choice"


@dataclass(frozen=True)
class Count:
    """A method's verdict on the ballots, before the quorum is applied."""

    decided: bool
    details: dict
    reason: str
    winners: tuple[str, ...] = ()
    value: Decimal | None = None


@dataclass(frozen=True)
class Method:
    """One voting method: how a ballot is checked, shown, and counted.

    `validate(rule, raw)` returns a ballot's canonical text; `decode(rule, text)` turns the
    text back into the JSON value the API shows; `count(rule, weights)` gets every distinct
    canonical text with its summed weight.
    """

    name: str
    label: str
    validate: Callable[[VotingRule, object], str]
    decode: Callable[[VotingRule, str], object]
    count: Callable[[VotingRule, dict[str, int]], Count]
    uses_options: bool = False
    choices: tuple[str, ...] = field(default=())


def refuse(problem: str) -> ValidationError:
    return ValidationError.for_field(CHOICE, problem)


def canonical_json(value: object) -> str:
    """Compact JSON: the same value always gives the same text."""
    return json.dumps(value, separators=(",", ":"))


def decimal_text(value: Decimal) -> str:
    """Plain text without exponent or trailing zeros: 0.050 -> "0.05", 10 -> "10", -0 -> "0"."""
    if value == 0:
        return "0"
    return format(value.normalize(), "f")


def round_fraction(value: Fraction, exponent: int) -> Decimal:
    """`value` rounded half-to-even to a multiple of 10**exponent, exactly."""
    steps = round(value / Fraction(10) ** exponent)
    return Decimal(steps).scaleb(exponent)


def fraction_text(value: Fraction, places: int = 4) -> str:
    """A count for display: exact when whole, else rounded to `places` decimals."""
    if value.denominator == 1:
        return str(value.numerator)
    return decimal_text(round_fraction(value, -places))


@dataclass(frozen=True)
class Quorum:
    needed: int
    met: bool

    @classmethod
    def of(cls, share: Decimal, ballots: int, electorate: int) -> "Quorum":
        """At least ceil(share × electorate) ballots, abstentions included, computed exactly."""
        needed = math.ceil(Fraction(share) * electorate)
        return cls(needed=needed, met=ballots >= needed)


def turnout_text(ballots: int, electorate: int) -> str:
    if electorate <= 0:
        return "0"
    return fraction_text(Fraction(ballots, electorate))


def option_list(rule: VotingRule, raw: object, *, at_least: int) -> list[str]:
    """A list of distinct option ids of this rule, in the order given."""
    if not isinstance(raw, list) or any(not isinstance(item, str) for item in raw):
        raise refuse("must be a list of option ids")
    known = set(rule.option_ids())
    for item in raw:
        if item not in known:
            raise refuse(f"unknown option: {item[:64]}")
    if len(set(raw)) != len(raw):
        raise refuse("names an option more than once")
    if len(raw) < at_least:
        raise refuse(f"must name at least {at_least} option{'s' if at_least > 1 else ''}")
    return raw


def option_index(rule: VotingRule) -> dict[str, int]:
    """Option id -> its place in rule.options, the order every tie rule falls back on."""
    return {option_id: place for place, option_id in enumerate(rule.option_ids())}
