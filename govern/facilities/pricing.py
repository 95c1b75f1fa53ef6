"""The rent arithmetic, pure: integer cents in, integer cents out.

    amortisation = purchase ÷ (years × 12), rounded half up to the cent
    cost         = amortisation + maintenance + operating costs recorded for the month
    rent         = cost × (1 − subsidy), rounded half up to the cent
    subsidy      = cost − rent            (so rent + subsidy = cost exactly)

A tenant who is not a member (a member who left) pays the unit's market rate when it has one,
else the cost without subsidy; then `subsidy` is cost − market rate, negative when the market
rate earns the pool a surplus.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from govern.facilities.models import BASIS_COST, BASIS_MARKET


def half_up(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_HALF_UP))


def amortisation(purchase_minor: int, years: int) -> int:
    if years < 1:
        raise ValueError("amortisation needs at least one year")
    return half_up(Decimal(purchase_minor) / Decimal(years * 12))


@dataclass(frozen=True)
class Rent:
    amortisation: int
    maintenance: int
    operating: int
    basis: str
    subsidy_rate: Decimal
    rent: int

    @property
    def cost(self) -> int:
        return self.amortisation + self.maintenance + self.operating

    @property
    def subsidy(self) -> int:
        return self.cost - self.rent


def rent_for(*, purchase_minor: int, years: int, maintenance_minor: int, operating_minor: int,
             subsidy_rate: Decimal, member: bool, market_rate_minor: int | None) -> Rent:
    if not Decimal(0) <= subsidy_rate <= Decimal(1):
        raise ValueError("a subsidy is a share from 0 to 1")
    parts = (amortisation(purchase_minor, years), maintenance_minor, operating_minor)
    cost = sum(parts)
    if member:
        return Rent(*parts, BASIS_COST, subsidy_rate, half_up(Decimal(cost) * (1 - subsidy_rate)))
    if market_rate_minor is not None:
        return Rent(*parts, BASIS_MARKET, Decimal(0), market_rate_minor)
    return Rent(*parts, BASIS_COST, Decimal(0), cost)
