"""Motions: yes/no with a threshold, and board consensus.

yes_no: abstentions count toward the quorum only. `majority` passes when yes > no (so a tie
fails); `two_thirds` when yes >= 2/3 of (yes + no); `three_quarters` when yes >= 3/4 of
(yes + no). With no yes and no no votes at all, the motion fails. Shares are compared as
exact fractions.

consensus (board decisions): any block stops the motion, and at least one member must agree
(a board that only abstains decides nothing). An emergency motion passes despite blocks when
agree >= 3/4 of (agree + block).
"""
from __future__ import annotations

from fractions import Fraction

from .counting import Count, Method, refuse
from .rules import VotingRule

YES_NO = ("yes", "no", "abstain")
CONSENSUS = ("agree", "block", "abstain")

# threshold -> (share of yes + no that yes must reach, whether it must be exceeded strictly)
SHARES = {
    "majority": (Fraction(1, 2), True),
    "two_thirds": (Fraction(2, 3), False),
    "three_quarters": (Fraction(3, 4), False),
}
THRESHOLD_WORDS = {
    "majority": "more yes than no",
    "two_thirds": "at least two thirds yes",
    "three_quarters": "at least three quarters yes",
}
EMERGENCY_SHARE = Fraction(3, 4)


def _words(allowed: tuple[str, ...]):
    def validate(rule: VotingRule, raw: object) -> str:
        if not isinstance(raw, str) or raw not in allowed:
            raise refuse(f"must be one of {', '.join(allowed)}")
        return raw

    return validate


def _as_is(rule: VotingRule, canonical: str) -> str:
    return canonical


def reaches(part: int, whole: int, share: Fraction, strict: bool) -> bool:
    if whole == 0:
        return False
    ratio = Fraction(part, whole)
    return ratio > share if strict else ratio >= share


def count_yes_no(rule: VotingRule, weights: dict[str, int]) -> Count:
    yes, no, abstain = (weights.get(word, 0) for word in YES_NO)
    share, strict = SHARES[rule.threshold]
    passed = reaches(yes, yes + no, share, strict)
    details = {"yes": yes, "no": no, "abstain": abstain, "threshold": rule.threshold}
    return Count(passed, details, _yes_no_reason(rule, passed, yes, no, abstain))


def _yes_no_reason(rule: VotingRule, passed: bool, yes: int, no: int, abstain: int) -> str:
    counts = f"{yes} yes, {no} no, {abstain} abstaining"
    if yes + no == 0:
        return f"Rejected: nobody voted yes or no ({abstain} abstaining)."
    if rule.threshold == "majority" and yes == no:
        return f"Rejected: {counts}; a tie fails."
    verdict = "Passed" if passed else "Rejected"
    return f"{verdict}: {counts} ({THRESHOLD_WORDS[rule.threshold]} needed)."


def count_consensus(rule: VotingRule, weights: dict[str, int]) -> Count:
    agree, block, abstain = (weights.get(word, 0) for word in CONSENSUS)
    if block == 0:
        passed = agree > 0
    else:
        passed = rule.emergency and reaches(agree, agree + block, EMERGENCY_SHARE, strict=False)
    details = {"agree": agree, "block": block, "abstain": abstain, "emergency": rule.emergency}
    return Count(passed, details, _consensus_reason(rule, passed, agree, block, abstain))


def _consensus_reason(rule: VotingRule, passed: bool, agree: int, block: int, abstain: int) -> str:
    counts = f"{agree} agree, {block} block, {abstain} abstaining"
    if agree == 0:
        return f"Rejected: nobody agreed ({counts})."
    if block == 0:
        return f"Passed by consensus: {counts}."
    if not rule.emergency:
        return f"Blocked: {counts}."
    verdict = "Passed" if passed else "Rejected"
    return f"{verdict} as an emergency: {counts} (three quarters of agree and block needed)."


YES_NO_METHOD = Method(
    name="yes_no",
    label="Yes or no",
    validate=_words(YES_NO),
    decode=_as_is,
    count=count_yes_no,
    choices=YES_NO,
)
CONSENSUS_METHOD = Method(
    name="consensus",
    label="Board consensus",
    validate=_words(CONSENSUS),
    decode=_as_is,
    count=count_consensus,
    choices=CONSENSUS,
)
