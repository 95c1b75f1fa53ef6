"""Pages: the board's outbox (every mail Conductor wrote for its region, its status, and each mail)."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user, login_required

from govern.apiutil import page_params
from govern.extensions import db
from govern.mail import service as mail
from govern.mail.models import STATUSES

bp = Blueprint("mail", __name__)


@bp.get("/board/outbox")
@login_required
def outbox():
    cursor, limit = page_params()
    status = request.args.get("status") or None
    rows = mail.outbox_for(db.session, current_user, status=status, before=cursor, limit=limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    return render_template("mail/outbox.html", rows=rows, status=status, statuses=STATUSES,
                           counts=mail.outbox_counts(db.session, current_user),
                           smtp=bool(current_app.config.get("GOVERN_SMTP_URL")),
                           next_cursor=rows[-1].id if more else None)


@bp.get("/board/outbox/<int:mail_id>")
@login_required
def show(mail_id: int):
    found = mail.mail_for_board(db.session, current_user, mail_id)
    return render_template("mail/show.html", mail=found,
                           body=found.body.replace(mail.SITE, current_app.config["GOVERN_BASE_URL"].rstrip("/")))
