"""JSON API: listings, orders, job applications."""
from __future__ import annotations

from flask import jsonify, request

from govern.apiutil import (api_blueprint, idempotency_key, iso, json_body, optional_json_body, page, page_params,
                            require_member)
from govern.clock import utcnow
from govern.companies import purchases, service as companies
from govern.companies.models import OutsidePurchase
from govern.errors import NotFound, ValidationError
from govern.extensions import db
from govern.ledger.models import UsdPayout
from govern.market import service as market
from govern.market.models import Application, Listing, Order
from govern.money import Money, parse_money
from govern.throttle import money_moving

bp = api_blueprint("market_api", __name__)


def listing_json(listing: Listing) -> dict:
    data = {"id": listing.id, "company_id": listing.company_id, "region_id": listing.region_id, "kind": listing.kind,
            "title": listing.title, "description": listing.description,
            "price": Money(listing.price_minor, "RSC").to_json(), "locality": listing.locality,
            "occupation": listing.occupation, "status": listing.status, "created_at": iso(listing.created_at)}
    if listing.outside_price_minor is not None:
        data["outside_price"] = Money(listing.outside_price_minor, "USD").to_json()
    return data


def order_json(order: Order) -> dict:
    return {"id": order.id, "listing_id": order.listing_id, "quantity": order.quantity,
            "total": Money(order.total_minor, "RSC").to_json(), "tax": Money(order.tax_minor, "RSC").to_json(),
            "entry_id": order.entry_id, "status": order.status, "created_at": iso(order.created_at)}


def application_json(application: Application) -> dict:
    return {"id": application.id, "listing_id": application.listing_id, "member_id": application.member_id,
            "status": application.status, "created_at": iso(application.created_at)}


def _optional_money(data: dict, name: str):
    return parse_money(data[name], name) if data.get(name) is not None else None


@bp.post("/listings")
def create():
    data = json_body()
    listing = market.create_listing(
        db.session, require_member(), company_id=data.get("company_id"), kind=data.get("kind"),
        title=data.get("title"), description=data.get("description", ""), price=_optional_money(data, "price"),
        locality=data.get("locality"), occupation=data.get("occupation"),
        outside_price=_optional_money(data, "outside_price"), now=utcnow())
    return jsonify(listing_json(listing)), 201


@bp.get("/listings")
def index():
    member = require_member()
    cursor, limit = page_params()
    rows = market.search(db.session, region_id=member.region_id, kind=request.args.get("kind") or None,
                         text=request.args.get("q") or None, locality=request.args.get("locality") or None,
                         before=cursor, limit=limit + 1)
    return jsonify(page(rows, limit, listing_json, lambda r: r.id))


@bp.get("/listings/<int:listing_id>")
def show(listing_id: int):
    require_member()
    return jsonify(listing_json(market.get_listing(db.session, listing_id)))


@bp.post("/listings/<int:listing_id>/orders")
@money_moving
def order(listing_id: int):
    data = optional_json_body()
    made = market.buy(db.session, require_member(), listing_id, utcnow(), quantity=data.get("quantity", 1),
                      paid_by_company_id=data.get("paid_by_company_id"), idempotency_key=idempotency_key())
    return jsonify(order_json(made)), 201


@bp.post("/orders/<int:order_id>/delivered")
def delivered(order_id: int):
    return jsonify(order_json(market.mark_delivered(db.session, require_member(), order_id, utcnow())))


@bp.post("/listings/<int:listing_id>/applications")
def apply(listing_id: int):
    data = optional_json_body()
    made = market.apply(db.session, require_member(), listing_id, data.get("message"), utcnow())
    return jsonify(application_json(made)), 201


@bp.post("/applications/<int:application_id>/accept")
def accept(application_id: int):
    return jsonify(application_json(market.accept(db.session, require_member(), application_id, utcnow())))


@bp.put("/companies/<int:company_id>/bridge")
def bridge(company_id: int):
    data = json_body()
    if not isinstance(data.get("is_bridge"), bool):
        raise ValidationError.for_field("is_bridge", "must be true or false")
    company = market.set_bridge(db.session, require_member(), company_id, data["is_bridge"])
    return jsonify({"company_id": company.id, "is_bridge": company.is_bridge})


def purchase_json(purchase: OutsidePurchase, payout=None) -> dict:
    payout = payout or db.session.get(UsdPayout, purchase.payout_id)
    return {"id": purchase.id, "company_id": purchase.company_id, "supplier": purchase.supplier,
            "memo": purchase.memo, "amount": Money(purchase.amount_minor, "USD").to_json(),
            "grant_proposal_id": purchase.grant_proposal_id, "entry_id": purchase.entry_id,
            "payout": {"id": payout.id, "reference": payout.reference, "status": payout.status,
                       "paid_at": iso(payout.paid_at)},
            "created_at": iso(purchase.created_at)}


@bp.get("/companies/<int:company_id>/outside-purchases")
def outside_purchases(company_id: int):
    """A company's outside purchases, newest first: its admins and workers (a region-owned
    company's: every member, its account being public)."""
    member = require_member()
    company = companies.get_company(db.session, company_id)
    if not companies.may_see_books(db.session, member, company):
        raise NotFound("No such company.")
    cursor, limit = page_params()
    rows = purchases.purchases_of(db.session, company.id, before=cursor, limit=limit + 1)
    return jsonify(page(rows, limit, lambda row: purchase_json(*row), lambda row: row[0].id))


@bp.post("/companies/<int:company_id>/outside-purchases")
@money_moving
def outside_purchase(company_id: int):
    """Any company buys from a supplier outside the co-op (see companies/purchases.py)."""
    data = json_body()
    purchase = purchases.record_outside_purchase(
        db.session, require_member(), company_id, parse_money(data.get("amount"), currencies=("USD",)),
        supplier=data.get("supplier"), pay_to=data.get("pay_to"), memo=data.get("memo"),
        grant_proposal_id=data.get("grant_proposal_id"), now=utcnow(), idempotency_key=idempotency_key())
    return jsonify(purchase_json(purchase)), 201
