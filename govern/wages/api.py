"""JSON API: the public wage table and the wage calculator (no token needed). `?region_id=`
picks a region; by default the caller's (with a token), else the oldest active one."""
from __future__ import annotations

from flask import jsonify, request

from govern.apiutil import api_blueprint, iso, optional_member, page, page_params
from govern.errors import ValidationError
from govern.extensions import db
from govern.ids import whole_number
from govern.money import Money
from govern.wages import names, service as wages
from govern.wages.calculator import Calculation

bp = api_blueprint("wages_api", __name__)


def _region_id() -> int:
    requested = request.args.get("region_id")
    region_id = None if requested is None else whole_number(requested)
    if requested is not None and region_id is None:
        raise ValidationError.for_field("region_id", "must be a region id")
    member = optional_member()
    return wages.table_region(db.session, region_id,
                              member.region_id if member else None).id


def rate_json(row: wages.TableRow) -> dict:
    rate = row.rate
    return {
        "id": rate.id, "occupation": rate.occupation, "industry": rate.industry,
        "occupation_label": row.occupation_label, "industry_label": row.industry_label,
        "hourly_wage": Money(rate.hourly_wage_minor, "RSC").to_json(),
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
        "hourly_wage": Money(result.hourly_minor, "RSC").to_json(),
    }


@bp.get("/wages")
def table():
    region_id = _region_id()
    cursor, limit = page_params()
    rows = wages.current_table(db.session, region_id, before=cursor, limit=limit + 1)
    return jsonify(page(rows, limit, rate_json, lambda row: row.rate.id))


@bp.get("/wages/calculator")
def calculator():
    region_id = _region_id()
    occupation = request.args.get("occupation", "")
    industry = request.args.get("industry") or None
    productivity = wages.parse_productivity(request.args.get("productivity", "0.5"))
    result = wages.wage_calculation(db.session, region_id, occupation, industry, productivity)
    return jsonify(calculation_json(names.normalise(occupation, "occupation"), names.optional(industry, "industry"),
                                    result))
