"""JSON API: deposits, bank statements, payouts, the reconciliation, the co-op's bank details and
members' payout accounts."""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field

from govern.apiutil import api_blueprint, endpoint, every, listed, optional_member, require_member
from govern.clock import utcnow
from govern.extensions import db
from govern.ledger.models import UsdPayout
from govern.records import service as records
from govern.schemas import (Answer, Id, Page, Paging, QueryId, RegionPaging, RegionQuery, Request, Rsc, Time, Usd,
                            UsdOrZeroIn, With, cents, text)
from govern.throttle import money_moving
from govern.treasury import service as treasury
from govern.treasury.models import CONFIRMED, REJECTED, Deposit

bp = api_blueprint("treasury_api", __name__)

BankReference = Annotated[str, Field(min_length=1, max_length=100, pattern=r"\S")]
Note = Annotated[str, Field(min_length=1, max_length=500, pattern=r"\S")]
DepositStatus = Literal["pending", "confirmed", "rejected"]


class DepositAnswer(Answer):
    omitted_when_none = ("debited", "credited", "pay_to")
    id: int
    kind: Literal["conversion", "income"]
    status: DepositStatus
    reference: str = Field(description="What the bank transfer must quote")
    amount: Usd = cents("amount")
    rate: str = Field(description="The exchange rate of the day it was claimed")
    member_id: int
    company_id: int | None
    memo: str
    created_at: Time
    confirmed_at: Time | None
    rejected_at: Time | None
    bank_reference: str | None
    reason: str | None
    entry_id: int | None
    debited: Usd | None = None
    credited: Rsc | None = None
    pay_to: str | None = Field(None, description="The co-op's bank details (on a new claim)")


class PayoutAnswer(Answer):
    id: int
    member_id: int | None = Field(description="null for a supplier's payout (a company's outside purchase)")
    amount: Usd = cents("amount")
    reference: str = Field(description="What the bank transfer quotes: PAY-<id>-<check digit>")
    status: Literal["owed", "paid"]
    created_at: Time
    paid_at: Time | None
    bank_reference: str | None
    entry_id: int | None = Field(validation_alias="paid_entry_id")
    payee: str | None = Field(None, description="A supplier's name")
    company_id: int | None = None
    memo: str | None = None


class LineAnswer(Answer):
    id: int
    statement_id: int
    date: dt.date = Field(validation_alias="posted_on")
    amount: Usd = cents("amount")
    reference: str
    bank_id: str
    status: Literal["matched", "unmatched", "dismissed"]
    deposit_id: int | None
    payout_id: int | None
    note: str | None


class ImportAnswer(Answer):
    id: int
    format: Literal["csv", "ofx"]
    imported_at: Time
    statement_date: dt.date | None
    lines: int = Field(validation_alias="line_count")
    new_lines: int = Field(validation_alias="new_line_count")
    balance: Usd | None = Field(validation_alias="closing_balance_minor")
    matched: list[int] = Field(description="Deposits confirmed")
    settled_payouts: list[int]
    already_imported: int = Field(description="Lines seen in an earlier import, skipped")
    unmatched: list[LineAnswer]


class ReconciliationAnswer(Answer):
    region_id: int
    usd_reserve: Usd
    payouts_owed: Usd
    expected_in_bank: Usd
    bank_balance: Usd | None
    statement_date: dt.date | None
    statement_id: int | None
    difference: Usd | None


class BankDetails(Answer):
    details: str | None
    set_at: Time | None


class PayoutAccount(Answer):
    details: str | None
    updated_at: Time | None


class DepositQuery(Paging):
    status: DepositStatus | None = None


class ConfirmBody(Request):
    bank_reference: BankReference
    statement_line_id: Id | None = Field(None, description="An unmatched statement line this transfer is")


class RejectBody(Request):
    reason: Note


class StatementBody(Request):
    format: Literal["csv", "ofx"]
    content: str = Field(description="CSV with a header naming date, amount, reference (optionally balance), "
                                     "or an OFX statement")
    balance: UsdOrZeroIn | None = Field(None, description="The closing balance, when the statement gives none")


class LineQuery(Paging):
    status: Literal["matched", "unmatched", "dismissed"] = "unmatched"
    statement_id: QueryId | None = None


