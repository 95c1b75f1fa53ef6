"""The constitution against the database: floors as region parameters, rules tightened to them,
quorum counting every ballot of the frozen electorate, floors changed only under the
constitution's own floor, and the status quo always on the ballot."""
from datetime import timedelta
from decimal import Decimal

import pytest

from govern import voting
from govern.delegation import service as delegation
from govern.errors import ValidationError
from govern.extensions import db
from govern.proposals import constitution, kinds, service as proposals
from govern.regions import parameters, service as regions
from govern.wages import service as wages

TABLE = {  # API.md 1.1: kind -> (quorum, threshold, min days)
    "referendum": ("0", "majority", "1"), "parameter": ("0.2", "majority", "3"), "wage_rate": ("0.2", "majority", "3"),
    "wage_table": ("0.2", "majority", "3"), "equipment_grant": ("0.1", "majority", "3"),
    "acquisition": ("0.5", "majority", "7"), "asset_purchase": ("0.5", "majority", "7"),
    "board_election": ("0.2", None, "7"), "split": ("0.4", "two_thirds", "14"),
    "dissolution": ("0.5", "three_quarters", "30"), "constitution": ("0.5", "two_thirds", "14"),
}
TAX = {"name": "income_tax_rate", "min": "0", "max": "0.2"}
ACQUISITION = {"business_name": "Corner Shop", "seller": "Ms Lee", "industry": "retail",
               "price": {"amount": "100.00", "currency": "RSC"}, "employees": []}


def set_floor(session, region, name, value, now):
    regions.set_parameter(session, region.id, name, value, cause_type="test", cause_id=None, now=now)


def close(session, proposal, now, days=31):
    return proposals.close_proposal(session, proposal.id, now + timedelta(days=days))


def vote(session, voters, proposal, choices, now):
    for voter, choice in zip(voters, choices):
        proposals.cast_ballot(session, voter, proposal.id, choice, now)


def test_every_kind_starts_with_the_floor_of_the_api_table(session, region):
    values = regions.all_parameters(session, region.id)
    for key, (quorum, threshold, days) in TABLE.items():
        assert values[f"quorum.{key}"] == quorum, key
        assert values.get(f"threshold.{key}") == threshold, key
        assert values[f"min_voting_days.{key}"] == days, key


def test_a_kind_registered_by_another_area_brings_its_floor_and_takes_it_away(app, session, region, make_member,
                                                                                propose):
    kinds.register(kinds.ProposalKind(
        key="mural", label="Paint a mural", description="A wall for art.", clean_payload=lambda ctx, p: {},
        default_voting=lambda ctx, p: voting.VotingRule(method="yes_no"), apply=lambda ctx, p, o: [],
        floor=constitution.Floor(Decimal("0.3"), "two_thirds", 5)))
    try:
        assert regions.all_parameters(session, region.id)["quorum.mural"] == "0.3"
        proposal = propose(make_member(), "mural")
        assert (proposal.voting["quorum"], proposal.voting["threshold"]) == ("0.3", "two_thirds")
    finally:
        kinds.unregister("mural")
    assert "quorum.mural" not in parameters.SPECS


def test_a_proposal_opens_with_the_regions_floor_as_its_rule(session, region, member, propose, now):
    dissolution = propose(member, "dissolution", {"municipality": "Springfield"})
    assert (dissolution.voting["quorum"], dissolution.voting["threshold"]) == ("0.5", "three_quarters")
    set_floor(session, region, "quorum.dissolution", "0.8", now)
    set_floor(session, region, "threshold.dissolution", "two_thirds", now)
    later = propose(member, "dissolution", {"municipality": "Springfield"})
    assert (later.voting["quorum"], later.voting["threshold"]) == ("0.8", "two_thirds")
    assert dissolution.voting["quorum"] == "0.5"  # frozen when it opened


def test_a_proposer_may_tighten_the_floor_but_never_loosen_it(session, region, member, propose, now):
    assert propose(member, "dissolution", {"municipality": "Springfield"}, voting={"quorum": "0.9"}).voting["quorum"] == "0.9"
    for looser in ({"quorum": "0.4"}, {"threshold": "two_thirds"}, {"threshold": "majority", "quorum": "0"}):
        with pytest.raises(ValidationError) as error:
            propose(member, "dissolution", {"municipality": "Springfield"}, voting=looser)
        assert "voting" in error.value.fields
        assert "floor" in error.value.message


def test_even_a_referendum_whose_rule_is_the_proposers_cannot_go_below_the_floor(session, region, member, propose, now):
    set_floor(session, region, "quorum.referendum", "0.3", now)
    set_floor(session, region, "threshold.referendum", "two_thirds", now)
    assert propose(member).voting["quorum"] == "0.3"
    ranked = propose(member, voting={"method": "ranked", "options": ["Park", "Hall"], "quorum": "0.5"})
    assert ranked.voting["quorum"] == "0.5"
    for looser in ({"quorum": "0.1"}, {"threshold": "majority"}):
        with pytest.raises(ValidationError) as error:
            propose(member, voting=looser)
        assert set(error.value.fields) == {"voting", f"voting.{next(iter(looser))}"}


