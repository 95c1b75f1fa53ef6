"""approval and cumulative voting, counted by hand."""
import pytest

from govern.errors import ValidationError
from govern.voting import validate_choice

from .helpers import count, options, rule


def approval(seats: int = 1):
    return rule("approval", options=options("a", "b", "c", "d"), seats=seats)


def cumulative(seats: int = 1, max_points: int = 10):
    return rule("cumulative", options=options("a", "b", "c"), seats=seats, max_points=max_points)


def test_the_most_approved_option_wins():
    outcome = count(approval(), [(["a", "b"], 3), (["b"], 2), (["c", "d"], 4)])
    assert outcome.passed
    assert outcome.winners == ("b",)
    assert outcome.tally["scores"] == {"a": 3, "b": 5, "c": 4, "d": 4}
    assert not outcome.tally["tie_broken"]


def test_approval_elects_the_top_seats_in_order_of_approvals():
    outcome = count(approval(seats=2), [(["a", "b"], 3), (["b"], 2), (["c"], 4)])
    assert outcome.winners == ("b", "c")


def test_an_approval_tie_is_broken_by_option_order():
    outcome = count(approval(seats=2), [(["d", "b"], 3), (["c"], 3)])
    assert outcome.winners == ("b", "c")
    assert outcome.tally["tie_broken"]
    assert "option order" in outcome.reason


def test_a_tie_between_winners_only_orders_them():
    outcome = count(approval(seats=2), [(["d", "b"], 3), (["a"], 1)])
    assert outcome.winners == ("b", "d")
    assert not outcome.tally["tie_broken"]


def test_an_option_nobody_approved_never_wins():
    outcome = count(approval(seats=3), [(["c"], 2), ([], 5)])
    assert outcome.winners == ("c",)
    assert outcome.tally["ballots"] == 7


def test_ballots_that_approve_nothing_decide_nothing():
    outcome = count(approval(), [([], 5)])
    assert not outcome.passed
    assert outcome.winners == ()


def test_cumulative_points_add_up_across_ballots():
    outcome = count(cumulative(), [({"a": 10}, 2), ({"b": 6, "c": 4}, 3), ({"c": 5, "b": 5}, 1)])
    assert outcome.tally["scores"] == {"a": 20, "b": 23, "c": 17}
    assert outcome.winners == ("b",)


def test_a_cumulative_tie_is_broken_by_option_order():
    outcome = count(cumulative(seats=2), [({"c": 5, "b": 5}, 1), ({"a": 3}, 1)])
    assert outcome.winners == ("b", "c")
    assert not outcome.tally["tie_broken"]
    outcome = count(cumulative(), [({"c": 5, "b": 5}, 1)])
    assert outcome.winners == ("b",)
    assert outcome.tally["tie_broken"]


def test_approval_text_follows_option_order_whatever_the_ballot_order():
    voting = approval()
    assert validate_choice(voting, ["c", "a"]) == validate_choice(voting, ["a", "c"]) == '["a","c"]'
    assert validate_choice(voting, []) == "[]"


def test_cumulative_text_follows_option_order_and_drops_zeros():
    voting = cumulative()
    assert validate_choice(voting, {"c": 2, "a": 3, "b": 0}) == validate_choice(voting, {"a": 3, "c": 2}) == '{"a":3,"c":2}'
    assert validate_choice(voting, {}) == "{}"
    assert validate_choice(voting, {"a": 0}) == "{}"


@pytest.mark.parametrize("raw", ["a", ["a", "a"], ["z"], [1], {"a": True}, None, [["a"]]])
def test_bad_approval_ballots_are_refused(raw):
    with pytest.raises(ValidationError) as error:
        validate_choice(approval(), raw)
    assert "choice" in error.value.fields


@pytest.mark.parametrize(
    "raw", [{"a": 11}, {"a": 6, "b": 5}, {"a": -1}, {"a": 1.5}, {"a": "3"}, {"a": True}, {"z": 1}, ["a"], "a", {1: 2}]
)
def test_bad_cumulative_ballots_are_refused(raw):
    with pytest.raises(ValidationError) as error:
        validate_choice(cumulative(), raw)
    assert "choice" in error.value.fields


def test_cumulative_ballots_may_use_all_the_points():
    assert validate_choice(cumulative(max_points=3), {"a": 1, "b": 2}) == '{"a":1,"b":2}'
