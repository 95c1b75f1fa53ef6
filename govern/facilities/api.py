"""JSON API: units, their waiting lists, tenancies and rent; the facilities' public record."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from flask import jsonify
from pydantic import Field

from govern import access
from govern.apiutil import api_blueprint, endpoint, iso, optional_member, page, require_member
from govern.clock import utcnow
from govern.extensions import db
from govern.facilities import service as facilities
from govern.facilities.models import KINDS, Facility, FacilityApplication, OperatingCost, RentCharge, Tenancy
from govern.money import Money as MoneyValue
from govern.records import service as records
from govern.schemas import (Answer, Id, Money, MoneyIn, MoneyOrZeroIn, Month, OpaquePaging, Page, Paging,
                            RegionChoice, RegionPaging, Request, text)

bp = api_blueprint("facilities_api", __name__)

FacilityKind = Literal[KINDS]


class FacilityBody(Request):
    name: text(facilities.MAX_NAME, min_length=1)
    kind: FacilityKind
    description: text(facilities.MAX_TEXT) | None = None
    purchase: MoneyOrZeroIn | None = Field(None, description="RSC; default for a unit carved out of an item: what is left of its cost")
    maintenance: MoneyOrZeroIn = Field(description="RSC a month")
    market_rate: MoneyOrZeroIn | None = Field(None, description="RSC a month, for tenants who are not members")
    inventory_item_id: Id | None = None


class FacilityQuery(RegionPaging):
    kind: FacilityKind | None = None


class Price(Answer):
    month: str | None = None
    amortisation: Money
    maintenance: Money
    operating: Money
    cost: Money
    basis: Literal["cost", "market"]
    subsidy_rate: str
    rent: Money
    subsidy: Money


class FacilityAnswer(Answer):
    id: int
    region_id: int
    name: str
    kind: FacilityKind
    description: str
    inventory_item_id: int | None
    purchase: Money
    maintenance: Money
    market_rate: Money | None
    status: Literal["open", "closed"]
    let: bool
    waiting: int
    price_now: Price
    created_at: datetime


class StatusBody(Request):
    status: Literal["open", "closed"]


class CostBody(Request):
    month: Month
    amount: MoneyIn = Field(description="RSC")
    memo: text(facilities.MAX_MEMO, min_length=1)


class CostAnswer(Answer):
    id: int
    facility_id: int
    month: str
    amount: Money
    memo: str
    created_at: datetime


class ApplicationBody(Request):
    company_id: Id | None = Field(None, description="Apply for a company you run")
    message: text(facilities.MAX_TEXT) | None = None


class ApplicationAnswer(Answer):
    id: int
    facility_id: int
    member_id: int
    company_id: int | None
    message: str
    status: Literal["pending", "assigned", "withdrawn"]
    position: int | None
    reason: str | None = None
    created_at: datetime


class AssignBody(Request):
    start_month: Month | None = Field(None, description="Default: next month")
    reason: text(facilities.MAX_REASON) | None = Field(None, description="Needed to pass over those ahead")


class Tenant(Answer):
    type: Literal["member", "company"]
    id: int


class TenancyAnswer(Answer):
    id: int
    facility_id: int
    tenant: Tenant
    member_id: int
    company_id: int | None
    start_month: str
    end_month: str | None
    next_month_due: str | None
    status: Literal["active", "ended"]
    created_at: datetime


class EndBody(Request):
    end_month: Month | None = Field(None, description="Default: this month")


class ChargeAnswer(Price):
    id: int
    tenancy_id: int
    facility_id: int
    month: str
    status: Literal["paid", "unpaid"]
    entry_id: int | None
    paid_at: datetime | None


class MyTenancyAnswer(TenancyAnswer):
    facility_name: str
    unpaid: list[ChargeAnswer]


class FacilityMonthAnswer(ChargeAnswer):
    facility_name: str
    kind: FacilityKind


class FacilityRecordQuery(OpaquePaging):
    region_id: RegionChoice = None
    facility_id: Id | None = None


def rsc(minor: int | None) -> dict | None:
    return None if minor is None else MoneyValue(minor, "RSC").to_json()


def price_json(rent, month: str) -> dict:
    return {"month": month, "amortisation": rsc(rent.amortisation), "maintenance": rsc(rent.maintenance),
            "operating": rsc(rent.operating), "cost": rsc(rent.cost), "basis": rent.basis,
            "subsidy_rate": str(rent.subsidy_rate), "rent": rsc(rent.rent), "subsidy": rsc(rent.subsidy)}


def facility_json(facility: Facility, price=None, occupancy=None) -> dict:
    month = facilities.month_of(utcnow())
    price = price or facilities.price(db.session, facility, month, member=True)
    occupancy = occupancy or facilities.occupancy(db.session, [facility])[facility.id]
    return {
        "id": facility.id, "region_id": facility.region_id, "name": facility.name, "kind": facility.kind,
        "description": facility.description, "inventory_item_id": facility.inventory_item_id,
        "purchase": rsc(facility.purchase_minor), "maintenance": rsc(facility.maintenance_minor),
        "market_rate": rsc(facility.market_rate_minor), "status": facility.status,
        "let": occupancy.let, "waiting": occupancy.waiting, "price_now": price_json(price, month),
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
            "memo": row.memo, "created_at": iso(row.created_at)}


def _value(money: MoneyIn | None) -> MoneyValue | None:
    return money.value() if money is not None else None


def _region_id(chosen: int | None) -> int:
    member = optional_member()
    return records.records_region(db.session, chosen, member.region_id if member else None).id


@bp.get("/facilities")
@endpoint(public=True, answer=Page[FacilityAnswer], errors=(400, 404))
def index(query: FacilityQuery):
    """The units a region offers, newest first, with what a member pays this month"""
    rows = facilities.list_facilities(db.session, _region_id(query.region_id), kind=query.kind,
                                      before=query.cursor_id(), limit=query.limit + 1)
    shown = rows[:query.limit]
    prices = facilities.prices(db.session, shown, facilities.month_of(utcnow()))
    occupancy = facilities.occupancy(db.session, shown)
    return jsonify(page(rows, query.limit, lambda r: facility_json(r, prices[r.id], occupancy[r.id]), lambda r: r.id))


@bp.post("/facilities")
@endpoint(ok=201, answer=FacilityAnswer, errors=(400, 403))
def create(json: FacilityBody):
    """Offer a unit (board), optionally carved out of an inventory item the region holds"""
    facility = facilities.create_facility(
        db.session, require_member(), name=json.name, kind=json.kind, description=json.description,
        purchase=_value(json.purchase), maintenance=_value(json.maintenance), market_rate=_value(json.market_rate),
        inventory_item_id=json.inventory_item_id, now=utcnow())
    return jsonify(facility_json(facility)), 201


@bp.get("/facilities/<int:facility_id>")
@endpoint(public=True, answer=FacilityAnswer, errors=(404,))
def show(facility_id: int):
    """A unit"""
    return jsonify(facility_json(facilities.get_facility(db.session, facility_id)))


@bp.put("/facilities/<int:facility_id>/status")
@endpoint(answer=FacilityAnswer, errors=(400, 403, 404))
def set_status(facility_id: int, json: StatusBody):
    """Open a unit to applications or close it (board)"""
    return jsonify(facility_json(facilities.set_status(db.session, require_member(), facility_id, json.status)))


@bp.get("/facilities/<int:facility_id>/costs")
@endpoint(public=True, answer=Page[CostAnswer], errors=(404,))
def costs(facility_id: int):
    """Operating costs recorded against a unit, newest month first"""
    facilities.get_facility(db.session, facility_id)
    return jsonify({"items": [cost_json(row) for row in facilities.operating_costs(db.session, facility_id, limit=200)],
                    "next": None})


@bp.post("/facilities/<int:facility_id>/costs")
@endpoint(ok=201, answer=CostAnswer, errors=(400, 403, 404, 409))
def record_cost(facility_id: int, json: CostBody):
    """Record an operating cost for a month not yet charged (board)"""
    row = facilities.record_operating_cost(db.session, require_member(), facility_id, month=json.month,
                                           amount=json.amount.value(), memo=json.memo, now=utcnow())
    return jsonify(cost_json(row)), 201


@bp.post("/facilities/<int:facility_id>/applications")
@endpoint(ok=201, answer=ApplicationAnswer, errors=(400, 403, 404, 409))
def apply(facility_id: int, json: ApplicationBody):
    """Join a unit's waiting list, for yourself or a company you run; twice answers 409"""
    row = facilities.apply(db.session, require_member(), facility_id, now=utcnow(), company_id=json.company_id,
                           message=json.message)
    return jsonify(application_json(row, facilities.position(db.session, row))), 201


