"""Ranked ballots: instant runoff for one seat, single transferable vote for several.

A ballot lists distinct option ids in order of preference: at least one, at most all of them
(a shorter ballot simply stops counting once every option it names is out). Its canonical
text keeps that order.

One seat: instant runoff, counted by pref_voting (`instant_runoff_with_explanation` on a
`ProfileWithTies`, which takes truncated ballots and a count per distinct ranking). The option
with the fewest votes is excluded and its ballots go to their next preference still in the
count, until one option is left (so the rounds go on past a majority, down to the winner);
the per-round counts are worked out here from pref_voting's order of exclusion.

Several seats: single transferable vote, counted exactly by `stv.py` (Droop quota, Scottish
rules with exact fractions). pref_voting's STV functions count in floats with a 1e-12
tolerance, draw lots from the global random module on unresolved ties, give no record of the
stages and are marked by their authors as not yet vetted; an election result must be exact,
repeatable and explainable, so the count is done here and checked against pref_voting's
Scottish STV in the tests.

Ties, for both counts: among options tied for fewest votes, the one with fewer first
preferences is excluded; if still tied, the one listed later in the rule's options. (pref_voting
takes exactly that as its fixed `tie_breaker` order.) Each round in the tally says whether
a tie was broken.

pref_voting costs about a second and 200 MB per process to import, and only ranked counts need
it, so it is imported on first use; `warm_up()` does that ahead of time (at start-up, not in a
request).
"""
from __future__ import annotations

import functools
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


@functools.cache
def _library():
    """pref_voting's profile class and instant runoff, imported once, on first use."""
    from pref_voting.iterative_methods import instant_runoff_with_explanation
    from pref_voting.profiles_with_ties import ProfileWithTies

    return ProfileWithTies, instant_runoff_with_explanation


def warm_up() -> None:
    """Import pref_voting and run one tiny count, so no request pays for it."""
    rule = VotingRule(method="ranked", options=(Option("a", "A"), Option("b", "B")))
    count_ranked(rule, {'["a","b"]': 2, '["b"]': 1})


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
    profile_class, explain = _library()
    profile = profile_class(
        [{c: rank + 1 for rank, c in enumerate(ranking)} for ranking, _ in rankings],
        rcounts=[ballots for _, ballots in rankings],
        candidates=list(range(candidates)),
    )
    weakest_first = sorted(range(candidates), key=strong.__getitem__)
    winners, exclusions = explain(profile, tie_breaker=weakest_first)
    order = [int(c) for group in exclusions for c in group]
    return int(winners[0]), _runoff_stages(rankings, candidates, order, int(winners[0]))


def _runoff_stages(rankings: Rankings, candidates: int, order: list[int], winner: int) -> tuple[Stage, ...]:
    remaining = set(range(candidates))
    stages = [_runoff_stage(rankings, remaining, ())]
    for excluded in order:
        before = stages[-1].counts
        tied = sum(1 for c in before if before[c] == before[excluded]) > 1
        remaining.discard(excluded)
        stages.append(_runoff_stage(rankings, remaining, (excluded,), tied))
    stages[-1] = replace(stages[-1], elected=(winner,))
    return tuple(stages)


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
