"""The wage table: occupations and industries, the voted hourly wages with their history, what
a worker gets on a given day (decay.py's rule), and the wage calculator (calculator.py).

Every function takes the session; those that write take `now` and run in one unit of work
(joining the caller's, so companies can call `ensure_occupation` inside their own). Money is
integer cents of RSC per hour.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Iterable, NamedTuple

from sqlalchemy import func, insert, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

from govern.database import write_transaction
from govern.errors import Conflict, NotFound, ValidationError
from govern.money import MAX_MINOR, parse_decimal
from govern.regions import founding, parameters, service as regions
from govern.regions.models import Region
from govern.wages import calculator, decay, names
from govern.wages.models import INDUSTRY_FACTORS, OCCUPATION_FACTORS, Industry, Occupation, WageRate

DEFAULT_PAGE = 50
HISTORY_LIMIT = 500
DELAY_PARAMETER = "wage_cut_delay_days"
DECAY_PARAMETER = "wage_cut_decay_days"


# --- occupations and industries ------------------------------------------------------------

def _find(session: Session, model, region_id: int, name: str):
    return session.execute(
        select(model).where(model.region_id == region_id, model.name == name)
    ).scalar_one_or_none()


def find_occupation(session: Session, region_id: int, name: str) -> Occupation | None:
    """The occupation of exactly this canonical name, or None."""
    return _find(session, Occupation, region_id, name)


def find_industry(session: Session, region_id: int, name: str) -> Industry | None:
    return _find(session, Industry, region_id, name)


def ensure_occupation(session: Session, region_id: int, name: str, now: datetime) -> Occupation:
    """The region's occupation of that name (see names.py), created with the default factors on
    first use. Safe when two requests create the same one at once."""
    canonical = names.normalise(name, "occupation")
    return _ensure(session, Occupation, region_id, canonical, names.label(name), now)


def ensure_industry(session: Session, region_id: int, name: str, now: datetime) -> Industry:
    """The region's industry of that name, created with a need of 0.5 on first use."""
    canonical = names.normalise(name, "industry")
    return _ensure(session, Industry, region_id, canonical, names.label(name), now)


def _ensure(session: Session, model, region_id: int, name: str, label: str, now: datetime):
    """Find, or insert and find: INSERT … ON CONFLICT DO NOTHING, so a simultaneous first use
    elsewhere is simply found."""
    found = _find(session, model, region_id, name)
    if found is not None:
        return found
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    factors = OCCUPATION_FACTORS if model is Occupation else INDUSTRY_FACTORS
    with write_transaction(session):
        session.execute(dialect.insert(model).values(
            region_id=region_id, name=name, label=label[:60], created_at=now, **factors,
        ).on_conflict_do_nothing(index_elements=["region_id", "name"]))
        return _find(session, model, region_id, name)


def occupation_names(session: Session, region_id: int, *, limit: int = 500) -> list[str]:
    return list(session.execute(
        select(Occupation.name).where(Occupation.region_id == region_id).order_by(Occupation.name).limit(limit)
    ).scalars())


def industry_names(session: Session, region_id: int, *, limit: int = 500) -> list[str]:
    return list(session.execute(
        select(Industry.name).where(Industry.region_id == region_id).order_by(Industry.name).limit(limit)
    ).scalars())


def industry_labels(session: Session, region_id: int, industries: Iterable[str | None]) -> dict[str, str]:
    wanted = sorted({name for name in industries if name})
    if not wanted:
        return {}
    return dict(session.execute(
        select(Industry.name, Industry.label).where(Industry.region_id == region_id, Industry.name.in_(wanted))
    ).all())


def get_occupation(session: Session, region_id: int, name: str) -> Occupation:
    """The occupation, or NotFound (also for a name no occupation could have)."""
    try:
        occupation = find_occupation(session, region_id, names.normalise(name, "occupation"))
    except ValidationError:
        occupation = None
    if occupation is None:
        raise NotFound("This region has no occupation of that name.")
    return occupation


