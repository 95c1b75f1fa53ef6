"""Pages: my companies, registering one, the company page with its admin forms, payroll with a
preview before confirming, payslips, and the auto-conversion setting."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from govern.apiutil import page_params
from govern.clock import utcnow
from govern.companies import bankruptcy as bankruptcies, forms, hours as company_hours, leaving, pay_settings
from govern.companies import payroll as payrolls, purchases, rates, schedules, service as companies, surplus
from govern.companies import workers as workforce
from govern.errors import DomainError
from govern.extensions import db
from govern.ids import whole_number
from govern.members.forms import ConfirmForm
from govern.money import Money, parse_amount
from govern.companies.models import Company
from govern.proposals import presenters
from govern.treasury import service as treasury
from govern.throttle import money_moving
from govern.members import lookup
from govern.regions import service as regions
from govern.viewutil import show_error_on_form

bp = Blueprint("companies", __name__)


@bp.get("/companies")
@login_required
def index():
    return render_template("companies/index.html", rows=companies.companies_of_member(db.session, current_user.id))


@bp.route("/companies/new", methods=["GET", "POST"])
@login_required
def new():
    form = forms.CompanyForm()
    if form.validate_on_submit():
        try:
            company = companies.register_company(db.session, current_user, form.name.data, form.industry.data, utcnow())
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            flash("Your company is registered. Set your own hourly rate to start paying yourself.", "success")
            return redirect(url_for("companies.show", company_id=company.id))
    return render_template("companies/new.html", form=form), 400 if form.errors else 200


def _page(company_id: int, **forms_by_name):
    company = companies.get_company(db.session, company_id)
    viewer = current_user if current_user.is_authenticated else None
    if not companies.sees_inside(db.session, viewer, company):
        return render_template("companies/public.html", company=company,
                               region=regions.get_region(db.session, company.region_id)), 200
    workers = companies.workers_of(db.session, company.id)
    hours_form = forms_by_name.pop("hours_form", None) or forms.HoursForm()
    hours_form.member_id.choices = [SelectChoice(w.member_id, name) for w, name in workers]
    if viewer is not None and request.method == "GET":
        hours_form.member_id.data = viewer.id
    is_admin = companies.is_admin(db.session, viewer, company.id)
    books = companies.may_see_books(db.session, viewer, company)
    grants = purchases.grants_of(db.session, company.id) if books else []
    defaults = {"worker_form": forms.WorkerForm(), "income_form": forms.IncomeForm(),
                "payroll_form": forms.PayrollForm(), "schedule_form": forms.ScheduleForm(obj=company),
                "purchase_form": forms.PurchaseForm(), "handover_form": forms.HandoverForm()}
    defaults.update(forms_by_name)
    defaults["purchase_form"].grant_proposal_id.choices = [SelectChoice("", "None")] + [
        SelectChoice(str(g.grant.proposal_id), f"Grant of proposal {g.grant.proposal_id}: {Money(g.unspent, 'RSC')} unspent")
        for g in grants]
    defaults["handover_form"].member_id.choices = [
        SelectChoice(str(w.member_id), name) for w, name in workers if not w.admin and w.member_id != getattr(viewer, "id", None)]
    status = 400 if any(f.errors for f in (hours_form, *defaults.values())) else 200
    low, high = workforce.productivity_bounds(db.session, company.region_id)
    return render_template(
        "companies/show.html", company=company, workers=workers, hours_form=hours_form,
        account=companies.company_account(db.session, company.id),
        rates_now=rates.rates_of_workers(db.session, company, [w for w, _ in workers], utcnow().date()),
        run_by_board=companies.run_by_board(db.session, company), productivity_bounds=(low, high),
        runs=payrolls.runs_of(db.session, company.id) if payrolls.can_see_pay(db.session, viewer, company.id) else None,
        is_admin=is_admin, books=books, grants=grants,
        purchases=purchases.purchases_of(db.session, company.id, limit=20) if books else [],
        sweeps=surplus.sweeps_of(db.session, company.id) if company.owner == "region" else [],
        income_waiting=treasury.income_waiting(db.session, company.id) if is_admin else [],
        is_worker=bool(viewer and companies.worker_of(db.session, company.id, viewer.id)),
        may_close=bool(is_admin and company.owner == "workers"
                       and not leaving.other_active_workers(db.session, company.id, viewer.id)),
        confirm_form=ConfirmForm(), **defaults,
    ), status


@bp.get("/companies/<int:company_id>")
def show(company_id: int):
    return _page(company_id)


def _money_field(form, field_name: str, currency: str) -> Money | None:
    text = (getattr(form, field_name).data or "").strip()
    return Money(parse_amount(text, field_name), currency) if text else None


@bp.post("/companies/<int:company_id>/workers")
@login_required
def add_worker(company_id: int):
    form = forms.WorkerForm()
    if form.validate_on_submit():
        try:
            company = companies.get_company(db.session, company_id)
            member_id = lookup.resolve_member(db.session, company.region_id, form.member.data, "member")
            workforce.set_worker(db.session, current_user, company_id, member_id=member_id,
                                 occupation=form.occupation.data, hourly_rate=_money_field(form, "hourly_rate", "RSC"),
                                 make_admin=True if form.admin.data else None, now=utcnow(),
                                 productivity=(form.productivity.data or "").strip() or None)
        except DomainError as error:
            if "member_id" in error.fields:
                error.fields = {("member" if k == "member_id" else k): v for k, v in error.fields.items()}
            show_error_on_form(form, error)
            form.suggestions = lookup.people(db.session, current_user.region_id, form.member.data)
        else:
            flash("Worker saved.", "success")
            return redirect(url_for("companies.show", company_id=company_id) + "#workers")
    return _page(company_id, worker_form=form)


@bp.post("/companies/<int:company_id>/income")
@login_required
@money_moving
def income(company_id: int):
    form = forms.IncomeForm()
    if form.validate_on_submit():
        try:
            deposit = treasury.request_income(db.session, current_user, company_id,
                                              _money_field(form, "amount", "USD"), form.memo.data, utcnow())
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            flash(f"Income of {Money(deposit.amount_minor, 'USD')} claimed: pay it into the co-op's bank account "
                  f"quoting {deposit.reference}. The company receives the RSC when the board confirms it.", "success")
            return redirect(url_for("treasury.deposit", deposit_id=deposit.id))
    return _page(company_id, income_form=form)


@bp.post("/companies/<int:company_id>/hours")
@login_required
def hours(company_id: int):
    form = forms.HoursForm()
    form.member_id.choices = [SelectChoice(w.member_id, name) for w, name in companies.workers_of(db.session, company_id)]
    if form.validate_on_submit():
        try:
            company_hours.enter_hours(db.session, current_user, company_id, member_id=form.member_id.data,
                                  period_start=form.period_start.data, period_end=form.period_end.data,
                                  hours=form.hours.data, now=utcnow())
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            flash("Hours entered.", "success")
            return redirect(url_for("companies.show", company_id=company_id) + "#hours")
    return _page(company_id, hours_form=form)


@bp.route("/companies/<int:company_id>/payroll", methods=["GET", "POST"])
@login_required
@money_moving
def payroll(company_id: int):
    """GET: the preview of a period; POST: confirm and pay it."""
    if request.method == "POST":
        form = forms.PayrollForm()
    else:  # a preview changes nothing: a GET form, without a CSRF token
        form = forms.PayrollForm(formdata=request.args, meta={"csrf": False})
    if not form.validate():
        return _page(company_id, payroll_form=form)
    try:
        if request.method == "POST":
            result = payrolls.run_payroll(db.session, current_user, company_id, form.period_start.data,
                                           form.period_end.data, utcnow())
            flash("Payroll paid." if result.created else "This period was already paid: nothing new was paid.",
                  "success" if result.created else "info")
            return redirect(url_for("companies.show", company_id=company_id) + "#payroll")
        plan = payrolls.plan_payroll(db.session, current_user, company_id, form.period_start.data, form.period_end.data)
    except DomainError as error:
        show_error_on_form(form, error)
        return _page(company_id, payroll_form=form)
    names = {w.member_id: name for w, name in companies.workers_of(db.session, company_id)}
    return render_template("companies/payroll_preview.html", plan=plan, form=form, names=names)


@bp.post("/companies/<int:company_id>/schedule")
@login_required
def schedule(company_id: int):
    form = forms.ScheduleForm()
    if form.validate_on_submit():
        try:
            schedules.set_pay_schedule(db.session, current_user, company_id, form.pay_schedule.data,
                                       form.schedule_start.data)
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            flash("Pay schedule saved.", "success")
            return redirect(url_for("companies.show", company_id=company_id))
    return _page(company_id, schedule_form=form)


@bp.post("/companies/<int:company_id>/bankruptcy")
@login_required
def bankruptcy(company_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        bankruptcies.declare_bankrupt(db.session, current_user, company_id, utcnow())
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash("The company is declared bankrupt.", "info")
    return redirect(url_for("companies.show", company_id=company_id))


@bp.post("/companies/<int:company_id>/purchases")
@login_required
@money_moving
def purchase(company_id: int):
    form = forms.PurchaseForm()
    form.grant_proposal_id.choices = [SelectChoice("", "None")] + [
        SelectChoice(str(g.grant.proposal_id), str(g.grant.proposal_id)) for g in purchases.grants_of(db.session, company_id)]
    if form.validate_on_submit():
        try:
            bought = purchases.record_outside_purchase(
                db.session, current_user, company_id, _money_field(form, "amount", "USD"), supplier=form.supplier.data,
                pay_to=form.pay_to.data, memo=form.memo.data, now=utcnow(),
                grant_proposal_id=whole_number(form.grant_proposal_id.data or ""))
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            flash(f"Bought from {bought.supplier} for {Money(bought.amount_minor, 'USD')}: the board pays them from the "
                  "bank.", "success")
            return redirect(url_for("companies.show", company_id=company_id) + "#purchases")
    return _page(company_id, purchase_form=form)


@bp.post("/companies/<int:company_id>/handover")
@login_required
def handover(company_id: int):
    form = forms.HandoverForm()
    form.member_id.choices = [SelectChoice(str(w.member_id), name)
                              for w, name in companies.workers_of(db.session, company_id)]
    if form.validate_on_submit():
        try:
            worker = workforce.hand_over(db.session, current_user, company_id, whole_number(form.member_id.data or ""))
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            flash(f"Member {worker.member_id} is an admin of the company too.", "success")
            return redirect(url_for("companies.show", company_id=company_id) + "#workers")
    return _page(company_id, handover_form=form)


@bp.post("/companies/<int:company_id>/close")
@login_required
@money_moving
def close(company_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        leaving.close_company(db.session, current_user, company_id, utcnow())
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash("The company is closed: its balance is in your wallet, any unspent equipment grant is back in the "
              "capital pool and the region's equipment back in its inventory.", "info")
    return redirect(url_for("companies.show", company_id=company_id))


@bp.route("/payslips", methods=["GET", "POST"])
@login_required
def payslips():
    form = forms.AutoConvertForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            pay_settings.set_auto_convert(db.session, current_user, str(form.percent.data))
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            flash(f"{form.percent.data}% of each net pay will be converted to USD.", "success")
            return redirect(url_for("companies.payslips"))
    elif request.method == "GET":
        form.percent.data = pay_settings.auto_convert_percent(db.session, current_user.id)
    cursor, limit = page_params()
    rows = payrolls.payslips_of_member(db.session, current_user.id, before=cursor, limit=limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    return render_template("companies/payslips.html", rows=rows, form=form,
                           next_cursor=rows[-1][0].id if more else None), 400 if form.errors else 200


def _companies(session, ids, viewer):
    rows = session.query(Company).filter(Company.id.in_([int(i) for i in ids])).all()
    return {str(c.id): (f"Company: {c.name}", url_for("companies.show", company_id=c.id)) for c in rows}


presenters.register_effect("company", _companies)
