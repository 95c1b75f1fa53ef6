"""JSON API: the public inventory."""
from __future__ import annotations

from flask import jsonify, request

from govern.apiutil import api_blueprint, iso, page, page_params
from govern.errors import ValidationError
from govern.extensions import db
from govern.ids import whole_number
from govern.inventory import service as inventory
from govern.inventory.models import InventoryItem
from govern.money import Money

bp = api_blueprint("inventory_api", __name__)


def item_json(row: InventoryItem) -> dict:
    return {
        "id": row.id, "item": row.item, "kind": row.kind, "cost": Money(row.cost_minor, row.cost_currency).to_json(),
        "owner_region_id": row.owner_region_id, "held_by_company_id": row.held_by_company_id, "status": row.status,
        "granted_by_proposal_id": row.granted_by_proposal_id, "created_at": iso(row.created_at),
    }


def filters() -> dict:
    """`?region_id=&kind=&status=&holder=` — all optional."""
    out = {}
    for name, key in (("region_id", "region_id"), ("holder", "holder")):
        text = request.args.get(name)
        if text is not None:
            out[key] = whole_number(text)
            if out[key] is None:
                raise ValidationError.for_field(name, "must be an id")
    for name in ("kind", "status"):
        if request.args.get(name):
            out[name] = request.args[name]
    return out


@bp.get("/inventory")
def index():
    cursor, limit = page_params()
    rows = inventory.search(db.session, before=cursor, limit=limit + 1, **filters())
    return jsonify(page(rows, limit, item_json, lambda r: r.id))


@bp.get("/inventory/<int:item_id>")
def show(item_id: int):
    row = inventory.get_item(db.session, item_id)
    body = item_json(row)
    body["history"] = [{"event": e.event, "company_id": e.company_id, "proposal_id": e.proposal_id, "note": e.note,
                        "at": iso(e.at)} for e in inventory.history(db.session, row.id)]
    return jsonify(body)