def open_at_least(session, member, kind, payload, days, *, override=None, now):
    return proposals.create_proposal(
        session, member, kind_key=kind, title="t", body="", payload=payload, closes_at=now + timedelta(days=days),
        now=now, min_voting_seconds=override)


def test_voting_lasts_at_least_the_floors_days_unless_the_server_sets_a_shortest_period(session, region, member, now):
    payload = {"municipality": "Springfield"}
    with pytest.raises(ValidationError) as error:
        open_at_least(session, member, "dissolution", payload, 29, now=now)
    assert error.value.fields["closes_at"] == ["must be at least 30 days from now: the least voting period this "
                                               "region set"]
    assert open_at_least(session, member, "dissolution", payload, 30, now=now).status == "open"
    assert open_at_least(session, member, "dissolution", payload, 2, override=60, now=now).status == "open"


def test_turnout_below_the_quorum_rejects_whatever_the_ballots_say(session, region, make_member, propose, now):
    voters = [make_member() for _ in range(10)]
    proposal = propose(voters[0], "dissolution", {"municipality": "Springfield"})
    vote(session, voters[:4], proposal, ["yes"] * 4, now)
    close(session, proposal, now)
    assert proposal.status == "rejected"
    assert proposal.outcome["reason"] == "quorum"
    assert proposal.outcome["explanation"] == "Quorum not met: 4 of 10 voted, 5 needed."
    assert (proposal.voting["quorum"], proposal.tally["turnout"], proposal.tally["yes"]) == ("0.5", "0.4", 4)
    assert regions.get_region(session, region.id).status == "active"


def test_abstentions_count_toward_the_quorum(session, region, make_member, propose, now):
    voters = [make_member() for _ in range(4)]
    proposal = propose(voters[0], voting={"quorum": "0.5"})
    vote(session, voters[:2], proposal, ["yes", "abstain"], now)
    close(session, proposal, now)
    assert proposal.status == "executed" and proposal.tally["quorum_met"]


def test_delegated_weight_counts_toward_the_quorum_only_where_delegation_applies(session, region, make_member,
                                                                                 propose, now):
    voters = [make_member() for _ in range(4)]
    delegation.set_delegation(session, voters[1], "all", voters[0].id, now)
    open_vote = propose(voters[0], voting={"quorum": "0.5"})
    secret_vote = propose(voters[0], voting={"quorum": "0.5", "secret": True})
    for proposal in (open_vote, secret_vote):
        vote(session, voters[:1], proposal, ["yes"], now)
        close(session, proposal, now)
    assert (open_vote.status, open_vote.tally["delegated_weight"], open_vote.tally["ballots"]) == ("executed", 1, 2)
    assert (secret_vote.status, secret_vote.outcome["reason"], secret_vote.tally["delegated_weight"]) == \
        ("rejected", "quorum", 0)


def test_a_purchase_below_its_quorum_is_rejected_instead_of_waiting_for_the_board(session, region, make_member,
                                                                                    propose, now):
    voters = [make_member() for _ in range(4)]
    proposal = propose(voters[0], "acquisition", ACQUISITION)
    vote(session, voters[:1], proposal, ["yes"], now)
    close(session, proposal, now)
    assert (proposal.status, proposal.outcome["reason"]) == ("rejected", "quorum")


# --- changing a floor ----------------------------------------------------------------------

def test_a_floor_changes_by_a_yes_no_vote_that_meets_the_constitutions_floor(session, region, make_member, propose,
                                                                              now):
    voters = [make_member() for _ in range(4)]
    proposal = propose(voters[0], "parameter", {"name": "quorum.dissolution", "value": "0.6"})
    assert proposal.payload == {"name": "quorum.dissolution", "value": "0.6"}
    assert (proposal.voting["method"], proposal.voting["quorum"], proposal.voting["threshold"]) == \
        ("yes_no", "0.5", "two_thirds")
    vote(session, voters, proposal, ["yes", "yes", "yes", "no"], now)
    close(session, proposal, now)
    assert proposal.status == "executed"
    assert regions.all_parameters(session, region.id)["quorum.dissolution"] == "0.6"
    assert propose(voters[0], "dissolution", {"municipality": "Springfield"}).voting["quorum"] == "0.6"


@pytest.mark.parametrize("ballots, reason", [
    (["yes", "yes"], "quorum"),                                    # 2 of 10: below half of the members
    (["yes", "yes", "yes", "no", "no"], "Rejected: 3 yes, 2 no, 0 abstaining (at least two thirds yes needed)."),
])
def test_a_floor_change_short_of_the_constitutions_floor_changes_nothing(session, region, make_member, propose, now,
                                                                         ballots, reason):
    voters = [make_member() for _ in range(10)]
    proposal = propose(voters[0], "parameter", {"name": "quorum.dissolution", "value": "0.1"})
    vote(session, voters, proposal, ballots, now)
    close(session, proposal, now)
    assert (proposal.status, proposal.outcome["reason"]) == ("rejected", reason)
    assert regions.all_parameters(session, region.id)["quorum.dissolution"] == "0.5"


