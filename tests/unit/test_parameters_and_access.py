"""Region parameters and roles are declared once and checked by pure code."""
from types import SimpleNamespace

import pytest

from govern import access
from govern.errors import Forbidden, ValidationError
from govern.regions import parameters


def test_every_parameter_the_api_promises_has_a_default():
    """The everyday parameters; the constitution's floors have their own test (test_constitution.py)."""
    assert {name: spec.default for name, spec in parameters.in_section("").items()} == {
        "exchange_rate": "1", "income_tax_rate": "0.02", "sales_tax_rate": "0",
        "execution_confirmations": "2", "wage_table_binding": "0", "delegation_in_secret_ballots": "0",
        "starting_wage": "15", "wage_multiplier": "20", "minimum_wage": "15",
        "wage_cut_delay_days": "30", "wage_cut_decay_days": "90",
        "subsidy_housing": "0", "subsidy_office": "0", "subsidy_health": "0", "subsidy_education": "0",
        "facility_amortisation_years": "30", "health_plan_min_inside_share": "0.5", "health_plan_premium": "0",
        "health_plan_member_share": "0.5", "health_plan_period_days": "90",
        "productivity_min": "0", "productivity_max": "1", "surplus_share": "0.5", "surplus_reserve_months": "3",
    }


@pytest.mark.parametrize("name", ["subsidy_housing", "subsidy_office", "subsidy_health", "subsidy_education",
                                  "health_plan_min_inside_share", "health_plan_member_share"])
def test_subsidies_and_health_plan_shares_stay_between_zero_and_one(name):
    assert parameters.spec(name).validate("0.25") == "0.25"
    for bad in ("-0.01", "1.01"):
        with pytest.raises(ValidationError):
            parameters.spec(name).validate(bad)


def test_parameter_values_are_checked_against_their_bounds_and_canonicalised():
    assert parameters.spec("income_tax_rate").validate("0.050") == "0.05"
    assert parameters.spec("exchange_rate").validate("1.0") == "1"
    with pytest.raises(ValidationError):
        parameters.spec("income_tax_rate").validate("1.5")
    with pytest.raises(ValidationError):
        parameters.spec("execution_confirmations").validate("2.5")
    with pytest.raises(ValidationError):
        parameters.spec("exchange_rate").validate(1.05)
    with pytest.raises(ValidationError):
        parameters.spec("no_such_parameter")


def test_a_former_member_may_only_look_at_and_cash_out_their_money():
    former = SimpleNamespace(roles=[access.ROLE_FORMER_MEMBER])
    assert access.can(former, "convert_rsc_to_usd")
    assert not access.can(former, "vote")
    with pytest.raises(Forbidden):
        access.require(former, "propose")


def test_the_board_can_do_what_members_can_and_more():
    board = SimpleNamespace(roles=[access.ROLE_MEMBER, access.ROLE_BOARD])
    member = SimpleNamespace(roles=[access.ROLE_MEMBER])
    assert access.can(board, "vote") and access.can(board, "board_actions")
    assert not access.can(member, "board_actions")
    assert not access.can(None, "vote")


def test_asking_for_an_undeclared_permission_is_a_programming_error():
    with pytest.raises(ValueError):
        access.can(SimpleNamespace(roles=["member"]), "fly")