def table_region(session: Session, requested: int | None, viewer_region_id: int | None) -> Region:
    """The region whose wage table to show: the one asked for, else the viewer's, else the
    oldest active region (the table is public, so nobody needs to log in)."""
    if requested is not None or viewer_region_id is not None:
        return regions.get_region(session, requested if requested is not None else viewer_region_id)
    region = regions.default_region(session)
    if region is None:
        raise NotFound("There is no region yet.")
    return region


# --- the table -----------------------------------------------------------------------------

def set_wage(
    session: Session, region_id: int, occupation: str, industry: str | None, hourly_wage_minor: int, *,
    now: datetime, cause_type: str, cause_id: str | int | None,
    reduction_delay_days: int | None = None, reduction_decay_days: int | None = None,
) -> WageRate:
    """Add a row to the table: from `now` it is the wage for this occupation (and industry, or
    none). A cut reaches workers hired before `now` after the delay and decay (decay.py); None
    for either takes the region's `wage_cut_delay_days` / `wage_cut_decay_days`."""
    _check_wage(hourly_wage_minor)
    with write_transaction(session):
        occupation = ensure_occupation(session, region_id, occupation, now).name
        if names.optional(industry, "industry") is not None:
            industry = ensure_industry(session, region_id, industry, now).name
        else:
            industry = None
        delay = _days(session, region_id, reduction_delay_days, DELAY_PARAMETER, "reduction_delay_days")
        decay_days = _days(session, region_id, reduction_decay_days, DECAY_PARAMETER, "reduction_decay_days")
        latest = current_wage(session, region_id, occupation, industry)
        if latest is not None and now < latest.effective_from:
            raise Conflict("The table already has a later wage for this occupation.", code="wage_out_of_order")
        row = WageRate(
            region_id=region_id, occupation=occupation, industry=industry, hourly_wage_minor=hourly_wage_minor,
            effective_from=now, reduction_delay_days=delay, reduction_decay_days=decay_days,
            cause_type=cause_type, cause_id=None if cause_id is None else str(cause_id),
        )
        session.add(row)
        session.flush()
    return row


def _check_wage(minor: object) -> None:
    if isinstance(minor, bool) or not isinstance(minor, int) or minor <= 0:
        raise ValidationError.for_field("hourly_wage", "must be more than zero")
    if minor > MAX_MINOR:
        raise ValidationError.for_field("hourly_wage", "is too large")


def _days(session: Session, region_id: int, value: object, parameter: str, field: str) -> int:
    """A delay in whole days within the bounds of its region parameter; None: the parameter."""
    if value is None:
        return int(regions.parameter(session, region_id, parameter))
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError.for_field(field, "must be a whole number of days")
    return int(parameters.spec(parameter).validate(str(value), field))


def _industry_is(industry: str | None):
    return WageRate.industry.is_(None) if industry is None else WageRate.industry == industry


def current_wage(session: Session, region_id: int, occupation: str, industry: str | None) -> WageRate | None:
    """The table's row for exactly this occupation and industry (or none), if it has one."""
    return session.execute(
        select(WageRate).where(WageRate.region_id == region_id, WageRate.occupation == occupation,
                               _industry_is(industry))
        .order_by(WageRate.id.desc()).limit(1)
    ).scalar_one_or_none()


@dataclass(frozen=True)
class TableRow:
    rate: WageRate
    occupation_label: str
    industry_label: str | None


