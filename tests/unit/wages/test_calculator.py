"""The original design's wage calculator, as a pure formula."""
from decimal import Decimal

from govern.wages.calculator import Constants, Factors, calculate

D = Decimal


def factors(value="1", productivity_range="0.2", industry_need="1") -> Factors:
    return Factors(need=D(value), skill=D(value), stress=D(value), danger=D(value), industry_weight=D(value),
                   productivity_range=D(productivity_range), industry_need=D(industry_need))


def test_a_base_of_100_with_a_range_of_0_2_runs_from_80_through_100_to_120():
    constants = Constants(starting_wage=D("15"), wage_multiplier=D("85"), minimum_wage=D("0"))
    results = [calculate(factors(), constants, D(p)) for p in ("0", "0.5", "1")]
    assert [r.base for r in results] == [D("100")] * 3
    assert [r.hourly_minor for r in results] == [8000, 10000, 12000]


def test_the_ratio_is_the_mean_of_five_terms_with_industry_need_times_industry_weight():
    constants = Constants(starting_wage=D("15"), wage_multiplier=D("20"), minimum_wage=D("15"))
    result = calculate(factors("0.5", industry_need="0.5"), constants, D("0.5"))
    assert result.ratio == D("0.45")  # (0.25 + 0.5 x 4) / 5
    assert result.base == D("24")
    assert result.hourly_minor == 2400
    assert calculate(factors("0.5", industry_need="0.5"), constants, D("0")).hourly_minor == 1920


def test_the_minimum_wage_is_the_floor():
    constants = Constants(starting_wage=D("5"), wage_multiplier=D("5"), minimum_wage=D("15"))
    result = calculate(factors("0"), constants, D("0"))
    assert result.hourly_minor == 1500 and result.at_minimum


def test_the_hourly_wage_is_rounded_half_up_to_the_cent():
    constants = Constants(starting_wage=D("10.005"), wage_multiplier=D("0"), minimum_wage=D("0"))
    assert calculate(factors(), constants, D("0.5")).hourly_minor == 1001
