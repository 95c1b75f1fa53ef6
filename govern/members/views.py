"""Pages: home, join, login, logout, dashboard, conversions, leaving, standing for election."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from wtforms.fields.choices import SelectChoice
from flask_login import current_user, login_required, logout_user

from govern import audit, zones
from govern.clock import utcnow
from govern.errors import DomainError, NotAuthenticated
from govern.apiutil import page_params
from govern.extensions import db
from govern.ledger import exchange, service as ledger
from govern.ledger.models import CONVERSION_USD_TO_RSC
from govern.members import elections, lookup, service as members
from govern.members.api import join_throttle, login_throttle, password_throttle
from govern.members.forms import ConfirmForm, ConvertForm, JoinForm, LoginForm, PasswordForm, SettingsForm
from govern.money import Money, parse_amount
from govern.regions import service as regions
from govern.treasury import service as treasury, views as treasury_views
from govern.treasury.forms import PayoutAccountForm
from govern.throttle import money_moving
from govern.proposals import presenters
from govern.proposals.views import act_on_proposal
from govern.viewutil import next_path, show_error_on_form, start_session

bp = Blueprint("members", __name__)

# Other areas add panels to the dashboard: panel(session, member, now) -> (template, context) or None.
_DASHBOARD_PANELS: list = []


def register_dashboard_panel(panel) -> None:
    if panel not in _DASHBOARD_PANELS:
        _DASHBOARD_PANELS.append(panel)


@bp.get("/")
def home():
    region = regions.default_region(db.session)
    summary = regions.summary(db.session, region.id) if region else None
    return render_template("members/home.html", summary=summary)


@bp.route("/join", methods=["GET", "POST"])
@join_throttle
def join():
    form = JoinForm()
    choices = [SelectChoice(r.id, r.name) for r in regions.list_regions(db.session, after=None, limit=200)]
    form.region_id.choices = sorted(choices, key=lambda choice: choice.value)
    if form.validate_on_submit():
        try:
            member = members.join(
                db.session, email=form.email.data, name=form.name.data, password=form.password.data,
                locality=form.locality.data or "", region_id=form.region_id.data, now=utcnow(),
            )
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            start_session(member)
            flash(f"Welcome, {member.name}. You are now a member and an equal owner of the co-op.", "success")
            return redirect(url_for("members.dashboard"))
    return render_template("members/join.html", form=form, no_region=not choices), 400 if form.errors else 200


@bp.route("/login", methods=["GET", "POST"])
@login_throttle
def login():
    target = next_path(request.args.get("next"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            member = members.authenticate(db.session, form.email.data, form.password.data)
        except NotAuthenticated as error:
            request.govern_login_failed = True
            audit.login_failed(form.email.data, "page", request.remote_addr)
            show_error_on_form(form, error)
        else:
            audit.login_succeeded(member.id, "page", request.remote_addr)
            start_session(member)
            return redirect(target or url_for("members.dashboard"))
    return render_template("members/login.html", form=form), 401 if form.errors else 200


@bp.post("/logout")
@login_required
def logout():
    if ConfirmForm().validate_on_submit():
        members.end_sessions(db.session, current_user)
        logout_user()
        flash("You are logged out.", "info")
    return redirect(url_for("members.home"))


@bp.route("/me/settings", methods=["GET", "POST"])
@login_required
def settings():
    """The member's time zone and which mails they get (each kind, and the daily digest)."""
    form = SettingsForm(obj=members.settings_of(current_user))
    form.time_zone.choices = [SelectChoice(zone, zone.replace("_", " ")) for zone in zones.time_zones()]
    if form.validate_on_submit():
        try:
            members.update_settings(db.session, current_user, time_zone=form.time_zone.data, now=utcnow(),
                                    **{name: getattr(form, name).data for name in members.MAIL_SWITCHES})
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            flash("Your settings are saved.", "success")
            return redirect(url_for("members.settings"))
    return render_template("members/settings.html", form=form, switches=members.MAIL_SWITCHES), \
        400 if form.errors else 200


@bp.get("/people")
@login_required
def people():
    """Find a member or a company of your region by name: the plain search form behind every
    person and company field (which, with script, suggest as you type from /people/suggest)."""
    text = (request.args.get("q") or "").strip()[:100]
    kind = "companies" if request.args.get("kind") == "companies" else "people"
    found = (lookup.companies if kind == "companies" else lookup.people)(db.session, current_user.region_id, text,
                                                                        limit=50) if text else []
    return render_template("members/people.html", q=text, kind=kind, found=found)


@bp.get("/people/suggest")
@login_required
def suggest():
    """Suggestions for a person or company field, as JSON: {items: [{value, label}]}."""
    text = (request.args.get("q") or "").strip()[:100]
    if request.args.get("kind") == "companies":
        items = [{"value": lookup.person_label(i, name), "label": f"{name} · {industry}"}
                 for i, name, industry in lookup.companies(db.session, current_user.region_id, text)]
    else:
        items = [{"value": lookup.person_label(i, name), "label": f"{name}{' · ' + place if place else ''}"}
                 for i, name, place in lookup.people(db.session, current_user.region_id, text)]
    return {"items": items}


@bp.get("/me/tokens")
@login_required
def tokens():
    """Sessions and API tokens: each token by label, creation, last use and expiry, with a button to
    revoke it; and a button to log out everywhere."""
    cursor, limit = page_params()
    found = members.tokens_of(db.session, current_user, before=cursor, limit=limit)
    return render_template("members/tokens.html", tokens=found.tokens, total=found.total,
                           next_cursor=found.next_cursor, form=ConfirmForm())


