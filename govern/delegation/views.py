"""Pages: my delegations, and a delegate's public side on the member page."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from govern.clock import utcnow
from govern.delegation import service as delegation
from govern.delegation.models import ALL
from govern.errors import DomainError
from govern.extensions import db
from govern.members import lookup, service as members
from govern.members.forms import ConfirmForm
from govern.proposals import kinds, presenters
from govern.viewutil import show_error_on_form

bp = Blueprint("delegation", __name__)


class DelegationForm(FlaskForm):
    scope = SelectField("For", validators=[DataRequired()])
    delegate = StringField("The person you trust", validators=[DataRequired(), Length(max=140)],
                           description="Type part of their name and pick them from the list (or their member number).")


def _scopes() -> list[SelectChoice]:
    return [SelectChoice(ALL, "All proposals")] + [SelectChoice(k.key, k.label) for k in kinds.all_kinds()]


@bp.route("/delegations", methods=["GET", "POST"])
@login_required
def index():
    form = DelegationForm()
    form.scope.choices = _scopes()
    suggestions = []
    if form.validate_on_submit():
        try:
            delegate_id = lookup.resolve_member(db.session, current_user.region_id, form.delegate.data, "delegate")
            delegation.set_delegation(db.session, current_user, form.scope.data, delegate_id, utcnow())
        except DomainError as error:
            show_error_on_form(form, _renamed(error))
            suggestions = lookup.people(db.session, current_user.region_id, form.delegate.data)
        else:
            flash("Delegation saved. A ballot of your own always counts instead.", "success")
            return redirect(url_for("delegation.index"))
    rows = delegation.delegations_of(db.session, current_user.id)
    names = members.names_of(db.session, [d.delegate_id for d in rows])
    labels = {choice.value: choice.label for choice in _scopes()}
    return render_template("delegation/index.html", form=form, rows=rows, names=names, labels=labels,
                           suggestions=suggestions, confirm_form=ConfirmForm()), 400 if form.errors else 200


def _renamed(error: DomainError) -> DomainError:
    """The service names the field `delegate_id` (as the API does); the form calls it `delegate`."""
    if "delegate_id" in error.fields:
        error.fields = {("delegate" if k == "delegate_id" else k): v for k, v in error.fields.items()}
    return error


@bp.get("/members/<int:member_id>/as-delegate")
def delegate_page(member_id: int):
    """A delegate's public side: how many trust them, per kind, and how they voted in public votes."""
    member = members.get_member(db.session, member_id)
    labels = {choice.value: choice.label for choice in _scopes()}
    return render_template("delegation/delegate.html", member=member, labels=labels,
                           counts=delegation.delegators_by_scope(db.session, member.id),
                           record=delegation.public_record(db.session, member.id))


@bp.post("/delegations/<scope>/withdraw")
@login_required
def withdraw(scope: str):
    if ConfirmForm().validate_on_submit():
        try:
            delegation.remove_delegation(db.session, current_user, scope)
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash("Delegation withdrawn.", "info")
    return redirect(url_for("delegation.index"))


def _how_my_vote_counted(session, proposal, viewer) -> str | None:
    voter_id = delegation.how_my_vote_counted(session, proposal.id, viewer.id)
    if voter_id is None:
        return None
    name = members.names_of(session, [voter_id]).get(voter_id, "a member")
    return f"You did not vote; your vote counted with {name}'s ballot, through your delegation."


presenters.register_vote_note(_how_my_vote_counted)
