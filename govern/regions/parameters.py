"""The region parameters Conductor knows, their defaults and their bounds: declared once here.

Values are stored and served as decimal strings. Later areas read them through
`regions.service.parameter(...)`; `parameter` proposals change them through
`regions.service.set_parameter(...)`, which records the change and its cause.

Other packages add plain parameters of their own with `register` (the proposals package adds
each kind's floors, `quorum.<kind>`, `threshold.<kind>` and `min_voting_days.<kind>`, in the
section "constitution"). A parameter with `choices` takes one of those words instead of a number
(a threshold's name), listed from the loosest to the strictest.

Besides these plain parameters there are parameter *families*: names of the shape
`<prefix>.<key>.<field>`, such as `occupation.welder.skill`, whose values live on another
area's rows. That area registers its family here (`register_family`), so regions never imports
it; `spec(name)` resolves a family name to a spec with its bounds, and `set_parameter` writes
through the family and records the change like any other.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Callable

from sqlalchemy.orm import Session

from govern.errors import ValidationError
from govern.money import parse_decimal

NAME_MAX = 60  # parameter names are recorded in columns of this width


@dataclass(frozen=True)
class ParameterSpec:
    name: str
    label: str
    default: str
    minimum: Decimal
    maximum: Decimal
    integer: bool = False
    help: str = ""
    choices: tuple[str, ...] = ()   # a word parameter: one of these, loosest first (bounds unused)
    section: str = ""               # "" for the region's plain parameters; "constitution" for floors

    def validate(self, text: object, field: str = "value") -> str:
        if self.choices:
            if not isinstance(text, str) or text not in self.choices:
                raise ValidationError.for_field(field, f"must be one of {', '.join(self.choices)}")
            return text
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
        ParameterSpec("delegation_in_secret_ballots", "Delegation in secret ballots", "0", Decimal("0"),
                      Decimal("1"), integer=True,
                      help="1: delegated votes count in secret ballots (elections) too."),
        ParameterSpec("wage_table_binding", "Wage table is binding", "0", Decimal("0"), Decimal("1"),
                      integer=True, help="1: companies must pay at least the voted wage table (a floor: a "
                                         "company's own higher rate stands)."),
        ParameterSpec("productivity_min", "Least productivity a company may set", "0", Decimal("0"), Decimal("1"),
                      help="A worker's productivity moves the table's wage for them within their occupation's "
                           "productivity range; 0.5 is the table's wage."),
        ParameterSpec("productivity_max", "Most productivity a company may set", "1", Decimal("0"), Decimal("1"),
                      help="The highest productivity a company may give a worker."),
        ParameterSpec("surplus_share", "Share of a region-owned company's surplus swept to the pool", "0.5",
                      Decimal("0"), Decimal("1"),
                      help="Each month, this share of what a region-owned company holds above its reserve "
                           "returns to the capital pool."),
        ParameterSpec("surplus_reserve_months", "Months of payroll a region-owned company keeps", "3",
                      Decimal("0"), Decimal("24"), integer=True,
                      help="Its reserve: this many times its largest monthly payroll of the last three months."),
        ParameterSpec("starting_wage", "Starting wage (RSC per hour)", "15", Decimal("0"), Decimal("10000"),
                      help="The wage calculator's base before an occupation's factors are added."),
        ParameterSpec("wage_multiplier", "Wage multiplier (RSC per hour)", "20", Decimal("0"), Decimal("10000"),
                      help="What an occupation's factors add at most to the starting wage in the calculator."),
        ParameterSpec("minimum_wage", "Minimum wage (RSC per hour)", "15", Decimal("0"), Decimal("10000"),
                      help="The calculator never gives less than this."),
        ParameterSpec("wage_cut_delay_days", "Days before a wage cut reaches existing workers", "30",
                      Decimal("0"), Decimal("3650"), integer=True,
                      help="Workers hired before a cut keep their wage this long."),
        ParameterSpec("wage_cut_decay_days", "Days over which a wage cut phases in", "90",
                      Decimal("0"), Decimal("3650"), integer=True,
                      help="After the delay, their wage falls linearly to the new one over these days."),
        *(ParameterSpec(f"subsidy_{kind}", f"Subsidy on {kind} facilities", "0", Decimal("0"), Decimal("1"),
                        help=f"Share of {'an' if kind[0] in 'aeiou' else 'a'} {kind} unit's monthly cost the capital pool "
                             "bears; members pay the rest.")
          for kind in ("housing", "office", "health", "education")),
        ParameterSpec("facility_amortisation_years", "Years over which a facility's purchase is amortised", "30",
                      Decimal("1"), Decimal("100"), integer=True,
                      help="A unit's monthly cost includes its purchase price divided over this many years."),
        ParameterSpec("health_plan_min_inside_share", "Health plan: least share of commerce inside the co-op",
                      "0.5", Decimal("0"), Decimal("1"),
                      help="Members whose RSC spent inside is at least this share of their commerce may enroll."),
        ParameterSpec("health_plan_premium", "Health plan: monthly premium per member (RSC)", "0", Decimal("0"),
                      Decimal("100000"), help="What the group insurance costs a month for each enrolled member; 0: no plan."),
        ParameterSpec("health_plan_member_share", "Health plan: share of the premium the member pays", "0.5",
                      Decimal("0"), Decimal("1"), help="The capital pool pays the rest of each premium."),
        ParameterSpec("health_plan_period_days", "Health plan: days over which the inside share is counted", "90",
                      Decimal("7"), Decimal("3650"), integer=True,
                      help="The rolling period of commerce that decides who may enroll."),
    )
}


def register(spec: ParameterSpec) -> ParameterSpec:
    """Add a plain parameter. Registering the same name twice replaces it (module reloads in tests)."""
    if len(spec.name) > NAME_MAX or spec.name.count(".") > 1:
        raise ValueError(f"{spec.name!r} cannot be a plain parameter's name")
    spec.validate(spec.default)
    SPECS[spec.name] = spec
    return spec


def unregister(name: str) -> None:
    SPECS.pop(name, None)


def in_section(section: str) -> dict[str, ParameterSpec]:
    """The plain parameters of one section ("" is the region's everyday parameters)."""
    return {name: spec for name, spec in SPECS.items() if spec.section == section}


@dataclass(frozen=True)
class ParameterFamily:
    """Parameters `<prefix>.<key>.<field>` kept on another area's rows (one row per key).

    `normalise_key` returns the canonical key or raises ValidationError; `read` gives a field's
    current value, or None when the region has no row for the key yet; `write` stores a value
    (creating the row with its defaults if needed) inside the caller's transaction.
    """

    prefix: str
    label: str
    fields: tuple[ParameterSpec, ...]
    normalise_key: Callable[[str], str]
    read: Callable[[Session, int, str, str], str | None]
    write: Callable[[Session, int, str, str, str, datetime], None]

    def field(self, name: str) -> ParameterSpec | None:
        return next((f for f in self.fields if f.name == name), None)

    @property
    def pattern(self) -> str:
        return f"{self.prefix}.<name>.<{'|'.join(f.name for f in self.fields)}>"


@dataclass(frozen=True)
class FamilyParameter:
    """One resolved family name: `occupation.welder.skill` -> the family, "welder", "skill"."""

    family: ParameterFamily
    key: str
    field: str
    spec: ParameterSpec


FAMILIES: dict[str, ParameterFamily] = {}


def register_family(family: ParameterFamily) -> ParameterFamily:
    """Add a family. Registering the same prefix twice replaces it (module reloads in tests)."""
    if family.prefix in SPECS or "." in family.prefix:
        raise ValueError(f"{family.prefix!r} cannot be a family prefix")
    FAMILIES[family.prefix] = family
    return family


def family_parameter(name: object) -> FamilyParameter | None:
    """Resolve a family name; None when `name` names no family (a plain or an unknown name).
    A known family with a bad key or field raises ValidationError on "name"."""
    if not isinstance(name, str) or name.count(".") != 2:
        return None
    prefix, key, field = name.split(".")
    family = FAMILIES.get(prefix)
    if family is None:
        return None
    field_spec = family.field(field)
    if field_spec is None:
        raise ValidationError.for_field("name", f"must be {family.pattern}")
    key = family.normalise_key(key)
    canonical = f"{prefix}.{key}.{field}"
    if len(canonical) > NAME_MAX:
        raise ValidationError.for_field("name", f"must be at most {NAME_MAX} characters")
    label = f"{family.label} {key}: {field_spec.label.lower()}"
    return FamilyParameter(family, key, field, replace(field_spec, name=canonical, label=label))


def known_names() -> str:
    """The names `spec` accepts, for messages: the plain ones (dotted ones by their pattern, such
    as `quorum.<name>`), then each family's pattern."""
    names = dict.fromkeys(name if "." not in name else f"{name.split('.')[0]}.<name>" for name in SPECS)
    return ", ".join([*names, *(family.pattern for family in FAMILIES.values())])


def spec(name: str) -> ParameterSpec:
    if isinstance(name, str) and name in SPECS:
        return SPECS[name]
    resolved = family_parameter(name)
    if resolved is None:
        raise ValidationError.for_field("name", f"unknown parameter {name!r}")
    return resolved.spec


def defaults() -> dict[str, str]:
    """The plain parameters' defaults (family values start with their rows' own defaults)."""
    return {name: s.default for name, s in SPECS.items()}
