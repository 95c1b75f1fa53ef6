"""JSON API: regions (public)."""
from __future__ import annotations

from typing import Literal

from flask import jsonify

from govern.apiutil import api_blueprint, endpoint, page
from govern.extensions import db
from govern.money import Money
from govern.regions import service as regions
from govern.schemas import Answer, Money as MoneyShape, Page, Paging

bp = api_blueprint("regions_api", __name__)


class RegionAnswer(Answer):
    id: int
    name: str
    parent_id: int | None
    status: Literal["active", "dissolved"]
    parameters: dict[str, str]
    capital_pool: MoneyShape
    usd_reserve: MoneyShape
    rsc_outstanding: MoneyShape
    member_count: int
    equal_share: MoneyShape


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
    }


@bp.get("/regions")
@endpoint(public=True, answer=Page[RegionAnswer], errors=(400,))
def list_regions(query: Paging):
    """All regions"""
    rows = regions.list_regions(db.session, after=query.cursor_id(), limit=query.limit + 1)
    return jsonify(page(rows, query.limit, lambda r: region_json(regions.summary(db.session, r.id)), lambda r: r.id))


@bp.get("/regions/<int:region_id>")
@endpoint(public=True, answer=RegionAnswer, errors=(404,))
def show_region(region_id: int):
    """A region's public figures"""
    return jsonify(region_json(regions.summary(db.session, region_id)))
