"""The wage_rate and wage_table proposal kinds, and `parameter` proposals on an occupation's or
an industry's factors: from proposal to the table (or the factor) in one close."""
from datetime import timedelta
from decimal import Decimal

import pytest

import govern.wages.kinds  # noqa: F401  registers the wage kinds and the factor parameters
from govern.errors import ValidationError
from govern.proposals import kinds, service as proposals
from govern.regions import service as regions
from govern.regions.models import ParameterChange
from govern.wages import service as wages


@pytest.fixture
def voters(make_member):
    return [make_member() for _ in range(3)]


def vote_and_close(session, proposal, voters, choices, now):
    for voter, choice in zip(voters, choices):
        proposals.cast_ballot(session, voter, proposal.id, choice, now)
    return proposals.close_proposal(session, proposal.id, now + timedelta(days=3))


def wage_of(session, region, occupation, industry=None):
    return wages.current_wage(session, region.id, occupation, industry).hourly_wage_minor


def test_a_wage_rate_proposal_sets_the_median_figure_as_the_tables_row(session, region, voters, propose, now):
    proposal = propose(voters[0], "wage_rate", {"occupation": "Welder", "industry": "Construction",
                                                "min": "20", "max": "30.00"})
    assert proposal.payload == {"occupation": "welder", "industry": "construction", "min": "20.00", "max": "30.00"}
    rule = proposal.voting
    assert (rule["method"], rule["minimum"], rule["maximum"]) == ("median", "20.00", "30.00")
    closed = vote_and_close(session, proposal, voters, ["22", "25.005", "28.50"], now)
    assert closed.status == "executed"
    [effect] = proposals.effects_of(session, proposal.id)
    row = wages.current_wage(session, region.id, "welder", "construction")
    assert (effect.type, effect.ref_id) == ("wage", str(row.id))
    assert row.hourly_wage_minor == 2501  # the median ballot, half up to the cent
    assert (row.cause_type, row.cause_id, row.effective_from) == ("proposal", str(proposal.id), now + timedelta(days=3))
    assert (row.reduction_delay_days, row.reduction_decay_days) == (30, 90)


def test_a_wage_table_proposal_replaces_the_rows_it_names_and_leaves_the_others(session, region, voters, propose, now):
    wages.set_wage(session, region.id, "nurse", None, 2600, now=now, cause_type="test", cause_id=None)
    wages.set_wage(session, region.id, "welder", None, 3000, now=now, cause_type="test", cause_id=None)
    proposal = propose(voters[0], "wage_table", {"rows": [
        {"occupation": "welder", "hourly_wage": {"amount": "25.00", "currency": "RSC"}},
        {"occupation": "welder", "industry": "shipbuilding", "hourly_wage": {"amount": "27.50", "currency": "RSC"}},
    ], "reduction_delay_days": 14})
    assert (proposal.payload["reduction_delay_days"], proposal.payload["reduction_decay_days"]) == (14, 90)
    assert proposal.voting["method"] == "yes_no"
    closed = vote_and_close(session, proposal, voters, ["yes", "yes", "no"], now)
    assert closed.status == "executed"
    effects = proposals.effects_of(session, proposal.id)
    assert [e.type for e in effects] == ["wage", "wage"]
    assert wage_of(session, region, "welder") == 2500
    assert wage_of(session, region, "welder", "shipbuilding") == 2750
    assert wage_of(session, region, "nurse") == 2600
    cut = wages.current_wage(session, region.id, "welder", None)
    assert (cut.reduction_delay_days, cut.reduction_decay_days) == (14, 90)
    hired_before, ten_days_later = now - timedelta(days=1), (now + timedelta(days=10)).date()
    assert wages.wage_for_worker(session, region.id, "welder", None, hired_before, ten_days_later) == 3000


def test_a_rejected_wage_table_changes_nothing(session, region, voters, propose, now):
    proposal = propose(voters[0], "wage_table", {"rows": [
        {"occupation": "welder", "hourly_wage": {"amount": "25.00", "currency": "RSC"}}]})
    closed = vote_and_close(session, proposal, voters, ["no", "no", "yes"], now)
    assert closed.status == "rejected"
    assert wages.current_table(session, region.id) == []


@pytest.mark.parametrize("payload, field", [
    ({"occupation": "welder", "min": "30", "max": "20"}, "payload.max"),
    ({"occupation": "welder", "min": "0", "max": "20"}, "payload.min"),
    ({"occupation": "welder", "min": 20, "max": "25"}, "payload.min"),
    ({"occupation": "welder", "min": "20.001", "max": "25"}, "payload.min"),
    ({"min": "20", "max": "25"}, "payload.occupation"),
    ({"occupation": "weld.er", "min": "20", "max": "25"}, "payload.occupation"),
    ({"occupation": "welder", "industry": "a/b", "min": "20", "max": "25"}, "payload.industry"),
])
def test_a_bad_wage_rate_payload_names_the_field(member, propose, payload, field):
    with pytest.raises(ValidationError) as error:
        propose(member, "wage_rate", payload)
    assert field in error.value.fields