def current_table(session: Session, region_id: int, *, before: int | None = None,
                  limit: int = DEFAULT_PAGE) -> list[TableRow]:
    """The current row of each occupation and industry, newest decision first, paged by id.
    The database picks the rows (max id per group, on the index); history is never loaded."""
    latest = (select(func.max(WageRate.id)).where(WageRate.region_id == region_id)
              .group_by(WageRate.occupation, WageRate.industry))
    industry = aliased(Industry)
    query = (
        select(WageRate, Occupation.label, industry.label)
        .join(Occupation, (Occupation.region_id == WageRate.region_id) & (Occupation.name == WageRate.occupation))
        .outerjoin(industry, (industry.region_id == WageRate.region_id) & (industry.name == WageRate.industry))
        .where(WageRate.id.in_(latest)).order_by(WageRate.id.desc()).limit(limit)
    )
    if before is not None:
        query = query.where(WageRate.id < before)
    return [TableRow(rate, occupation_label, industry_label)
            for rate, occupation_label, industry_label in session.execute(query).all()]


def history(session: Session, region_id: int, occupation: str, industry: str | None, *,
            limit: int = HISTORY_LIMIT) -> list[WageRate]:
    """The rows of one occupation and industry (or none), oldest first (the latest `limit`)."""
    rows = session.execute(
        select(WageRate).where(WageRate.region_id == region_id, WageRate.occupation == occupation,
                               _industry_is(industry))
        .order_by(WageRate.id.desc()).limit(limit)
    ).scalars().all()
    return list(reversed(rows))


def occupation_history(session: Session, region_id: int, occupation: str, *,
                       limit: int = HISTORY_LIMIT) -> list[WageRate]:
    """Every row of one occupation, in any industry, oldest first (the latest `limit`)."""
    rows = session.execute(
        select(WageRate).where(WageRate.region_id == region_id, WageRate.occupation == occupation)
        .order_by(WageRate.id.desc()).limit(limit)
    ).scalars().all()
    return list(reversed(rows))


# --- what a worker gets --------------------------------------------------------------------

class WorkerTerms(NamedTuple):
    """What the table wage of one worker depends on: a kept wage is the wage an acquired
    business's employee joined at (see decay.py)."""

    occupation: str
    industry: str | None
    hired_at: datetime
    kept: int | None = None


def wage_for_worker(session: Session, region_id: int, occupation: str, industry: str | None,
                    hired_at: datetime, on: date) -> int | None:
    """The table's hourly wage in cents for a worker of this occupation and industry, hired at
    `hired_at`, on the day `on`, cuts decaying as decay.py says; None when the table has no
    row for them. The industry's own rows come first; the occupation's general rows (industry
    none) apply while the industry has none of its own."""
    terms = WorkerTerms(occupation, industry, hired_at)
    return wages_for_workers(session, region_id, [terms], on)[terms]


def wages_for_workers(session: Session, region_id: int, workers: Iterable[WorkerTerms],
                      on: date) -> dict[WorkerTerms, int | None]:
    """`wage_for_worker` for many workers in one query (a payroll of any size)."""
    canonical = {t: _canonical_terms(t) for t in set(workers)}  # many workers share their terms
    changes = _table_changes(session, region_id, {(c.occupation, c.industry) for c in canonical.values()}, on)
    return {t: decay.wage_on(changes[(c.occupation, c.industry)], c.hired_at, on, c.kept) for t, c in canonical.items()}


def _canonical_terms(terms: WorkerTerms) -> WorkerTerms:
    if terms.hired_at.tzinfo is None:
        raise ValueError("hired_at must be an aware datetime")
    return WorkerTerms(names.normalise(terms.occupation, "occupation"), names.optional(terms.industry, "industry"),
                       terms.hired_at, terms.kept)


def _table_changes(session: Session, region_id: int, pairs: set[tuple[str, str | None]],
                   on: date) -> dict[tuple[str, str | None], list[decay.TableChange]]:
    if not pairs:
        return {}
    day_after = datetime.combine(on + timedelta(days=1), time.min, tzinfo=timezone.utc)
    rows = session.execute(
        select(WageRate).where(WageRate.region_id == region_id,
                               WageRate.occupation.in_(sorted({occupation for occupation, _ in pairs})),
                               or_(WageRate.industry.is_(None),
                                   WageRate.industry.in_(sorted({i for _, i in pairs if i is not None}))),
                               WageRate.effective_from < day_after)
        .order_by(WageRate.id)
    ).scalars().all()
    by_occupation: dict[str, list[WageRate]] = defaultdict(list)
    for row in rows:
        by_occupation[row.occupation].append(row)
    return {(occupation, industry): _merged(by_occupation[occupation], industry) for occupation, industry in pairs}