@bp.get("/facilities/<int:facility_id>/applications")
@endpoint(answer=Page[ApplicationAnswer], errors=(400, 404))
def waiting_list(facility_id: int, query: Paging):
    """The waiting list in order (board); a member gets their own applications and places"""
    member = require_member()
    cursor, limit = query.cursor_id(), query.limit
    if access.can(member, "board_actions"):
        rows = facilities.waiting_list(db.session, member, facility_id, after=cursor, limit=limit + 1)
        found = page(rows, limit, lambda r: r, lambda r: r.id)
        first = 1 if cursor is None else None
        items = [application_json(r, first + i if first else facilities.position(db.session, r))
                 for i, r in enumerate(found["items"])]
        return jsonify({"items": items, "next": found["next"]})
    facilities.get_facility(db.session, facility_id)
    mine = facilities.applications_of(db.session, member, facility_id=facility_id, limit=limit)
    return jsonify({"items": [application_json(m.application, m.position) for m in mine], "next": None})


@bp.delete("/facility-applications/<int:application_id>")
@endpoint(answer=ApplicationAnswer, errors=(404, 409))
def withdraw(application_id: int):
    """Withdraw your application"""
    row = facilities.withdraw(db.session, require_member(), application_id, utcnow())
    return jsonify(application_json(row))


