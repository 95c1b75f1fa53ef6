"""The constitution: the floor of every kind of proposal, which no proposer can go below.

A floor is three settings: the least quorum (the share of the frozen electorate that must cast
a ballot, abstentions included), the least threshold of a yes/no vote, and the least voting
period in days. Each kind registers a default floor with its registration (`kinds.register`
passes it here); the floor becomes three region parameters, `quorum.<kind>`,
`threshold.<kind>` and `min_voting_days.<kind>`, in the parameters' section "constitution".
A region sets them when it is founded (`govern init --parameters`) and changes them afterwards
only by a `parameter` proposal that meets the floor of `constitution` as well as its own
(entrenchment: the kind's `floor_keys` says so, see regions/kinds.py).

When a proposal opens, its rule is the kind's default rule tightened to the region's floor; the
proposer may make it stricter, never looser. `GOVERN_MIN_VOTING_SECONDS`, when set, replaces
every `min_voting_days.*` (tests and demos).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from functools import reduce

from sqlalchemy.orm import Session

from govern.errors import ValidationError
from govern.regions import parameters
from govern.regions import service as regions
from govern.voting.rules import THRESHOLDS, VotingRule

CONSTITUTION = "constitution"
CONSTITUTION_LABEL = "Change a floor (the constitution itself)"
SETTINGS = ("quorum", "threshold", "min_voting_days")
MAX_DAYS = 90
DAY_SECONDS = 86_400
THRESHOLD_WORDS = {"majority": "more yes than no", "two_thirds": "two thirds yes",
                   "three_quarters": "three quarters yes"}


def stricter_threshold(first: str | None, second: str | None) -> str | None:
    """The stricter of two thresholds; None (no threshold applies) gives way to any other."""
    known = [t for t in (first, second) if t is not None]
    return max(known, key=THRESHOLDS.index) if known else None


@dataclass(frozen=True)
class Floor:
    """The least a proposal of one kind must meet. `threshold` is None for kinds whose count has
    none (an election by single transferable vote)."""

    quorum: Decimal = Decimal("0")
    threshold: str | None = "majority"
    min_voting_days: int = 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "quorum", Decimal(self.quorum))
        if not 0 <= self.quorum <= 1:
            raise ValueError("a floor's quorum is a share from 0 to 1")
        if self.threshold is not None and self.threshold not in THRESHOLDS:
            raise ValueError(f"a floor's threshold is one of {', '.join(THRESHOLDS)}")
        if not 1 <= self.min_voting_days <= MAX_DAYS:
            raise ValueError(f"a floor's voting period is 1 to {MAX_DAYS} days")

    def stricter(self, other: "Floor") -> "Floor":
        return Floor(max(self.quorum, other.quorum), stricter_threshold(self.threshold, other.threshold),
                     max(self.min_voting_days, other.min_voting_days))

    def tighten(self, rule: VotingRule) -> VotingRule:
        """The rule made at least as strict as this floor."""
        return replace(rule, quorum=max(rule.quorum, self.quorum),
                       threshold=stricter_threshold(rule.threshold, self.threshold))

    def looser_settings(self, rule: VotingRule) -> dict[str, str]:
        """What in `rule` is below this floor: {setting: problem}."""
        problems = {}
        if rule.quorum < self.quorum:
            problems["quorum"] = (f"the quorum must be at least {self.quorum} ({percent(self.quorum)} of the voters): "
                                  "the least this region allows")
        if self.threshold is not None and THRESHOLDS.index(rule.threshold) < THRESHOLDS.index(self.threshold):
            problems["threshold"] = (f"the threshold must be {THRESHOLD_WORDS[self.threshold]} or stricter: "
                                     "the least this region allows")
        return problems

    def min_voting_seconds(self, override: int | None) -> int:
        return override if override is not None else self.min_voting_days * DAY_SECONDS

    def words(self, method: str, override_seconds: int | None = None) -> str:
        """The floor in plain words: "needs 40% of members to vote and two thirds yes; at least 14 days"."""
        needs = []
        if self.quorum:
            needs.append(f"{percent(self.quorum)} of members to vote")
        if method == "yes_no" and self.threshold is not None:
            needs.append(THRESHOLD_WORDS[self.threshold])
        how = {"median": "the median vote wins", "mean": "the mean vote wins",
               "ranked": "seats are filled by single transferable vote"}.get(method)
        text = f"needs {' and '.join(needs)}" if needs else "needs no minimum turnout"
        if how:
            text += f"; {how}"
        return f"{text}; {period_words(self, override_seconds)}"


def percent(share: Decimal) -> str:
    text = format((share * 100).normalize(), "f")
    return f"{text.rstrip('0').rstrip('.') if '.' in text else text}%"


def period_words(floor: Floor, override_seconds: int | None = None) -> str:
    if override_seconds is not None:
        return (f"at least {override_seconds} second{'s' if override_seconds != 1 else ''} "
                f"(GOVERN_MIN_VOTING_SECONDS replaces the {floor.min_voting_days} day"
                f"{'s' if floor.min_voting_days != 1 else ''} on this server)")
    return f"at least {floor.min_voting_days} day{'s' if floor.min_voting_days != 1 else ''}"


# --- the floors as region parameters -------------------------------------------------------

_LABELS: dict[str, str] = {}


def names_of(key: str) -> tuple[str, ...]:
    return tuple(f"{setting}.{key}" for setting in SETTINGS)


def register_floor(key: str, label: str, default: Floor) -> None:
    """Declare a kind's floor: its three region parameters, with bounds and the defaults."""
    _LABELS[key] = label
    what = label.lower()
    parameters.register(parameters.ParameterSpec(
        f"quorum.{key}", f"Quorum: {what}", str(default.quorum), Decimal("0"), Decimal("1"),
        help="Least share of the electorate that must cast a ballot (abstentions count).",
        section=CONSTITUTION))
    if default.threshold is not None:
        parameters.register(parameters.ParameterSpec(
            f"threshold.{key}", f"Threshold: {what}", default.threshold, Decimal("0"), Decimal("0"),
            choices=THRESHOLDS, help="Least share of yes among yes and no.", section=CONSTITUTION))
    parameters.register(parameters.ParameterSpec(
        f"min_voting_days.{key}", f"Least voting period: {what}", str(default.min_voting_days), Decimal("1"),
        Decimal(MAX_DAYS), integer=True, help="Days from the opening of the vote to its close, at least.",
        section=CONSTITUTION))


