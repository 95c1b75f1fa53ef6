"""Listings, orders and job applications. Buying is one idempotent ledger entry: the payer pays
price × quantity plus the seller's region's sales tax; the seller's company receives the price, its
region's capital pool the tax. Buyers come from any region: the ledger moves the backing along."""
from __future__ import annotations

from datetime import datetime
from decimal import ROUND_DOWN, Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from govern import access
from govern.companies import service as companies
from govern.companies import workers
from govern.companies.models import ACTIVE as COMPANY_ACTIVE, Company
from govern.database import next_id, write_transaction
from govern.errors import Conflict, NotFound, ValidationError
from govern.fields import contains_pattern, text_field
from govern.ids import is_id
from govern.ledger import idempotency
from govern.ledger.exchange import member_wallet
from govern.ledger.models import CAPITAL_POOL
from govern.ledger.service import Leg, post, region_account
from govern.market.models import (
    ACCEPTED,
    ACTIVE,
    DELIVERED,
    KINDS,
    ORDERED,
    PENDING,
    Application,
    Listing,
    Order,
)
from govern.members.models import Member
from govern.money import Money, require_positive
from govern.regions import service as regions
from govern.wages import service as wages

MAX_QUANTITY = 10_000


def create_listing(session: Session, admin: Member, *, company_id: object, kind: object, title: object,
                   description: object, price: Money | None, now: datetime, locality: object = None,
                   occupation: object = None, outside_price: Money | None = None) -> Listing:
    """A company's admin lists a service, a product or a job (whose price is the hourly wage;
    without one, the wage table's wage for the occupation)."""
    if not is_id(company_id):
        raise ValidationError.for_field("company_id", "must be a company id")
    if kind not in KINDS:
        raise ValidationError.for_field("kind", f"must be one of {', '.join(KINDS)}")
    title = text_field(title, "title", 200)
    description = text_field(description, "description", 10_000, required=False)
    locality = text_field(locality, "locality", 100, required=False)
    with write_transaction(session):
        company = companies.get_company(session, company_id)
        companies.require_admin(session, admin, company)
        if company.status != COMPANY_ACTIVE:
            raise Conflict("This company is bankrupt: it no longer trades.", code="company_bankrupt")
        regions.require_active(session, company.region_id)
        occupation_name = None
        if kind == "job":
            occupation_name = wages.ensure_occupation(session, company.region_id, text_field(occupation, "occupation", 60), now).name
            if price is None:
                wage = wages.current_wage(session, company.region_id, occupation_name, None)
                if wage is None:
                    raise ValidationError.for_field("price", "give the hourly wage: the wage table has none for this occupation")
                price = Money(wage.hourly_wage_minor, "RSC")
        if price is None or price.currency != "RSC":
            raise ValidationError.for_field("price", "is required, in RSC")
        require_positive(price, "price")
        if outside_price is not None:
            if not company.is_bridge:
                raise ValidationError.for_field("outside_price", "only bridge companies show an outside price")
            if outside_price.currency != "USD":
                raise ValidationError.for_field("outside_price", "is in USD")
            require_positive(outside_price, "outside_price")
        listing = Listing(region_id=company.region_id, company_id=company.id, kind=kind, title=title,
                          description=description, price_minor=price.minor, locality=locality or company.locality,
                          occupation=occupation_name, status=ACTIVE, created_at=now,
                          outside_price_minor=outside_price.minor if outside_price else None)
        session.add(listing)
        session.flush()
    return listing


def get_listing(session: Session, listing_id: int) -> Listing:
    listing = session.get(Listing, listing_id)
    if listing is None:
        raise NotFound("No such listing.")
    return listing


