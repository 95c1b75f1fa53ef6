"""Pages: an invitation to an acquired business's employee, and accepting it."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from govern.acquisitions import service as acquisitions
from govern.acquisitions.forms import AcceptAsNewMemberForm
from govern.acquisitions.models import Invitation
from govern.clock import utcnow
from govern.companies import service as companies
from govern.errors import DomainError
from govern.extensions import db
from govern.members.forms import ConfirmForm
from govern.proposals import presenters
from govern.viewutil import show_error_on_form, start_session

bp = Blueprint("acquisitions", __name__)


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def invitation(token: str):
    row = acquisitions.invitation_by_token(db.session, token)
    member = current_user if current_user.is_authenticated else None
    form = ConfirmForm() if member else AcceptAsNewMemberForm()
    if form.validate_on_submit():
        try:
            row, joined = acquisitions.accept(db.session, token, member=member, now=utcnow(),
                                              password=getattr(form, "password", None) and form.password.data,
                                              locality=getattr(form, "locality", None) and form.locality.data or "")
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            if member is None:
                start_session(joined)
            flash("Welcome: you are a member of the co-op and a worker of the company.", "success")
            return redirect(url_for("companies.show", company_id=row.company_id))
    company = companies.get_company(db.session, row.company_id)
    return render_template("acquisitions/invitation.html", invitation=row, company=company, form=form,
                           member=member), 400 if form.errors else 200


def _invitations(session, ids, viewer):
    """Invitation links are for the board to hand over; others see who was invited and whether
    they accepted."""
    rows = session.query(Invitation).filter(Invitation.id.in_([int(i) for i in ids])).all()
    shown = {}
    for row in rows:
        board = viewer is not None and viewer.active and viewer.is_board and viewer.region_id == row.region_id
        url = url_for("acquisitions.invitation", token=row.token, _external=True) if board else None
        shown[str(row.id)] = (f"Invitation: {row.name}, {row.occupation} ({row.status})", url)
    return shown


presenters.register_effect("invitation", _invitations)
