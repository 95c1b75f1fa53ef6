"""Pages: a region's public records (nobody needs to log in; `?region=<id>` picks the region, by
default the viewer's, else the oldest active one), each with CSV and JSON downloads of exactly
what it shows at `<page>.csv` and `<page>.json`; the chain head; and a member's own records."""
from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request
from flask_login import current_user, login_required

from govern import downloads
from govern.clock import utcnow
from govern.errors import NotFound, ValidationError
from govern.extensions import db
from govern.facilities import service as facilities_service
from govern.facilities import costs as facility_costs, public_record as facility_record
from govern.ids import whole_number
from govern.proposals import presenters
from govern.records import charts, params, service, tables
from govern.regions import service as regions

bp = Blueprint("records", __name__)
DOWNLOAD = "<any(csv, json):fmt>"

WAGES_LEAD = ("What the companies the region owns paid, by occupation and month (the month the pay was paid): "
              "how many people, how many hours, the gross pay and the average hourly wage. Never a name.")
COSTS_LEAD = ("What each region-owned company and facility cost the region, by month: the gross pay of the "
              "company's payroll, and what the capital pool paid for it (its purchase, and grants into its account).")
PROPOSALS_LEAD = ("Every proposal that finished voting, with its tally, turnout and what it changed. "
                  "The ballots of each are published by receipt on its page.")
FACILITIES_LEAD = ("Each unit the region lets, month by month: its cost (the purchase spread over the voted years, "
                   "maintenance and the month's operating costs), the rent charged and whether it was paid, and the "
                   "subsidy the capital pool bore (cost − rent), and the maintenance and operating costs the pool "
                   "paid, to whom. Tenants are never named. Filter one unit with ?facility=.")
PARAMETERS_LEAD = "Every change of the region's parameters, and what caused it. Filter by name with ?name=."
CONVERSIONS_LEAD = "Your conversions between USD and RSC, including the automatic ones of your pay."
BALLOTS_LEAD = ("Your ballots and their receipts: after the close, find your receipt in the published "
                "ballot list to check your ballot was counted as cast. Only you see your choices here.")


@bp.app_template_filter("record_text")
def record_text(value, column: tables.Column) -> str:
    return tables.cell_text(column, value)


def _page_route(path: str):
    """The page at `path` and its downloads at `path.csv` (`?table=` picks one table) and `path.json`."""
    def register(view):
        bp.add_url_rule(path, view_func=view, defaults={"fmt": "html"}, methods=["GET"])
        bp.add_url_rule(f"{path}.{DOWNLOAD}", view_func=view, methods=["GET"])
        return view
    return register


def _viewer():
    return current_user if current_user.is_authenticated else None


def _region():
    viewer = _viewer()
    return service.records_region(db.session, params.optional_id("region"), viewer.region_id if viewer else None)


def _answer(page: tables.RecordPage, fmt: str, template: str, **context):
    if fmt == "csv":
        table = page.table(request.args.get("table"))
        return downloads.csv_response(tables.filename(page, table), *tables.csv_rows(table))
    if fmt == "json":
        return jsonify(tables.to_json(page))
    return render_template(template, page=page, **context)


@bp.get("/records")
def index():
    region = _region()
    return render_template("records/index.html", region=region, head=service.chain_head(db.session),
                           regions=regions.list_regions(db.session, after=None, limit=200))


@_page_route("/records/capital-pool")
def capital_pool(fmt: str):
    region = _region()
    grouping = service.parse_grouping(request.args.get("by"))
    now = utcnow()
    history = service.pool_history(db.session, region.id, grouping=grouping, now=now, before=params.id_cursor(),
                                   limit=params.limit())
    page = tables.capital_pool_page(region, history, params.filters(region.id, "by", "cursor", "limit"))
    return _answer(page, fmt, "records/capital_pool.html", chart=charts.pool_chart(history, now), grouping=grouping,
                   flow_chart=charts.flow_chart(history, tables.cause_kind_label))


@_page_route("/records/wages")
def wages(fmt: str):
    region = _region()
    rows, next_cursor = service.wages_by_occupation(db.session, region.id, cursor=params.cursor(),
                                                    limit=params.limit())
    page = tables.wages_page(region, rows, params.filters(region.id, "cursor", "limit"), next_cursor)
    return _answer(page, fmt, "records/page.html", lead=WAGES_LEAD)


@_page_route("/records/costs")
def costs(fmt: str):
    region = _region()
    rows, next_cursor = service.running_costs(db.session, region.id, cursor=params.cursor(), limit=params.limit())
    page = tables.costs_page(region, rows, params.filters(region.id, "cursor", "limit"), next_cursor)
    return _answer(page, fmt, "records/page.html", lead=COSTS_LEAD)


