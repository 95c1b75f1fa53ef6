"""JSON API: the public inventory."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from flask import jsonify

from govern.apiutil import api_blueprint, endpoint, iso, page
from govern.extensions import db
from govern.inventory import service as inventory
from govern.inventory.models import KINDS, STATUSES, InventoryItem
from govern.schemas import Answer, Id, Money, Page, Paging, minor_money

bp = api_blueprint("inventory_api", __name__)


class InventoryQuery(Paging):
    region_id: Id | None = None
    kind: Literal[KINDS] | None = None
    status: Literal[STATUSES] | None = None
    holder: Id | None = None


class ItemAnswer(Answer):
    id: int
    item: str
    kind: Literal[KINDS]
    cost: Money
    owner_region_id: int
    held_by_company_id: int | None
    status: Literal[STATUSES]
    granted_by_proposal_id: int | None
    created_at: datetime


class ItemEvent(Answer):
    event: str
    company_id: int | None
    proposal_id: int | None
    note: str | None
    at: datetime


class ItemWithHistory(ItemAnswer):
    history: list[ItemEvent]


def item_json(row: InventoryItem) -> dict:
    return {
        "id": row.id, "item": row.item, "kind": row.kind, "cost": minor_money(row.cost_minor, row.cost_currency),
        "owner_region_id": row.owner_region_id, "held_by_company_id": row.held_by_company_id, "status": row.status,
        "granted_by_proposal_id": row.granted_by_proposal_id, "created_at": iso(row.created_at),
    }


@bp.get("/inventory")
@endpoint(public=True, answer=Page[ItemAnswer], errors=(400,))
def index(query: InventoryQuery):
    """The public inventory, newest first; filter by region, kind, status and holder"""
    rows = inventory.search(db.session, region_id=query.region_id, kind=query.kind, status=query.status,
                            holder=query.holder, before=query.cursor_id(), limit=query.limit + 1)
    return jsonify(page(rows, query.limit, item_json, lambda r: r.id))


@bp.get("/inventory/<int:item_id>")
@endpoint(public=True, answer=ItemWithHistory, errors=(404,))
def show(item_id: int):
    """An inventory item with its history"""
    row = inventory.get_item(db.session, item_id)
    body = item_json(row)
    body["history"] = [{"event": e.event, "company_id": e.company_id, "proposal_id": e.proposal_id, "note": e.note,
                        "at": iso(e.at)} for e in inventory.history(db.session, row.id)]
    return jsonify(body)
