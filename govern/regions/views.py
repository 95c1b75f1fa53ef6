"""Pages: the regions index and a region's public page."""
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
from govern.regions import parameters, reorganise, service as regions
from govern.regions.models import ParameterChange, Region

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
    )


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
