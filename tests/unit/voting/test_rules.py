"""VotingRule: checked when built, and a JSON round-trip that keeps every field."""
import ast
import json
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import govern.voting
from govern.errors import ValidationError
from govern.voting import METHODS, Option, Outcome, VotingRule, decode_choice, method, validate_choice
from govern.voting.rules import METHOD_NAMES

from .helpers import options, rule


def test_every_method_name_has_a_method():
    assert tuple(METHODS) == METHOD_NAMES
    assert all(method(name).name == name for name in METHOD_NAMES)


def test_an_unknown_method_is_refused():
    with pytest.raises(ValidationError) as error:
        method("plurality")
    assert "voting" in error.value.fields
    with pytest.raises(ValidationError):
        VotingRule(method="plurality")


def test_a_full_rule_survives_a_json_round_trip():
    voting = VotingRule(
        method="ranked",
        threshold="two_thirds",
        quorum=Decimal("0.25"),
        electorate="company:7",
        options=(Option("m1", "Ada", member_id=1), Option("m2", "Bo")),
        seats=2,
        minimum=Decimal("0.00"),
        maximum=Decimal("1.50"),
        max_points=5,
        emergency=True,
        secret=True,
    )
    data = voting.to_json()
    assert json.loads(json.dumps(data)) == data
    assert data["quorum"] == "0.25" and data["minimum"] == "0.00"
    assert data["options"] == [{"id": "m1", "label": "Ada", "member_id": 1}, {"id": "m2", "label": "Bo"}]
    assert VotingRule.from_json(json.loads(json.dumps(data))) == voting


def test_a_default_rule_survives_a_json_round_trip():
    voting = VotingRule(method="yes_no")
    assert VotingRule.from_json(voting.to_json()) == voting


def test_missing_keys_take_the_defaults():
    assert VotingRule.from_json({"method": "median", "minimum": "0", "maximum": "1"}) == rule(
        "median", minimum="0", maximum="1"
    )


bounds = st.one_of(st.none(), st.decimals(min_value=-1000, max_value=1000, places=2))


@given(
    method_name=st.sampled_from(METHOD_NAMES),
    threshold=st.sampled_from(["majority", "two_thirds", "three_quarters"]),
    quorum=st.decimals(min_value=0, max_value=1, places=3),
    count=st.integers(1, 5),
    minimum=bounds,
    secret=st.booleans(),
)
def test_any_valid_rule_round_trips(method_name, threshold, quorum, count, minimum, secret):
    voting = VotingRule(
        method=method_name,
        threshold=threshold,
        quorum=quorum,
        options=options(*"abcde"[:count]),
        seats=count,
        minimum=minimum,
        maximum=None if minimum is None else minimum + 1,
        secret=secret,
    )
    assert VotingRule.from_json(json.loads(json.dumps(voting.to_json()))) == voting


@pytest.mark.parametrize(
    "data",
    [
        "ranked",
        {"method": "yes_no", "quorum": 0.5},
        {"method": "yes_no", "quorum": "1.5"},
        {"method": "yes_no", "quorum": "-0.1"},
        {"method": "yes_no", "threshold": "most"},
        {"method": "yes_no", "colour": "red"},
        {"method": "ranked"},
        {"method": "ranked", "options": [{"id": "a", "label": "A"}], "seats": 2},
        {"method": "ranked", "options": [{"id": "a", "label": "A"}, {"id": "a", "label": "B"}]},
        {"method": "approval", "options": [{"id": "", "label": "A"}]},
        {"method": "approval", "options": [{"id": "a"}]},
        {"method": "approval", "options": "a,b"},
        {"method": "approval", "options": [{"id": "a", "label": "A", "member_id": "7"}]},
        {"method": "median", "minimum": "2", "maximum": "1"},
        {"method": "median", "minimum": 0},
        {"method": "cumulative", "options": [{"id": "a", "label": "A"}], "max_points": 0},
        {"method": "yes_no", "seats": 0},
        {"method": "yes_no", "emergency": "yes"},
    ],
)
def test_bad_rules_are_refused_on_the_voting_field(data):
    with pytest.raises(ValidationError) as error:
        VotingRule.from_json(data)
    assert "voting" in error.value.fields


def test_options_given_as_a_list_are_kept_as_a_tuple():
    voting = VotingRule(method="approval", options=[Option("a", "A")])
    assert voting.options == (Option("a", "A"),)
    assert hash(voting)


@pytest.mark.parametrize(
    "voting, raw",
    [
        (rule("yes_no"), "abstain"),
        (rule("consensus"), "block"),
        (rule("median", minimum="0", maximum="1"), "0.05"),
        (rule("mean"), "12.5"),
        (rule("approval", options=options("a", "b")), ["a", "b"]),
        (rule("ranked", options=options("a", "b", "c")), ["c", "a"]),
        (rule("cumulative", options=options("a", "b")), {"a": 3, "b": 4}),
    ],
)
def test_a_canonical_text_decodes_to_the_value_the_api_shows(voting, raw):
    text = validate_choice(voting, raw)
    assert decode_choice(voting, text) == raw
    assert validate_choice(voting, decode_choice(voting, text)) == text


@pytest.mark.parametrize("method_name, bad", [("yes_no", "Yes"), ("yes_no", True), ("yes_no", None), ("consensus", "yes")])
def test_words_outside_the_method_are_refused(method_name, bad):
    with pytest.raises(ValidationError) as error:
        validate_choice(rule(method_name), bad)
    assert "choice" in error.value.fields


def test_an_outcome_is_json_safe():
    outcome = Outcome(passed=True, tally={"ballots": 3}, winners=("a",), value=Decimal("0.05"), reason="ok")
    assert json.loads(json.dumps(outcome.to_json())) == {
        "passed": True,
        "tally": {"ballots": 3},
        "winners": ["a"],
        "value": "0.05",
        "reason": "ok",
        "explanation": "ok",
    }


def test_the_voting_package_imports_no_web_framework_database_or_counting_library():
    """pure code: pref_voting (numba, scipy, ortools) is the tests' oracle, never imported at run time."""
    modules = set()
    for source in Path(govern.voting.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.Import):
                modules.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                modules.add(node.module)
    outside = {module for module in modules if module.split(".")[0] not in sys.stdlib_module_names}
    assert outside == {"govern.errors", "govern.money"}


def test_a_quorum_that_is_not_a_number_is_refused():
    with pytest.raises(ValidationError):
        VotingRule(method="yes_no", quorum=Decimal("NaN"))
