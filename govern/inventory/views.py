"""Pages: the public inventory, filtered and paged, its CSV export, and an item's history."""
from __future__ import annotations

from flask import Blueprint, render_template, request, url_for

from govern import downloads
from govern.apiutil import page_params
from govern.errors import ValidationError
from govern.companies.models import Company
from govern.extensions import db
from govern.federation import service as federation
from govern.ids import whole_number
from govern.inventory import service as inventory
from govern.inventory.models import KINDS, STATUSES, InventoryItem
from govern.proposals import presenters
from govern.schemas import ALL_REGIONS

bp = Blueprint("inventory", __name__)
CSV_LIMIT = 100_000
MAX_SEARCH = 200


def filters() -> dict:
    """`?region_id=&kind=&status=&holder=&q=` — all optional, as the page's links carry them. No
    region, or `region_id=all`, is every region's inventory."""
    out = {}
    for name in ("region_id", "holder"):
        text = request.args.get(name)
        if text and not (name == "region_id" and text == ALL_REGIONS):
            out[name] = whole_number(text)
            if out[name] is None:
                raise ValidationError.for_field(name, "must be an id")
    for name in ("kind", "status", "q"):
        if request.args.get(name):
            out[name] = request.args[name]
    if len(out.get("q", "")) > MAX_SEARCH:
        raise ValidationError.for_field("q", f"must be at most {MAX_SEARCH} characters")
    return out


def _search(chosen: dict, **paging) -> list[InventoryItem]:
    wanted = {key: value for key, value in chosen.items() if key != "q"}
    return inventory.search(db.session, text=chosen.get("q"), **wanted, **paging)


@bp.get("/inventory")
def index():
    cursor, limit = page_params()
    chosen = filters()
    rows = _search(chosen, before=cursor, limit=limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    holders = {c.id: c.name for c in db.session.query(Company).filter(
        Company.id.in_({r.held_by_company_id for r in rows if r.held_by_company_id}))}
    region_choices = federation.region_choices(db.session)
    return render_template("inventory/index.html", rows=rows, holders=holders, kinds=KINDS, statuses=STATUSES,
                           chosen=chosen, region_choices=region_choices, region_names=dict(region_choices),
                           next_cursor=rows[-1].id if more else None)


@bp.get("/inventory.csv")
def export_csv():
    rows = _search(filters(), limit=CSV_LIMIT)
    return downloads.csv_response("inventory.csv", inventory.CSV_COLUMNS, inventory.csv_rows(rows))


@bp.get("/inventory/<int:item_id>")
def show(item_id: int):
    row = inventory.get_item(db.session, item_id)
    events = inventory.history(db.session, row.id)
    companies = {c.id: c.name for c in db.session.query(Company).filter(
        Company.id.in_({e.company_id for e in events if e.company_id} | {row.held_by_company_id or 0}))}
    return render_template("inventory/show.html", item=row, events=events, companies=companies)


def _items(session, ids, viewer):
    rows = session.query(InventoryItem).filter(InventoryItem.id.in_([int(i) for i in ids])).all()
    return {str(r.id): (f"Inventory: {r.item}", url_for("inventory.show", item_id=r.id)) for r in rows}


presenters.register_effect("inventory_item", _items)
