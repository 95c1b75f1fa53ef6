"""What each worker is paid an hour on a given day: one rule, used by payroll, its preview and the
company page.

* A worker-owned company pays the rates it sets. When the region makes the wage table binding
  (`wage_table_binding` = 1) the table is a **floor**: a worker gets their company's rate or the
  table's wage for them, whichever is higher (the table's alone when the company set none).
* A region-owned company pays the wage table, cuts reaching its workers through the delay and
  decay of `wages/decay.py`. An employee an acquisition invited keeps the wage they were invited
  at: it is where their schedule starts, whatever the table said then; a later table wage above it
  raises it at once, one below it cuts it through the decay. Where the table has no wage for an
  occupation (and the worker keeps none), the rate its admins set applies.
* Wherever the table's wage is paid, the worker's productivity moves it within the occupation's
  voted range (`wages.calculator.with_productivity`); the productivity itself is held within the
  region's `productivity_min`..`productivity_max` at pay time, so narrower bounds voted later
  apply to the next payroll.

One query for the table and one for the occupations' ranges, whatever the number of workers.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from govern.companies.models import OWNER_REGION, Company
from govern.money import MINOR_PER_UNIT
from govern.regions import service as regions
from govern.wages import calculator, service as wages

OWN = "own"      # the rate the company set
TABLE = "table"  # the wage table's wage (a kept wage included), moved by productivity


@dataclass(frozen=True)
class Terms:
    """What a worker's rate depends on."""

    member_id: int
    occupation: str
    hourly_rate_minor: int | None
    kept_wage_minor: int | None
    hired_at: datetime
    productivity: str


@dataclass(frozen=True)
class Rate:
    rate_minor: int
    source: str                     # OWN or TABLE
    base_minor: int                 # the table's wage before productivity (= rate for OWN)
    productivity: str | None = None  # the productivity applied (TABLE only)


def rates_for(session: Session, company: Company, workers: list[Terms], on: date) -> dict[int, Rate | None]:
    """Each worker's rate on `on` (None: nobody set one and the table has none)."""
    params = regions.all_parameters(session, company.region_id)
    own = {w.member_id: None if w.hourly_rate_minor is None else Rate(w.hourly_rate_minor, OWN, w.hourly_rate_minor)
           for w in workers}
    binding = params["wage_table_binding"] == "1"
    if company.owner != OWNER_REGION and not binding:
        return own
    table = _table_rates(session, company, workers, on, params)
    if company.owner == OWNER_REGION:
        return {w.member_id: table[w.member_id] or own[w.member_id] for w in workers}
    return {w.member_id: _higher(own[w.member_id], table[w.member_id]) for w in workers}


def _higher(first: Rate | None, second: Rate | None) -> Rate | None:
    if first is None or second is None:
        return first or second
    return second if second.rate_minor > first.rate_minor else first


def _table_rates(session: Session, company: Company, workers: list[Terms], on: date,
                 params: dict[str, str]) -> dict[int, Rate | None]:
    kept = company.owner == OWNER_REGION
    terms = {w.member_id: wages.WorkerTerms(w.occupation, company.industry, w.hired_at,
                                            w.kept_wage_minor if kept else None) for w in workers}
    table = wages.wages_for_workers(session, company.region_id, terms.values(), on)
    ranges = wages.productivity_ranges(session, company.region_id, [w.occupation for w in workers])
    low, high = Decimal(params["productivity_min"]), Decimal(params["productivity_max"])
    minimum = int(Decimal(params["minimum_wage"]) * MINOR_PER_UNIT)
    rates: dict[int, Rate | None] = {}
    for w in workers:
        base = table[terms[w.member_id]]
        if base is None:
            rates[w.member_id] = None
            continue
        level = min(max(Decimal(w.productivity), low), high)
        rate = calculator.with_productivity(base, level, ranges[w.occupation], minimum)
        rates[w.member_id] = Rate(rate, TABLE, base, str(level))
    return rates


def terms_of(worker) -> Terms:
    """A worker row's terms."""
    return Terms(worker.member_id, worker.occupation, worker.hourly_rate_minor, worker.kept_wage_minor,
                 worker.hired_at, worker.productivity)


def rates_of_workers(session: Session, company: Company, workers: list, on: date) -> dict[int, Rate | None]:
    """What payroll would pay each of these workers an hour on `on` (the company page, the API)."""
    return rates_for(session, company, [terms_of(w) for w in workers], on)
