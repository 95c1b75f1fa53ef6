"""JSON API: units, their waiting lists, tenancies and rent; the facilities' public record."""
from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from govern import access, months
from govern.apiutil import api_blueprint, endpoint, every, listed, optional_member, require_member
from govern.clock import utcnow
from govern.extensions import db
from govern.facilities import costs as facility_costs, public_record as facility_record, service as facilities
from govern.facilities import tenancies, waiting_list as waiting_lists
from govern.facilities.models import KINDS, Facility, FacilityApplication, Tenancy
from govern.money import Money as MoneyValue
from govern.records import service as records
from govern.schemas import (Answer, Id, MoneyIn, Month, OpaquePaging, Page, Paging, QueryId, RegionChoice, RegionPaging,
                            Request, Rsc, RscIn, RscOrZeroIn, Text, Time, With, cents, text)
from govern.throttle import money_moving

bp = api_blueprint("facilities_api", __name__)

FacilityKind = Literal[KINDS]


class FacilityBody(Request):
    name: text(facilities.MAX_NAME, min_length=1)
    kind: FacilityKind
    description: text(facilities.MAX_TEXT) | None = None
    purchase: RscOrZeroIn | None = Field(None, description="RSC; default for a unit carved out of an item: what is left of its cost")
    maintenance: RscOrZeroIn = Field(description="RSC a month")
    market_rate: RscOrZeroIn | None = Field(None, description="RSC a month, for tenants who are not members")
    inventory_item_id: Id | None = None
    locality: text(facilities.MAX_LOCALITY) | None = Field(
        None, description="Where the unit is, for a unit not part of an inventory item: a split that takes this "
                          "locality takes the unit and its tenancies")


class FacilityQuery(RegionPaging):
    kind: FacilityKind | None = None


class Price(Answer):
    month: str | None = None
    amortisation: Rsc = cents("amortisation")
    maintenance: Rsc = cents("maintenance")
    operating: Rsc = cents("operating")
    cost: Rsc = cents("cost")
    basis: Literal["cost", "market"]
    subsidy_rate: Text
    rent: Rsc = cents("rent")
    subsidy: Rsc = cents("subsidy")


class PaidTo(Answer):
    company_id: int | None
    supplier: str | None


class FacilityAnswer(Answer):
    id: int
    region_id: int
    name: str
    kind: FacilityKind
    description: str
    inventory_item_id: int | None
    locality: str
    purchase: Rsc = cents("purchase")
    maintenance: Rsc = cents("maintenance")
    market_rate: Rsc | None = cents("market_rate")
    status: Literal["open", "closed"]
    let: bool
    waiting: int
    price_now: Price
    maintainer: PaidTo | None = Field(description="Who is paid the monthly maintenance")
    maintenance_next_month: str | None
    created_at: Time


class StatusBody(Request):
    status: Literal["open", "closed"]


# A payee must be named: a co-op company or a supplier (the document says so; the service checks).
_A_PAYEE = {"anyOf": [{"required": ["company_id"]}, {"required": ["supplier"]}]}


class CostBody(Request):
    model_config = ConfigDict(json_schema_extra=_A_PAYEE)

    month: Month
    amount: RscIn
    memo: text(facilities.MAX_MEMO, min_length=1)
    company_id: Id | None = Field(None, description="Paid to a co-op company ...")
    supplier: text(200) | None = Field(None, description="... or to a supplier outside the co-op, through a payout")
    pay_to: text(500) | None = None


class MaintainerBody(Request):
    model_config = ConfigDict(json_schema_extra=_A_PAYEE)

    company_id: Id | None = None
    supplier: text(200) | None = None
    pay_to: text(500) | None = None


class MaintenanceAnswer(Answer):
    id: int
    facility_id: int
    month: str
    amount: Rsc = cents("amount")
    paid_to: PaidTo
    status: Literal["paid", "unpaid"]
    entry_id: int | None
    payout_id: int | None
    paid_at: Time | None


class CostAnswer(Answer):
    id: int
    facility_id: int
    month: str
    amount: Rsc = cents("amount")
    memo: str
    paid_to: PaidTo
    entry_id: int | None
    payout_id: int | None
    created_at: Time


class FacilityApplicationBody(Request):
    company_id: Id | None = Field(None, description="Apply for a company you run")
    message: text(facilities.MAX_TEXT) | None = None


class FacilityApplicationAnswer(Answer):
    id: int
    facility_id: int
    member_id: int
    company_id: int | None
    message: str
    status: Literal["pending", "assigned", "withdrawn"]
    position: int | None
    reason: str | None = None
    created_at: Time


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
    created_at: Time


class EndBody(Request):
    end_month: Month | None = Field(None, description="Default: this month")


