"""JSON API: listings, orders, job applications."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from govern.apiutil import api_blueprint, endpoint, idempotency_key, listed, require_member
from govern.clock import utcnow
from govern.companies import purchases, service as companies
from govern.errors import NotFound
from govern.extensions import db
from govern.ledger.models import UsdPayout
from govern.market import service as market
from govern.money import Money as MoneyValue
from govern.schemas import (ALL_REGIONS, Answer, Flag, Id, IdempotencyKey, MoneyIn, Name, Page, Paging, RegionFilter,
                            Request, Rsc, RscIn, Time, Usd, UsdIn, With, cents, text)
from govern.throttle import money_moving

bp = api_blueprint("market_api", __name__)

ListingKind = Literal["service", "product", "job"]
Title = Annotated[str, Field(min_length=1, max_length=200, pattern=r"\S")]


class ListingBody(Request):
    company_id: Id
    kind: ListingKind
    title: Title
    description: text(10_000) = ""
    price: RscIn | None = Field(None, description="In RSC; for a job the hourly wage (default: the wage table's)")
    outside_price: UsdIn | None = Field(None, description="In USD, for bridge companies")
    locality: text(100) | None = None
    occupation: Name | None = Field(None, description="Jobs only")


class ListingQuery(Paging):
    kind: ListingKind | None = None
    q: text(200) | None = Field(None, description="Words in the title or the description")
    locality: text(100) | None = None
    region_id: RegionFilter = Field(None, description='Default: your region; a region\'s id, or "all" for every '
                                                      'region (an unknown id finds nothing)')


class ListingAnswer(Answer):
    omitted_when_none = ("outside_price",)
    id: int
    company_id: int
    region_id: int
    kind: ListingKind
    title: str
    description: str
    price: Rsc = Field(validation_alias="price_minor")
    outside_price: Usd | None = Field(None, validation_alias="outside_price_minor")
    locality: str
    occupation: str | None
    status: str
    created_at: Time


class OrderBody(Request):
    quantity: Annotated[int, Field(ge=1, le=market.MAX_QUANTITY, strict=True)] = 1
    paid_by_company_id: Id | None = None


class OrderAnswer(Answer):
    id: int
    listing_id: int
    quantity: int
    total: Rsc = Field(validation_alias="total_minor")
    tax: Rsc = Field(validation_alias="tax_minor")
    entry_id: int
    status: Literal["ordered", "delivered"]
    created_at: Time


class JobApplicationBody(Request):
    message: text(5000) | None = None


class JobApplicationAnswer(Answer):
    id: int
    listing_id: int
    member_id: int
    status: str
    created_at: Time


class BridgeBody(Request):
    is_bridge: Flag


class BridgeAnswer(Answer):
    company_id: int
    is_bridge: bool


class OutsidePurchaseBody(Request):
    amount: UsdIn
    supplier: text(200, min_length=1)
    pay_to: text(500) | None = Field(None, description="Where the treasury sends the supplier's USD")
    memo: text(200) | None = None
    grant_proposal_id: Id | None = Field(None, description="The equipment grant this purchase spends")


class SupplierPayout(Answer):
    id: int
    reference: str
    status: Literal["owed", "paid"]
    paid_at: Time | None


class PurchaseAnswer(Answer):
    id: int
    company_id: int
    supplier: str
    memo: str
    amount: Usd = cents("amount")
    grant_proposal_id: int | None
    entry_id: int
    payout: SupplierPayout
    created_at: Time


def _value(money: MoneyIn | None) -> MoneyValue | None:
    return money.value() if money is not None else None


@bp.post("/listings")
@endpoint(ok=201, answer=ListingAnswer, errors=(400, 403, 404, 409))
def create(json: ListingBody):
    """List a service, product or job for a company you run"""
    listing = market.create_listing(
        db.session, require_member(), company_id=json.company_id, kind=json.kind, title=json.title,
        description=json.description, price=_value(json.price), locality=json.locality, occupation=json.occupation,
        outside_price=_value(json.outside_price), now=utcnow())
    return ListingAnswer.model_validate(listing), 201


@bp.get("/listings")
@endpoint(answer=Page[ListingAnswer], errors=(400,))
def index(query: ListingQuery):
    """Search the listings of your region, of another (`region_id`), or of every region (`region_id=all`)"""
    member = require_member()
    region_id = (member.region_id if query.region_id is None
                 else None if query.region_id == ALL_REGIONS else query.region_id)
    rows = market.search(db.session, region_id=region_id, kind=query.kind, text=query.q or None,
                         locality=query.locality or None, before=query.cursor_id(), limit=query.limit + 1)
    return listed(ListingAnswer, rows, query.limit)


@bp.get("/listings/<int:listing_id>")
@endpoint(answer=ListingAnswer, errors=(404,))
def show(listing_id: int):
    """A listing"""
    return ListingAnswer.model_validate(market.get_listing(db.session, listing_id))


@bp.post("/listings/<int:listing_id>/orders")
@money_moving
@endpoint(ok=201, answer=OrderAnswer, errors=(400, 403, 404, 409), headers=IdempotencyKey)
def order(listing_id: int, json: OrderBody):
    """Buy: price × quantity plus sales tax, from you or a company you run"""
    made = market.buy(db.session, require_member(), listing_id, utcnow(), quantity=json.quantity,
                      paid_by_company_id=json.paid_by_company_id, idempotency_key=idempotency_key())
    return OrderAnswer.model_validate(made), 201


@bp.post("/orders/<int:order_id>/delivered")
@endpoint(answer=OrderAnswer, errors=(403, 404, 409))
def delivered(order_id: int):
    """The seller marks an order delivered"""
    return OrderAnswer.model_validate(market.mark_delivered(db.session, require_member(), order_id, utcnow()))


@bp.post("/listings/<int:listing_id>/applications")
@endpoint(ok=201, answer=JobApplicationAnswer, errors=(400, 403, 404, 409))
def apply(listing_id: int, json: JobApplicationBody):
    """Apply to a job"""
    made = market.apply(db.session, require_member(), listing_id, json.message, utcnow())
    return JobApplicationAnswer.model_validate(made), 201


@bp.post("/applications/<int:application_id>/accept")
@endpoint(answer=JobApplicationAnswer, errors=(403, 404, 409))
def accept(application_id: int):
    """Hire the applicant (company admins)"""
    return JobApplicationAnswer.model_validate(market.accept(db.session, require_member(), application_id, utcnow()))


@bp.put("/companies/<int:company_id>/bridge")
@endpoint(answer=BridgeAnswer, errors=(400, 403, 404))
def bridge(company_id: int, json: BridgeBody):
    """Mark a company a bridge to the outside economy"""
    company = market.set_bridge(db.session, require_member(), company_id, json.is_bridge)
    return BridgeAnswer(company_id=company.id, is_bridge=company.is_bridge)


@bp.get("/companies/<int:company_id>/outside-purchases")
@endpoint(answer=Page[PurchaseAnswer], errors=(400, 404))
def outside_purchases(company_id: int, query: Paging):
    """A company's outside purchases, newest first: its workers' (a region-owned company's: every member's, its account being public)"""
    member = require_member()
    company = companies.get_company(db.session, company_id)
    if not companies.may_see_books(db.session, member, company):
        raise NotFound("No such company.")
    rows = purchases.purchases_of(db.session, company.id, before=query.cursor_id(), limit=query.limit + 1)
    return listed(PurchaseAnswer, rows, query.limit, cursor_of=lambda pair: pair[0].id,
                  render=lambda pair: PurchaseAnswer.model_validate(With(pair[0], payout=pair[1])))


@bp.post("/companies/<int:company_id>/outside-purchases")
@money_moving
@endpoint(ok=201, answer=PurchaseAnswer, errors=(400, 403, 404, 409, 429), headers=IdempotencyKey)
def outside_purchase(company_id: int, json: OutsidePurchaseBody):
    """Any company buys from a supplier outside the co-op: its RSC is redeemed at par and the USD is owed to the supplier until the treasury pays it"""
    purchase = purchases.record_outside_purchase(
        db.session, require_member(), company_id, json.amount.value(), supplier=json.supplier, pay_to=json.pay_to,
        memo=json.memo, grant_proposal_id=json.grant_proposal_id, now=utcnow(), idempotency_key=idempotency_key())
    return PurchaseAnswer.model_validate(With(purchase, payout=db.session.get(UsdPayout, purchase.payout_id))), 201
