"""Pages: my health plan (inside share, enroll, leave, premiums), the enrolled list (board), and
the dashboard's panel."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from govern import access
from govern.apiutil import page_params
from govern.clock import utcnow
from govern.errors import DomainError, NotFound
from govern.extensions import db
from govern.health import service as health
from govern.members.forms import ConfirmForm
from govern.members.views import register_dashboard_panel
from govern.money import Money
from govern.regions import service as regions

bp = Blueprint("health", __name__)


def _dashboard_panel(session, member, now):
    if not member.active:
        return None
    return "health/_panel.html", {"share": health.inside_share(session, member, now),
                                  "enrollment": health.enrollment_of(session, member.id),
                                  "offered": health.plan_offered(session, member.region_id)}


register_dashboard_panel(_dashboard_panel)


@bp.route("/health", methods=["GET", "POST"])
@login_required
def index():
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            if health.enrollment_of(db.session, current_user.id) is None:
                health.enroll(db.session, current_user, utcnow())
                flash("You are enrolled in the group health plan.", "success")
            else:
                health.leave(db.session, current_user, utcnow())
                flash("You have left the group health plan.", "success")
        except DomainError as error:
            form.form_errors.append(error.message)
        else:
            return redirect(url_for("health.index"))
    premium = Money(health.premium_minor(db.session, current_user.region_id), "RSC")
    share_of_member = regions.parameter(db.session, current_user.region_id, "health_plan_member_share")
    return render_template("health/index.html", form=form, share=health.inside_share(db.session, current_user, utcnow()),
                           enrollment=health.enrollment_of(db.session, current_user.id), premium=premium,
                           member_share=share_of_member, premiums=health.premiums_of(db.session, current_user.id),
                           offered=health.plan_offered(db.session, current_user.region_id),
                           is_board=access.can(current_user, "board_actions")), 400 if form.form_errors else 200


@bp.get("/health/enrolled")
@login_required
def enrolled():
    if not access.can(current_user, "board_actions"):
        raise NotFound("No such page.")
    cursor, limit = page_params()
    rows = health.enrolled_members(db.session, current_user, before=cursor, limit=limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    return render_template("health/enrolled.html", rows=rows, count=health.enrolled_count(db.session, current_user.region_id),
                           next_cursor=rows[-1][0].id if more else None)