class DismissBody(Request):
    note: Note


class PayoutQuery(Paging):
    status: Literal["owed", "paid"] | None = None


class PaidBody(Request):
    bank_reference: BankReference


class BatchPaidBody(Request):
    payout_ids: Annotated[list[Id], Field(min_length=1, max_length=200, json_schema_extra={"uniqueItems": True})]
    bank_reference: BankReference


class BankDetailsBody(Request):
    details: text(1000, min_length=1)


class PayoutAccountBody(Request):
    details: text(500, min_length=1)


def deposit_answer(deposit: Deposit, **more) -> DepositAnswer:
    confirmed = deposit.status == CONFIRMED
    return DepositAnswer.model_validate(With(
        deposit, confirmed_at=deposit.decided_at if confirmed else None,
        rejected_at=deposit.decided_at if deposit.status == REJECTED else None,
        debited=deposit.amount_minor if confirmed else None, credited=deposit.credited_minor if confirmed else None,
        **more))


def pending_deposit_answer(deposit: Deposit):
    """202: the claim is taken, nothing is issued; with where to pay and what to quote."""
    details = treasury.bank_details(db.session, deposit.region_id)
    return deposit_answer(deposit, pay_to=details.details if details else ""), 202


def _region_id(requested: int | None) -> int:
    """?region_id=, else the caller's region, else the oldest active one."""
    viewer = optional_member()
    return records.records_region(db.session, requested, viewer.region_id if viewer else None).id


# --- deposits ----------------------------------------------------------------------------------

@bp.get("/deposits")
@endpoint(answer=Page[DepositAnswer], errors=(400,))
def deposits(query: DepositQuery):
    """Deposits, newest first: the board sees its region's, a member their own"""
    rows = treasury.deposits_for(db.session, require_member(), status=query.status, before=query.cursor_id(),
                                 limit=query.limit + 1)
    return listed(DepositAnswer, rows, query.limit, render=deposit_answer)


@bp.get("/deposits/<int:deposit_id>")
@endpoint(answer=DepositAnswer, errors=(404,))
def show_deposit(deposit_id: int):
    """A deposit (its claimer, or the board of its region)"""
    return deposit_answer(treasury.get_deposit(db.session, require_member(), deposit_id))


@bp.post("/deposits/<int:deposit_id>/confirm")
@money_moving
@endpoint(answer=DepositAnswer, errors=(400, 403, 404, 409, 429))
def confirm_deposit(deposit_id: int, json: ConfirmBody):
    """The board saw the money arrive: RSC is issued at the deposit's rate (twice: 409, nothing posted)"""
    return deposit_answer(treasury.confirm_deposit(db.session, require_member(), deposit_id, json.bank_reference,
                                                   utcnow(), statement_line_id=json.statement_line_id))


@bp.post("/deposits/<int:deposit_id>/reject")
@money_moving
@endpoint(answer=DepositAnswer, errors=(400, 403, 404, 409, 429))
def reject_deposit(deposit_id: int, json: RejectBody):
    """The board rejects a pending deposit, saying why (nothing is issued)"""
    return deposit_answer(treasury.reject_deposit(db.session, require_member(), deposit_id, json.reason, utcnow()))


# --- bank statements ---------------------------------------------------------------------------

@bp.post("/bank-statements")
@money_moving
@endpoint(ok=201, answer=ImportAnswer, errors=(400, 403, 409, 413, 429))
def import_statement(json: StatementBody):
    """Import a statement of the co-op's bank account (board): matching credits confirm deposits, matching debits settle payouts, lines seen before are skipped"""
    balance = json.balance.value() if json.balance else None
    result = treasury.import_statement(db.session, require_member(), json.format, json.content, utcnow(),
                                       balance=balance)
    return ImportAnswer.model_validate(With(result.statement, matched=result.matched, settled_payouts=result.settled,
                                            already_imported=result.known, unmatched=result.unmatched)), 201


@bp.get("/bank-statement-lines")
@endpoint(answer=Page[LineAnswer], errors=(400, 403))
def statement_lines(query: LineQuery):
    """Statement lines of your region (board), newest first; unmatched ones by default"""
    rows = treasury.statement_lines(db.session, require_member(), status=query.status, statement_id=query.statement_id,
                                    before=query.cursor_id(), limit=query.limit + 1)
    return listed(LineAnswer, rows, query.limit)


