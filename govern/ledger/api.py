"""JSON API: accounts, entries, conversions, verification."""
from __future__ import annotations

from flask import jsonify

from govern.apiutil import api_blueprint, idempotency_key, iso, json_body, optional_member, page, page_params, require_member
from govern.clock import utcnow
from govern.errors import ValidationError
from govern.extensions import db
from govern.ids import is_id
from govern.ledger import contributions, exchange, service as ledger, transfers
from govern.ledger.models import CONVERSION_USD_TO_RSC, Account, Conversion, LedgerEntry
from govern.ledger.service import account_visible_to
from govern.money import Money, parse_money
from govern.throttle import money_moving
from govern.treasury import service as treasury
from govern.treasury.api import pending_deposit_answer

bp = api_blueprint("ledger_api", __name__)


def account_json(account: Account) -> dict:
    return {
        "id": account.id, "owner": {"type": account.owner_type, "id": account.owner_id},
        "kind": account.kind, "region_id": account.region_id, "currency": account.currency,
        "balance": Money(account.balance, account.currency).to_json(),
    }


def entry_json(entry: LedgerEntry, postings: list[ledger.ShownPosting], touches_hidden: bool) -> dict:
    """An entry as the viewer may see it: postings on accounts they may not see are one line per
    currency with `account_id` null (see ledger.service.postings_shown_to), and the cause's id that
    would lead to them is null (ledger.service.shown_cause_id)."""
    return {
        "id": entry.id, "created_at": iso(entry.created_at), "memo": entry.memo,
        "cause": {"type": entry.cause_type,
                  "id": ledger.shown_cause_id(entry.cause_type, entry.cause_id, touches_hidden)},
        "postings": [{"account_id": p.account_id, "amount": Money(p.amount, p.currency).to_json()} for p in postings],
        "hash": entry.hash, "prev_hash": entry.prev_hash,
    }


def entries_json(entries: list[LedgerEntry], viewer) -> list[dict]:
    ids = [e.id for e in entries]
    shown = ledger.postings_shown_to(db.session, ids, viewer)
    hidden = ledger.entries_touching_hidden(db.session, ids, viewer)
    return [entry_json(e, shown[e.id], e.id in hidden) for e in entries]


def conversion_json(c: Conversion) -> dict:
    return {
        "id": c.id, "direction": c.direction, "rate": c.rate, "entry_id": c.entry_id,
        "debited": Money(c.debited_minor, c.debited_currency).to_json(),
        "credited": Money(c.credited_minor, c.credited_currency).to_json(),
        "created_at": iso(c.created_at),
    }


@bp.get("/accounts/<int:account_id>")
def show_account(account_id: int):
    return jsonify(account_json(account_visible_to(db.session, account_id, optional_member())))


@bp.get("/accounts/<int:account_id>/entries")
def account_entries(account_id: int):
    account = account_visible_to(db.session, account_id, optional_member())
    cursor, limit = page_params()
    entries = ledger.entries_for_account(db.session, account.id, before=cursor, limit=limit + 1)
    listed = page(entries, limit, lambda e: e, lambda e: e.id)
    listed["items"] = entries_json(listed["items"], optional_member())
    return jsonify(listed)


@bp.post("/conversions")
@money_moving
def create_conversion():
    """RSC → USD happens at once (201). USD → RSC is a deposit (202): nothing is issued until the
    board confirms that the USD reached the co-op's bank account."""
    member = require_member()
    data = json_body()
    direction = data.get("direction")
    if not isinstance(direction, str):
        raise ValidationError.for_field("direction", "is required: usd_to_rsc or rsc_to_usd")
    amount = parse_money(data.get("amount"))
    if direction == CONVERSION_USD_TO_RSC:
        return pending_deposit_answer(treasury.request_conversion(db.session, member, amount, utcnow(),
                                                                  idempotency_key()))
    conversion = exchange.convert(db.session, member, direction, amount, utcnow(), idempotency_key())
    return jsonify(conversion_json(conversion)), 201


@bp.post("/transfers")
@money_moving
def create_transfer():
    member = require_member()
    data = json_body()
    to_member_id = data.get("to_member_id")
    if not is_id(to_member_id):
        raise ValidationError.for_field("to_member_id", "must be a member id")
    memo = data.get("memo", "")
    if not isinstance(memo, str):
        raise ValidationError.for_field("memo", "must be text")
    result = transfers.transfer(db.session, member, to_member_id, parse_money(data.get("amount"), currencies=("RSC",)),
                                memo, utcnow(), idempotency_key())
    return jsonify({"entry_id": result.entry.id, "to_member_id": result.to_member_id,
                    "amount": result.amount.to_json(), "entry": entries_json([result.entry], member)[0]}), 201


def contribution_json(row) -> dict:
    return {"id": row.id, "entry_id": row.entry_id, "amount": Money(row.amount_minor, "RSC" if row.source != "external"
                                                                     else "USD").to_json(),
            "public": row.public, "created_at": iso(row.created_at)}


@bp.post("/contributions")
@money_moving
def create_contribution():
    data = json_body()
    row = contributions.contribute(db.session, require_member(), parse_money(data.get("amount")),
                                   public=data.get("public"), now=utcnow(), idempotency_key=idempotency_key())
    return jsonify(contribution_json(row)), 201


@bp.post("/contributions/external")
@money_moving
def external_contribution():
    data = json_body()
    row = contributions.record_external(db.session, require_member(), parse_money(data.get("amount")),
                                        data.get("from"), public=data.get("public"), now=utcnow())
    return jsonify(contribution_json(row)), 201


@bp.get("/ledger/verify")
def verify():
    report = ledger.verify(db.session)
    body = {"ok": report.ok, "entries": report.entries}
    if not report.ok:
        body["first_bad_entry"] = report.first_bad_entry
        body["problems"] = report.problems
    return jsonify(body)
