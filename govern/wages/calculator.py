"""The original design's wage calculator, as a pure function of decimals.

    ratio       = mean(industry.need × occupation.industry_weight,
                       occupation.skill, occupation.need, occupation.stress, occupation.danger)
    base        = starting_wage + ratio × wage_multiplier
    adjustment  = 2 × (productivity − 0.5) × occupation.productivity_range × base
    hourly_wage = max(minimum_wage, base + adjustment)

All arithmetic is exact in Decimal; only the hourly wage is rounded, half up, to the cent.

Payroll uses the same adjustment on the table's wage for a worker (`with_productivity`): the wage
table is the wage at productivity 0.5, and a company moves it within the occupation's range.
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


def productivity_factor(productivity: Decimal, productivity_range: Decimal) -> Decimal:
    """1 + 2 × (productivity − 0.5) × range: with a range of 0.2, from 0.8 (0) through 1 (0.5) to 1.2 (1)."""
    return 1 + 2 * (productivity - HALF) * productivity_range


def with_productivity(base_minor: int, productivity: Decimal, productivity_range: Decimal,
                      minimum_wage_minor: int) -> int:
    """A worker's hourly wage in cents: the table's wage moved by their productivity, rounded half
    up, and never pushed below the minimum wage by it (a base already below stays where it is)."""
    adjusted = int((base_minor * productivity_factor(productivity, productivity_range))
                   .to_integral_value(rounding=ROUND_HALF_UP))
    return max(adjusted, min(base_minor, minimum_wage_minor))