class ChargeAnswer(Price):
    id: int
    tenancy_id: int
    facility_id: int
    month: str
    status: Literal["paid", "unpaid"]
    entry_id: int | None
    paid_at: Time | None


class MyTenancyAnswer(TenancyAnswer):
    facility_name: str
    unpaid: list[ChargeAnswer]


class FacilityMonthAnswer(ChargeAnswer):
    facility_name: str
    kind: FacilityKind


class FacilityRecordQuery(OpaquePaging):
    region_id: RegionChoice = None
    facility_id: QueryId | None = None


def facility_answer(facility: Facility, price=None, occupancy=None) -> FacilityAnswer:
    month = months.month_of(utcnow())
    price = price or facilities.price(db.session, facility, month, member=True)
    occupancy = occupancy or facilities.occupancy(db.session, [facility])[facility.id]
    named = facility.maintainer_company_id or facility.maintainer_name
    return FacilityAnswer.model_validate(With(
        facility, let=occupancy.let, waiting=occupancy.waiting, price_now=With(price, month=month),
        maintainer={"company_id": facility.maintainer_company_id, "supplier": facility.maintainer_name} if named else None))


def paid_to(row, answer):
    return answer.model_validate(With(row, paid_to={"company_id": row.company_id, "supplier": row.supplier}))


def application_answer(row: FacilityApplication, position: int | None) -> FacilityApplicationAnswer:
    return FacilityApplicationAnswer.model_validate(With(row, position=position))


def tenancy_answer(row: Tenancy, answer=None, **more):
    tenant = {"type": row.tenant_type, "id": row.company_id or row.member_id}
    return (answer or TenancyAnswer).model_validate(With(row, tenant=tenant, **more))


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
    prices = facilities.prices(db.session, shown, months.month_of(utcnow()))
    occupancy = facilities.occupancy(db.session, shown)
    return listed(FacilityAnswer, rows, query.limit, render=lambda r: facility_answer(r, prices[r.id], occupancy[r.id]))


@bp.post("/facilities")
@endpoint(ok=201, answer=FacilityAnswer, errors=(400, 403))
def create(json: FacilityBody):
    """Offer a unit (board), optionally carved out of an inventory item the region holds"""
    facility = facilities.create_facility(
        db.session, require_member(), name=json.name, kind=json.kind, description=json.description,
        purchase=_value(json.purchase), maintenance=_value(json.maintenance), market_rate=_value(json.market_rate),
        inventory_item_id=json.inventory_item_id, locality=json.locality, now=utcnow())
    return facility_answer(facility), 201


@bp.get("/facilities/<int:facility_id>")
@endpoint(public=True, answer=FacilityAnswer, errors=(404,))
def show(facility_id: int):
    """A unit"""
    return facility_answer(facilities.get_facility(db.session, facility_id))


@bp.put("/facilities/<int:facility_id>/status")
@endpoint(answer=FacilityAnswer, errors=(400, 403, 404))
def set_status(facility_id: int, json: StatusBody):
    """Open a unit to applications or close it (board)"""
    return facility_answer(facilities.set_status(db.session, require_member(), facility_id, json.status))


@bp.get("/facilities/<int:facility_id>/costs")
@endpoint(public=True, answer=Page[CostAnswer], errors=(404,))
def costs(facility_id: int):
    """Operating costs recorded against a unit, newest month first"""
    facilities.get_facility(db.session, facility_id)
    return every(CostAnswer, facility_costs.operating_costs(db.session, facility_id, limit=200),
                 render=lambda row: paid_to(row, CostAnswer))


@bp.post("/facilities/<int:facility_id>/costs")
@money_moving
@endpoint(ok=201, answer=CostAnswer, errors=(400, 403, 404, 409, 429))
def record_cost(facility_id: int, json: CostBody):
    """Record a running cost for a month not yet charged (board): the capital pool pays it at once, to a co-op company or to a supplier through a payout"""
    row = facility_costs.record_operating_cost(
        db.session, require_member(), facility_id, month=json.month, amount=json.amount.value(), memo=json.memo,
        company_id=json.company_id, supplier=json.supplier, pay_to=json.pay_to, now=utcnow())
    return paid_to(row, CostAnswer), 201


@bp.put("/facilities/<int:facility_id>/maintainer")
@endpoint(answer=FacilityAnswer, errors=(400, 403, 404))
def set_maintainer(facility_id: int, json: MaintainerBody):
    """The board names who is paid the unit's monthly maintenance from this month on"""
    return facility_answer(facility_costs.set_maintainer(db.session, require_member(), facility_id, now=utcnow(),
                                                         company_id=json.company_id, supplier=json.supplier,
                                                         pay_to=json.pay_to))


