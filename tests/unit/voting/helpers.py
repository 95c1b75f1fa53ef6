"""Small builders shared by the voting tests."""
from decimal import Decimal

from govern.voting import Option, VotingRule, tally, validate_choice


def options(*ids: str) -> tuple[Option, ...]:
    return tuple(Option(option_id, option_id.upper()) for option_id in ids)


def rule(method: str, **fields) -> VotingRule:
    if "quorum" in fields:
        fields["quorum"] = Decimal(fields["quorum"])
    for bound in ("minimum", "maximum"):
        if bound in fields:
            fields[bound] = Decimal(fields[bound])
    return VotingRule(method=method, **fields)


def count(voting: VotingRule, ballots: list[tuple[object, int]], electorate: int = 100):
    """Tally raw ballots given as (choice, how many), the way the proposals package would."""
    return tally(voting, [(validate_choice(voting, choice), weight) for choice, weight in ballots], electorate)
