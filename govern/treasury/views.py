"""Pages: adding money (a member's deposits and where to pay them), one deposit, the board's
treasury (pending deposits, statements and their unmatched lines, payouts to make, the bank
details), an imported statement, the payouts export for the bank, and the public reconciliation."""
from __future__ import annotations


from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from govern import access, downloads
from govern.apiutil import page_params
from govern.clock import utcnow
from govern.errors import DomainError, NotFound
from govern.extensions import db
from govern.ids import whole_number
from govern.members import service as members
from govern.money import Money, format_minor, parse_amount
from govern.records import service as records
from govern.regions import service as regions
from govern.throttle import money_moving
from govern.treasury import service as treasury, statements
from govern.treasury.forms import (
    AddMoneyForm,
    BankDetailsForm,
    ConfirmDepositForm,
    DismissLineForm,
    RejectDepositForm,
    SettlePayoutsForm,
    StatementForm,
)
from govern.treasury.models import PENDING, Deposit
from govern.viewutil import show_error_on_form

bp = Blueprint("treasury", __name__)
SECTION_PAGE = 50


def claimed_message(deposit: Deposit) -> str:
    return (f"Claimed: transfer {Money(deposit.amount_minor, 'USD')} to the co-op's bank account quoting "
            f"{deposit.reference}. The RSC arrives when the board confirms the money reached the bank.")


def _is_board() -> bool:
    return access.can(current_user, "board_actions")


def _require_board_page() -> None:
    """The board's pages do not exist for anyone else (as the board's other pages)."""
    if not _is_board():
        raise NotFound("No such page.")


# --- members: adding money -----------------------------------------------------------------------

@bp.route("/add-money", methods=["GET", "POST"])
@login_required
@money_moving
def add_money():
    form = AddMoneyForm()
    if form.validate_on_submit():
        try:
            deposit = treasury.request_conversion(db.session, current_user,
                                                  Money(parse_amount(form.amount.data), "USD"), utcnow())
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            flash(claimed_message(deposit), "success")
            return redirect(url_for("treasury.deposit", deposit_id=deposit.id))
    cursor, limit = page_params()
    deposits = treasury.deposits_for(db.session, current_user, mine=True, before=cursor, limit=limit + 1)
    return render_template(
        "treasury/add_money.html", form=form, deposits=deposits[:limit],
        next_cursor=deposits[limit - 1].id if len(deposits) > limit else None,
        bank=treasury.bank_details(db.session, current_user.region_id),
        summary=regions.summary(db.session, current_user.region_id),
    ), 400 if form.errors else 200


@bp.get("/deposits/<int:deposit_id>")
@login_required
def deposit(deposit_id: int):
    found = treasury.get_deposit(db.session, current_user, deposit_id)
    board = _is_board() and found.region_id == current_user.region_id
    return render_template("treasury/deposit.html", deposit=found, is_board=board,
                           bank=treasury.bank_details(db.session, found.region_id),
                           confirm_form=ConfirmDepositForm(), reject_form=RejectDepositForm())


# --- the board's treasury ------------------------------------------------------------------------

def _cursor(name: str) -> int | None:
    return whole_number(request.args.get(name, ""))


def _board_page(statement_form=None, details_form=None, status: int = 200):
    region_id = current_user.region_id
    deposits = treasury.deposits_for(db.session, current_user, status=PENDING, before=_cursor("deposits"),
                                     limit=SECTION_PAGE + 1)
    lines = treasury.statement_lines(db.session, current_user, before=_cursor("lines"), limit=SECTION_PAGE + 1)
    payouts = treasury.payouts_to_make(db.session, current_user, after=_cursor("payouts"), limit=SECTION_PAGE + 1)
    bank = treasury.bank_details(db.session, region_id)
    return render_template(
        "treasury/board.html",
        deposits=deposits[:SECTION_PAGE], more_deposits=deposits[SECTION_PAGE - 1].id if len(deposits) > SECTION_PAGE else None,
        lines=lines[:SECTION_PAGE], more_lines=lines[SECTION_PAGE - 1].id if len(lines) > SECTION_PAGE else None,
        payouts=payouts[:SECTION_PAGE],
        more_payouts=payouts[SECTION_PAGE - 1].payout.id if len(payouts) > SECTION_PAGE else None,
        pending=treasury.pending_count(db.session, region_id), names=_names(deposits[:SECTION_PAGE]),
        reconciliation=treasury.reconciliation(db.session, region_id),
        bank=bank, bank_history=treasury.bank_details_history(db.session, region_id),
        statement_form=statement_form or StatementForm(),
        details_form=details_form or BankDetailsForm(details=bank.details if bank else ""),
        settle_form=SettlePayoutsForm(),
    ), status


def _names(deposits) -> dict[int, str]:
    return members.names_of(db.session, [d.member_id for d in deposits])


@bp.get("/treasury")
@login_required
def board():
    _require_board_page()
    return _board_page()


def _back_to_board(anchor: str, deposit_id: int | None = None):
    """After a board action: back to the treasury page's section; a member who tried one goes back
    to the deposit they came from (the treasury page does not exist for them)."""
    if deposit_id is not None and not _is_board():
        return redirect(url_for("treasury.deposit", deposit_id=deposit_id))
    return redirect(url_for("treasury.board") + anchor)


def _flash_form_errors(form) -> None:
    for field in form:
        for problem in field.errors:
            flash(f"{field.label.text}: {problem}", "error")


