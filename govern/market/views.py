"""Pages: the marketplace, a listing with its buy or apply form, listing something, my orders."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from govern.apiutil import page_params
from govern.clock import utcnow
from govern.companies import service as companies
from govern.errors import DomainError
from govern.extensions import db
from govern.federation import service as federation
from govern.ids import whole_number
from govern.market import service as market
from govern.market.models import KINDS
from govern.members.forms import ConfirmForm
from govern.money import Money, parse_amount
from govern.regions import service as regions
from govern.schemas import ALL_REGIONS
from govern.throttle import money_moving
from govern.viewutil import show_error_on_form

bp = Blueprint("market", __name__)


class ListingForm(FlaskForm):
    company_id = SelectField("Company", coerce=int)
    kind = SelectField("Kind", choices=[SelectChoice(k, k.capitalize()) for k in KINDS])
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    description = TextAreaField("Description", validators=[Optional(), Length(max=10000)],
                                description="Markdown; HTML is removed.")
    price = StringField("Price in RSC (for a job: the hourly wage)", validators=[Optional(), Length(max=20)],
                        description="For a job, leave empty to offer the wage table's wage.")
    occupation = StringField("Occupation (jobs)", validators=[Optional(), Length(max=60)])
    locality = StringField("Locality", validators=[Optional(), Length(max=100)])


class BuyForm(FlaskForm):
    quantity = IntegerField("Quantity", default=1, validators=[DataRequired(), NumberRange(min=1, max=10000)])


class ApplyForm(FlaskForm):
    message = TextAreaField("Why you", validators=[Optional(), Length(max=5000)])


@bp.get("/market")
@login_required
def index():
    cursor, limit = page_params()
    kind = request.args.get("kind") or None
    text = request.args.get("q") or None
    locality = request.args.get("locality") or None
    region = _chosen_region(request.args.get("region_id"))
    try:
        rows = market.search(db.session, region_id=None if region == ALL_REGIONS else region, kind=kind, text=text,
                             locality=locality, before=cursor, limit=limit + 1)
    except DomainError:
        abort(400)
    more = len(rows) > limit
    rows = rows[:limit]
    names = {c.id: c.name for c in db.session.query(companies.Company).filter(
        companies.Company.id.in_({r.company_id for r in rows}))}
    region_choices = federation.region_choices(db.session)
    return render_template("market/index.html", rows=rows, names=names, kinds=KINDS, kind=kind, q=text or "",
                           locality=locality or "", region_id=region, region_choices=region_choices,
                           region_names=dict(region_choices), next_cursor=rows[-1].id if more else None)


def _chosen_region(text: str | None) -> int | str:
    """`?region_id=`: a region's id, or `all`; by default the member's own region."""
    if not text:
        return current_user.region_id
    if text == ALL_REGIONS:
        return ALL_REGIONS
    region_id = whole_number(text)
    if region_id is None:
        abort(400)
    return region_id


@bp.route("/market/new", methods=["GET", "POST"])
@login_required
def new():
    form = ListingForm()
    form.company_id.choices = [SelectChoice(c.id, c.name) for c, w in companies.companies_of_member(
        db.session, current_user.id) if w.admin]
    if not form.company_id.choices:
        flash("List things for a company you run: register one first.", "info")
        return redirect(url_for("companies.new"))
    if form.validate_on_submit():
        try:
            price = form.price.data.strip() if form.price.data else ""
            listing = market.create_listing(
                db.session, current_user, company_id=form.company_id.data, kind=form.kind.data, title=form.title.data,
                description=form.description.data, price=Money(parse_amount(price, "price"), "RSC") if price else None,
                occupation=form.occupation.data or None, locality=form.locality.data, now=utcnow())
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            flash("Listed.", "success")
            return redirect(url_for("market.show", listing_id=listing.id))
    return render_template("market/new.html", form=form), 400 if form.errors else 200


@bp.route("/market/<int:listing_id>", methods=["GET", "POST"])
@login_required
@money_moving
def show(listing_id: int):
    listing = market.get_listing(db.session, listing_id)
    buy_form, apply_form = BuyForm(), ApplyForm()
    if request.method == "POST":
        try:
            if listing.kind == "job" and apply_form.validate_on_submit():
                market.apply(db.session, current_user, listing.id, apply_form.message.data, utcnow())
                flash("Your application is sent.", "success")
                return redirect(url_for("market.show", listing_id=listing.id))
            if listing.kind != "job" and buy_form.validate_on_submit():
                made = market.buy(db.session, current_user, listing.id, utcnow(), quantity=buy_form.quantity.data)
                flash(f"Bought: {Money(made.total_minor, 'RSC')} paid, including {Money(made.tax_minor, 'RSC')} sales tax.",
                      "success")
                return redirect(url_for("market.orders"))
        except DomainError as error:
            show_error_on_form(apply_form if listing.kind == "job" else buy_form, error)
    company = companies.get_company(db.session, listing.company_id)
    status = 400 if buy_form.errors or apply_form.errors else 200
    return render_template("market/show.html", listing=listing, company=company, buy_form=buy_form,
                           apply_form=apply_form, region=regions.get_region(db.session, listing.region_id)), status


@bp.route("/market/orders", methods=["GET", "POST"])
@login_required
def orders():
    if request.method == "POST":
        if ConfirmForm().validate_on_submit():
            try:
                order_id = whole_number(request.form.get("order_id"))
                application_id = whole_number(request.form.get("application_id"))
                if order_id:
                    market.mark_delivered(db.session, current_user, order_id, utcnow())
                    flash("Marked delivered.", "success")
                elif application_id:
                    market.accept(db.session, current_user, application_id, utcnow())
                    flash("Hired: the applicant is now a worker of your company.", "success")
            except DomainError as error:
                flash(error.message, "error")
        return redirect(url_for("market.orders"))
    return render_template("market/orders.html", mine=market.orders_of_buyer(db.session, current_user.id),
                           to_deliver=market.orders_to_deliver(db.session, current_user.id),
                           applications=market.applications_for(db.session, current_user.id),
                           confirm_form=ConfirmForm())
