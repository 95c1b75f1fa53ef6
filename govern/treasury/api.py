"""JSON API: deposits, bank statements, payouts, the reconciliation, the co-op's bank details and
members' payout accounts."""
from __future__ import annotations

from flask import jsonify, request

from govern.apiutil import api_blueprint, iso, json_body, optional_member, page, page_params, require_member
from govern.clock import utcnow
from govern.errors import ValidationError
from govern.extensions import db
from govern.ids import whole_number
from govern.ledger.models import UsdPayout
from govern.money import Money, parse_money
from govern.records import service as records
from govern.throttle import money_moving
from govern.treasury import service as treasury
from govern.treasury.models import CONFIRMED, BankStatement, Deposit, StatementLine

bp = api_blueprint("treasury_api", __name__)


def deposit_json(deposit: Deposit, *, bank_details: str | None = None) -> dict:
    confirmed = deposit.status == CONFIRMED
    body = {
        "id": deposit.id, "kind": deposit.kind, "status": deposit.status, "reference": deposit.reference,
        "amount": Money(deposit.amount_minor, "USD").to_json(), "rate": deposit.rate,
        "member_id": deposit.member_id, "company_id": deposit.company_id, "memo": deposit.memo,
        "created_at": iso(deposit.created_at), "confirmed_at": iso(deposit.decided_at) if confirmed else None,
        "rejected_at": iso(deposit.decided_at) if deposit.status == "rejected" else None,
        "bank_reference": deposit.bank_reference, "reason": deposit.reason, "entry_id": deposit.entry_id,
    }
    if confirmed:
        body["debited"] = Money(deposit.amount_minor, "USD").to_json()
        body["credited"] = Money(deposit.credited_minor, "RSC").to_json()
    if bank_details is not None:
        body["pay_to"] = bank_details
    return body


def pending_deposit_answer(deposit: Deposit):
    """202: the claim is taken, nothing is issued; with where to pay and what to quote."""
    details = treasury.bank_details(db.session, deposit.region_id)
    return jsonify(deposit_json(deposit, bank_details=details.details if details else "")), 202


def payout_json(payout: UsdPayout) -> dict:
    return {"id": payout.id, "member_id": payout.member_id, "amount": Money(payout.amount_minor, "USD").to_json(),
            "reference": payout.reference, "status": payout.status, "created_at": iso(payout.created_at),
            "paid_at": iso(payout.paid_at), "bank_reference": payout.bank_reference,
            "entry_id": payout.paid_entry_id, "payee": payout.payee, "company_id": payout.company_id,
            "memo": payout.memo}


def line_json(line: StatementLine) -> dict:
    return {"id": line.id, "statement_id": line.statement_id, "date": line.posted_on.isoformat(),
            "amount": Money(line.amount_minor, "USD").to_json(), "reference": line.reference,
            "bank_id": line.bank_id, "status": line.status, "deposit_id": line.deposit_id,
            "payout_id": line.payout_id, "note": line.note}


def statement_json(statement: BankStatement) -> dict:
    return {"id": statement.id, "format": statement.format, "imported_at": iso(statement.imported_at),
            "statement_date": statement.statement_date.isoformat() if statement.statement_date else None,
            "lines": statement.line_count, "new_lines": statement.new_line_count,
            "balance": None if statement.closing_balance_minor is None
            else Money(statement.closing_balance_minor, "USD").to_json()}


def reconciliation_json(r: treasury.Reconciliation) -> dict:
    def usd(minor):
        return None if minor is None else Money(minor, "USD").to_json()
    return {"region_id": r.region_id, "usd_reserve": usd(r.usd_reserve), "payouts_owed": usd(r.payouts_owed),
            "expected_in_bank": usd(r.expected_in_bank), "bank_balance": usd(r.bank_balance),
            "statement_date": r.statement_date.isoformat() if r.statement_date else None,
            "statement_id": r.statement_id, "difference": usd(r.difference)}


def _listed(rows, limit, render):
    return jsonify(page(rows, limit, render, lambda row: row.id))


# --- deposits ----------------------------------------------------------------------------------

@bp.get("/deposits")
def deposits():
    cursor, limit = page_params()
    rows = treasury.deposits_for(db.session, require_member(), status=request.args.get("status"), before=cursor,
                                 limit=limit + 1)
    return _listed(rows, limit, deposit_json)


@bp.get("/deposits/<int:deposit_id>")
def show_deposit(deposit_id: int):
    return jsonify(deposit_json(treasury.get_deposit(db.session, require_member(), deposit_id)))