@bp.post("/deposits/<int:deposit_id>/confirm")
@login_required
@money_moving
def confirm(deposit_id: int):
    form = ConfirmDepositForm()
    if not form.validate_on_submit():
        _flash_form_errors(form)
        return redirect(request.referrer or url_for("treasury.deposit", deposit_id=deposit_id))
    try:
        confirmed = treasury.confirm_deposit(db.session, current_user, deposit_id, form.bank_reference.data, utcnow())
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(f"Deposit {confirmed.reference} confirmed: {Money(confirmed.credited_minor, 'RSC')} issued.", "success")
    return _back_to_board("#deposits", deposit_id)


@bp.post("/deposits/<int:deposit_id>/reject")
@login_required
@money_moving
def reject(deposit_id: int):
    form = RejectDepositForm()
    if not form.validate_on_submit():
        _flash_form_errors(form)
        return redirect(request.referrer or url_for("treasury.deposit", deposit_id=deposit_id))
    try:
        rejected = treasury.reject_deposit(db.session, current_user, deposit_id, form.reason.data, utcnow())
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(f"Deposit {rejected.reference} rejected; its claimer is told why.", "success")
    return _back_to_board("#deposits", deposit_id)


def _uploaded_text(storage) -> str:
    """Banks write UTF-8 or Windows-1252: read the first that fits."""
    raw = storage.read()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


@bp.post("/treasury/statements")
@login_required
@money_moving
def import_statement():
    _require_board_page()
    form = StatementForm()
    if form.validate_on_submit():
        try:
            balance = form.balance.data.strip() if form.balance.data else ""
            result = treasury.import_statement(
                db.session, current_user, form.format.data, _uploaded_text(form.statement.data), utcnow(),
                balance=Money(parse_amount(balance, "balance", allow_zero=True), "USD") if balance else None)
        except DomainError as error:
            show_error_on_form(form, error)
            if "content" in error.fields:
                form.statement.errors = list(form.statement.errors) + error.fields["content"]
        else:
            flash(f"Statement imported: {len(result.matched)} deposit{'s' if len(result.matched) != 1 else ''} "
                  f"confirmed, {len(result.settled)} payout{'s' if len(result.settled) != 1 else ''} settled, "
                  f"{len(result.unmatched)} line{'s' if len(result.unmatched) != 1 else ''} to look at, "
                  f"{result.known} seen before.", "success")
            return redirect(url_for("treasury.statement", statement_id=result.statement.id))
    return _board_page(statement_form=form, status=400)


@bp.get("/treasury/statements/<int:statement_id>")
@login_required
def statement(statement_id: int):
    _require_board_page()
    found = treasury.get_statement(db.session, current_user, statement_id)
    return render_template("treasury/statement.html", statement=found,
                           lines=treasury.statement_lines(db.session, current_user, status=None,
                                                          statement_id=found.id, limit=statements.MAX_LINES))


@bp.post("/treasury/lines/<int:line_id>/dismiss")
@login_required
@money_moving
def dismiss(line_id: int):
    form = DismissLineForm()
    if not form.validate_on_submit():
        _flash_form_errors(form)
        return _back_to_board("#lines")
    try:
        treasury.dismiss_line(db.session, current_user, line_id, form.note.data, utcnow())
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash("The line is set aside with your note.", "success")
    return _back_to_board("#lines")


@bp.post("/treasury/payouts/paid")
@login_required
@money_moving
def settle():
    form = SettlePayoutsForm()
    chosen = [whole_number(value) for value in request.form.getlist("payout_id")]
    if not form.validate_on_submit():
        _flash_form_errors(form)
        return _back_to_board("#payouts")
    if not chosen:
        flash("Tick the payouts the bank paid.", "error")
        return _back_to_board("#payouts")
    try:
        settled = treasury.settle_payouts(db.session, current_user, chosen, form.bank_reference.data, utcnow())
    except DomainError as error:
        flash(error.message, "error")
    else:
        total = sum(p.amount_minor for p in settled)
        flash(f"{len(settled)} payout{'s' if len(settled) != 1 else ''} of {Money(total, 'USD')} in all marked paid.",
              "success")
    return _back_to_board("#payouts")


@bp.get("/treasury/payouts.csv")
@login_required
def payouts_csv():
    """The owed payouts as a file for the bank's batch upload, oldest first. Cells people typed
    (names, account details) cannot start a spreadsheet formula."""
    _require_board_page()
    rows = treasury.all_payouts_to_make(db.session, current_user)
    return downloads.csv_response(
        "payouts-owed.csv", ["payout_id", "reference", "member_id", "name", "pay_to", "amount", "currency", "owed_since"],
        ([row.payout.id, row.payout.reference, row.payout.member_id, row.name, row.pay_to,
          downloads.Figure(format_minor(row.payout.amount_minor)), "USD", row.payout.created_at.isoformat()]
         for row in rows))


@bp.post("/treasury/bank-details")
@login_required
def bank_details():
    _require_board_page()
    form = BankDetailsForm()
    if form.validate_on_submit():
        try:
            treasury.set_bank_details(db.session, current_user, form.details.data, utcnow())
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            flash("The bank details are published on the add-money page.", "success")
            return _back_to_board("#bank-details")
    return _board_page(details_form=form, status=400)


# --- public: the reconciliation ------------------------------------------------------------------

@bp.get("/treasury/reconciliation")
def reconciliation():
    viewer = current_user if current_user.is_authenticated else None
    region = records.records_region(db.session, whole_number(request.args.get("region", "")),
                                    viewer.region_id if viewer else None)
    cursor, limit = page_params()
    history = treasury.reconciliation_history(db.session, region.id, before=cursor, limit=limit + 1)
    return render_template("treasury/reconciliation.html", region=region,
                           now=treasury.reconciliation(db.session, region.id), history=history[:limit],
                           next_cursor=history[limit - 1].statement_id if len(history) > limit else None,
                           regions=regions.list_regions(db.session, after=None, limit=200))
