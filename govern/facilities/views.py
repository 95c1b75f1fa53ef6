"""Pages: the units of my region, a unit (apply, my place in line; for the board the waiting
list, assigning, operating costs), offering a unit (board), and my applications and tenancies."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from govern import access
from govern.apiutil import page_params
from govern.clock import utcnow
from govern.companies import service as companies
from govern.errors import DomainError, NotFound
from govern.extensions import db
from govern import months
from govern.facilities import costs as facility_costs, public_record as facility_record, service as facilities
from govern.facilities import tenancies, waiting_list as waiting_lists
from govern.facilities.forms import ApplyForm, AssignForm, CostForm, FacilityForm, MaintainerForm
from govern.facilities.models import CLOSED, INVENTORY_KINDS, KINDS, OPEN
from govern.ids import whole_number
from govern.inventory import service as inventory
from govern.members.forms import ConfirmForm
from govern.money import Money, parse_amount
from govern.throttle import money_moving
from govern.viewutil import show_error_on_form

bp = Blueprint("facilities", __name__)


def _is_board() -> bool:
    return access.can(current_user, "board_actions")


def _rsc(text: str | None, field: str, *, required: bool) -> Money | None:
    text = (text or "").strip()
    if not text:
        return Money(0, "RSC") if required else None
    return Money(parse_amount(text, field, allow_zero=True), "RSC")


@bp.get("/facilities")
@login_required
def index():
    cursor, limit = page_params()
    kind = request.args.get("kind") or None
    try:
        rows = facilities.list_facilities(db.session, current_user.region_id, kind=kind, before=cursor, limit=limit + 1)
    except DomainError:
        rows, kind = [], None
    more = len(rows) > limit
    rows = rows[:limit]
    month = months.month_of(utcnow())
    prices = facilities.prices(db.session, rows, month)
    unpaid = tenancies.unpaid_charges(db.session, current_user) if _is_board() else []
    return render_template("facilities/index.html", rows=rows, prices=prices, kind=kind, kinds=KINDS, unpaid=unpaid,
                           is_board=_is_board(), next_cursor=rows[-1].id if more else None)


def _item_choices() -> list[SelectChoice]:
    items = [item for kind in INVENTORY_KINDS for item in inventory.search(
        db.session, region_id=current_user.region_id, kind=kind, status="in_use", limit=200)
        if item.held_by_company_id is None]
    return [SelectChoice("", "None: a unit on its own")] + [
        SelectChoice(str(item.id), f"{item.item} ({item.kind}, {Money(item.cost_minor, item.cost_currency)})")
        for item in items]


@bp.route("/facilities/new", methods=["GET", "POST"])
@login_required
def new():
    if not _is_board():
        raise NotFound("No such page.")
    form = FacilityForm()
    form.inventory_item_id.choices = _item_choices()
    if form.validate_on_submit():
        try:
            item_id = whole_number(form.inventory_item_id.data or "")
            facility = facilities.create_facility(
                db.session, current_user, name=form.name.data, kind=form.kind.data, description=form.description.data,
                purchase=_rsc(form.purchase.data, "purchase", required=item_id is None),
                maintenance=_rsc(form.maintenance.data, "maintenance", required=True),
                market_rate=_rsc(form.market_rate.data, "market_rate", required=False),
                inventory_item_id=item_id, locality=form.locality.data, now=utcnow())
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            flash("The unit is offered: members can now apply.", "success")
            return redirect(url_for("facilities.show", facility_id=facility.id))
    return render_template("facilities/new.html", form=form), 400 if form.errors else 200


def _apply_form() -> ApplyForm:
    form = ApplyForm()
    form.company_id.choices = [SelectChoice("", "Myself")] + [
        SelectChoice(str(c.id), c.name) for c, w in companies.companies_of_member(db.session, current_user.id) if w.admin]
    return form


def _render_show(facility, *, apply_form=None, cost_form=None, assign_form=None, maintainer_form=None,
                 status: int = 200):
    board = _is_board() and facility.region_id == current_user.region_id
    month = months.month_of(utcnow())
    context = dict(
        facility=facility, is_board=board, month=month,
        member_price=facilities.price(db.session, facility, month, member=True),
        mine=waiting_lists.applications_of(db.session, current_user, facility_id=facility.id, limit=20),
        tenancy=tenancies.current_tenancy(db.session, facility.id),
        waiting=facilities.occupancy(db.session, [facility])[facility.id].waiting,
        totals=facility_record.facility_totals(db.session, facility.id),
        paid=facility_costs.costs_paid(db.session, facility.region_id, facility_id=facility.id, limit=48),
        maintainer=facility_costs.maintainer_of(db.session, facility),
        queue=waiting_lists.waiting_list(db.session, current_user, facility.id, limit=100) if board else [],
        apply_form=apply_form or _apply_form(), cost_form=cost_form or CostForm(month=month),
        maintainer_form=maintainer_form or MaintainerForm(),
        confirm_form=ConfirmForm(),
    )
    queue = context["queue"]
    context["names"] = waiting_lists.applicant_names(db.session, queue)
    context["assign_form"] = assign_form or AssignForm()
    context["assign_form"].application_id.choices = [
        SelectChoice(str(a.id), f"{place}. {context['names'].get(a.member_id, a.member_id)} (application {a.id})") for place, a in enumerate(queue, 1)]
    return render_template("facilities/show.html", **context), status


def _facility_of_my_region(facility_id: int):
    facility = facilities.get_facility(db.session, facility_id)
    if facility.region_id != current_user.region_id:
        raise NotFound("No such facility.")
    return facility


@bp.get("/facilities/<int:facility_id>")
@login_required
def show(facility_id: int):
    return _render_show(_facility_of_my_region(facility_id))


@bp.post("/facilities/<int:facility_id>/apply")
@login_required
def apply(facility_id: int):
    facility = _facility_of_my_region(facility_id)
    form = _apply_form()
    if form.validate_on_submit():
        try:
            row = waiting_lists.apply(db.session, current_user, facility.id, now=utcnow(),
                                   company_id=whole_number(form.company_id.data or ""), message=form.message.data)
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            flash(f"You are on the waiting list, number {waiting_lists.position(db.session, row)}.", "success")
            return redirect(url_for("facilities.show", facility_id=facility.id))
    return _render_show(facility, apply_form=form, status=400)


@bp.post("/facilities/<int:facility_id>/costs")
@login_required
@money_moving
def record_cost(facility_id: int):
    facility = _facility_of_my_region(facility_id)
    form = CostForm()
    if form.validate_on_submit():
        try:
            cost = facility_costs.record_operating_cost(
                db.session, current_user, facility.id, month=form.month.data,
                amount=_rsc(form.amount.data, "amount", required=True), memo=form.memo.data,
                company_id=form.company_id.data, supplier=form.supplier.data, pay_to=form.pay_to.data, now=utcnow())
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            how = "a payout the board makes from the bank" if cost.payout_id else "RSC into the company's account"
            flash(f"The cost is recorded and the capital pool paid it ({how}): it is part of that month's cost.",
                  "success")
            return redirect(url_for("facilities.show", facility_id=facility.id))
    return _render_show(facility, cost_form=form, status=400)


@bp.post("/facilities/<int:facility_id>/maintainer")
@login_required
def set_maintainer(facility_id: int):
    facility = _facility_of_my_region(facility_id)
    form = MaintainerForm()
    if form.validate_on_submit():
        try:
            facility_costs.set_maintainer(db.session, current_user, facility.id, company_id=form.company_id.data,
                                          supplier=form.supplier.data, pay_to=form.pay_to.data, now=utcnow())
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            flash("Saved: the capital pool pays the maintenance to them after each month ends.", "success")
            return redirect(url_for("facilities.show", facility_id=facility.id))
    return _render_show(facility, maintainer_form=form, status=400)


@bp.post("/facilities/<int:facility_id>/assign")
@login_required
def assign(facility_id: int):
    facility = _facility_of_my_region(facility_id)
    form = AssignForm()
    if form.validate_on_submit():
        try:
            tenancy = tenancies.assign(db.session, current_user, whole_number(form.application_id.data) or 0,
                                        now=utcnow(), start_month=form.start_month.data, reason=form.reason.data,
                                        facility_id=facility.id)
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            flash(f"Assigned from {tenancy.start_month}.", "success")
            return redirect(url_for("facilities.show", facility_id=facility.id))
    return _render_show(facility, assign_form=form, status=400)


@bp.post("/facilities/<int:facility_id>/status")
@login_required
def set_status(facility_id: int):
    facility = _facility_of_my_region(facility_id)
    if ConfirmForm().validate_on_submit():
        try:
            facilities.set_status(db.session, current_user, facility.id, CLOSED if facility.status == OPEN else OPEN)
            flash("The unit is " + ("open to applications." if facility.status == OPEN else "closed to applications."),
                  "success")
        except DomainError as error:
            flash(error.message, "error")
    return redirect(url_for("facilities.show", facility_id=facility.id))


@bp.get("/facilities/mine")
@login_required
def mine():
    return render_template("facilities/mine.html",
                           applications=waiting_lists.applications_of(db.session, current_user, limit=100),
                           tenancies=tenancies.tenancies_of(db.session, current_user, limit=100),
                           confirm_form=ConfirmForm())


@bp.post("/facility-applications/<int:application_id>/withdraw")
@login_required
def withdraw(application_id: int):
    if ConfirmForm().validate_on_submit():
        try:
            waiting_lists.withdraw(db.session, current_user, application_id, utcnow())
            flash("Your application is withdrawn.", "success")
        except DomainError as error:
            flash(error.message, "error")
    return redirect(url_for("facilities.mine"))


@bp.post("/tenancies/<int:tenancy_id>/end")
@login_required
def end(tenancy_id: int):
    if ConfirmForm().validate_on_submit():
        try:
            tenancy = tenancies.end_tenancy(db.session, current_user, tenancy_id, now=utcnow())
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(f"The tenancy ends after {tenancy.end_month}.", "success")
            return redirect(url_for("facilities.show", facility_id=tenancy.facility_id))
    return redirect(url_for("facilities.mine"))
