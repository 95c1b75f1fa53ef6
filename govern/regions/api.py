"""JSON API: regions (public)."""
from __future__ import annotations

from flask import jsonify

from govern.apiutil import api_blueprint, page, page_params
from govern.extensions import db
from govern.money import Money
from govern.regions import service as regions

bp = api_blueprint("regions_api", __name__)


def region_json(s: regions.RegionSummary) -> dict:
    r = s.region
    return {
        "id": r.id, "name": r.name, "parent_id": r.parent_id, "status": r.status,
        "parameters": s.parameters,
        "capital_pool": Money(s.capital_pool, "RSC").to_json(),
        "usd_reserve": Money(s.usd_reserve, "USD").to_json(),
        "rsc_outstanding": Money(s.rsc_outstanding, "RSC").to_json(),
        "member_count": s.member_count,
        "equal_share": Money(s.equal_share, "RSC").to_json(),
        "co_op_assets": {"capital_pool": Money(s.capital_pool, "RSC").to_json(),
                         **{key: Money(amount, "RSC").to_json() for key, _, amount in s.holdings},
                         "total": Money(s.co_op_assets, "RSC").to_json()},
    }


@bp.get("/regions")
def list_regions():
    cursor, limit = page_params()
    rows = regions.list_regions(db.session, after=cursor, limit=limit + 1)
    return jsonify(page(rows, limit, lambda r: region_json(regions.summary(db.session, r.id)), lambda r: r.id))


@bp.get("/regions/<int:region_id>")
def show_region(region_id: int):
    return jsonify(region_json(regions.summary(db.session, region_id)))