@bp.post("/deposits/<int:deposit_id>/confirm")
@money_moving
def confirm_deposit(deposit_id: int):
    data = json_body()
    deposit = treasury.confirm_deposit(db.session, require_member(), deposit_id, data.get("bank_reference"), utcnow(),
                                       statement_line_id=data.get("statement_line_id"))
    return jsonify(deposit_json(deposit))


@bp.post("/deposits/<int:deposit_id>/reject")
@money_moving
def reject_deposit(deposit_id: int):
    deposit = treasury.reject_deposit(db.session, require_member(), deposit_id, json_body().get("reason"), utcnow())
    return jsonify(deposit_json(deposit))


# --- bank statements ---------------------------------------------------------------------------

@bp.post("/bank-statements")
@money_moving
def import_statement():
    data = json_body()
    balance = parse_money(data["balance"], "balance", currencies=("USD",), allow_zero=True) \
        if data.get("balance") is not None else None
    result = treasury.import_statement(db.session, require_member(), data.get("format"), data.get("content"),
                                       utcnow(), balance=balance)
    body = statement_json(result.statement)
    body.update({"matched": result.matched, "settled_payouts": result.settled, "already_imported": result.known,
                 "unmatched": [line_json(line) for line in result.unmatched]})
    return jsonify(body), 201


@bp.get("/bank-statement-lines")
def statement_lines():
    cursor, limit = page_params()
    statement_id = request.args.get("statement_id")
    if statement_id is not None and whole_number(statement_id) is None:
        raise ValidationError.for_field("statement_id", "must be a statement id")
    rows = treasury.statement_lines(db.session, require_member(), status=request.args.get("status", "unmatched"),
                                    statement_id=whole_number(statement_id) if statement_id else None,
                                    before=cursor, limit=limit + 1)
    return _listed(rows, limit, line_json)


@bp.post("/bank-statement-lines/<int:line_id>/dismiss")
@money_moving
def dismiss_line(line_id: int):
    line = treasury.dismiss_line(db.session, require_member(), line_id, json_body().get("note"), utcnow())
    return jsonify(line_json(line))


# --- payouts ------------------------------------------------------------------------------------

@bp.get("/payouts")
def payouts():
    cursor, limit = page_params()
    rows = treasury.payouts_for(db.session, require_member(), status=request.args.get("status"), before=cursor,
                                limit=limit + 1)
    return _listed(rows, limit, payout_json)


@bp.post("/payouts/<int:payout_id>/paid")
@money_moving
def payout_paid(payout_id: int):
    [payout] = treasury.settle_payouts(db.session, require_member(), [payout_id], json_body().get("bank_reference"),
                                       utcnow())
    return jsonify(payout_json(payout))


@bp.post("/payouts/paid")
@money_moving
def payouts_paid():
    data = json_body()
    settled = treasury.settle_payouts(db.session, require_member(), data.get("payout_ids"),
                                      data.get("bank_reference"), utcnow())
    return jsonify({"items": [payout_json(payout) for payout in settled], "next": None})


# --- the reconciliation (public), bank details and payout accounts -----------------------------

def _region_id() -> int:
    """?region_id=, else the caller's region, else the oldest active one."""
    requested = request.args.get("region_id")
    if requested is not None and whole_number(requested) is None:
        raise ValidationError.for_field("region_id", "must be a region id")
    viewer = optional_member()
    return records.records_region(db.session, whole_number(requested) if requested else None,
                                  viewer.region_id if viewer else None).id


@bp.get("/treasury/reconciliation")
def reconciliation():
    return jsonify(reconciliation_json(treasury.reconciliation(db.session, _region_id())))


@bp.get("/treasury/reconciliation/history")
def reconciliation_history():
    cursor, limit = page_params()
    rows = treasury.reconciliation_history(db.session, _region_id(), before=cursor, limit=limit + 1)
    return jsonify(page(rows, limit, reconciliation_json, lambda row: row.statement_id))


def bank_details_json(row) -> dict:
    return {"details": row.details if row else None, "set_at": iso(row.set_at) if row else None}


@bp.get("/treasury/bank-details")
def show_bank_details():
    return jsonify(bank_details_json(treasury.bank_details(db.session, require_member().region_id)))


@bp.put("/treasury/bank-details")
def set_bank_details():
    row = treasury.set_bank_details(db.session, require_member(), json_body().get("details"), utcnow())
    return jsonify(bank_details_json(row))


def payout_account_json(row) -> dict:
    return {"details": row.details if row else None, "updated_at": iso(row.updated_at) if row else None}


@bp.get("/me/payout-account")
def show_payout_account():
    return jsonify(payout_account_json(treasury.payout_account(db.session, require_member().id)))


@bp.put("/me/payout-account")
def set_payout_account():
    row = treasury.set_payout_account(db.session, require_member(), json_body().get("details"), utcnow())
    return jsonify(payout_account_json(row))

