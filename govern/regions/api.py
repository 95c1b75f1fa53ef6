"""JSON API: regions (public)."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from govern.apiutil import api_blueprint, endpoint, listed
from govern.extensions import db
from govern.regions import service as regions
from govern.schemas import Answer, Page, Paging, Rsc, Usd, With

bp = api_blueprint("regions_api", __name__)


class RegionAnswer(Answer):
    id: int
    name: str
    parent_id: int | None
    template_id: int | None = Field(description="The region it was founded from as a template, if any")
    board_provisional: bool = Field(description="Its board is a split's provisional board, in office until the "
                                                "region's first board election")
    status: Literal["active", "dissolved"]
    parameters: dict[str, str]
    capital_pool: Rsc
    usd_reserve: Usd
    rsc_outstanding: Rsc
    member_count: int
    equal_share: Rsc
    co_op_assets: dict[str, Rsc] = Field(description="What the members own together: capital_pool, each "
                                                     "registered holding (inventory, companies) and total")


def region_answer(summary: regions.RegionSummary) -> RegionAnswer:
    region = summary.region
    assets = {"capital_pool": summary.capital_pool, **{key: amount for key, _, amount in summary.holdings},
              "total": summary.co_op_assets}
    return RegionAnswer.model_validate(With(summary, id=region.id, name=region.name, parent_id=region.parent_id,
                                            template_id=region.template_id,
                                            board_provisional=bool(region.board_provisional),
                                            status=region.status, co_op_assets=assets))


@bp.get("/regions")
@endpoint(public=True, answer=Page[RegionAnswer], errors=(400,))
def list_regions(query: Paging):
    """All regions"""
    rows = regions.list_regions(db.session, after=query.cursor_id(), limit=query.limit + 1)
    return listed(RegionAnswer, rows, query.limit, render=lambda r: region_answer(regions.summary(db.session, r.id)))


@bp.get("/regions/<int:region_id>")
@endpoint(public=True, answer=RegionAnswer, errors=(404,))
def show_region(region_id: int):
    """A region's public figures"""
    return region_answer(regions.summary(db.session, region_id))