def _merged(rows: list[WageRate], industry: str | None) -> list[decay.TableChange]:
    """The table wage a worker in `industry` has, change by change: the occupation's general
    rows until the industry has a row of its own, then only the industry's rows."""
    changes = []
    own_rows = False
    for row in rows:
        if row.industry is not None:
            if row.industry != industry:
                continue
            own_rows = True
        elif own_rows:
            continue
        changes.append(decay.TableChange(row.effective_from, row.hourly_wage_minor, row.reduction_delay_days,
                                         row.reduction_decay_days))
    return changes


def productivity_ranges(session: Session, region_id: int, occupations: Iterable[str]) -> dict[str, Decimal]:
    """Each occupation's voted `productivity_range` (how far productivity moves its wage), in one
    query; an occupation without a row has the starting range."""
    wanted = sorted(set(occupations))
    found = dict(session.execute(select(Occupation.name, Occupation.productivity_range).where(
        Occupation.region_id == region_id, Occupation.name.in_(wanted))).all()) if wanted else {}
    return {name: Decimal(found.get(name, OCCUPATION_FACTORS["productivity_range"])) for name in wanted}


# --- the calculator ------------------------------------------------------------------------

def parse_productivity(text: object) -> Decimal:
    value = parse_decimal(text, "productivity")
    if not 0 <= value <= 1:
        raise ValidationError.for_field("productivity", "must be between 0 and 1")
    return value


def wage_calculation(session: Session, region_id: int, occupation: str, industry: str | None,
                     productivity: Decimal) -> calculator.Calculation:
    """The calculator's wage with every step shown. An occupation or industry the region has
    not used yet is calculated with the starting factors (nothing is created); no industry
    means one of average need (0.5)."""
    if not isinstance(productivity, Decimal) or not 0 <= productivity <= 1:
        raise ValidationError.for_field("productivity", "must be between 0 and 1")
    occupation_name = names.normalise(occupation, "occupation")
    industry_name = names.optional(industry, "industry")
    found = find_occupation(session, region_id, occupation_name)
    factors = {name: getattr(found, name) if found else default for name, default in OCCUPATION_FACTORS.items()}
    found_industry = find_industry(session, region_id, industry_name) if industry_name else None
    industry_need = found_industry.need if found_industry else INDUSTRY_FACTORS["need"]
    return calculator.calculate(
        calculator.Factors(**{name: Decimal(value) for name, value in factors.items()},
                           industry_need=Decimal(industry_need)),
        calculator.Constants(starting_wage=regions.parameter(session, region_id, "starting_wage"),
                             wage_multiplier=regions.parameter(session, region_id, "wage_multiplier"),
                             minimum_wage=regions.parameter(session, region_id, "minimum_wage")),
        productivity,
    )


def calculate_wage(session: Session, region_id: int, occupation: str, industry: str | None,
                   productivity: Decimal) -> int:
    """The calculator's hourly wage in cents (see calculator.py for the formula)."""
    return wage_calculation(session, region_id, occupation, industry, productivity).hourly_minor


# --- factors as region parameters ----------------------------------------------------------

def _read_factor(model, session: Session, region_id: int, key: str, field: str) -> str | None:
    row = _find(session, model, region_id, key)
    return None if row is None else getattr(row, field)


def _write_occupation_factor(session: Session, region_id: int, key: str, field: str, value: str,
                             now: datetime) -> None:
    setattr(ensure_occupation(session, region_id, key, now), field, value)


def _write_industry_factor(session: Session, region_id: int, key: str, field: str, value: str,
                           now: datetime) -> None:
    setattr(ensure_industry(session, region_id, key, now), field, value)


