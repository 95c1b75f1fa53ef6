"""The rent arithmetic on exact figures (cents)."""
from decimal import Decimal

import pytest

from govern.facilities import pricing


def rent(subsidy="0", *, member=True, market=None, purchase=18_000_000, years=30, maintenance=12_000, operating=3_550):
    return pricing.rent_for(purchase_minor=purchase, years=years, maintenance_minor=maintenance,
                            operating_minor=operating, subsidy_rate=Decimal(subsidy), member=member,
                            market_rate_minor=market)


def test_the_monthly_cost_is_the_purchase_over_the_years_plus_upkeep_and_running_costs():
    # 180,000.00 over 30 years = 500.00 a month; + 120.00 maintenance + 35.50 operating
    r = rent()
    assert (r.amortisation, r.maintenance, r.operating, r.cost) == (50_000, 12_000, 3_550, 65_550)


def test_without_a_subsidy_the_rent_is_the_cost():
    r = rent("0")
    assert (r.rent, r.subsidy, r.basis) == (65_550, 0, "cost")


def test_with_a_subsidy_the_rent_is_the_cost_less_the_subsidy_rounded_half_up():
    # 655.50 × 0.75 = 491.625 -> 491.63; the pool bears the rest, 163.87
    r = rent("0.25")
    assert (r.rent, r.subsidy) == (49_163, 16_387)
    assert r.rent + r.subsidy == r.cost


def test_a_full_subsidy_makes_the_unit_free_and_the_pool_bears_all_of_it():
    r = rent("1")
    assert (r.rent, r.subsidy) == (0, 65_550)


def test_amortisation_rounds_half_up_to_the_cent():
    assert pricing.amortisation(10_000_000, 7) == 119_048  # 100,000.00 / 84 = 1,190.476…
    assert pricing.amortisation(1, 1) == 0  # 0.01 / 12
    assert pricing.amortisation(6, 1) == 1  # 0.06 / 12 = 0.005 -> 0.01


def test_a_non_member_pays_the_market_rate_and_the_surplus_shows_as_a_negative_subsidy():
    r = rent("0.5", member=False, market=80_000)
    assert (r.basis, r.rent, r.subsidy, r.subsidy_rate) == ("market", 80_000, -14_450, Decimal(0))


def test_a_non_member_without_a_market_rate_pays_the_cost_without_subsidy():
    r = rent("0.5", member=False)
    assert (r.basis, r.rent, r.subsidy) == ("cost", 65_550, 0)


@pytest.mark.parametrize("bad", ["-0.01", "1.01"])
def test_a_subsidy_outside_zero_to_one_is_refused(bad):
    with pytest.raises(ValueError):
        rent(bad)
