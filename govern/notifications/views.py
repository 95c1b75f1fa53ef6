"""Pages: a member's notifications."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from govern.apiutil import page_params
from govern.clock import utcnow
from govern.extensions import db
from govern.members.forms import ConfirmForm
from govern.notifications import service as notifications

bp = Blueprint("notifications", __name__)


@bp.route("/notifications", methods=["GET", "POST"])
@login_required
def index():
    if request.method == "POST":
        if ConfirmForm().validate_on_submit():
            notifications.mark_all_read(db.session, current_user.id, utcnow())
        return redirect(url_for("notifications.index"))
    cursor, limit = page_params()
    rows = notifications.recent(db.session, current_user.id, before=cursor, limit=limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    return render_template("notifications.html", rows=rows, next_cursor=rows[-1].id if more else None,
                           confirm_form=ConfirmForm())
