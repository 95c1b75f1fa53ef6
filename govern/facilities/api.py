"""JSON API: units, their waiting lists, tenancies and rent; the facilities' public record."""
from __future__ import annotations

from flask import jsonify, request

from govern import access
from govern.apiutil import (api_blueprint, iso, json_body, optional_json_body, optional_member, page, page_params,
                            require_member)
from govern.clock import utcnow
from govern.extensions import db
from govern import months
from govern.facilities import costs as facility_costs, public_record as facility_record, service as facilities
from govern.facilities import tenancies, waiting_list as waiting_lists
from govern.facilities.models import (
    Facility,
    FacilityApplication,
    MaintenancePayment,
    OperatingCost,
    RentCharge,
    Tenancy,
)
from govern.money import Money, parse_money
from govern.records import params, service as records
from govern.throttle import money_moving

bp = api_blueprint("facilities_api", __name__)


def rsc(minor: int | None) -> dict | None:
    return None if minor is None else Money(minor, "RSC").to_json()


def price_json(rent, month: str) -> dict:
    return {"month": month, "amortisation": rsc(rent.amortisation), "maintenance": rsc(rent.maintenance),
            "operating": rsc(rent.operating), "cost": rsc(rent.cost), "basis": rent.basis,
            "subsidy_rate": str(rent.subsidy_rate), "rent": rsc(rent.rent), "subsidy": rsc(rent.subsidy)}


def facility_json(facility: Facility, price=None, occupancy=None) -> dict:
    month = months.month_of(utcnow())
    price = price or facilities.price(db.session, facility, month, member=True)
    occupancy = occupancy or facilities.occupancy(db.session, [facility])[facility.id]
    return {
        "id": facility.id, "region_id": facility.region_id, "name": facility.name, "kind": facility.kind,
        "description": facility.description, "inventory_item_id": facility.inventory_item_id,
        "purchase": rsc(facility.purchase_minor), "maintenance": rsc(facility.maintenance_minor),
        "market_rate": rsc(facility.market_rate_minor), "status": facility.status,
        "let": occupancy.let, "waiting": occupancy.waiting, "price_now": price_json(price, month),
        "maintainer": {"company_id": facility.maintainer_company_id, "supplier": facility.maintainer_name}
        if facility.maintainer_company_id or facility.maintainer_name else None,
        "maintenance_next_month": facility.maintenance_next_month,
        "created_at": iso(facility.created_at),
    }


def application_json(row: FacilityApplication, position: int | None = None) -> dict:
    return {"id": row.id, "facility_id": row.facility_id, "member_id": row.member_id, "company_id": row.company_id,
            "message": row.message, "status": row.status, "position": position, "created_at": iso(row.created_at),
            "reason": row.reason}


def tenancy_json(row: Tenancy) -> dict:
    return {"id": row.id, "facility_id": row.facility_id, "tenant": {"type": row.tenant_type,
                                                                    "id": row.company_id or row.member_id},
            "member_id": row.member_id, "company_id": row.company_id, "start_month": row.start_month,
            "end_month": row.end_month, "next_month_due": row.next_month_due, "status": row.status,
            "created_at": iso(row.created_at)}


def charge_json(row: RentCharge) -> dict:
    return {"id": row.id, "tenancy_id": row.tenancy_id, "facility_id": row.facility_id, "month": row.month,
            "amortisation": rsc(row.amortisation_minor), "maintenance": rsc(row.maintenance_minor),
            "operating": rsc(row.operating_minor), "cost": rsc(row.cost_minor), "basis": row.basis,
            "subsidy_rate": row.subsidy_rate, "rent": rsc(row.rent_minor), "subsidy": rsc(row.subsidy_minor),
            "status": row.status, "entry_id": row.entry_id, "paid_at": iso(row.paid_at)}


def cost_json(row: OperatingCost) -> dict:
    return {"id": row.id, "facility_id": row.facility_id, "month": row.month, "amount": rsc(row.amount_minor),
            "memo": row.memo, "paid_to": {"company_id": row.company_id, "supplier": row.supplier},
            "entry_id": row.entry_id, "payout_id": row.payout_id, "created_at": iso(row.created_at)}


def maintenance_json(row: MaintenancePayment) -> dict:
    return {"id": row.id, "facility_id": row.facility_id, "month": row.month, "amount": rsc(row.amount_minor),
            "paid_to": {"company_id": row.company_id, "supplier": row.supplier}, "status": row.status,
            "entry_id": row.entry_id, "payout_id": row.payout_id, "paid_at": iso(row.paid_at)}


def _optional_money(data: dict, name: str) -> Money | None:
    return parse_money(data[name], name, allow_zero=True) if data.get(name) is not None else None


def _region_id() -> int:
    member = optional_member()
    return records.records_region(db.session, params.optional_id("region_id"), member.region_id if member else None).id


@bp.get("/facilities")
def index():
    cursor, limit = page_params()
    rows = facilities.list_facilities(db.session, _region_id(), kind=request.args.get("kind") or None,
                                      before=cursor, limit=limit + 1)
    shown = rows[:limit]
    prices = facilities.prices(db.session, shown, months.month_of(utcnow()))
    occupancy = facilities.occupancy(db.session, shown)
    return jsonify(page(rows, limit, lambda r: facility_json(r, prices[r.id], occupancy[r.id]), lambda r: r.id))


@bp.post("/facilities")
def create():
    data = json_body()
    facility = facilities.create_facility(
        db.session, require_member(), name=data.get("name"), kind=data.get("kind"),
        description=data.get("description"), purchase=_optional_money(data, "purchase"),
        maintenance=_optional_money(data, "maintenance"), market_rate=_optional_money(data, "market_rate"),
        inventory_item_id=data.get("inventory_item_id"), now=utcnow())
    return jsonify(facility_json(facility)), 201


