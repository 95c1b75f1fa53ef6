"""Options scored by approvals or by points: approval and cumulative voting.

approval: a ballot is a list of distinct option ids; the empty list is a valid ballot that
approves nothing (it counts toward the quorum). Canonical text: the ids in option order.

cumulative: a ballot is {option_id: whole points >= 0} adding up to at most `max_points`.
Canonical text: the options in option order, zero scores dropped ({} is a valid ballot).

Both elect the `seats` options with the highest scores; an option nobody scored never wins,
so fewer than `seats` may win. Ties are broken by option order: the option listed first in
rule.options wins the tie. The tally says when a tie at the last seat was broken that way.
"""
from __future__ import annotations

import json

from .counting import Count, Method, canonical_json, option_index, option_list, refuse
from .rules import VotingRule


def validate_approval(rule: VotingRule, raw: object) -> str:
    place = option_index(rule)
    return canonical_json(sorted(option_list(rule, raw, at_least=0), key=place.__getitem__))


def validate_cumulative(rule: VotingRule, raw: object) -> str:
    if not isinstance(raw, dict) or any(not isinstance(key, str) for key in raw):
        raise refuse("must be an object of option ids and points")
    option_list(rule, list(raw), at_least=0)
    for points in raw.values():
        if isinstance(points, bool) or not isinstance(points, int) or points < 0:
            raise refuse("points must be whole numbers of at least 0")
    if sum(raw.values()) > rule.max_points:
        raise refuse(f"must not give more than {rule.max_points} points in all")
    return canonical_json({option_id: raw[option_id] for option_id in rule.option_ids() if raw.get(option_id)})


def _json(rule: VotingRule, canonical: str) -> object:
    return json.loads(canonical)


def _approval_scores(rule: VotingRule, weights: dict[str, int]) -> dict[str, int]:
    scores = dict.fromkeys(rule.option_ids(), 0)
    for text, weight in weights.items():
        for option_id in json.loads(text):
            scores[option_id] += weight
    return scores


def _point_scores(rule: VotingRule, weights: dict[str, int]) -> dict[str, int]:
    scores = dict.fromkeys(rule.option_ids(), 0)
    for text, weight in weights.items():
        for option_id, points in json.loads(text).items():
            scores[option_id] += points * weight
    return scores


def top_scores(rule: VotingRule, scores: dict[str, int]) -> tuple[tuple[str, ...], bool]:
    """The winners in order, and whether option order had to break a tie for the last seat."""
    place = option_index(rule)
    ranked = sorted((option_id for option_id in scores if scores[option_id] > 0), key=lambda o: (-scores[o], place[o]))
    winners = tuple(ranked[: rule.seats])
    runner_up = ranked[rule.seats] if len(ranked) > rule.seats else None
    tie_broken = runner_up is not None and scores[runner_up] == scores[winners[-1]]
    return winners, tie_broken


def _count(rule: VotingRule, scores: dict[str, int], unit: str) -> Count:
    winners, tie_broken = top_scores(rule, scores)
    details = {"scores": scores, "seats": rule.seats, "tie_broken": tie_broken}
    if not winners:
        return Count(False, details, f"No option received any {unit}.")
    labels = {option.id: option.label for option in rule.options}
    listed = ", ".join(f"{labels[winner]} ({scores[winner]})" for winner in winners)
    note = " A tie for the last seat was broken by option order." if tie_broken else ""
    return Count(True, details, f"Chosen by {unit}: {listed}.{note}", winners=winners)


def count_approval(rule: VotingRule, weights: dict[str, int]) -> Count:
    return _count(rule, _approval_scores(rule, weights), "approvals")


def count_cumulative(rule: VotingRule, weights: dict[str, int]) -> Count:
    return _count(rule, _point_scores(rule, weights), "points")


APPROVAL_METHOD = Method(
    name="approval",
    label="Approval",
    validate=validate_approval,
    decode=_json,
    count=count_approval,
    uses_options=True,
)
CUMULATIVE_METHOD = Method(
    name="cumulative",
    label="Cumulative points",
    validate=validate_cumulative,
    decode=_json,
    count=count_cumulative,
    uses_options=True,
)
