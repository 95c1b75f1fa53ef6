"""The voting methods by name, and the calls the proposals package makes."""
from __future__ import annotations

from decimal import Decimal
from typing import Iterable

from govern.errors import ValidationError

from .counting import Method, Quorum, turnout_text
from .motions import CONSENSUS_METHOD, YES_NO_METHOD
from .numeric import MEAN_METHOD, MEDIAN_METHOD
from .ranked import RANKED_METHOD
from .rules import FIELD, QUORUM, Outcome, VotingRule
from .scored import APPROVAL_METHOD, CUMULATIVE_METHOD

METHODS: dict[str, Method] = {
    m.name: m
    for m in (
        YES_NO_METHOD,
        MEDIAN_METHOD,
        MEAN_METHOD,
        APPROVAL_METHOD,
        CUMULATIVE_METHOD,
        RANKED_METHOD,
        CONSENSUS_METHOD,
    )
}


def method(name: str) -> Method:
    try:
        return METHODS[name]
    except (KeyError, TypeError):
        raise ValidationError.for_field(FIELD, f"unknown voting method: {name}") from None


def validate_choice(rule: VotingRule, raw: object) -> str:
    """Check a ballot's shape for the rule and return its canonical text.

    Identical ballots always give identical text, so ballots can be counted with GROUP BY.
    Raises ValidationError on the field "choice".
    """
    return method(rule.method).validate(rule, raw)


def decode_choice(rule: VotingRule, canonical: str) -> object:
    """Canonical text -> the JSON value the API shows ("yes", "0.05", ["a", "b"], {"a": 3})."""
    return method(rule.method).decode(rule, canonical)


def tally(rule: VotingRule, grouped: Iterable[tuple[str, int]], electorate: int) -> Outcome:
    """Count (canonical text, weight) rows, as `SELECT choice, count(*) ... GROUP BY choice` gives.

    The same text may come more than once (its weights are added up). `electorate` is the size
    of the frozen electorate; the quorum is checked against it before anything else.
    """
    if isinstance(electorate, bool) or not isinstance(electorate, int) or electorate < 0:
        raise ValueError("electorate must be a whole number of at least 0")
    counter = method(rule.method)
    weights = _add_up(rule, counter, grouped)
    ballots = sum(weights.values())
    quorum = Quorum.of(rule.quorum, ballots, electorate)
    count = counter.count(rule, weights)
    details = {
        "method": rule.method,
        "ballots": ballots,
        "electorate": electorate,
        "turnout": turnout_text(ballots, electorate),
        "quorum": str(rule.quorum),
        "quorum_needed": quorum.needed,
        "quorum_met": quorum.met,
        **count.details,
    }
    if not quorum.met:
        explanation = f"Quorum not met: {ballots} of {electorate} voted, {quorum.needed} needed."
        return Outcome(passed=False, tally=details, reason=QUORUM, explanation=explanation)
    if not count.decided:
        return Outcome(passed=False, tally=details, reason=count.reason)
    return Outcome(passed=True, tally=details, winners=count.winners, value=count.value, reason=count.reason)


def _add_up(rule: VotingRule, counter: Method, grouped: Iterable[tuple[str, int]]) -> dict[str, int]:
    """Sum the weights per canonical text, canonicalising each stored text once more."""
    weights: dict[str, int] = {}
    for text, weight in grouped:
        key = _canonical_again(rule, counter, text)
        weights[key] = weights.get(key, 0) + _whole(weight)
    return weights


def _canonical_again(rule: VotingRule, counter: Method, text: str) -> str:
    try:
        return counter.validate(rule, counter.decode(rule, text))
    except (ValidationError, ValueError, TypeError) as error:
        raise ValueError(f"a stored ballot does not fit the {rule.method} rule: {str(text)[:80]!r}") from error


def _whole(weight: object) -> int:
    """A row's weight: an int, or an integral Decimal (PostgreSQL's SUM over bigint gives one)."""
    if isinstance(weight, Decimal) and weight == weight.to_integral_value():
        weight = int(weight)
    if isinstance(weight, bool) or not isinstance(weight, int) or weight < 0:
        raise ValueError(f"a ballot weight must be a whole number of at least 0, not {weight!r}")
    return weight