def rsc(amount, currency="RSC"):
    return {"amount": amount, "currency": currency}


@pytest.mark.parametrize("payload, field, problem", [
    ({"rows": []}, "payload.rows", "at least one row"),
    ({}, "payload.rows", "at least one row"),
    ({"rows": [{"occupation": "welder", "hourly_wage": rsc("25.00", "USD")}]}, "payload.rows",
     "row 1: hourly_wage: currency must be RSC"),
    ({"rows": [{"occupation": "welder", "hourly_wage": rsc("0")}]}, "payload.rows", "row 1: hourly_wage: must be more"),
    ({"rows": [{"occupation": "welder", "hourly_wage": "25"}]}, "payload.rows",
     "row 1: hourly_wage: must be an object"),
    ({"rows": [{"occupation": "welder", "hourly_wage": rsc("25")},
               {"occupation": "Welder", "hourly_wage": rsc("26")}]},
     "payload.rows", "row 2: the same occupation and industry as row 1"),
    ({"rows": ["welder 25"]}, "payload.rows", "row 1: must be an object"),
    ({"rows": [{"occupation": "welder", "hourly_wage": rsc("25")}], "reduction_delay_days": -3},
     "payload.reduction_delay_days", "between"),
    ({"rows": [{"occupation": "welder", "hourly_wage": rsc("25")}], "reduction_decay_days": "2.5"},
     "payload.reduction_decay_days", "whole number"),
])
def test_a_bad_wage_table_payload_names_the_field_and_the_row(member, propose, payload, field, problem):
    with pytest.raises(ValidationError) as error:
        propose(member, "wage_table", payload)
    assert any(problem in text for text in error.value.fields[field]), error.value.fields


def test_the_wage_table_form_reads_one_row_per_line():
    kind = kinds.get("wage_table")
    payload = kind.payload_from_form({"rows": "Welder, construction, 25.00\nnurse, 28.5 RSC\n\n  \nbroken line",
                                      "reduction_delay_days": "7", "reduction_decay_days": ""})
    assert payload == {"rows": [
        {"occupation": "Welder", "industry": "construction", "hourly_wage": rsc("25.00")},
        {"occupation": "nurse", "hourly_wage": rsc("28.5")},
        "broken line",
    ], "reduction_delay_days": "7"}


def test_a_parameter_proposal_sets_an_occupations_skill_and_records_the_change(session, region, voters, propose, now):
    wages.ensure_occupation(session, region.id, "welder", now)
    proposal = propose(voters[0], "parameter", {"name": "occupation.Welder.skill", "min": "0", "max": "1"})
    assert proposal.payload["name"] == "occupation.welder.skill"
    closed = vote_and_close(session, proposal, voters, ["0.8", "0.9", "0.7"], now)
    assert closed.status == "executed"
    assert wages.find_occupation(session, region.id, "welder").skill == "0.8"
    assert regions.parameter(session, region.id, "occupation.welder.skill") == Decimal("0.8")
    change = session.query(ParameterChange).filter_by(name="occupation.welder.skill").one()
    assert (change.old_value, change.new_value, change.cause_type, change.cause_id) == ("0.5", "0.8", "proposal",
                                                                                        str(proposal.id))
    assert "occupation.welder.skill" not in regions.all_parameters(session, region.id)


def test_an_industrys_need_is_a_parameter_too(session, region, voters, propose, now):
    wages.ensure_industry(session, region.id, "construction", now)
    proposal = propose(voters[0], "parameter", {"name": "industry.construction.need", "min": "0", "max": "1"})
    vote_and_close(session, proposal, voters, ["0.9", "0.9", "0.1"], now)
    assert wages.find_industry(session, region.id, "construction").need == "0.9"


@pytest.mark.parametrize("name", ["occupation.nobody.skill", "occupation.welder.charm", "occupation.welder",
                                  "occupation.a/b.skill", "industry.construction.skill", "guild.welder.skill"])
def test_a_factor_of_an_unknown_occupation_or_an_unknown_factor_is_refused(session, region, member, propose, now, name):
    wages.ensure_occupation(session, region.id, "welder", now)
    wages.ensure_industry(session, region.id, "construction", now)
    with pytest.raises(ValidationError) as error:
        propose(member, "parameter", {"name": name, "min": "0", "max": "1"})
    assert "payload.name" in error.value.fields


def test_a_factor_outside_0_to_1_is_refused(session, region, member, propose, now):
    wages.ensure_occupation(session, region.id, "welder", now)
    with pytest.raises(ValidationError) as error:
        propose(member, "parameter", {"name": "occupation.welder.danger", "min": "0", "max": "2"})
    assert "payload.max" in error.value.fields
