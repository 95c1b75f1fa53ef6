"""The region parameters Conductor knows, their defaults and their bounds: declared once here.

Values are stored and served as decimal strings. Later areas read them through
`regions.service.parameter(...)`; `parameter` proposals change them through
`regions.service.set_parameter(...)`, which records the change and its cause.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from govern.errors import ValidationError
from govern.money import parse_decimal


@dataclass(frozen=True)
class ParameterSpec:
    name: str
    label: str
    default: str
    minimum: Decimal
    maximum: Decimal
    integer: bool = False
    help: str = ""

    def validate(self, text: object, field: str = "value") -> str:
        value = parse_decimal(text, field)
        if value < self.minimum or value > self.maximum:
            raise ValidationError.for_field(field, f"must be between {self.minimum} and {self.maximum}")
        if self.integer and value != value.to_integral_value():
            raise ValidationError.for_field(field, "must be a whole number")
        return format_value(value)


def format_value(value: Decimal) -> str:
    """Canonical text of a parameter value: no exponent, no trailing zeros ("0.050" -> "0.05")."""
    text = format(value.normalize(), "f")
    return text if "." not in text else text.rstrip("0").rstrip(".") or "0"


SPECS: dict[str, ParameterSpec] = {
    spec.name: spec
    for spec in (
        ParameterSpec("exchange_rate", "Exchange rate (RSC per USD)", "1", Decimal("0.5"), Decimal("2"),
                      help="1 USD buys this many RSC. Above 1, the capital pool pays the difference."),
        ParameterSpec("income_tax_rate", "Income tax rate", "0.02", Decimal("0"), Decimal("0.9"),
                      help="Share of each gross pay that goes to the capital pool."),
        ParameterSpec("sales_tax_rate", "Sales tax rate", "0", Decimal("0"), Decimal("0.5"),
                      help="Share added to marketplace orders, paid to the capital pool."),
        ParameterSpec("execution_confirmations", "Board confirmations to carry out", "2",
                      Decimal("1"), Decimal("15"), integer=True,
                      help="Distinct board members who must confirm an approved purchase."),
        ParameterSpec("wage_table_binding", "Wage table is binding", "0", Decimal("0"), Decimal("1"),
                      integer=True, help="1: companies must pay at least the voted wage table."),
    )
}


def spec(name: str) -> ParameterSpec:
    try:
        return SPECS[name]
    except KeyError:
        raise ValidationError.for_field("name", f"unknown parameter {name!r}") from None


def defaults() -> dict[str, str]:
    return {name: s.default for name, s in SPECS.items()}