@bp.get("/facilities/<int:facility_id>/maintenance")
@endpoint(public=True, answer=Page[MaintenanceAnswer], errors=(404,))
def maintenance(facility_id: int):
    """The unit's monthly maintenance paid by the pool (or not yet: `unpaid`), newest month first (public)"""
    facilities.get_facility(db.session, facility_id)
    return every(MaintenanceAnswer, facility_costs.maintenance_payments(db.session, facility_id, limit=200),
                 render=lambda row: paid_to(row, MaintenanceAnswer))


@bp.post("/facilities/<int:facility_id>/applications")
@endpoint(ok=201, answer=FacilityApplicationAnswer, errors=(400, 403, 404, 409))
def apply(facility_id: int, json: FacilityApplicationBody):
    """Join a unit's waiting list, for yourself or a company you run; twice answers 409"""
    row = waiting_lists.apply(db.session, require_member(), facility_id, now=utcnow(), company_id=json.company_id,
                           message=json.message)
    return application_answer(row, waiting_lists.position(db.session, row)), 201


@bp.get("/facilities/<int:facility_id>/applications")
@endpoint(answer=Page[FacilityApplicationAnswer], errors=(400, 404))
def waiting_list(facility_id: int, query: Paging):
    """The waiting list in order (board); a member gets their own applications and places"""
    member = require_member()
    cursor, limit = query.cursor_id(), query.limit
    if access.can(member, "board_actions"):
        rows = waiting_lists.waiting_list(db.session, member, facility_id, after=cursor, limit=limit + 1)
        numbered = [(r, 1 + i if cursor is None else waiting_lists.position(db.session, r)) for i, r in enumerate(rows)]
        return listed(FacilityApplicationAnswer, numbered, limit, cursor_of=lambda pair: pair[0].id,
                      render=lambda pair: application_answer(*pair))
    facilities.get_facility(db.session, facility_id)
    mine = waiting_lists.applications_of(db.session, member, facility_id=facility_id, limit=limit)
    return every(FacilityApplicationAnswer, mine, render=lambda m: application_answer(m.application, m.position))


@bp.delete("/facility-applications/<int:application_id>")
@endpoint(answer=FacilityApplicationAnswer, errors=(404, 409))
def withdraw(application_id: int):
    """Withdraw your application"""
    return application_answer(waiting_lists.withdraw(db.session, require_member(), application_id, utcnow()), None)


@bp.post("/facility-applications/<int:application_id>/assign")
@endpoint(ok=201, answer=TenancyAnswer, errors=(400, 403, 404, 409))
def assign(application_id: int, json: AssignBody):
    """Let the unit to this applicant (board); passing over those ahead needs a reason"""
    tenancy = tenancies.assign(db.session, require_member(), application_id, now=utcnow(),
                                start_month=json.start_month, reason=json.reason)
    return tenancy_answer(tenancy), 201


@bp.get("/me/tenancies")
@endpoint(answer=Page[MyTenancyAnswer])
def my_tenancies():
    """Your tenancies and your companies', with unpaid months"""
    mine = tenancies.tenancies_of(db.session, require_member(), limit=200)
    return every(MyTenancyAnswer, mine, render=lambda m: tenancy_answer(
        m.tenancy, MyTenancyAnswer, facility_name=m.facility.name, unpaid=m.unpaid))


@bp.post("/tenancies/<int:tenancy_id>/end")
@endpoint(answer=TenancyAnswer, errors=(400, 404, 409))
def end(tenancy_id: int, json: EndBody):
    """End a tenancy after a month (the tenant or the board; default this month)"""
    return tenancy_answer(tenancies.end_tenancy(db.session, require_member(), tenancy_id, now=utcnow(),
                                                 end_month=json.end_month))


@bp.get("/tenancies/<int:tenancy_id>/charges")
@endpoint(answer=Page[ChargeAnswer], errors=(404,))
def charges(tenancy_id: int):
    """A tenancy's monthly rent charges (tenant or board)"""
    return every(ChargeAnswer, tenancies.charges_of_tenancy(db.session, require_member(), tenancy_id, limit=200))


@bp.get("/records/facilities")
@endpoint(public=True, answer=Page[FacilityMonthAnswer], errors=(400, 404))
def record(query: FacilityRecordQuery):
    """Each unit's cost, rent and subsidy by month, newest month first; tenants are never named"""
    after = records.decode_cursor(query.cursor, str, int)
    rows = facility_record.facility_months(db.session, _region_id(query.region_id), facility_id=query.facility_id,
                                      after=after, limit=query.limit + 1)
    return listed(FacilityMonthAnswer, rows, query.limit, cursor_of=lambda pair: records.encode_cursor(
        pair[0].month, pair[1].id), render=lambda pair: FacilityMonthAnswer.model_validate(
        With(pair[0], facility_name=pair[1].name, kind=pair[1].kind)))
