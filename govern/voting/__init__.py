"""Voting methods as pure functions: ballots or grouped counts in, an Outcome out.

No Flask, no database. The proposals package freezes a `VotingRule` onto a proposal when it
opens, stores each ballot as the canonical text `validate_choice` returns, and at close hands
`tally` the rows of `SELECT choice, count(*) ... GROUP BY choice` with the electorate's size.
Each method's module states its rules and its tie-breaking: motions.py (yes_no, consensus),
numeric.py (median, mean), scored.py (approval, cumulative), ranked.py and stv.py (ranked).
"""
from .counting import Method, Quorum
from .registry import METHODS, decode_choice, method, tally, validate_choice
from .rules import Option, Outcome, VotingRule

__all__ = [
    "METHODS",
    "Method",
    "Option",
    "Outcome",
    "Quorum",
    "VotingRule",
    "decode_choice",
    "method",
    "tally",
    "validate_choice",
]
