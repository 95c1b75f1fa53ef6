"""The floors of the constitution as pure values: combining, tightening a rule, finding what is
looser, and saying them in plain words."""
from decimal import Decimal

import pytest

from govern.errors import ValidationError
from govern.proposals.constitution import Floor, percent, refuse_looser, stricter_threshold
from govern.regions import parameters
from govern.voting import VotingRule

SPLIT = Floor(Decimal("0.4"), "two_thirds", 14)


def test_the_stricter_of_two_floors_takes_the_strictest_of_each_setting():
    other = Floor(Decimal("0.5"), "majority", 7)
    assert SPLIT.stricter(other) == Floor(Decimal("0.5"), "two_thirds", 14)
    assert Floor(Decimal("0.2"), None, 7).stricter(other).threshold == "majority"


def test_no_threshold_gives_way_to_any_threshold():
    assert stricter_threshold(None, "majority") == "majority"
    assert stricter_threshold("three_quarters", "two_thirds") == "three_quarters"
    assert stricter_threshold(None, None) is None


def test_a_rule_is_tightened_to_the_floor_and_a_stricter_rule_kept():
    loose = VotingRule(method="yes_no")
    assert SPLIT.tighten(loose).quorum == Decimal("0.4") and SPLIT.tighten(loose).threshold == "two_thirds"
    strict = VotingRule(method="yes_no", quorum=Decimal("0.9"), threshold="three_quarters")
    assert SPLIT.tighten(strict) == strict


def test_a_looser_rule_is_refused_naming_each_setting():
    rule = VotingRule(method="yes_no", quorum=Decimal("0.1"), threshold="majority")
    assert set(SPLIT.looser_settings(rule)) == {"quorum", "threshold"}
    with pytest.raises(ValidationError) as error:
        refuse_looser(SPLIT, rule, "split")
    assert set(error.value.fields) == {"voting", "voting.quorum", "voting.threshold"}
    assert "quorum must be at least 0.4" in error.value.message
    refuse_looser(SPLIT, VotingRule(method="yes_no", quorum=Decimal("0.4"), threshold="two_thirds"), "split")


@pytest.mark.parametrize("floor, method, words", [
    (SPLIT, "yes_no", "needs 40% of members to vote and two thirds yes; at least 14 days"),
    (Floor(), "yes_no", "needs more yes than no; at least 1 day"),
    (Floor(Decimal("0.2"), "majority", 3), "median", "needs 20% of members to vote; the median vote wins; at least 3 days"),
    (Floor(Decimal("0.2"), None, 7), "ranked",
     "needs 20% of members to vote; seats are filled by single transferable vote; at least 7 days"),
    (Floor(Decimal("0"), None, 1), "approval", "needs no minimum turnout; at least 1 day"),
])
def test_a_floor_reads_in_plain_words(floor, method, words):
    assert floor.words(method) == words


def test_the_servers_shortest_period_replaces_the_days_in_words_and_in_seconds():
    assert SPLIT.min_voting_seconds(None) == 14 * 86_400
    assert SPLIT.min_voting_seconds(1) == 1
    assert SPLIT.words("yes_no", 1).endswith("at least 1 second (GOVERN_MIN_VOTING_SECONDS replaces the 14 days "
                                            "on this server)")


def test_shares_read_as_percentages():
    assert [percent(Decimal(s)) for s in ("0.4", "0.125", "1", "0")] == ["40%", "12.5%", "100%", "0%"]


@pytest.mark.parametrize("bad", [Decimal("1.1"), Decimal("-0.1")])
def test_a_floor_outside_its_bounds_cannot_exist(bad):
    with pytest.raises(ValueError):
        Floor(bad)
    with pytest.raises(ValueError):
        Floor(threshold="unanimous")
    with pytest.raises(ValueError):
        Floor(min_voting_days=0)


def test_the_constitutions_own_floor_is_a_set_of_bounded_parameters():
    assert parameters.spec("quorum.constitution").default == "0.5"
    assert parameters.spec("threshold.constitution").validate("three_quarters") == "three_quarters"
    assert parameters.spec("min_voting_days.constitution").validate("30") == "30"
    for name, bad in (("threshold.constitution", "0.5"), ("quorum.constitution", "1.5"),
                      ("min_voting_days.constitution", "0"), ("min_voting_days.constitution", "91"),
                      ("min_voting_days.constitution", "2.5")):
        with pytest.raises(ValidationError):
            parameters.spec(name).validate(bad)
