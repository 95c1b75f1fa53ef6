"""Pages: the public wage table, one occupation's history with a chart, the wage calculator.
Public records: nobody needs to log in. `?region=<id>` picks a region; by default the
viewer's, else the oldest active one."""
from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_login import current_user

from govern.apiutil import page_params
from govern.clock import utcnow
from govern.errors import ValidationError
from govern.extensions import db
from govern.ids import whole_number
from govern.regions.models import Region
from govern.viewutil import show_error_on_form
from govern.money import format_minor
from govern.proposals import presenters
from govern.wages import charts, forms, service as wages
from govern.wages.models import WageRate

bp = Blueprint("wages", __name__)


def _region() -> Region:
    requested = request.args.get("region", "")
    viewer_region = current_user.region_id if current_user.is_authenticated else None
    return wages.table_region(db.session, whole_number(requested), viewer_region)


@bp.get("/wages")
def index():
    region = _region()
    cursor, limit = page_params()
    rows = wages.current_table(db.session, region.id, before=cursor, limit=limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    return render_template("wages/index.html", region=region, rows=rows,
                           next_cursor=rows[-1].rate.id if more else None)


@bp.get("/wages/calculator")
def calculator():
    region = _region()
    form = forms.CalculatorForm(formdata=request.args if "occupation" in request.args else None)
    result = None
    if "occupation" in request.args and form.validate():
        try:
            productivity = wages.parse_productivity(form.productivity.data.strip())
            result = wages.wage_calculation(db.session, region.id, form.occupation.data, form.industry.data,
                                            productivity)
        except ValidationError as error:
            show_error_on_form(form, error)
    status = 400 if form.errors or form.form_errors else 200
    return render_template(
        "wages/calculator.html", region=region, form=form, result=result,
        occupations=wages.occupation_names(db.session, region.id),
        industries=wages.industry_names(db.session, region.id),
    ), status


@bp.get("/wages/<occupation>")
def occupation(occupation: str):
    region = _region()
    found = wages.get_occupation(db.session, region.id, occupation)
    rows = wages.occupation_history(db.session, region.id, found.name)
    labels = {None: "Any industry", **wages.industry_labels(db.session, region.id, (row.industry for row in rows))}
    current = {row.industry: row for row in rows}  # oldest first, so the last row of each industry stays
    return render_template("wages/occupation.html", region=region, occupation=found, rows=rows, labels=labels,
                           current=sorted(current.values(), key=lambda row: row.industry or ""),
                           chart=_chart(found.label, rows, labels), factors=wages.OCCUPATION_FACTOR_SPECS)


def _chart(label: str, rows, labels: dict) -> charts.StepChart | None:
    if not rows:
        return None
    by_industry: dict[str | None, list[charts.Step]] = {}
    for row in rows:
        by_industry.setdefault(row.industry, []).append(charts.Step(row.effective_from, row.hourly_wage_minor))
    series = tuple(charts.Series(labels.get(industry, industry), tuple(steps))
                   for industry, steps in by_industry.items())
    return charts.StepChart(f"Hourly wage of {label} over time, in RSC", series, utcnow())


def _wage_rows(session, ids, viewer):
    rows = session.query(WageRate).filter(WageRate.id.in_([int(i) for i in ids])).all()
    return {str(r.id): (f"Wage: {r.occupation}{' (' + r.industry + ')' if r.industry else ''} "
                        f"{format_minor(r.hourly_wage_minor)} RSC an hour",
                        url_for("wages.occupation", occupation=r.occupation, region=r.region_id))
            for r in rows}


presenters.register_effect("wage", _wage_rows)