def test_a_floor_change_cannot_open_looser_or_shorter_than_the_constitutions_floor(session, region, member, propose,
                                                                                   now):
    payload = {"name": "threshold.split", "value": "majority"}
    with pytest.raises(ValidationError) as error:
        propose(member, "parameter", payload, voting={"quorum": "0.2"})
    assert "voting" in error.value.fields
    with pytest.raises(ValidationError) as error:
        open_at_least(session, member, "parameter", payload, 13, now=now)  # the parameter kind alone needs 3 days
    assert "14 days" in error.value.fields["closes_at"][0]


def test_a_floor_change_meets_the_parameter_kinds_floor_too_when_it_is_stricter(session, region, member, propose, now):
    set_floor(session, region, "quorum.parameter", "0.7", now)
    proposal = propose(member, "parameter", {"name": "min_voting_days.split", "value": "21"})
    assert (proposal.voting["quorum"], proposal.voting["threshold"]) == ("0.7", "two_thirds")


@pytest.mark.parametrize("payload, field", [
    ({"name": "quorum.split", "min": "0", "max": "0.4"}, "payload.value"),
    ({"name": "quorum.split", "value": "0.4"}, "payload.value"),          # already the value
    ({"name": "quorum.split", "value": "1.5"}, "payload.value"),
    ({"name": "threshold.split", "value": "unanimous"}, "payload.value"),
    ({"name": "min_voting_days.split", "value": "0"}, "payload.value"),
    ({"name": "min_voting_days.split", "value": "365"}, "payload.value"),
    ({"name": "quorum.nothing", "value": "0.4"}, "payload.name"),
])
def test_a_floor_change_names_one_valid_new_value(session, region, member, propose, payload, field):
    with pytest.raises(ValidationError) as error:
        propose(member, "parameter", payload)
    assert field in error.value.fields


# --- the status quo ------------------------------------------------------------------------

@pytest.mark.parametrize("low, high, side", [("0.9", "0.9", "min"), ("0.05", "0.5", "min"), ("0", "0.01", "max")])
def test_a_parameter_range_must_hold_the_current_value(session, region, member, propose, low, high, side):
    with pytest.raises(ValidationError) as error:
        propose(member, "parameter", {"name": "income_tax_rate", "min": low, "max": high})
    assert set(error.value.fields) == {side, f"payload.{side}"}
    assert "current value 0.02" in error.value.fields[side][0]


def test_a_range_that_holds_the_current_value_opens(session, region, member, propose):
    assert propose(member, "parameter", {"name": "income_tax_rate", "min": "0.02", "max": "0.02"}).status == "open"
    assert propose(member, "parameter", {"name": "exchange_rate", "min": "0.9", "max": "1.1"}).status == "open"


def test_a_wage_range_must_hold_the_current_wage_of_the_row_or_of_the_occupation(session, region, member, propose,
                                                                                  now):
    assert propose(member, "wage_rate", {"occupation": "baker", "min": "30.00", "max": "40.00"}).status == "open"
    wages.set_wage(session, region.id, "baker", None, 2_000, now=now, cause_type="test", cause_id=None)
    for payload in ({"occupation": "baker", "min": "25.00", "max": "40.00"},
                    {"occupation": "baker", "industry": "retail", "min": "10.00", "max": "19.99"}):
        with pytest.raises(ValidationError) as error:
            propose(member, "wage_rate", payload)
        assert "current value 20.00 RSC" in " ".join(error.value.fields.get("min", []) + error.value.fields.get("max", []))
    assert propose(member, "wage_rate", {"occupation": "baker", "min": "20.00", "max": "25.00"}).status == "open"


# --- founding ------------------------------------------------------------------------------

def test_a_region_founded_with_parameters_starts_with_them_recorded_as_its_founding(session, now):
    founding = regions.check_founding_parameters({"quorum.dissolution": "0.25", "threshold.split": "three_quarters",
                                                  "income_tax_rate": "0.05"})
    region = regions.create_region(session, "Lakeside", now, founding=founding)
    values = regions.all_parameters(session, region.id)
    assert (values["quorum.dissolution"], values["threshold.split"], values["income_tax_rate"]) == \
        ("0.25", "three_quarters", "0.05")
    assert {c.cause_type for c in regions.parameter_history(session, region.id)} == {"founding"}


@pytest.mark.parametrize("raw, words", [
    (["quorum.split"], "JSON object"),
    ({"quorum.split": 0.4}, "quorum.split must be a decimal string"),
    ({"quorum.split": "2"}, "quorum.split must be between 0 and 1"),
    ({"threshold.split": "most"}, "threshold.split must be one of majority, two_thirds, three_quarters"),
    ({"occupation.baker.skill": "0.5"}, "is not a region parameter"),
    ({"no_such_thing": "1"}, "is not a region parameter"),
])
def test_founding_parameters_are_checked_against_their_bounds_in_one_line(app, raw, words):
    with pytest.raises(ValidationError) as error:
        regions.check_founding_parameters(raw)
    assert words in error.value.message and "\n" not in error.value.message