def _factor_spec(name: str, label: str, defaults: dict[str, str], help_text: str) -> parameters.ParameterSpec:
    return parameters.ParameterSpec(name, label, defaults[name], Decimal("0"), Decimal("1"), help=help_text)


OCCUPATION_FACTOR_SPECS = (
    _factor_spec("need", "Need", OCCUPATION_FACTORS, "How much the region needs this work."),
    _factor_spec("skill", "Skill", OCCUPATION_FACTORS, "How much skill and training the work takes."),
    _factor_spec("stress", "Stress", OCCUPATION_FACTORS, "How stressful the work is."),
    _factor_spec("danger", "Danger", OCCUPATION_FACTORS, "How dangerous the work is."),
    _factor_spec("industry_weight", "Industry weight", OCCUPATION_FACTORS, "How much the industry's need counts."),
    _factor_spec("productivity_range", "Productivity range", OCCUPATION_FACTORS,
                 "How far productivity moves the wage: 0.2 gives 80% to 120% of the base."),
)
INDUSTRY_FACTOR_SPECS = (
    _factor_spec("need", "Need", INDUSTRY_FACTORS, "How much the region needs this industry."),
)

parameters.register_family(parameters.ParameterFamily(
    prefix="occupation", label="Occupation", fields=OCCUPATION_FACTOR_SPECS,
    normalise_key=lambda key: names.normalise(key, "name"),
    read=lambda session, region_id, key, field: _read_factor(Occupation, session, region_id, key, field),
    write=_write_occupation_factor,
))
parameters.register_family(parameters.ParameterFamily(
    prefix="industry", label="Industry", fields=INDUSTRY_FACTOR_SPECS,
    normalise_key=lambda key: names.normalise(key, "name"),
    read=lambda session, region_id, key, field: _read_factor(Industry, session, region_id, key, field),
    write=_write_industry_factor,
))


# --- a region founded from another's template, or split off it -----------------------------

def copy_wage_setup(session: Session, source_id: int, target_id: int, how: founding.Copying) -> int:
    """The source region's occupations and industries (with their factors) and its wage table,
    onto a new region. With `how.keep_history` (a split) every row of the table is copied as it
    was, dated as it was, so a cut phasing in goes on phasing in for the workers who move; without
    (a template), the current row of each occupation and industry, from `how.now`, with the cause
    given. Returns the rows written."""
    written = 0
    for model, factors in ((Occupation, OCCUPATION_FACTORS), (Industry, INDUSTRY_FACTORS)):
        rows = session.execute(select(model).where(model.region_id == source_id).order_by(model.id)).scalars().all()
        if rows:
            session.execute(insert(model), [
                {"region_id": target_id, "name": row.name, "label": row.label, "created_at": how.now,
                 **{field: getattr(row, field) for field in factors}} for row in rows])
            written += len(rows)
    query = select(WageRate).where(WageRate.region_id == source_id).order_by(WageRate.id)
    if not how.keep_history:
        query = query.where(WageRate.id.in_(select(func.max(WageRate.id)).where(WageRate.region_id == source_id)
                                            .group_by(WageRate.occupation, WageRate.industry)))
    rates = session.execute(query).scalars().all()
    for rate in rates:  # one by one, so the copies' ids keep the rows' order ("the latest is the highest id")
        session.add(WageRate(
            region_id=target_id, occupation=rate.occupation, industry=rate.industry,
            hourly_wage_minor=rate.hourly_wage_minor,
            effective_from=rate.effective_from if how.keep_history else how.now,
            reduction_delay_days=rate.reduction_delay_days, reduction_decay_days=rate.reduction_decay_days,
            cause_type=rate.cause_type if how.keep_history else how.cause_type,
            cause_id=rate.cause_id if how.keep_history else None if how.cause_id is None else str(how.cause_id)))
        session.flush()
    return written + len(rates)


founding.register_part(founding.TemplatePart("wages", "Occupations, industries and the wage table", copy_wage_setup))
