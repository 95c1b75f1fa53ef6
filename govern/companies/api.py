"""JSON API: companies, workers, income, hours, payroll, pay settings, bankruptcy."""
from __future__ import annotations

from flask import jsonify

from govern.apiutil import (api_blueprint, idempotency_key, iso, json_body, optional_member, page, page_params,
                            require_member)
from govern.clock import utcnow
from govern.companies import bankruptcy as bankruptcies, hours as company_hours, leaving, pay_settings
from govern.companies import payroll as payrolls, purchases, rates, service as companies, surplus
from govern.companies import workers as workforce
from govern.companies.models import Company, PayrollRun, Payslip, SurplusSweep
from govern.errors import NotFound, ValidationError
from govern.extensions import db
from govern.money import Money, parse_money
from govern.throttle import money_moving
from govern.treasury import service as treasury
from govern.treasury.api import pending_deposit_answer
from govern.templating import hours as hours_text

bp = api_blueprint("companies_api", __name__)


def _rsc(minor: int | None) -> dict | None:
    return None if minor is None else Money(minor, "RSC").to_json()


def company_json(company: Company) -> dict:
    """`rate_now` is what payroll pays a worker an hour today (rates.py): the company's own rate, or
    the wage table's (a kept wage included) moved by their productivity."""
    workers = companies.workers_of(db.session, company.id)
    now_rates = rates.rates_of_workers(db.session, company, [w for w, _ in workers], utcnow().date())
    return {
        "id": company.id, "name": company.name, "industry": company.industry, "owner": company.owner,
        "status": company.status, "region_id": company.region_id,
        "account_id": companies.company_account(db.session, company.id).id,
        "pay_schedule": company.pay_schedule, "created_at": iso(company.created_at),
        "run_by": "board" if companies.run_by_board(db.session, company) else "admins",
        "returned_entry_id": company.returned_entry_id,
        "workers": [{"member_id": w.member_id, "name": name, "occupation": w.occupation,
                     "hourly_rate": _rsc(w.hourly_rate_minor), "admin": w.admin,
                     "kept_wage": _rsc(w.kept_wage_minor), "productivity": w.productivity,
                     "rate_now": _rsc(now_rates[w.member_id].rate_minor) if now_rates[w.member_id] else None}
                    for w, name in workers],
    }


def payslip_json(slip: Payslip) -> dict:
    return {
        "member_id": slip.member_id, "occupation": slip.occupation,
        "hours": hours_text(slip.centihours),
        "rate": Money(slip.rate_minor, "RSC").to_json(), "gross": Money(slip.gross_minor, "RSC").to_json(),
        "tax": Money(slip.tax_minor, "RSC").to_json(), "net": Money(slip.net_minor, "RSC").to_json(),
        "converted": Money(slip.converted_usd_minor, "USD").to_json(),
        "contributed": Money(slip.contributed_minor, "RSC").to_json(),
        "base_rate": _rsc(slip.base_rate_minor), "productivity": slip.productivity,
    }


def run_json(run: PayrollRun) -> dict:
    return {
        "run_id": run.id, "company_id": run.company_id, "period_start": run.period_start.isoformat(),
        "period_end": run.period_end.isoformat(), "gross": Money(run.gross_minor, "RSC").to_json(),
        "tax": Money(run.tax_minor, "RSC").to_json(), "net": Money(run.net_minor, "RSC").to_json(),
        "tax_rate": run.tax_rate, "entry_id": run.entry_id, "created_at": iso(run.created_at),
        "final": run.final, "paid_share": run.paid_share,
        "payslips": [payslip_json(s) for s in payrolls.payslips_of_run(db.session, run.id)],
    }


def _company_visible(company_id: int) -> Company:
    """Companies are visible to the members of their region (region-owned ones to everyone)."""
    member = require_member()
    company = companies.get_company(db.session, company_id)
    if company.region_id != member.region_id and company.owner != "region":
        raise NotFound("No such company.")
    return company


@bp.post("/companies")
def create():
    data = json_body()
    company = companies.register_company(db.session, require_member(), data.get("name"), data.get("industry"), utcnow())
    return jsonify(company_json(company)), 201


@bp.get("/companies/<int:company_id>")
def show(company_id: int):
    return jsonify(company_json(_company_visible(company_id)))


@bp.post("/companies/<int:company_id>/workers")
def add_worker(company_id: int):
    data = json_body()
    rate = data.get("hourly_rate")
    workforce.set_worker(db.session, require_member(), company_id, member_id=data.get("member_id"),
                         occupation=data.get("occupation"), now=utcnow(),
                         hourly_rate=None if rate is None else parse_money(rate, "hourly_rate"),
                         make_admin=data.get("admin") if isinstance(data.get("admin"), bool) else None,
                         productivity=data.get("productivity"))
    return jsonify(company_json(companies.get_company(db.session, company_id))), 201


@bp.post("/companies/<int:company_id>/income")
@money_moving
def income(company_id: int):
    """202: a deposit the board confirms against the bank; then the company receives the RSC."""
    data = json_body()
    return pending_deposit_answer(treasury.request_income(
        db.session, require_member(), company_id, parse_money(data.get("amount")), data.get("memo", ""), utcnow(),
        idempotency_key()))


@bp.post("/companies/<int:company_id>/hours")
def hours(company_id: int):
    data = json_body()
    entry = company_hours.enter_hours(db.session, require_member(), company_id, member_id=data.get("member_id"),
                                  period_start=data.get("period_start"), period_end=data.get("period_end"),
                                  hours=data.get("hours"), now=utcnow())
    return jsonify({"id": entry.id, "member_id": entry.member_id, "period_start": entry.period_start.isoformat(),
                    "period_end": entry.period_end.isoformat(),
                    "hours": hours_text(entry.centihours)}), 201