def unregister_floor(key: str) -> None:
    _LABELS.pop(key, None)
    for name in names_of(key):
        parameters.unregister(name)


register_floor(CONSTITUTION, CONSTITUTION_LABEL, Floor(Decimal("0.5"), "two_thirds", 14))


def is_floor_parameter(name: object) -> bool:
    return isinstance(name, str) and parameters.SPECS.get(name) is not None \
        and parameters.SPECS[name].section == CONSTITUTION


def _floor_from(values: dict[str, str], key: str) -> Floor:
    threshold = values.get(f"threshold.{key}")
    return Floor(Decimal(values[f"quorum.{key}"]), threshold, int(values[f"min_voting_days.{key}"]))


def floor_of(session: Session, region_id: int, keys: tuple[str, ...]) -> Floor:
    """The region's floor for these keys together: the strictest of each setting."""
    values = regions.all_parameters(session, region_id)
    return reduce(Floor.stricter, (_floor_from(values, key) for key in keys))


@dataclass(frozen=True)
class FloorRow:
    key: str
    label: str
    floor: Floor


def constitution(session: Session, region_id: int) -> list[FloorRow]:
    """Every floor of the region, the constitution's own last (for the region's page)."""
    values = regions.all_parameters(session, region_id)
    keys = sorted((k for k in _LABELS if k != CONSTITUTION), key=lambda k: _LABELS[k]) + [CONSTITUTION]
    return [FloorRow(key, _LABELS[key], _floor_from(values, key)) for key in keys]


def rules_in_words(session: Session, region_id: int, kind, override_seconds: int | None) -> list[tuple[str, str]]:
    """What a kind's proposals need in this region, for its form: [(when, words)], the kind's own
    floor first (when ""), then each of its `other_floors` combined with it."""
    own = floor_of(session, region_id, (kind.key,))
    rows = [("", own.words(kind.method, override_seconds))]
    for when, key in kind.other_floors:
        rows.append((when, own.stricter(floor_of(session, region_id, (key,))).words("yes_no", override_seconds)))
    return rows


def least_threshold(session: Session, region_id: int, kind) -> str | None:
    """The least threshold a proposer of this kind may choose here: the region's floor, or the kind's
    default rule when that is stricter; None when the kind's count has no threshold (median, ranked)."""
    if kind.method != "yes_no" and "method" not in kind.customizable:
        return None
    floor = floor_of(session, region_id, (kind.key,))
    return floor.threshold or "majority"


def refuse_looser(floor: Floor, rule: VotingRule, what: str) -> None:
    """400 on `voting` (and `voting.<setting>`) when the rule is looser than the floor."""
    problems = floor.looser_settings(rule)
    if problems:
        message = "; ".join(problems.values())
        fields = {"voting": list(problems.values()), **{f"voting.{k}": [v] for k, v in problems.items()}}
        raise ValidationError(f"A {what} proposal cannot be looser than the region's floor: {message}.",
                              fields=fields)
