"""The arithmetic of a payroll run, as pure functions: hours × rate, income tax, the share of each
net pay a member has asked to have converted to USD, and a company's last payroll shared out when
it cannot pay it in full (a bankruptcy). No database here."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

from govern.ledger.exchange import quote

CENTIHOURS_PER_HOUR = 100


@dataclass(frozen=True)
class PayLine:
    member_id: int
    occupation: str
    centihours: int
    rate_minor: int
    auto_convert_percent: int = 0
    contribution_percent: int = 0
    base_rate_minor: int | None = None  # the table's wage before productivity, when the table decided
    productivity: str | None = None


@dataclass(frozen=True)
class Slip:
    member_id: int
    occupation: str
    centihours: int
    rate_minor: int
    gross: int
    tax: int
    net: int
    converted_rsc: int
    converted_usd: int
    contributed: int = 0
    base_rate_minor: int | None = None
    productivity: str | None = None

    @property
    def paid_in_rsc(self) -> int:
        return self.net - self.converted_rsc - self.contributed


def gross_pay(centihours: int, rate_minor: int) -> int:
    """Hours × rate, rounded half up to the cent (7.25 h × 10.01 = 72.5725 → 72.57), in integers."""
    cents, rest = divmod(abs(centihours * rate_minor), CENTIHOURS_PER_HOUR)
    cents += 2 * rest >= CENTIHOURS_PER_HOUR
    return cents if centihours * rate_minor >= 0 else -cents


def income_tax(gross: int, rate: Decimal) -> int:
    """Tax rounded down to the cent: the member is never charged a fraction of a cent too much."""
    numerator, denominator = _ratio(rate)
    tax, _ = divmod(abs(gross) * numerator, denominator)
    return tax if gross >= 0 else -tax


@lru_cache(maxsize=64)
def _ratio(rate: Decimal) -> tuple[int, int]:
    """A decimal rate as an exact fraction, once per rate (a payroll asks 100,000 times)."""
    return rate.as_integer_ratio()


def slip_for(line: PayLine, tax_rate: Decimal, exchange_rate: Decimal, gross: int | None = None) -> Slip:
    """The slip of one line; `gross` replaces hours × rate when a last payroll is shared out."""
    gross = gross_pay(line.centihours, line.rate_minor) if gross is None else gross
    tax = income_tax(gross, tax_rate)
    net = gross - tax
    converted_rsc = net * line.auto_convert_percent // 100
    converted_usd = quote("rsc_to_usd", converted_rsc, exchange_rate).usd if converted_rsc else 0
    if converted_usd == 0:
        converted_rsc = 0  # too little to convert at this rate: pay it all in RSC
    contributed = net * line.contribution_percent // 100
    return Slip(line.member_id, line.occupation, line.centihours, line.rate_minor, gross, tax, net,
                converted_rsc, converted_usd, contributed, line.base_rate_minor, line.productivity)


def shared_out(lines: list[PayLine], available: int) -> tuple[list[int], Fraction]:
    """The gross of each line when only `available` can be paid: everyone gets the same share of
    what they earned, rounded down to the cent (the cents left over stay with the company). With
    enough money, everyone's full gross and a share of 1."""
    full = [gross_pay(line.centihours, line.rate_minor) for line in lines]
    owed = sum(full)
    if owed <= available:
        return full, Fraction(1)
    share = Fraction(max(available, 0), owed)
    return [int(gross * share) for gross in full], share


@dataclass(frozen=True)
class Totals:
    gross: int
    tax: int
    net: int
    converted_rsc: int
    converted_usd: int
    contributed: int = 0

    @property
    def pool_share(self) -> int:
        """What the capital pool receives: the tax, the spread of the auto-conversions, and the
        standing contributions members chose."""
        return self.tax + self.converted_rsc - self.converted_usd + self.contributed


def totals(slips: list[Slip]) -> Totals:
    return Totals(
        gross=sum(s.gross for s in slips), tax=sum(s.tax for s in slips), net=sum(s.net for s in slips),
        converted_rsc=sum(s.converted_rsc for s in slips), converted_usd=sum(s.converted_usd for s in slips),
        contributed=sum(s.contributed for s in slips),
    )
