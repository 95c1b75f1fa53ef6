"""The original design's wage calculator, as a pure function of decimals.

    ratio       = mean(industry.need × occupation.industry_weight,
                       occupation.skill, occupation.need, occupation.stress, occupation.danger)
    base        = starting_wage + ratio × wage_multiplier
    adjustment  = 2 × (productivity − 0.5) × occupation.productivity_range × base
    hourly_wage = max(minimum_wage, base + adjustment)

All arithmetic is exact in Decimal; only the hourly wage is rounded, half up, to the cent.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from govern.money import MINOR_PER_UNIT

HALF = Decimal("0.5")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Factors:
    """An occupation's factors and its industry's need, each from 0 to 1."""

    need: Decimal
    skill: Decimal
    stress: Decimal
    danger: Decimal
    industry_weight: Decimal
    productivity_range: Decimal
    industry_need: Decimal


@dataclass(frozen=True)
class Constants:
    """The region's parameters the calculator uses, in RSC per hour."""

    starting_wage: Decimal
    wage_multiplier: Decimal
    minimum_wage: Decimal


@dataclass(frozen=True)
class Calculation:
    factors: Factors
    constants: Constants
    productivity: Decimal
    ratio: Decimal
    base: Decimal
    adjustment: Decimal
    hourly: Decimal  # rounded to the cent

    @property
    def hourly_minor(self) -> int:
        return int(self.hourly * MINOR_PER_UNIT)

    @property
    def at_minimum(self) -> bool:
        """The minimum wage, not the formula, decided the wage."""
        return self.base + self.adjustment < self.constants.minimum_wage


def calculate(factors: Factors, constants: Constants, productivity: Decimal) -> Calculation:
    ratio = (factors.industry_need * factors.industry_weight + factors.skill + factors.need
             + factors.stress + factors.danger) / 5
    base = constants.starting_wage + ratio * constants.wage_multiplier
    adjustment = 2 * (productivity - HALF) * factors.productivity_range * base
    hourly = max(constants.minimum_wage, base + adjustment).quantize(CENT, rounding=ROUND_HALF_UP)
    return Calculation(factors, constants, productivity, ratio, base, adjustment, hourly)