@bp.post("/bank-statement-lines/<int:line_id>/dismiss")
@money_moving
@endpoint(answer=LineAnswer, errors=(400, 403, 404, 409, 429))
def dismiss_line(line_id: int, json: DismissBody):
    """Set an unmatched line aside with a note (board)"""
    return LineAnswer.model_validate(treasury.dismiss_line(db.session, require_member(), line_id, json.note, utcnow()))


# --- payouts ------------------------------------------------------------------------------------

@bp.get("/payouts")
@endpoint(answer=Page[PayoutAnswer], errors=(400,))
def payouts(query: PayoutQuery):
    """USD payouts, newest first: the board sees its region's, a member their own"""
    rows = treasury.payouts_for(db.session, require_member(), status=query.status, before=query.cursor_id(),
                                limit=query.limit + 1)
    return listed(PayoutAnswer, rows, query.limit)


@bp.post("/payouts/<int:payout_id>/paid")
@money_moving
@endpoint(answer=PayoutAnswer, errors=(400, 403, 404, 409, 429))
def payout_paid(payout_id: int, json: PaidBody):
    """The bank paid this payout (board): payouts owed → the outside world (twice: 409)"""
    [payout] = treasury.settle_payouts(db.session, require_member(), [payout_id], json.bank_reference, utcnow())
    return PayoutAnswer.model_validate(payout)


@bp.post("/payouts/paid")
@money_moving
@endpoint(answer=Page[PayoutAnswer], errors=(400, 403, 404, 409, 429))
def payouts_paid(json: BatchPaidBody):
    """The bank paid these payouts in one batch (board): all or nothing"""
    settled: list[UsdPayout] = treasury.settle_payouts(db.session, require_member(), json.payout_ids,
                                                       json.bank_reference, utcnow())
    return every(PayoutAnswer, settled)


# --- the reconciliation (public), bank details and payout accounts -----------------------------

@bp.get("/treasury/reconciliation")
@endpoint(public=True, answer=ReconciliationAnswer, errors=(400, 404))
def reconciliation(query: RegionQuery):
    """The reserve per the ledger and the payouts owed against the bank's newest statement balance (public)"""
    return ReconciliationAnswer.model_validate(treasury.reconciliation(db.session, _region_id(query.region_id)))


@bp.get("/treasury/reconciliation/history")
@endpoint(public=True, answer=Page[ReconciliationAnswer], errors=(400, 404))
def reconciliation_history(query: RegionPaging):
    """Each imported statement with a balance and the ledger's figures when it was imported, newest first (public)"""
    rows = treasury.reconciliation_history(db.session, _region_id(query.region_id), before=query.cursor_id(),
                                           limit=query.limit + 1)
    return listed(ReconciliationAnswer, rows, query.limit, cursor_of=lambda row: row.statement_id)


@bp.get("/treasury/bank-details")
@endpoint(answer=BankDetails)
def show_bank_details():
    """Where members of your region pay their deposits"""
    row = treasury.bank_details(db.session, require_member().region_id)
    return BankDetails.model_validate(row) if row else BankDetails(details=None, set_at=None)


@bp.put("/treasury/bank-details")
@endpoint(answer=BankDetails, errors=(400, 403, 409))
def set_bank_details(json: BankDetailsBody):
    """Publish the co-op's bank details (board); every change is kept"""
    return BankDetails.model_validate(treasury.set_bank_details(db.session, require_member(), json.details, utcnow()))


@bp.get("/me/payout-account")
@endpoint(answer=PayoutAccount)
def show_payout_account():
    """Where your USD payouts are sent"""
    row = treasury.payout_account(db.session, require_member().id)
    return PayoutAccount.model_validate(row) if row else PayoutAccount(details=None, updated_at=None)


@bp.put("/me/payout-account")
@endpoint(answer=PayoutAccount, errors=(400, 403))
def set_payout_account(json: PayoutAccountBody):
    """Say where your USD payouts are sent (only you and your region's board see it)"""
    return PayoutAccount.model_validate(treasury.set_payout_account(db.session, require_member(), json.details, utcnow()))
