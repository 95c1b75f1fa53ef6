"""JSON API: the public inventory."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from govern.apiutil import api_blueprint, endpoint, listed
from govern.extensions import db
from govern.inventory import service as inventory
from govern.inventory.models import KINDS, STATUSES, InventoryItem
from govern.money import Money as MoneyValue
from govern.schemas import ALL_REGIONS, Answer, Money, Page, Paging, QueryId, RegionFilter, Time, With, text

bp = api_blueprint("inventory_api", __name__)


class InventoryQuery(Paging):
    region_id: RegionFilter = Field(None, description='A region\'s id (an unknown id finds nothing); absent or "all": '
                                                      'every region')
    kind: Literal[KINDS] | None = None
    status: Literal[STATUSES] | None = None
    holder: QueryId | None = None
    q: text(200) | None = Field(None, description="Words in the item's name")


class ItemAnswer(Answer):
    id: int
    item: str
    kind: Literal[KINDS]
    cost: Money
    owner_region_id: int
    held_by_company_id: int | None
    status: Literal[STATUSES]
    granted_by_proposal_id: int | None
    created_at: Time


class ItemEvent(Answer):
    event: str
    company_id: int | None
    proposal_id: int | None
    note: str | None
    at: Time


class ItemWithHistory(ItemAnswer):
    history: list[ItemEvent]


def item_answer(row: InventoryItem, answer=ItemAnswer, **more):
    return answer.model_validate(With(row, cost=MoneyValue(row.cost_minor, row.cost_currency).to_json(), **more))


@bp.get("/inventory")
@endpoint(public=True, answer=Page[ItemAnswer], errors=(400,))
def index(query: InventoryQuery):
    """The public inventory of every region, newest first; filter by region, kind, status, holder and words in the name"""
    region_id = None if query.region_id == ALL_REGIONS else query.region_id
    rows = inventory.search(db.session, region_id=region_id, kind=query.kind, status=query.status,
                            holder=query.holder, text=query.q or None, before=query.cursor_id(), limit=query.limit + 1)
    return listed(ItemAnswer, rows, query.limit, render=item_answer)


@bp.get("/inventory/<int:item_id>")
@endpoint(public=True, answer=ItemWithHistory, errors=(404,))
def show(item_id: int):
    """An inventory item with its history"""
    row = inventory.get_item(db.session, item_id)
    return item_answer(row, ItemWithHistory, history=inventory.history(db.session, row.id))