@bp.post("/companies/<int:company_id>/payroll")
@money_moving
def payroll(company_id: int):
    data = json_body()
    result = payrolls.run_payroll(db.session, require_member(), company_id, data.get("period_start"),
                                   data.get("period_end"), utcnow())
    return jsonify(run_json(result.run)), 201 if result.created else 200


@bp.post("/companies/<int:company_id>/payroll/preview")
def payroll_preview(company_id: int):
    data = json_body()
    plan = payrolls.plan_payroll(db.session, require_member(), company_id, data.get("period_start"),
                                  data.get("period_end"))
    t = plan.totals
    return jsonify({
        "period_start": plan.period_start.isoformat(), "period_end": plan.period_end.isoformat(),
        "gross": Money(t.gross, "RSC").to_json(), "tax": Money(t.tax, "RSC").to_json(),
        "net": Money(t.net, "RSC").to_json(), "balance": Money(plan.balance, "RSC").to_json(),
        "affordable": plan.affordable,
        "payslips": [{"member_id": s.member_id, "hours": hours_text(s.centihours),
                      "rate": Money(s.rate_minor, "RSC").to_json(), "gross": Money(s.gross, "RSC").to_json(),
                      "tax": Money(s.tax, "RSC").to_json(), "net": Money(s.net, "RSC").to_json(),
                      "base_rate": _rsc(s.base_rate_minor), "productivity": s.productivity}
                     for s in plan.slips],
    })


@bp.get("/companies/<int:company_id>/payroll")
def runs(company_id: int):
    company = _company_visible(company_id)
    if not payrolls.can_see_pay(db.session, require_member(), company.id):
        raise NotFound("Payroll runs are visible to the company's workers.")
    cursor, limit = page_params()
    rows = payrolls.runs_of(db.session, company.id, before=cursor, limit=limit + 1)
    return jsonify(page(rows, limit, run_json, lambda r: r.id))


@bp.get("/me/payslips")
def my_payslips():
    member = require_member()
    cursor, limit = page_params()
    rows = payrolls.payslips_of_member(db.session, member.id, before=cursor, limit=limit + 1)

    def render(row):
        slip, run, company = row
        return {**payslip_json(slip), "id": slip.id, "run_id": run.id, "company_id": company.id,
                "company": company.name, "period_start": run.period_start.isoformat(),
                "period_end": run.period_end.isoformat()}

    return jsonify(page(rows, limit, render, lambda row: row[0].id))


@bp.put("/me/auto-convert")
def auto_convert():
    data = json_body()
    if "percent" not in data:
        raise ValidationError.for_field("percent", "is required")
    percent = pay_settings.set_auto_convert(db.session, require_member(), data["percent"])
    return jsonify({"percent": str(percent)})


@bp.put("/me/contribution-rate")
def contribution_rate():
    data = json_body()
    if "percent" not in data:
        raise ValidationError.for_field("percent", "is required")
    percent = pay_settings.set_contribution_rate(db.session, require_member(), data["percent"])
    return jsonify({"percent": str(percent)})


@bp.post("/companies/<int:company_id>/bankruptcy")
def bankruptcy(company_id: int):
    company = bankruptcies.declare_bankrupt(db.session, require_member(), company_id, utcnow())
    return jsonify(company_json(company))


@bp.post("/companies/<int:company_id>/handover")
def handover(company_id: int):
    """An admin of a worker-owned company makes another active worker an admin."""
    data = json_body()
    workforce.hand_over(db.session, require_member(), company_id, data.get("member_id"))
    return jsonify(company_json(companies.get_company(db.session, company_id)))


@bp.post("/companies/<int:company_id>/close")
@money_moving
def close(company_id: int):
    """Its last worker and admin closes a worker-owned company (see companies/leaving.py)."""
    return jsonify(company_json(leaving.close_company(db.session, require_member(), company_id, utcnow())))


def sweep_json(sweep: SurplusSweep) -> dict:
    return {"id": sweep.id, "company_id": sweep.company_id, "month": sweep.month,
            "balance": _rsc(sweep.balance_minor), "monthly_payroll": _rsc(sweep.monthly_payroll_minor),
            "reserve_months": sweep.reserve_months, "earmarked": _rsc(sweep.earmarked_minor),
            "surplus": _rsc(sweep.surplus_minor), "share": sweep.share, "swept": _rsc(sweep.swept_minor),
            "entry_id": sweep.entry_id, "created_at": iso(sweep.created_at)}


def _books_visible(company_id: int) -> Company:
    """A region-owned company's books are public; a worker-owned company's, its workers'."""
    company = companies.get_company(db.session, company_id)
    if not companies.may_see_books(db.session, optional_member(), company):
        raise NotFound("No such company.")
    return company


@bp.get("/companies/<int:company_id>/surplus-sweeps")
def surplus_sweeps(company_id: int):
    """The monthly sweeps of a region-owned company's surplus to the capital pool (public)."""
    company = _books_visible(company_id)
    cursor, limit = page_params()
    rows = surplus.sweeps_of(db.session, company.id, before=cursor, limit=limit + 1)
    return jsonify(page(rows, limit, sweep_json, lambda r: r.id))


@bp.get("/companies/<int:company_id>/grants")
def grants(company_id: int):
    """The equipment grants a company received, with what its outside purchases spent of each."""
    company = _books_visible(company_id)
    rows = purchases.grants_of(db.session, company.id, limit=200)
    return jsonify({"items": [{"proposal_id": g.grant.proposal_id, "item_id": g.grant.item_id,
                               "cash": _rsc(g.grant.cash_minor), "spent": Money(g.spent, "USD").to_json(),
                               "unspent": _rsc(g.unspent), "created_at": iso(g.grant.created_at)} for g in rows],
                    "next": None})
