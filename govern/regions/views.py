"""Pages: the regions index, a region's public page, and the board's page that founds a new region
from its own as the template."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from govern.clock import utcnow
from govern.errors import DomainError
from govern.members.forms import ConfirmForm

from govern.extensions import db
from govern.ledger.models import CAPITAL_POOL
from govern.ledger.service import region_account
from govern.proposals import constitution, presenters
from govern import access
from govern.regions import founding, parameters, reorganise, service as regions
from govern.regions.forms import FoundRegionForm
from govern.regions.models import REGION_ACTIVE, ParameterChange, Region
from govern.viewutil import show_error_on_form

bp = Blueprint("regions", __name__)


@bp.get("/regions")
def index():
    rows = regions.list_regions(db.session, after=None, limit=200)
    return render_template("regions/index.html", summaries=[regions.summary(db.session, r.id) for r in rows])


@bp.get("/regions/<int:region_id>")
def show(region_id: int):
    summary = regions.summary(db.session, region_id)
    return render_template(
        "regions/show.html", summary=summary, specs=parameters.in_section(""), confirm_form=ConfirmForm(),
        floors=constitution.constitution(db.session, region_id), threshold_words=constitution.THRESHOLD_WORDS,
        constitution_key=constitution.CONSTITUTION,
        history=regions.parameter_history(db.session, region_id),
        pool_account=region_account(db.session, region_id, CAPITAL_POOL),
        board=regions.board_members(db.session, region_id), template=founding.founded_from(db.session, summary.region),
        member_here=current_user.is_authenticated and current_user.active and current_user.region_id == region_id,
        may_found=(current_user.is_authenticated and current_user.region_id == region_id
                   and summary.region.status == REGION_ACTIVE and access.can(current_user, "board_actions")),
    )


@bp.route("/regions/new", methods=["GET", "POST"])
@login_required
def found():
    """The board founds a new region from its own: its parameters, constitution, wage table,
    occupations and industries; no members, no board, no money."""
    founding.require_may_found(current_user)
    template = regions.get_region(db.session, current_user.region_id)
    form = FoundRegionForm()
    if form.validate_on_submit():
        try:
            region = founding.found_by_board(db.session, current_user, form.name.data, utcnow())
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            flash(f"{region.name} is founded from {template.name}'s template. It has no members and no board yet: "
                  "people join it, then elect its board.", "success")
            return redirect(url_for("regions.show", region_id=region.id))
    return render_template("regions/new.html", form=form, template=template), 400 if form.errors else 200


@bp.post("/regions/<int:region_id>/move")
@login_required
def move(region_id: int):
    if ConfirmForm().validate_on_submit():
        try:
            reorganise.move_member(db.session, current_user, region_id, utcnow())
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash("You moved: your balance came with you, and you now vote here.", "success")
    return redirect(url_for("regions.show", region_id=region_id))


def _parameter_changes(session, ids, viewer):
    rows = session.query(ParameterChange).filter(ParameterChange.id.in_([int(i) for i in ids])).all()
    return {str(r.id): (f"{r.name}: {r.old_value} → {r.new_value}", url_for("regions.show", region_id=r.region_id))
            for r in rows}


presenters.register_effect("parameter", _parameter_changes)


def _regions(session, ids, viewer):
    rows = session.query(Region).filter(Region.id.in_([int(i) for i in ids])).all()
    return {str(r.id): (f"Region: {r.name}{' (dissolved)' if r.status != 'active' else ''}",
                        url_for("regions.show", region_id=r.id)) for r in rows}


presenters.register_effect("region", _regions)
