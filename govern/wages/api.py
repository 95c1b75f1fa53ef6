"""JSON API: the public wage table and the wage calculator (no token needed). `?region_id=`
picks a region; by default the caller's (with a token), else the oldest active one."""
from __future__ import annotations

from typing import Annotated

from pydantic import Field

from govern.apiutil import api_blueprint, endpoint, listed, optional_member
from govern.extensions import db
from govern.schemas import Answer, Cause, Name, Page, RegionPaging, RegionQuery, Rsc, Text, Time, With, cents
from govern.wages import names, service as wages

bp = api_blueprint("wages_api", __name__)
FACTORS = ("need", "skill", "stress", "danger", "industry_weight", "productivity_range", "industry_need")

class CalculatorQuery(RegionQuery):
    occupation: Name
    industry: Name | None = None
    productivity: Annotated[str, Field(pattern=r"^(?:0(?:\.[0-9]{1,12})?|1(?:\.0{1,12})?)$",
                                       description="From 0 to 1")] = "0.5"


class WageRate(Answer):
    id: int
    occupation: str
    industry: str | None
    occupation_label: str
    industry_label: str | None
    hourly_wage: Rsc = cents("hourly_wage")
    effective_from: Time
    reduction_delay_days: int
    reduction_decay_days: int
    cause: Cause


class WageCalculation(Answer):
    occupation: str
    industry: str | None
    productivity: Text
    factors: dict[str, Text]
    parameters: dict[str, Text]
    ratio: Text
    base: Text
    adjustment: Text
    at_minimum: bool
    hourly_wage: Rsc = cents("hourly")


def _region_id(requested: int | None) -> int:
    member = optional_member()
    return wages.table_region(db.session, requested, member.region_id if member else None).id


def rate_answer(row: wages.TableRow) -> WageRate:
    rate = row.rate
    return WageRate.model_validate(With(rate, occupation_label=row.occupation_label, industry_label=row.industry_label,
                                        cause={"type": rate.cause_type, "id": rate.cause_id}))


@bp.get("/wages")
@endpoint(public=True, answer=Page[WageRate], errors=(400, 404))
def table(query: RegionPaging):
    """The public wage table: each occupation's (and industry's) current hourly wage, newest decision first"""
    rows = wages.current_table(db.session, _region_id(query.region_id), before=query.cursor_id(), limit=query.limit + 1)
    return listed(WageRate, rows, query.limit, cursor_of=lambda row: row.rate.id, render=rate_answer)


@bp.get("/wages/calculator")
@endpoint(public=True, answer=WageCalculation, errors=(400, 404))
def calculator(query: CalculatorQuery):
    """The wage calculator: a wage from the occupation's and industry's factors and a productivity"""
    productivity = wages.parse_productivity(query.productivity)
    result = wages.wage_calculation(db.session, _region_id(query.region_id), query.occupation, query.industry,
                                    productivity)
    factors, constants = result.factors, result.constants
    return WageCalculation.model_validate(With(
        result, occupation=names.normalise(query.occupation, "occupation"),
        industry=names.optional(query.industry, "industry"), hourly=result.hourly_minor,
        factors={name: getattr(factors, name) for name in FACTORS},
        parameters={name: getattr(constants, name) for name in ("starting_wage", "wage_multiplier", "minimum_wage")}))