def search(session: Session, *, region_id: int | None, kind: str | None = None, text: str | None = None,
           locality: str | None = None, before: int | None = None, limit: int = 50) -> list[Listing]:
    """Active listings, newest first: of one region, or of every region (`region_id=None`: the
    federation's marketplace). An unknown region has none."""
    if kind is not None and kind not in KINDS:
        raise ValidationError.for_field("kind", f"must be one of {', '.join(KINDS)}")
    query = select(Listing).where(Listing.status == ACTIVE)
    if region_id is not None:
        query = query.where(Listing.region_id == region_id)
    if kind:
        query = query.where(Listing.kind == kind)
    if locality:
        query = query.where(func.lower(Listing.locality) == locality.strip().lower())
    if text:
        pattern = contains_pattern(text)
        query = query.where(or_(func.lower(Listing.title).like(pattern, escape="\\"),
                                func.lower(Listing.description).like(pattern, escape="\\")))
    if before is not None:
        query = query.where(Listing.id < before)
    return list(session.execute(query.order_by(Listing.id.desc()).limit(limit)).scalars())


def sales_tax(subtotal: int, rate: Decimal) -> int:
    return int((Decimal(subtotal) * rate).to_integral_value(rounding=ROUND_DOWN))


def buy(session: Session, buyer: Member, listing_id: int, now: datetime, *, quantity: object = 1,
        paid_by_company_id: object = None, idempotency_key: str | None = None) -> Order:
    """Buy a listing: one entry from the payer (the member, or a company they run) to the seller's
    company, with the sales tax to the capital pool. Short of money: 409 and nothing posted."""
    access.require(buyer, "propose", "Members who left cannot buy inside the co-op.")
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= MAX_QUANTITY:
        raise ValidationError.for_field("quantity", f"must be a whole number from 1 to {MAX_QUANTITY}")
    if paid_by_company_id is not None and not is_id(paid_by_company_id):
        raise ValidationError.for_field("paid_by_company_id", "must be a company id")
    scope = f"member:{buyer.id}:order"
    with write_transaction(session):
        earlier = idempotency.claim(session, scope, idempotency_key,
                                    idempotency.request_fingerprint(listing_id, quantity, paid_by_company_id), now)
        if earlier is not None:
            return session.get(Order, earlier)
        listing = get_listing(session, listing_id)
        if listing.kind == "job":
            raise ValidationError.for_field("listing", "a job is applied for, not bought")
        if listing.status != ACTIVE:
            raise Conflict("This listing is not for sale to you.", code="not_for_sale")
        regions.require_active(session, listing.region_id)
        seller = companies.get_company(session, listing.company_id)
        if seller.status != COMPANY_ACTIVE:
            raise Conflict("The seller is bankrupt.", code="company_bankrupt")
        payer = member_wallet(session, buyer.id)
        if paid_by_company_id is not None:
            paying = companies.get_company(session, paid_by_company_id)
            companies.require_admin(session, buyer, paying)
            if paying.id == seller.id:
                raise ValidationError.for_field("paid_by_company_id", "a company does not buy from itself")
            payer = companies.company_account(session, paying.id)
        subtotal = listing.price_minor * quantity
        tax = sales_tax(subtotal, regions.parameter(session, listing.region_id, "sales_tax_rate"))
        order_id = next_id(session, Order)
        entry = post(session, [Leg(payer, -(subtotal + tax)), Leg(companies.company_account(session, seller.id), subtotal),
                               Leg(region_account(session, listing.region_id, CAPITAL_POOL), tax)],
                     memo=f"{quantity} × {listing.title} from {seller.name}", cause_type="order", cause_id=order_id,
                     now=now, region_id=listing.region_id)
        order = Order(id=order_id, listing_id=listing.id, buyer_id=buyer.id, paid_by_company_id=paid_by_company_id,
                      quantity=quantity, subtotal_minor=subtotal, tax_minor=tax, total_minor=subtotal + tax,
                      entry_id=entry.id, status=ORDERED, created_at=now)
        session.add(order)
        session.flush()
        idempotency.remember(session, scope, idempotency_key, order.id)
    return order


