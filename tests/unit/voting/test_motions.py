"""yes_no and consensus, counted by hand; the quorum, shared by every method."""
import pytest

from govern.voting import tally

from .helpers import count, rule


def yes_no(yes: int, no: int, abstain: int = 0, electorate: int = 100, **fields):
    return count(rule("yes_no", **fields), [("yes", yes), ("no", no), ("abstain", abstain)], electorate)


def test_a_majority_passes_with_more_yes_than_no():
    outcome = yes_no(6, 5)
    assert outcome.passed
    assert (outcome.tally["yes"], outcome.tally["no"], outcome.tally["abstain"]) == (6, 5, 0)
    assert outcome.reason.startswith("Passed")


def test_a_tie_fails():
    outcome = yes_no(5, 5)
    assert not outcome.passed
    assert "a tie fails" in outcome.reason


def test_no_yes_and_no_votes_fails_even_with_abstentions():
    assert not yes_no(0, 0, 7).passed


def test_abstentions_count_toward_quorum_only():
    outcome = yes_no(3, 2, 5, electorate=10, quorum="1")
    assert outcome.passed
    assert outcome.tally["ballots"] == 10
    assert outcome.tally["quorum_met"]
    assert not yes_no(3, 4, 50).passed


@pytest.mark.parametrize(
    "threshold, yes, no, passed",
    [
        ("two_thirds", 2, 1, True),
        ("two_thirds", 199, 101, False),
        ("two_thirds", 200, 100, True),
        ("three_quarters", 3, 1, True),
        ("three_quarters", 74, 26, False),
        ("three_quarters", 75, 25, True),
        ("majority", 51, 49, True),
        ("majority", 50, 50, False),
    ],
)
def test_thresholds_are_compared_exactly(threshold, yes, no, passed):
    assert yes_no(yes, no, electorate=1000, threshold=threshold).passed is passed


def test_a_qualified_threshold_ignores_abstentions():
    assert yes_no(2, 1, 100, electorate=1000, threshold="two_thirds").passed


def test_a_quorum_is_met_exactly_at_the_threshold():
    voting = rule("yes_no", quorum="0.5")
    assert count(voting, [("yes", 5)], electorate=10).tally["quorum_met"]
    outcome = count(voting, [("yes", 4)], electorate=10)
    assert not outcome.passed
    assert outcome.reason == "quorum"
    assert outcome.explanation == "Quorum not met: 4 of 10 voted, 5 needed."


def test_the_quorum_rounds_up_to_whole_ballots():
    voting = rule("yes_no", quorum="0.5")
    assert count(voting, [("yes", 6)], electorate=11).tally["quorum_needed"] == 6
    assert not count(voting, [("yes", 5)], electorate=11).passed
    assert count(voting, [("yes", 6)], electorate=11).passed


def test_a_quorum_share_that_is_not_a_binary_fraction_is_exact():
    voting = rule("yes_no", quorum="0.3")
    outcome = count(voting, [("yes", 3)], electorate=10)
    assert outcome.tally["quorum_needed"] == 3
    assert outcome.passed


def test_the_quorum_applies_to_every_method():
    voting = rule("median", quorum="0.5", minimum="0", maximum="1")
    outcome = count(voting, [("0.5", 2)], electorate=5)
    assert not outcome.passed
    assert outcome.value is None
    assert outcome.tally["median"] == "0.5"


def test_the_tally_always_reports_ballots_electorate_turnout_and_quorum():
    outcome = yes_no(1, 2, 1, electorate=8)
    assert {"ballots": 4, "electorate": 8, "turnout": "0.5", "quorum_met": True}.items() <= outcome.tally.items()


def test_an_empty_vote_fails():
    outcome = tally(rule("yes_no"), [], 10)
    assert not outcome.passed
    assert outcome.tally["ballots"] == 0
    assert outcome.tally["turnout"] == "0"


def test_rows_with_the_same_choice_are_added_up():
    outcome = tally(rule("yes_no"), [("yes", 2), ("no", 3), ("yes", 2)], 10)
    assert outcome.tally["yes"] == 4
    assert outcome.passed


def test_weights_must_be_whole_numbers():
    for weight in (-1, 1.5, True, "2"):
        with pytest.raises(ValueError):
            tally(rule("yes_no"), [("yes", weight)], 10)


def test_a_stored_ballot_that_does_not_fit_the_rule_is_an_error_not_a_vote():
    with pytest.raises(ValueError):
        tally(rule("yes_no"), [("maybe", 1)], 10)


def consensus(agree: int, block: int, abstain: int = 0, **fields):
    return count(rule("consensus", **fields), [("agree", agree), ("block", block), ("abstain", abstain)], 7)


def test_consensus_passes_without_blocks():
    outcome = consensus(4, 0, 3)
    assert outcome.passed
    assert (outcome.tally["agree"], outcome.tally["block"], outcome.tally["abstain"]) == (4, 0, 3)


def test_one_block_stops_consensus():
    assert not consensus(6, 1).passed


def test_a_board_that_only_abstains_decides_nothing():
    assert not consensus(0, 0, 7).passed


def test_an_emergency_passes_with_three_quarters_despite_blocks():
    assert consensus(3, 1, emergency=True).passed
    assert consensus(6, 2, emergency=True).passed
    assert not consensus(5, 2, emergency=True).passed
    assert not consensus(2, 1, emergency=True).passed
