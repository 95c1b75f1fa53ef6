"""Ranked ballots: instant runoff for one seat, single transferable vote for several.

A ballot lists distinct option ids in order of preference: at least one, at most all of them
(a shorter ballot simply stops counting once every option it names is out). Its canonical
text keeps that order.

One seat: instant runoff, counted here on the grouped rankings (a count per distinct ranking,
truncated ballots allowed). The option with the fewest votes is excluded and its ballots go to
their next preference still in the count, until one option is left (so the rounds go on past a
majority, down to the winner). The tests check every count against pref_voting's
`instant_runoff_with_explanation` (a test dependency only: it pulls numba, scipy and ortools).

Several seats: single transferable vote, counted exactly by `stv.py` (Droop quota, Scottish
rules with exact fractions). pref_voting's STV functions count in floats with a 1e-12
tolerance, draw lots from the global random module on unresolved ties, give no record of the
stages and are marked by their authors as not yet vetted; an election result must be exact,
repeatable and explainable, so the count is done here and checked against pref_voting's
Scottish STV in the tests.

Ties, for both counts: among options tied for fewest votes, the one with fewer first
preferences is excluded; if still tied, the one listed later in the rule's options (the fixed
`tie_breaker` order the tests give pref_voting). Each round in the tally says whether a tie was
broken.
"""
from __future__ import annotations

import json
from dataclasses import replace
from fractions import Fraction

from .counting import Count, Method, canonical_json, fraction_text, option_index, option_list
from .rules import Option, VotingRule
from .stv import Rankings, Stage, single_transferable_vote


def validate_ranked(rule: VotingRule, raw: object) -> str:
    return canonical_json(option_list(rule, raw, at_least=1))


def decode_ranked(rule: VotingRule, canonical: str) -> list[str]:
    return json.loads(canonical)


def rankings_of(rule: VotingRule, weights: dict[str, int]) -> Rankings:
    place = option_index(rule)
    return [(tuple(place[o] for o in json.loads(text)), weight) for text, weight in weights.items() if weight > 0]


def first_preferences(rankings: Rankings, candidates: int) -> list[int]:
    counts = [0] * candidates
    for ranking, ballots in rankings:
        counts[ranking[0]] += ballots
    return counts


def strength(first: list[int]) -> dict[int, tuple]:
    """The fixed tie order: more first preferences, then earlier in the options, is stronger."""
    return {c: (first[c], -c) for c in range(len(first))}


def instant_runoff(rankings: Rankings, candidates: int, strong: dict[int, tuple]) -> tuple[int, tuple[Stage, ...]]:
    """Exclude the weakest option round by round (fewest votes, then `strong`'s order) until one is left."""
    remaining = set(range(candidates))
    stages = [_runoff_stage(rankings, remaining, ())]
    while len(remaining) > 1:
        counts = stages[-1].counts
        fewest = min(counts.values())
        tied = [c for c in remaining if counts[c] == fewest]
        excluded = min(tied, key=strong.__getitem__)
        remaining.discard(excluded)
        stages.append(_runoff_stage(rankings, remaining, (excluded,), len(tied) > 1))
    [winner] = remaining
    stages[-1] = replace(stages[-1], elected=(winner,))
    return winner, tuple(stages)


def _runoff_stage(rankings: Rankings, remaining: set[int], excluded: tuple[int, ...], tied: bool = False) -> Stage:
    counts = {c: Fraction(0) for c in sorted(remaining)}
    exhausted = Fraction(0)
    for ranking, ballots in rankings:
        holder = next((c for c in ranking if c in remaining), None)
        if holder is None:
            exhausted += ballots
        else:
            counts[holder] += ballots
    return Stage(counts=counts, exhausted=exhausted, excluded=excluded, tie_broken=tied)


def _stage_json(stage: Stage, ids: tuple[str, ...]) -> dict:
    return {
        "counts": {ids[c]: fraction_text(votes) for c, votes in stage.counts.items()},
        "exhausted": fraction_text(stage.exhausted),
        "elected": [ids[c] for c in stage.elected],
        "excluded": [ids[c] for c in stage.excluded],
        "surplus_of": None if stage.surplus_of is None else ids[stage.surplus_of],
        "tie_broken": stage.tie_broken,
    }


def count_ranked(rule: VotingRule, weights: dict[str, int]) -> Count:
    ids = rule.option_ids()
    rankings = rankings_of(rule, weights)
    first = first_preferences(rankings, len(ids))
    details = {
        "seats": rule.seats,
        "count": "instant runoff" if rule.seats == 1 else "single transferable vote",
        "quota": None,
        "first_preferences": dict(zip(ids, first)),
        "rounds": [],
        "tie_broken": False,
    }
    if not rankings:
        return Count(False, details, "No ballots were cast.")
    if rule.seats == 1:
        winner, stages = instant_runoff(rankings, len(ids), strength(first))
        winners = (winner,)
    else:
        result = single_transferable_vote(rankings, len(ids), rule.seats, strength(first))
        winners, stages = result.winners, result.stages
        details["quota"] = str(result.quota)
    details["rounds"] = [_stage_json(stage, ids) for stage in stages]
    details["tie_broken"] = any(stage.tie_broken for stage in stages)
    return Count(True, details, _reason(rule, winners, len(stages)), winners=tuple(ids[c] for c in winners))


def _reason(rule: VotingRule, winners: tuple[int, ...], rounds: int) -> str:
    names = ", ".join(rule.options[c].label for c in winners)
    how = "instant runoff" if rule.seats == 1 else "single transferable vote"
    return f"Elected by {how} after {rounds} round{'s' if rounds != 1 else ''}: {names}."


RANKED_METHOD = Method(
    name="ranked",
    label="Ranked choice",
    validate=validate_ranked,
    decode=decode_ranked,
    count=count_ranked,
    uses_options=True,
)