def mark_delivered(session: Session, admin: Member, order_id: int, now: datetime) -> Order:
    with write_transaction(session):
        order = session.get(Order, order_id)
        listing = get_listing(session, order.listing_id) if order else None
        if order is None or not (order.buyer_id == admin.id or companies.is_admin(session, admin, listing.company_id)):
            raise NotFound("No such order.")  # an order is private to its buyer and its seller
        companies.require_admin(session, admin, companies.get_company(session, listing.company_id))
        if order.status == DELIVERED:
            raise Conflict("This order is already delivered.", code="already_delivered")
        order.status = DELIVERED
        order.delivered_at = now
    return order


def orders_of_buyer(session: Session, member_id: int, *, limit: int = 50) -> list[tuple[Order, Listing]]:
    return [tuple(r) for r in session.execute(select(Order, Listing).join(Listing, Listing.id == Order.listing_id)
                                              .where(Order.buyer_id == member_id).order_by(Order.id.desc()).limit(limit))]


def orders_to_deliver(session: Session, member_id: int, *, limit: int = 50) -> list[tuple[Order, Listing]]:
    """Orders placed with the companies this member runs, still to deliver."""
    mine = companies.companies_run_by(session, member_id)
    if not mine:
        return []
    return [tuple(r) for r in session.execute(select(Order, Listing).join(Listing, Listing.id == Order.listing_id)
                                              .where(Listing.company_id.in_(mine), Order.status == ORDERED)
                                              .order_by(Order.id).limit(limit))]


def apply(session: Session, member: Member, listing_id: int, message: object, now: datetime) -> Application:
    access.require(member, "propose", "Members who left cannot apply.")
    message = text_field(message, "message", 5000, required=False)
    with write_transaction(session):
        listing = get_listing(session, listing_id)
        if listing.kind != "job" or listing.status != ACTIVE or listing.region_id != member.region_id:
            raise Conflict("This is not an open job of your region.", code="not_a_job")
        if companies.worker_of(session, listing.company_id, member.id):
            raise Conflict("You already work in this company.", code="already_a_worker")
        if session.execute(select(Application.id).where(Application.listing_id == listing.id,
                                                        Application.member_id == member.id,
                                                        Application.status == PENDING)).first():
            raise Conflict("You have already applied.", code="already_applied")
        application = Application(listing_id=listing.id, member_id=member.id, message=message, status=PENDING,
                                  created_at=now)
        session.add(application)
        session.flush()
    return application


def accept(session: Session, admin: Member, application_id: int, now: datetime) -> Application:
    """The applicant becomes a worker of the company with the job's occupation and wage."""
    with write_transaction(session):
        application = session.get(Application, application_id)
        listing = get_listing(session, application.listing_id) if application else None
        if application is None or not (application.member_id == admin.id
                                       or companies.is_admin(session, admin, listing.company_id)):
            raise NotFound("No such application.")  # private to the applicant and the company
        companies.require_admin(session, admin, companies.get_company(session, listing.company_id))
        if application.status != PENDING:
            raise Conflict("This application was already decided.", code="already_decided")
        workers.set_worker(session, admin, listing.company_id, member_id=application.member_id,
                             occupation=listing.occupation, hourly_rate=Money(listing.price_minor, "RSC"), now=now)
        application.status = ACCEPTED
        application.decided_at = now
    return application


def applications_for(session: Session, member_id: int, *, limit: int = 100) -> list[tuple[Application, Listing, str]]:
    """Pending applications to the jobs of the companies this member runs."""
    mine = companies.companies_run_by(session, member_id)
    if not mine:
        return []
    return [tuple(r) for r in session.execute(
        select(Application, Listing, Member.name).join(Listing, Listing.id == Application.listing_id)
        .join(Member, Member.id == Application.member_id)
        .where(Listing.company_id.in_(mine), Application.status == PENDING).order_by(Application.id).limit(limit))]


def set_bridge(session: Session, admin: Member, company_id: int, is_bridge: bool) -> Company:
    with write_transaction(session):
        company = companies.get_company(session, company_id)
        companies.require_admin(session, admin, company)
        company.is_bridge = bool(is_bridge)
    return company