@_page_route("/records/facilities")
def facilities(fmt: str):
    region = _region()
    facility_id = params.optional_id("facility")
    after = service.decode_cursor(params.cursor(), str, int)
    limit = params.limit()
    rows = facility_record.facility_months(db.session, region.id, facility_id=facility_id, after=after,
                                              limit=limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = service.encode_cursor(rows[-1][0].month, rows[-1][1].id) if more else None
    units = facilities_service.list_facilities(db.session, region.id, limit=200) if facility_id is None else [
        facilities_service.get_facility(db.session, facility_id)]
    if any(unit.region_id != region.id for unit in units):
        raise NotFound("No such facility.")
    month = service.period_of_now(utcnow())
    prices = facilities_service.prices(db.session, units, month)
    paid = facility_costs.costs_paid(db.session, region.id, facility_id=facility_id, limit=100)
    page = tables.facilities_page(region, units, prices, rows, paid,
                                  params.filters(region.id, "facility", "cursor", "limit"), next_cursor)
    return _answer(page, fmt, "records/page.html", lead=FACILITIES_LEAD)


@_page_route("/records/proposals")
def closed_proposals(fmt: str):
    region = _region()
    rows, next_cursor = service.closed_proposals(db.session, region.id, before=params.id_cursor(),
                                                 limit=params.limit())
    page = tables.proposals_page(region, rows, _effect_links(rows), params.filters(region.id, "cursor", "limit"),
                                 next_cursor)
    return _answer(page, fmt, "records/page.html", lead=PROPOSALS_LEAD)


def _effect_links(rows: list[service.ClosedProposal]) -> dict[int, list[tables.Link]]:
    """The effects as the proposal page words them, described in one pass for the whole page."""
    effects = [effect for row in rows for effect in row.effects]
    links: dict[int, list[tables.Link]] = {}
    for effect, (label, url) in zip(effects, presenters.describe_effects(db.session, effects, None)):
        links.setdefault(effect.proposal_id, []).append(tables.Link(label, url=url))
    return links


@_page_route("/records/parameters")
def parameters(fmt: str):
    region = _region()
    rows, next_cursor = service.parameter_changes(db.session, region.id, name=request.args.get("name"),
                                                  before=params.id_cursor(), limit=params.limit())
    refs = service.proposal_refs(db.session, [c.cause_id for c in rows if c.cause_type == "proposal"])
    page = tables.parameters_page(region, rows, refs, params.filters(region.id, "name", "cursor", "limit"),
                                  next_cursor)
    return _answer(page, fmt, "records/page.html", lead=PARAMETERS_LEAD)


@bp.get("/records/chain")
def chain():
    """The chain head to save, and a check of a head saved earlier (`?entry_id=&hash=`)."""
    head = service.chain_head(db.session)
    entry_id, saved = request.args.get("entry_id"), (request.args.get("hash") or "").strip()
    check = None
    if entry_id is not None or saved:
        check = _check(whole_number(entry_id or ""), saved)
    return render_template("records/chain.html", head=head, check=check, entry_id=entry_id or "", saved=saved)


def _check(entry_id: int | None, saved: str) -> str:
    if entry_id is None or not saved:
        raise ValidationError("Give the entry number and the hash you saved.", fields={"hash": ["is required"]})
    try:
        return "holds" if service.saved_head_holds(db.session, entry_id, saved) else "differs"
    except NotFound:
        return "missing"


# --- a member's own records ----------------------------------------------------------------

@bp.get("/me/records")
@login_required
def mine():
    now = utcnow()
    years = list(range(now.year, current_user.joined_at.year - 1, -1))
    return render_template("records/mine.html", years=years)


@_page_route("/me/records/conversions")
@login_required
def my_conversions(fmt: str):
    rows, next_cursor = service.conversions_of(db.session, current_user.id, before=params.id_cursor(),
                                               limit=params.limit())
    page = tables.conversions_page(rows, params.filters(None, "cursor", "limit"), next_cursor)
    return _answer(page, fmt, "records/page.html", lead=CONVERSIONS_LEAD, own=True)


@_page_route("/me/records/ballots")
@login_required
def my_ballots(fmt: str):
    rows, next_cursor = service.ballots_of(db.session, current_user.id, before=params.id_cursor(),
                                           limit=params.limit())
    page = tables.ballots_page(rows, params.filters(None, "cursor", "limit"), next_cursor)
    return _answer(page, fmt, "records/page.html", lead=BALLOTS_LEAD, own=True)


@bp.get("/me/statement.csv")
@login_required
def statement():
    year = service.parse_year(request.args.get("year"), utcnow())
    found = service.statement(db.session, current_user.id, year)
    return downloads.csv_response(f"statement-{year}.csv", *tables.statement_rows(found))
