"""JSON API: the public wage table and the wage calculator (no token needed). `?region_id=`
picks a region; by default the caller's (with a token), else the oldest active one."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated

from flask import jsonify
from pydantic import Field

from govern.apiutil import api_blueprint, endpoint, iso, optional_member, page
from govern.extensions import db
from govern.schemas import Answer, Cause, Money, Name, Page, RegionPaging, RegionQuery, minor_money
from govern.wages import names, service as wages
from govern.wages.calculator import Calculation

bp = api_blueprint("wages_api", __name__)

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
    hourly_wage: Money
    effective_from: datetime
    reduction_delay_days: int
    reduction_decay_days: int
    cause: Cause


class WageCalculation(Answer):
    occupation: str
    industry: str | None
    productivity: str
    factors: dict[str, str]
    parameters: dict[str, str]
    ratio: str
    base: str
    adjustment: str
    at_minimum: bool
    hourly_wage: Money


def _region_id(requested: int | None) -> int:
    member = optional_member()
    return wages.table_region(db.session, requested, member.region_id if member else None).id


def rate_json(row: wages.TableRow) -> dict:
    rate = row.rate
    return {
        "id": rate.id, "occupation": rate.occupation, "industry": rate.industry,
        "occupation_label": row.occupation_label, "industry_label": row.industry_label,
        "hourly_wage": minor_money(rate.hourly_wage_minor, "RSC"),
        "effective_from": iso(rate.effective_from),
        "reduction_delay_days": rate.reduction_delay_days, "reduction_decay_days": rate.reduction_decay_days,
        "cause": {"type": rate.cause_type, "id": rate.cause_id},
    }


def calculation_json(occupation: str, industry: str | None, result: Calculation) -> dict:
    factors = result.factors
    return {
        "occupation": occupation, "industry": industry, "productivity": str(result.productivity),
        "factors": {name: str(getattr(factors, name)) for name in
                    ("need", "skill", "stress", "danger", "industry_weight", "productivity_range", "industry_need")},
        "parameters": {name: str(getattr(result.constants, name))
                       for name in ("starting_wage", "wage_multiplier", "minimum_wage")},
        "ratio": str(result.ratio), "base": str(result.base), "adjustment": str(result.adjustment),
        "at_minimum": result.at_minimum,
        "hourly_wage": minor_money(result.hourly_minor, "RSC"),
    }


@bp.get("/wages")
@endpoint(public=True, answer=Page[WageRate], errors=(400, 404))
def table(query: RegionPaging):
    """The public wage table: each occupation's (and industry's) current hourly wage, newest decision first"""
    rows = wages.current_table(db.session, _region_id(query.region_id), before=query.cursor_id(), limit=query.limit + 1)
    return jsonify(page(rows, query.limit, rate_json, lambda row: row.rate.id))


@bp.get("/wages/calculator")
@endpoint(public=True, answer=WageCalculation, errors=(400, 404))
def calculator(query: CalculatorQuery):
    """The wage calculator: a wage from the occupation's and industry's factors and a productivity"""
    productivity = wages.parse_productivity(query.productivity)
    result = wages.wage_calculation(db.session, _region_id(query.region_id), query.occupation, query.industry,
                                    productivity)
    return jsonify(calculation_json(names.normalise(query.occupation, "occupation"),
                                    names.optional(query.industry, "industry"), result))
