"""The `referendum` kind: a question put to a vote; the outcome is recorded and nothing else moves.

It is the proposals package's own kind, and the one kind whose voting is fully up to the
proposer: yes/no by default, or approval, ranked, cumulative or consensus over options, for the
whole region, the board, or (with companies) a company's workers.
"""
from __future__ import annotations

from govern import voting
from govern.proposals import kinds


def _clean(ctx: kinds.Context, payload: dict) -> dict:
    if payload:
        raise kinds.payload_error(next(iter(payload)), "a referendum takes no payload; put the question in the title and body")
    return {}


def _default_voting(ctx: kinds.Context, payload: dict) -> voting.VotingRule:
    return voting.VotingRule(method="yes_no", threshold="majority", electorate="region")


def _apply(ctx: kinds.Context, proposal, outcome: voting.Outcome) -> list[kinds.Effect]:
    return []


REFERENDUM = kinds.register(kinds.ProposalKind(
    key="referendum",
    label="Referendum",
    description="Ask the members a question. The result is recorded; nothing else changes.",
    clean_payload=_clean,
    default_voting=_default_voting,
    apply=_apply,
    customizable=kinds.CUSTOMIZABLE,
))