@bp.get("/facilities/<int:facility_id>")
def show(facility_id: int):
    return jsonify(facility_json(facilities.get_facility(db.session, facility_id)))


@bp.put("/facilities/<int:facility_id>/status")
def set_status(facility_id: int):
    data = json_body()
    return jsonify(facility_json(facilities.set_status(db.session, require_member(), facility_id, data.get("status"))))


@bp.get("/facilities/<int:facility_id>/costs")
def costs(facility_id: int):
    facilities.get_facility(db.session, facility_id)
    return jsonify({"items": [cost_json(row) for row in facility_costs.operating_costs(db.session, facility_id, limit=200)],
                    "next": None})


@bp.post("/facilities/<int:facility_id>/costs")
@money_moving
def record_cost(facility_id: int):
    """The board records a running cost, which the capital pool pays at once: to a co-op company
    (`company_id`) or to a supplier outside the co-op (`supplier`, `pay_to?`) through a payout."""
    data = json_body()
    row = facility_costs.record_operating_cost(
        db.session, require_member(), facility_id, month=data.get("month"), amount=_optional_money(data, "amount"),
        memo=data.get("memo"), company_id=data.get("company_id"), supplier=data.get("supplier"),
        pay_to=data.get("pay_to"), now=utcnow())
    return jsonify(cost_json(row)), 201


@bp.put("/facilities/<int:facility_id>/maintainer")
def set_maintainer(facility_id: int):
    """The board names who is paid the unit's monthly maintenance from this month on."""
    data = json_body()
    facility = facility_costs.set_maintainer(db.session, require_member(), facility_id, now=utcnow(),
                                             company_id=data.get("company_id"), supplier=data.get("supplier"),
                                             pay_to=data.get("pay_to"))
    return jsonify(facility_json(facility))


@bp.get("/facilities/<int:facility_id>/maintenance")
def maintenance(facility_id: int):
    """The unit's monthly maintenance paid by the pool (or not yet: `unpaid`), newest month first (public)."""
    facilities.get_facility(db.session, facility_id)
    rows = facility_costs.maintenance_payments(db.session, facility_id, limit=200)
    return jsonify({"items": [maintenance_json(row) for row in rows], "next": None})


@bp.post("/facilities/<int:facility_id>/applications")
def apply(facility_id: int):
    data = optional_json_body()
    row = waiting_lists.apply(db.session, require_member(), facility_id, now=utcnow(), company_id=data.get("company_id"),
                           message=data.get("message"))
    return jsonify(application_json(row, waiting_lists.position(db.session, row))), 201


@bp.get("/facilities/<int:facility_id>/applications")
def waiting_list(facility_id: int):
    """The board sees the whole list in order; a member sees only their own applications."""
    member = require_member()
    cursor, limit = page_params()
    if access.can(member, "board_actions"):
        rows = waiting_lists.waiting_list(db.session, member, facility_id, after=cursor, limit=limit + 1)
        found = page(rows, limit, lambda r: r, lambda r: r.id)
        first = 1 if cursor is None else None
        items = [application_json(r, first + i if first else waiting_lists.position(db.session, r))
                 for i, r in enumerate(found["items"])]
        return jsonify({"items": items, "next": found["next"]})
    facilities.get_facility(db.session, facility_id)
    mine = waiting_lists.applications_of(db.session, member, facility_id=facility_id, limit=limit)
    return jsonify({"items": [application_json(m.application, m.position) for m in mine], "next": None})


@bp.delete("/facility-applications/<int:application_id>")
def withdraw(application_id: int):
    row = waiting_lists.withdraw(db.session, require_member(), application_id, utcnow())
    return jsonify(application_json(row))


@bp.post("/facility-applications/<int:application_id>/assign")
def assign(application_id: int):
    data = optional_json_body()
    tenancy = tenancies.assign(db.session, require_member(), application_id, now=utcnow(),
                                start_month=data.get("start_month"), reason=data.get("reason"))
    return jsonify(tenancy_json(tenancy)), 201


@bp.get("/me/tenancies")
def my_tenancies():
    mine = tenancies.tenancies_of(db.session, require_member(), limit=200)
    return jsonify({"items": [{**tenancy_json(m.tenancy), "facility_name": m.facility.name,
                               "unpaid": [charge_json(c) for c in m.unpaid]} for m in mine], "next": None})


@bp.post("/tenancies/<int:tenancy_id>/end")
def end(tenancy_id: int):
    data = optional_json_body()
    tenancy = tenancies.end_tenancy(db.session, require_member(), tenancy_id, now=utcnow(),
                                     end_month=data.get("end_month"))
    return jsonify(tenancy_json(tenancy))


@bp.get("/tenancies/<int:tenancy_id>/charges")
def charges(tenancy_id: int):
    rows = tenancies.charges_of_tenancy(db.session, require_member(), tenancy_id, limit=200)
    return jsonify({"items": [charge_json(r) for r in rows], "next": None})


@bp.get("/records/facilities")
def record():
    """Each unit's cost, rent and subsidy by month, newest first (public)."""
    region_id = _region_id()
    limit = params.limit()
    after = records.decode_cursor(params.cursor(), str, int)
    rows = facility_record.facility_months(db.session, region_id, facility_id=params.optional_id("facility_id"),
                                      after=after, limit=limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    return jsonify({"items": [{**charge_json(c), "facility_name": f.name, "kind": f.kind} for c, f in rows],
                    "next": records.encode_cursor(rows[-1][0].month, rows[-1][1].id) if more else None})