@bp.post("/me/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    if ConfirmForm().validate_on_submit():
        try:
            members.revoke_token(db.session, current_user, token_id)
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash("The token was revoked: it no longer works.", "success")
    return redirect(url_for("members.tokens"))


@bp.post("/me/logout-everywhere")
@login_required
def logout_everywhere():
    if ConfirmForm().validate_on_submit():
        revoked = members.log_out_everywhere(db.session, current_user)
        logout_user()
        flash(f"You are logged out everywhere: every session ended and {revoked} API "
              f"token{'' if revoked == 1 else 's'} revoked.", "info")
    return redirect(url_for("members.home"))


@bp.route("/me/password", methods=["GET", "POST"])
@login_required
@password_throttle
def change_password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            member = members.change_password(db.session, current_user, form.current_password.data,
                                             form.new_password.data)
        except NotAuthenticated as error:
            request.govern_login_failed = True
            audit.login_failed(current_user.email, "password change", request.remote_addr)
            show_error_on_form(form, error)
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            start_session(member)
            flash("Your password is changed. Your other sessions and your API tokens no longer work.", "success")
            return redirect(url_for("members.dashboard"))
    return render_template("members/password.html", form=form), 400 if form.errors else 200


@bp.get("/dashboard")
@login_required
def dashboard():
    wallet = exchange.member_wallet(db.session, current_user.id)
    summary = regions.summary(db.session, current_user.region_id)
    entries = ledger.entries_for_account(db.session, wallet.id, before=None, limit=10)
    payouts = treasury.payouts_for(db.session, current_user, mine=True, limit=10)
    deposits = treasury.deposits_for(db.session, current_user, mine=True, status="pending", limit=10)
    now = utcnow()
    panels = [found for found in (panel(db.session, current_user, now) for panel in _DASHBOARD_PANELS) if found]
    return render_template("members/dashboard.html", wallet=wallet, summary=summary, entries=entries, panels=panels,
                           amounts=ledger.amounts_on_account(db.session, wallet.id, [e.id for e in entries]),
                           crossings=ledger.crossings(db.session, entries),
                           payouts=payouts, deposits=deposits, convert_form=ConvertForm(), confirm_form=ConfirmForm())


@bp.route("/convert", methods=["GET", "POST"])
@login_required
@money_moving
def convert():
    """Cash RSC out to USD (a payout the board pays from the bank). Buying RSC with USD is a
    deposit: that choice leads to the add-money page's claim."""
    form = ConvertForm()
    if form.validate_on_submit():
        buying = form.direction.data == CONVERSION_USD_TO_RSC
        try:
            amount = Money(parse_amount(form.amount.data), "USD" if buying else "RSC")
            if buying:
                deposit = treasury.request_conversion(db.session, current_user, amount, utcnow())
            else:
                conversion = exchange.convert(db.session, current_user, form.direction.data, amount, utcnow())
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            if buying:
                flash(treasury_views.claimed_message(deposit), "success")
                return redirect(url_for("treasury.deposit", deposit_id=deposit.id))
            flash(f"Done: {Money(conversion.debited_minor, conversion.debited_currency)} became "
                  f"{Money(conversion.credited_minor, conversion.credited_currency)}, owed to you until the board "
                  "pays it to your bank account.", "success")
            return redirect(url_for("members.convert"))
    return _convert_page(form)


def _convert_page(form: ConvertForm, account_form=None):
    account = treasury.payout_account(db.session, current_user.id)
    account_form = account_form or PayoutAccountForm(details=account.details if account else "")
    return render_template(
        "members/convert.html", form=form, summary=regions.summary(db.session, current_user.region_id),
        payouts=treasury.payouts_for(db.session, current_user, mine=True, limit=20),
        account=account, account_form=account_form,
    ), 400 if form.errors or account_form.errors else 200


@bp.post("/convert/payout-account")
@login_required
def payout_account():
    """Where the member's USD payouts are sent (the convert page's second form)."""
    form = PayoutAccountForm()
    if form.validate_on_submit():
        try:
            treasury.set_payout_account(db.session, current_user, form.details.data, utcnow())
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            flash("Saved: the board will pay your USD payouts to this account.", "success")
            return redirect(url_for("members.convert"))
    return _convert_page(ConvertForm(), form)


@bp.route("/leave", methods=["GET", "POST"])
@login_required
def leave():
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            members.leave(db.session, current_user, utcnow())
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash("You have left the co-op. Your balance stays yours to cash out.", "info")
        return redirect(url_for("members.dashboard"))
    return render_template("members/leave.html", form=form,
                           reasons=members.what_stops_leaving(db.session, current_user))


@bp.get("/members/<int:member_id>")
def profile(member_id: int):
    member = members.get_member(db.session, member_id)
    viewer = current_user if current_user.is_authenticated else None
    return render_template("members/profile.html", member=member,
                           show_email=members.can_see_email(viewer, member))


@bp.post("/proposals/<int:proposal_id>/candidacy")
@login_required
def stand(proposal_id: int):
    return act_on_proposal(proposal_id, lambda: elections.stand(db.session, current_user, proposal_id, utcnow()),
                           "You are a candidate in this election.", anchor="#nominations")


@bp.post("/proposals/<int:proposal_id>/candidacy/withdraw")
@login_required
def withdraw_candidacy(proposal_id: int):
    return act_on_proposal(proposal_id, lambda: elections.withdraw(db.session, current_user, proposal_id, utcnow()),
                           "You are no longer a candidate.", anchor="#nominations")


def _board_seats(session, ids, viewer):
    names = members.names_of(session, [int(i) for i in ids])
    return {i: (f"Board seat: {names.get(int(i), 'member ' + i)}", url_for("members.profile", member_id=int(i)))
            for i in ids}


presenters.register_effect("member", _board_seats)