@bp.post("/facility-applications/<int:application_id>/assign")
@endpoint(ok=201, answer=TenancyAnswer, errors=(400, 403, 404, 409))
def assign(application_id: int, json: AssignBody):
    """Let the unit to this applicant (board); passing over those ahead needs a reason"""
    tenancy = facilities.assign(db.session, require_member(), application_id, now=utcnow(),
                                start_month=json.start_month, reason=json.reason)
    return jsonify(tenancy_json(tenancy)), 201


@bp.get("/me/tenancies")
@endpoint(answer=Page[MyTenancyAnswer])
def my_tenancies():
    """Your tenancies and your companies', with unpaid months"""
    mine = facilities.tenancies_of(db.session, require_member(), limit=200)
    return jsonify({"items": [{**tenancy_json(m.tenancy), "facility_name": m.facility.name,
                               "unpaid": [charge_json(c) for c in m.unpaid]} for m in mine], "next": None})


@bp.post("/tenancies/<int:tenancy_id>/end")
@endpoint(answer=TenancyAnswer, errors=(400, 404, 409))
def end(tenancy_id: int, json: EndBody):
    """End a tenancy after a month (the tenant or the board; default this month)"""
    tenancy = facilities.end_tenancy(db.session, require_member(), tenancy_id, now=utcnow(), end_month=json.end_month)
    return jsonify(tenancy_json(tenancy))


@bp.get("/tenancies/<int:tenancy_id>/charges")
@endpoint(answer=Page[ChargeAnswer], errors=(404,))
def charges(tenancy_id: int):
    """A tenancy's monthly rent charges (tenant or board)"""
    rows = facilities.charges_of_tenancy(db.session, require_member(), tenancy_id, limit=200)
    return jsonify({"items": [charge_json(r) for r in rows], "next": None})


@bp.get("/records/facilities")
@endpoint(public=True, answer=Page[FacilityMonthAnswer], errors=(400, 404))
def record(query: FacilityRecordQuery):
    """Each unit's cost, rent and subsidy by month, newest month first; tenants are never named"""
    region_id = _region_id(query.region_id)
    after = records.decode_cursor(query.cursor, str, int)
    rows = facilities.facility_months(db.session, region_id, facility_id=query.facility_id, after=after,
                                      limit=query.limit + 1)
    more = len(rows) > query.limit
    rows = rows[:query.limit]
    return jsonify({"items": [{**charge_json(c), "facility_name": f.name, "kind": f.kind} for c, f in rows],
                    "next": records.encode_cursor(rows[-1][0].month, rows[-1][1].id) if more else None})
