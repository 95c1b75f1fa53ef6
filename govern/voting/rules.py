"""The voting rule frozen onto a proposal, its options, and the outcome of a count.

A rule is checked when it is built, so a proposal can never open with a rule that a count
would later choke on (an unknown method, a quorum above 1, more seats than candidates...).
`to_json()` gives JSON-safe values only (decimals as strings) and `from_json()` reads them
back, refusing bad input with a ValidationError on the field "voting".
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from govern.errors import ValidationError
from govern.money import parse_decimal

METHOD_NAMES = ("yes_no", "median", "mean", "approval", "cumulative", "ranked", "consensus")
THRESHOLDS = ("majority", "two_thirds", "three_quarters")
OPTION_METHODS = ("approval", "cumulative", "ranked")
NUMERIC_METHODS = ("median", "mean")
FIELD = "voting"
QUORUM = "quorum"  # the reason of an outcome whose turnout was below its quorum


def _refuse(problem: str) -> ValidationError:
    return ValidationError.for_field(FIELD, problem)


@dataclass(frozen=True)
class Option:
    id: str
    label: str
    member_id: int | None = None

    def to_json(self) -> dict:
        data: dict = {"id": self.id, "label": self.label}
        if self.member_id is not None:
            data["member_id"] = self.member_id
        return data

    @classmethod
    def from_json(cls, data: object) -> "Option":
        if not isinstance(data, dict):
            raise _refuse("each option must be an object with id and label")
        member_id = data.get("member_id")
        if member_id is not None and (isinstance(member_id, bool) or not isinstance(member_id, int)):
            raise _refuse("an option's member_id must be an integer")
        return cls(id=data.get("id"), label=data.get("label"), member_id=member_id)


@dataclass(frozen=True)
class VotingRule:
    method: str
    threshold: str = "majority"
    quorum: Decimal = Decimal("0")
    electorate: str = "region"
    options: tuple[Option, ...] = ()
    seats: int = 1
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    max_points: int = 10
    emergency: bool = False
    secret: bool = False
    whole_numbers: bool = False   # median/mean: ballots must be whole numbers (e.g. a count of people)

    def __post_init__(self) -> None:
        # Lists are accepted for convenience and stored as a tuple so the rule stays hashable.
        object.__setattr__(self, "options", tuple(self.options))
        for check in _CHECKS:
            check(self)

    def option_ids(self) -> tuple[str, ...]:
        return tuple(option.id for option in self.options)

    def to_json(self) -> dict:
        return {
            "method": self.method,
            "threshold": self.threshold,
            "quorum": str(self.quorum),
            "electorate": self.electorate,
            "options": [option.to_json() for option in self.options],
            "seats": self.seats,
            "minimum": None if self.minimum is None else str(self.minimum),
            "maximum": None if self.maximum is None else str(self.maximum),
            "max_points": self.max_points,
            "emergency": self.emergency,
            "secret": self.secret,
            "whole_numbers": self.whole_numbers,
        }

    @classmethod
    def from_json(cls, data: object) -> "VotingRule":
        if not isinstance(data, dict):
            raise _refuse("must be an object")
        unknown = set(data) - _JSON_KEYS
        if unknown:
            raise _refuse(f"unexpected keys: {', '.join(sorted(unknown))}")
        options = data.get("options") or []
        if not isinstance(options, list):
            raise _refuse("options must be a list")
        defaults = cls(method="yes_no")
        return cls(
            method=data.get("method"),
            threshold=data.get("threshold", defaults.threshold),
            quorum=_optional_decimal(data.get("quorum", str(defaults.quorum)), "quorum"),
            electorate=data.get("electorate", defaults.electorate),
            options=tuple(Option.from_json(option) for option in options),
            seats=data.get("seats", defaults.seats),
            minimum=_optional_decimal(data.get("minimum"), "minimum"),
            maximum=_optional_decimal(data.get("maximum"), "maximum"),
            max_points=data.get("max_points", defaults.max_points),
            emergency=data.get("emergency", defaults.emergency),
            secret=data.get("secret", defaults.secret),
            whole_numbers=data.get("whole_numbers", defaults.whole_numbers),
        )


_JSON_KEYS = {name for name in VotingRule.__dataclass_fields__}


def _optional_decimal(value: object, name: str) -> Decimal | None:
    if value is None:
        return None
    try:
        return parse_decimal(value, FIELD)
    except ValidationError:
        raise _refuse(f"{name} must be a decimal string such as \"0.5\"") from None


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_method(rule: VotingRule) -> None:
    if rule.method not in METHOD_NAMES:
        raise _refuse(f"method must be one of {', '.join(METHOD_NAMES)}")
    if rule.threshold not in THRESHOLDS:
        raise _refuse(f"threshold must be one of {', '.join(THRESHOLDS)}")
    if not isinstance(rule.electorate, str) or not rule.electorate:
        raise _refuse("electorate must be a non-empty string")
    if not all(isinstance(flag, bool) for flag in (rule.emergency, rule.secret, rule.whole_numbers)):
        raise _refuse("emergency and secret must be true or false")


def _check_quorum(rule: VotingRule) -> None:
    if not isinstance(rule.quorum, Decimal) or not rule.quorum.is_finite() or not 0 <= rule.quorum <= 1:
        raise _refuse("quorum must be a decimal between 0 and 1")


def _check_options(rule: VotingRule) -> None:
    if any(not isinstance(option, Option) for option in rule.options):
        raise _refuse("options must be Option values")
    ids = [option.id for option in rule.options]
    if any(not isinstance(id_, str) or not id_ or len(id_) > 64 for id_ in ids):
        raise _refuse("each option needs an id of 1 to 64 characters")
    if any(not isinstance(option.label, str) for option in rule.options):
        raise _refuse("each option needs a text label")
    if len(set(ids)) != len(ids):
        raise _refuse("option ids must be distinct")
    if rule.method in OPTION_METHODS and not ids:
        raise _refuse(f"the {rule.method} method needs options")
    if not _is_int(rule.seats) or rule.seats < 1:
        raise _refuse("seats must be a whole number of at least 1")
    if rule.method in OPTION_METHODS and rule.seats > len(ids):
        raise _refuse("there cannot be more seats than options")
    if not _is_int(rule.max_points) or rule.max_points < 1:
        raise _refuse("max_points must be a whole number of at least 1")


def _check_bounds(rule: VotingRule) -> None:
    for bound in (rule.minimum, rule.maximum):
        if bound is not None and (not isinstance(bound, Decimal) or not bound.is_finite()):
            raise _refuse("minimum and maximum must be decimals")
    if rule.minimum is not None and rule.maximum is not None and rule.minimum > rule.maximum:
        raise _refuse("minimum must not be above maximum")


_CHECKS = (_check_method, _check_quorum, _check_options, _check_bounds)


@dataclass(frozen=True)
class Outcome:
    """What a count decided.

    `passed`: yes_no and consensus, the motion passed; median and mean, a value was decided;
    approval, cumulative and ranked, winners were decided. `tally` is JSON-safe and always
    has "ballots", "electorate" and "quorum_met". `reason` is a sentence, or the code "quorum"
    when too few voted, with the sentence in `explanation`.
    """

    passed: bool
    tally: dict = field(default_factory=dict)
    winners: tuple[str, ...] = ()
    value: Decimal | None = None
    reason: str = ""
    explanation: str = ""

    def to_json(self) -> dict:
        return {
            "passed": self.passed,
            "tally": self.tally,
            "winners": list(self.winners),
            "value": None if self.value is None else str(self.value),
            "reason": self.reason,
            "explanation": self.explanation or self.reason,
        }
