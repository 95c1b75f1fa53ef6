"""Pages: the federation — every region's public figures side by side, with their totals."""
from __future__ import annotations

from flask import Blueprint, render_template

from govern.extensions import db
from govern.federation import service as federation

bp = Blueprint("federation", __name__)


@bp.get("/federation")
def index():
    return render_template("federation/index.html", federation=federation.federation(db.session))
