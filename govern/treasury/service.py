"""The treasury's rules. USD is outside the software, in the co-op's bank account: Conductor issues
RSC only for USD the board has confirmed against the bank, settles USD payouts the same way, and
publishes the reconciliation of the ledger's reserve against the bank's balance.

* A member who buys RSC, or a company admin recording outside income, claims a **deposit**: it
  gets a reference to quote on the bank transfer and waits, `pending`, issuing nothing. The board
  confirms it (by hand with the bank's reference, or by importing a statement with a matching
  line) and only then is RSC issued, at the exchange rate of the day it was claimed, in one ledger
  entry whose cause is the deposit. The board may reject it instead, with a reason.
* A **statement** import remembers each line by a hash: a line seen before is skipped, so the same
  statement twice confirms nothing new. A credit quoting a pending deposit's reference, for its
  exact amount, confirms it; a debit quoting an owed payout's reference, for its amount, settles
  it. Every other line is listed for the board, who may set it aside with a note.
* A **payout** (USD owed after RSC was cashed out) is settled by the board with the bank's
  reference of the transfer: payouts owed → the outside world, one entry per payout.
* The **reconciliation** compares what the bank should hold (the reserve plus the payouts still
  owed, which have not left the bank yet) with the newest statement's closing balance.

Every function that changes something takes the acting member and `now`, checks the permission
first and works in one transaction.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Iterator

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from govern import access, audit
from govern.companies import service as companies
from govern.database import is_sqlite, write_transaction
from govern.errors import Conflict, InsufficientFunds, LedgerLimit, NotFound, ValidationError
from govern.fields import text_field
from govern.ids import is_id
from govern.ledger import exchange, idempotency
from govern.ledger.models import (
    CONVERSION_USD_TO_RSC,
    EXTERNAL,
    PAYOUT_OWED,
    PAYOUT_PAID,
    USD_PAYOUTS,
    USD_RESERVE,
    Conversion,
    UsdPayout,
)
from govern.ledger.service import Leg, post, region_account, region_balances
from govern.members.models import Member
from govern.money import Money, require_positive
from govern.mail import service as mail
from govern.notifications.models import Notification
from govern.regions import service as regions
from govern.treasury import references, statements
from govern.treasury.models import (
    CONFIRMED,
    DEPOSIT_STATUSES,
    KIND_CONVERSION,
    KIND_INCOME,
    LINE_DISMISSED,
    LINE_MATCHED,
    LINE_STATUSES,
    LINE_UNMATCHED,
    PENDING,
    REJECTED,
    BankDetails,
    BankStatement,
    Deposit,
    PayoutAccount,
    StatementLine,
)

# A member may have this many deposits waiting for the bank at once: enough for any real need,
# few enough that nobody can bury the board's list in claims they never pay.
MAX_PENDING_PER_MEMBER = 10
MAX_BATCH = 200  # payouts settled in one request
MAX_BANK_DETAILS = 1000
MAX_PAYOUT_ACCOUNT = 500
PAYOUT_STATUSES = (PAYOUT_OWED, PAYOUT_PAID)


def _require_board(actor, message: str) -> None:
    access.require(actor, "board_actions", message)


def _notify(session: Session, member_id: int, text: str, link: str, now: datetime, *, mail_kind: str,
            subject: str, dedupe_key: str) -> None:
    """Tell the member in the app, and by mail if they want it (their switch for this kind)."""
    session.add(Notification(member_id=member_id, text=text[:300], link=link, created_at=now))
    member = session.get(Member, member_id)
    if member is not None:
        mail.queue(session, region_id=member.region_id, member=member, kind=mail_kind, subject=subject,
                   body=mail.body(member.name, text, f"Details: {mail.SITE}{link}"), dedupe_key=dedupe_key, now=now)


# --- deposits: claiming ----------------------------------------------------------------------

def request_conversion(session: Session, member: Member, amount: Money, now: datetime,
                       idempotency_key: str | None = None) -> Deposit:
    """A member buys RSC: a pending deposit of `amount` USD at today's exchange rate, with the
    reference to quote on the bank transfer. Nothing is issued until the board confirms it."""
    require_positive(amount)
    if amount.currency != "USD":
        raise ValidationError.for_field("amount", "must be in USD for usd_to_rsc")
    access.require(member, "convert_usd_to_rsc", "Only active members can buy RSC.")
    regions.require_active(session, member.region_id)
    scope = f"member:{member.id}:conversion"  # shared with cash-outs: one key is one request
    fingerprint = idempotency.request_fingerprint(CONVERSION_USD_TO_RSC, amount.minor, amount.currency)
    with write_transaction(session):
        earlier = idempotency.claim(session, scope, idempotency_key, fingerprint, now)
        if earlier is not None:
            return session.get(Deposit, earlier)
        deposit = _claim(session, member, KIND_CONVERSION, member.region_id, None, amount.minor, "", now)
        idempotency.remember(session, scope, idempotency_key, deposit.id)
    return deposit


def request_income(session: Session, admin: Member, company_id: int, amount: Money, memo: object, now: datetime,
                   idempotency_key: str | None = None) -> Deposit:
    """A company's outside income in USD: a pending deposit; when the board confirms it the USD goes
    into the reserve and the company receives RSC at the exchange rate of today."""
    if amount.currency != "USD":
        raise ValidationError.for_field("amount", "outside income is recorded in USD")
    require_positive(amount)
    memo = text_field(memo, "memo", 200, required=False)
    scope = f"member:{admin.id}:company:{company_id}:income"
    with write_transaction(session):
        company = companies.lock_company(session, company_id)
        companies.require_admin(session, admin, company)
        companies.require_trading(company)
        earlier = idempotency.claim(session, scope, idempotency_key,
                                    idempotency.request_fingerprint(amount.minor, memo), now)
        if earlier is not None:
            return session.get(Deposit, earlier)
        deposit = _claim(session, admin, KIND_INCOME, company.region_id, company.id, amount.minor, memo, now)
        idempotency.remember(session, scope, idempotency_key, deposit.id)
    return deposit


def _claim(session: Session, member: Member, kind: str, region_id: int, company_id: int | None, amount: int,
           memo: str, now: datetime) -> Deposit:
    waiting = session.execute(select(func.count()).select_from(Deposit).where(
        Deposit.member_id == member.id, Deposit.status == PENDING)).scalar_one()
    if waiting >= MAX_PENDING_PER_MEMBER:
        raise Conflict(f"You have {waiting} deposits waiting for the bank: wait until the board confirms them, "
                       "or ask it to reject those you will not pay.", code="too_many_pending_deposits")
    rate = regions.parameter(session, region_id, "exchange_rate")
    if exchange.quote(CONVERSION_USD_TO_RSC, amount, rate).rsc <= 0:
        raise ValidationError.for_field("amount", "is too small to convert at this rate")
    deposit = Deposit(region_id=region_id, kind=kind, member_id=member.id, company_id=company_id, amount_minor=amount,
                      rate=str(rate), memo=memo, reference=_unused_reference(session), status=PENDING, created_at=now)
    session.add(deposit)
    session.flush()
    audit.on_commit(session, "money: deposit %s claimed by member %s (%s USD minor, waiting for the bank)",
                    deposit.id, member.id, amount)
    return deposit


def _unused_reference(session: Session) -> str:
    """A fresh random reference (40 bits: a clash is rare, and checked)."""
    while True:
        reference = references.new_deposit_reference()
        if session.execute(select(Deposit.id).where(Deposit.reference == reference)).first() is None:
            return reference


# --- deposits: the board's decision --------------------------------------------------------

def confirm_deposit(session: Session, board, deposit_id: int, bank_reference: object, now: datetime, *,
                    statement_line_id: object = None) -> Deposit:
    """The board saw the money arrive: issue the RSC at the deposit's rate, in one entry caused by
    the deposit. Twice, or after a rejection: 409 and nothing posted. `statement_line_id` names an
    unmatched line of an imported statement that shows this transfer (it is then matched)."""
    _require_board(board, "Only the board confirms deposits against the bank.")
    bank_reference = text_field(bank_reference, "bank_reference", 100)
    if statement_line_id is not None and not is_id(statement_line_id):
        raise ValidationError.for_field("statement_line_id", "must be the id of a statement line")
    with write_transaction(session):
        deposit = _deposit_of_region(session, deposit_id, board.region_id)
        line = None
        if statement_line_id is not None:
            line = _line_of_region(session, statement_line_id, board.region_id)
            if line.status != LINE_UNMATCHED:
                raise Conflict("This statement line is already matched or set aside.", code="line_resolved")
            if line.amount_minor != deposit.amount_minor:
                raise ValidationError.for_field("statement_line_id", "the line's amount is not the deposit's")
        _confirm(session, deposit, board.id, bank_reference, now)
        if line is not None:
            _resolve(line, LINE_MATCHED, board.id, now, deposit_id=deposit.id)
    return deposit


def _confirm(session: Session, deposit: Deposit, by: int | None, bank_reference: str, now: datetime) -> None:
    if deposit.status != PENDING:
        raise Conflict(f"This deposit is already {deposit.status}.", code=f"deposit_{deposit.status}")
    regions.require_active(session, deposit.region_id)
    q = exchange.quote(CONVERSION_USD_TO_RSC, deposit.amount_minor, Decimal(deposit.rate))
    accounts = exchange.region_accounts(session, deposit.region_id)
    if deposit.kind == KIND_CONVERSION:
        target = exchange.member_wallet(session, deposit.member_id)
        memo = f"Bought {Money(q.rsc, 'RSC')} for {Money(q.usd, 'USD')} (deposit {deposit.reference})"
    else:
        target = companies.company_account(session, deposit.company_id)
        memo = deposit.memo or f"Outside income, deposit {deposit.reference}"
    entry = exchange.post_paying_the_spread(
        session, exchange.issue_legs(q, target, accounts), accounts, memo=memo, cause_type="deposit",
        cause_id=deposit.id, now=now, region_id=deposit.region_id, idempotency_key=f"deposit:{deposit.id}")
    if deposit.kind == KIND_CONVERSION:
        conversion = Conversion(member_id=deposit.member_id, region_id=deposit.region_id,
                                direction=CONVERSION_USD_TO_RSC, debited_minor=q.usd, debited_currency="USD",
                                credited_minor=q.rsc, credited_currency="RSC", rate=deposit.rate, entry_id=entry.id,
                                created_at=now)
        session.add(conversion)
        session.flush()
        deposit.conversion_id = conversion.id
    deposit.status = CONFIRMED
    deposit.decided_at, deposit.decided_by = now, by
    deposit.bank_reference = bank_reference
    deposit.entry_id, deposit.credited_minor = entry.id, q.rsc
    _notify(session, deposit.member_id, f"Your deposit {deposit.reference} of {Money(q.usd, 'USD')} arrived: "
                                        f"{Money(q.rsc, 'RSC')} issued.", f"/deposits/{deposit.id}", now,
            mail_kind=mail.DEPOSIT, subject=f"Your deposit {deposit.reference} arrived",
            dedupe_key=f"deposit:{deposit.id}:confirmed")
    session.flush()


def reject_deposit(session: Session, board, deposit_id: int, reason: object, now: datetime) -> Deposit:
    """The money never came (or came wrong and was sent back): the deposit ends, nothing is issued."""
    _require_board(board, "Only the board rejects deposits.")
    reason = text_field(reason, "reason", 500)
    with write_transaction(session):
        deposit = _deposit_of_region(session, deposit_id, board.region_id)
        if deposit.status != PENDING:
            raise Conflict(f"This deposit is already {deposit.status}.", code=f"deposit_{deposit.status}")
        deposit.status = REJECTED
        deposit.decided_at, deposit.decided_by, deposit.reason = now, board.id, reason
        _notify(session, deposit.member_id, f"Your deposit {deposit.reference} was rejected: {reason}",
                f"/deposits/{deposit.id}", now, mail_kind=mail.DEPOSIT,
                subject=f"Your deposit {deposit.reference} was rejected", dedupe_key=f"deposit:{deposit.id}:rejected")
        audit.on_commit(session, "money: deposit %s rejected by member %s", deposit.id, board.id)
    return deposit


def _deposit_of_region(session: Session, deposit_id: object, region_id: int) -> Deposit:
    """The deposit, locked, if it belongs to this board's region; 404 otherwise."""
    if not is_id(deposit_id):
        raise NotFound("No such deposit.")
    deposit = session.execute(select(Deposit).where(Deposit.id == deposit_id).with_for_update()
                              .execution_options(populate_existing=True)).scalar_one_or_none()
    if deposit is None or deposit.region_id != region_id:
        raise NotFound("No such deposit.")
    return deposit


def get_deposit(session: Session, viewer, deposit_id: int) -> Deposit:
    """A deposit its claimer or their region's board may see; 404 for anyone else."""
    deposit = session.get(Deposit, deposit_id)
    if deposit is None or not can_see_deposit(viewer, deposit):
        raise NotFound("No such deposit.")
    return deposit


def can_see_deposit(viewer, deposit: Deposit) -> bool:
    return viewer is not None and (deposit.member_id == viewer.id or (
        access.can(viewer, "board_actions") and viewer.region_id == deposit.region_id))


def deposits_for(session: Session, viewer, *, status: object = None, mine: bool = False, before: int | None = None,
                 limit: int = 50) -> list[Deposit]:
    """Newest first: the board sees its region's deposits (unless it asks for its own), a member
    their own."""
    return _rows_for(session, Deposit, DEPOSIT_STATUSES, viewer, status=status, mine=mine, before=before, limit=limit)


def _rows_for(session: Session, model, statuses, viewer, *, status: object, mine: bool, before: int | None,
              limit: int) -> list:
    """Deposits or payouts, newest first: the board's region's (unless it asks for its own), else
    the viewer's own; optionally of one status."""
    query = select(model)
    if access.can(viewer, "board_actions") and not mine:
        query = query.where(model.region_id == viewer.region_id)
    else:
        query = query.where(model.member_id == viewer.id)
    if status is not None:
        if status not in statuses:
            raise ValidationError.for_field("status", f"must be one of {', '.join(statuses)}")
        query = query.where(model.status == status)
    if before is not None:
        query = query.where(model.id < before)
    return list(session.execute(query.order_by(model.id.desc()).limit(limit)).scalars())


def income_waiting(session: Session, company_id: int, *, limit: int = 20) -> list[Deposit]:
    """A company's outside income still waiting for the bank, newest first (for its admins' page)."""
    return list(session.execute(select(Deposit).where(Deposit.company_id == company_id, Deposit.status == PENDING)
                                .order_by(Deposit.id.desc()).limit(limit)).scalars())


def pending_count(session: Session, region_id: int) -> int:
    return session.execute(select(func.count()).select_from(Deposit).where(
        Deposit.region_id == region_id, Deposit.status == PENDING)).scalar_one()


# --- payouts ----------------------------------------------------------------------------------

def settle_payouts(session: Session, board, payout_ids: object, bank_reference: object, now: datetime
                   ) -> list[UsdPayout]:
    """The board paid these payouts from the bank (one transfer each, or one batch the bank made
    from the export): each is marked paid with the bank's reference, and its USD leaves the
    payouts owed for the outside world. All or nothing: one unknown or already paid payout and
    none is settled."""
    _require_board(board, "Only the board settles payouts.")
    bank_reference = text_field(bank_reference, "bank_reference", 100)
    if (not isinstance(payout_ids, list) or not 1 <= len(payout_ids) <= MAX_BATCH
            or not all(is_id(i) for i in payout_ids) or len(set(payout_ids)) != len(payout_ids)):
        raise ValidationError.for_field("payout_ids", f"must list 1 to {MAX_BATCH} different payout ids")
    with write_transaction(session):
        payouts = {p.id: p for p in session.execute(
            select(UsdPayout).where(UsdPayout.id.in_(payout_ids)).order_by(UsdPayout.id).with_for_update()
            .execution_options(populate_existing=True)).scalars()}
        for payout_id in payout_ids:
            payout = payouts.get(payout_id)
            if payout is None or payout.region_id != board.region_id:
                raise NotFound(f"No payout {payout_id} in your region.")
            if payout.status != PAYOUT_OWED:
                raise Conflict(f"Payout {payout.reference} is already paid.", code="payout_paid")
        for payout_id in sorted(payout_ids):
            _settle(session, payouts[payout_id], board.id, bank_reference, now)
    return [payouts[payout_id] for payout_id in payout_ids]


def _settle(session: Session, payout: UsdPayout, by: int | None, bank_reference: str, now: datetime) -> None:
    entry = post(session, [Leg(region_account(session, payout.region_id, USD_PAYOUTS), -payout.amount_minor),
                           Leg(region_account(session, payout.region_id, EXTERNAL), payout.amount_minor)],
                 memo=f"USD payout {payout.reference} paid", cause_type="payout", cause_id=payout.id, now=now,
                 region_id=payout.region_id, idempotency_key=f"payout:{payout.id}")
    payout.status, payout.paid_at, payout.paid_entry_id = PAYOUT_PAID, now, entry.id
    payout.paid_by, payout.bank_reference = by, bank_reference
    if payout.member_id is not None:  # a supplier's payout (treasury/suppliers.py) has nobody to notify
        _notify(session, payout.member_id, f"Your payout {payout.reference} of {Money(payout.amount_minor, 'USD')} "
                                           "was paid to your bank account.", "/convert", now,
                mail_kind=mail.PAYOUT, subject=f"Your payout {payout.reference} was sent",
                dedupe_key=f"payout:{payout.id}:paid")
    session.flush()


def payouts_for(session: Session, viewer, *, status: object = None, mine: bool = False, before: int | None = None,
                limit: int = 50) -> list[UsdPayout]:
    """Newest first: the board sees its region's payouts (unless it asks for its own), a member
    their own."""
    return _rows_for(session, UsdPayout, PAYOUT_STATUSES, viewer, status=status, mine=mine, before=before, limit=limit)


@dataclass(frozen=True)
class PayoutToMake:
    payout: UsdPayout
    name: str
    pay_to: str


def payouts_to_make(session: Session, board, *, after: int | None = None, limit: int = 1000) -> list[PayoutToMake]:
    """The region's owed payouts, oldest first, with the member's name and where they want it paid
    (a supplier's: its name and the bank details the buyer gave): what the bank needs. Paged by id
    (`after`) so an export of any size reads a page at a time."""
    _require_board(board, "Only the board exports the payouts to make.")
    query = (select(UsdPayout, func.coalesce(UsdPayout.payee, Member.name),
                    func.coalesce(UsdPayout.pay_to, PayoutAccount.details))
             .outerjoin(Member, Member.id == UsdPayout.member_id)
             .outerjoin(PayoutAccount, PayoutAccount.member_id == UsdPayout.member_id)
             .where(UsdPayout.region_id == board.region_id, UsdPayout.status == PAYOUT_OWED))
    if after is not None:
        query = query.where(UsdPayout.id > after)
    return [PayoutToMake(payout, name, pay_to or "") for payout, name, pay_to in
            session.execute(query.order_by(UsdPayout.id).limit(limit))]


def all_payouts_to_make(session: Session, board) -> Iterator[PayoutToMake]:
    after = None
    while True:
        page = payouts_to_make(session, board, after=after)
        yield from page
        if len(page) < 1000:
            return
        after = page[-1].payout.id


def payout_account(session: Session, member_id: int) -> PayoutAccount | None:
    return session.get(PayoutAccount, member_id)


def set_payout_account(session: Session, member: Member, details: object, now: datetime) -> PayoutAccount:
    """Where the member wants their USD payouts sent. Members who left may still set it: they
    cash out what they earned."""
    access.require(member, "view_own_account")
    details = text_field(details, "details", MAX_PAYOUT_ACCOUNT)
    with write_transaction(session):
        row = session.get(PayoutAccount, member.id)
        if row is None:
            row = PayoutAccount(member_id=member.id, details=details, updated_at=now)
            session.add(row)
        else:
            row.details, row.updated_at = details, now
        session.flush()
    return row


# --- bank statements ---------------------------------------------------------------------------

@dataclass(frozen=True)
class ImportResult:
    statement: BankStatement
    matched: list[int]  # deposits confirmed
    settled: list[int]  # payouts settled
    unmatched: list[StatementLine]  # new lines for the board to look at
    known: int  # lines imported before, skipped


def import_statement(session: Session, board, fmt: object, content: object, now: datetime, *,
                     balance: Money | None = None) -> ImportResult:
    """Read a statement of the co-op's bank account and act on the lines not seen before. `balance`
    (USD) is the closing balance when the statement itself does not give one."""
    _require_board(board, "Only the board imports bank statements.")
    parsed = statements.parse(fmt, content)
    if balance is not None and balance.currency != "USD":
        raise ValidationError.for_field("balance", "the bank account is in USD")
    closing = balance.minor if balance is not None else parsed.closing_balance_minor
    region_id = board.region_id
    with write_transaction(session):
        regions.require_active(session, region_id)
        statement = BankStatement(region_id=region_id, format=fmt, content_hash=statements.content_hash(content),
                                  imported_by=board.id, imported_at=now, line_count=len(parsed.lines),
                                  new_line_count=0, matched_count=0, statement_date=parsed.statement_date,
                                  closing_balance_minor=closing, usd_reserve_minor=0, payouts_owed_minor=0)
        session.add(statement)
        session.flush()
        new = _remember_lines(session, statement, parsed.lines)
        deposits = _pending_deposits_quoted(session, region_id, new)
        payouts = _payouts_quoted(session, region_id, new)
        matched, settled, unmatched = [], [], []
        for line in new:
            if line.amount_minor > 0:
                deposit = _match_credit(session, line, deposits, board.id, statement, now)
                matched += [deposit] if deposit else []
            else:
                payout = _match_debit(session, line, payouts, board.id, now)
                settled += [payout] if payout else []
            if line.status == LINE_UNMATCHED:
                unmatched.append(line)
        balances = region_balances(session, region_id)
        statement.new_line_count, statement.matched_count = len(new), len(matched) + len(settled)
        statement.usd_reserve_minor = balances.get(USD_RESERVE, 0)
        statement.payouts_owed_minor = balances.get(USD_PAYOUTS, 0)
        audit.on_commit(session, "money: bank statement %s imported by member %s (%s new lines, %s matched)",
                        statement.id, board.id, len(new), statement.matched_count)
    return ImportResult(statement, [d.id for d in matched], [p.id for p in settled], unmatched,
                        len(parsed.lines) - len(new))


_LINE_BATCH = 1000  # rows per INSERT: below SQLite's limit of bound parameters


def _remember_lines(session: Session, statement: BankStatement, lines: list[statements.Line]) -> list[StatementLine]:
    """Insert the lines whose hash this region has not seen; return those, in statement order.
    On PostgreSQL a concurrent import of the same lines waits for this one and then skips them."""
    dialect = sqlite if is_sqlite(session) else postgresql
    inserted: set[str] = set()
    for start in range(0, len(lines), _LINE_BATCH):
        inserted.update(session.execute(
            dialect.insert(StatementLine).values([{
                "region_id": statement.region_id, "statement_id": statement.id, "line_hash": line.line_hash,
                "posted_on": line.posted_on, "amount_minor": line.amount_minor, "reference": line.reference,
                "bank_id": line.bank_id, "status": LINE_UNMATCHED} for line in lines[start:start + _LINE_BATCH]])
            .on_conflict_do_nothing(index_elements=["region_id", "line_hash"])
            .returning(StatementLine.line_hash)).scalars())
    if not inserted:
        return []
    rows = session.execute(select(StatementLine).where(StatementLine.statement_id == statement.id)
                           .order_by(StatementLine.id)).scalars()
    return [row for row in rows if row.line_hash in inserted]


def _pending_deposits_quoted(session: Session, region_id: int, lines: list[StatementLine]) -> dict[str, Deposit]:
    quoted = {ref for line in lines if line.amount_minor > 0 for ref in references.deposit_references(line.reference)}
    if not quoted:
        return {}
    return {d.reference: d for d in session.execute(
        select(Deposit).where(Deposit.region_id == region_id, Deposit.reference.in_(quoted))
        .order_by(Deposit.id).with_for_update().execution_options(populate_existing=True)).scalars()}


def _payouts_quoted(session: Session, region_id: int, lines: list[StatementLine]) -> dict[int, UsdPayout]:
    quoted = {i for line in lines if line.amount_minor < 0 for i in references.payout_ids(line.reference)}
    if not quoted:
        return {}
    return {p.id: p for p in session.execute(
        select(UsdPayout).where(UsdPayout.region_id == region_id, UsdPayout.id.in_(quoted))
        .order_by(UsdPayout.id).with_for_update().execution_options(populate_existing=True)).scalars()}


def _match_credit(session: Session, line: StatementLine, deposits: dict[str, Deposit], by: int,
                  statement: BankStatement, now: datetime) -> Deposit | None:
    candidates = [d for ref in references.deposit_references(line.reference) if (d := deposits.get(ref)) is not None
                  and d.status == PENDING and d.amount_minor == line.amount_minor]
    if len(candidates) != 1:
        return None
    [deposit] = candidates
    try:
        _confirm(session, deposit, by, line.bank_id or f"statement {statement.id}, {line.posted_on.isoformat()}", now)
    except (InsufficientFunds, LedgerLimit) as refused:  # refused before anything was written
        line.note = f"Matches deposit {deposit.reference}, which could not be confirmed: {refused.message}"
        return None
    _resolve(line, LINE_MATCHED, by, now, deposit_id=deposit.id)
    return deposit


def _match_debit(session: Session, line: StatementLine, payouts: dict[int, UsdPayout], by: int,
                 now: datetime) -> UsdPayout | None:
    candidates = [p for i in references.payout_ids(line.reference) if (p := payouts.get(i)) is not None
                  and p.amount_minor == -line.amount_minor]
    if len(candidates) != 1:
        return None
    [payout] = candidates
    if payout.status == PAYOUT_OWED:
        _settle(session, payout, by, line.bank_id or f"statement line {line.id}", now)
        _resolve(line, LINE_MATCHED, by, now, payout_id=payout.id)
        return payout
    already = session.execute(select(StatementLine.id).where(StatementLine.payout_id == payout.id)).first()
    if already is None:  # settled by hand before the statement came: the line confirms it
        _resolve(line, LINE_MATCHED, by, now, payout_id=payout.id)
    return None


def _resolve(line: StatementLine, status: str, by: int | None, now: datetime, *, deposit_id: int | None = None,
             payout_id: int | None = None, note: str | None = None) -> None:
    line.status, line.resolved_by, line.resolved_at = status, by, now
    line.deposit_id, line.payout_id = deposit_id, payout_id
    if note is not None:
        line.note = note


def _line_of_region(session: Session, line_id: object, region_id: int) -> StatementLine:
    if not is_id(line_id):
        raise NotFound("No such statement line.")
    line = session.execute(select(StatementLine).where(StatementLine.id == line_id).with_for_update()
                           .execution_options(populate_existing=True)).scalar_one_or_none()
    if line is None or line.region_id != region_id:
        raise NotFound("No such statement line.")
    return line


def dismiss_line(session: Session, board, line_id: int, note: object, now: datetime) -> StatementLine:
    """Set an unmatched line aside (a bank fee, a refund, a transfer confirmed by hand), saying why."""
    _require_board(board, "Only the board resolves statement lines.")
    note = text_field(note, "note", 500)
    with write_transaction(session):
        line = _line_of_region(session, line_id, board.region_id)
        if line.status != LINE_UNMATCHED:
            raise Conflict("This statement line is already matched or set aside.", code="line_resolved")
        _resolve(line, LINE_DISMISSED, board.id, now, note=note)
    return line


def statement_lines(session: Session, board, *, status: object = LINE_UNMATCHED, statement_id: int | None = None,
                    before: int | None = None, limit: int = 50) -> list[StatementLine]:
    _require_board(board, "Only the board reads the bank statements.")
    if status is not None and status not in LINE_STATUSES:
        raise ValidationError.for_field("status", f"must be one of {', '.join(LINE_STATUSES)}")
    query = select(StatementLine).where(StatementLine.region_id == board.region_id)
    if status is not None:
        query = query.where(StatementLine.status == status)
    if statement_id is not None:
        query = query.where(StatementLine.statement_id == statement_id)
    if before is not None:
        query = query.where(StatementLine.id < before)
    return list(session.execute(query.order_by(StatementLine.id.desc()).limit(limit)).scalars())


def get_statement(session: Session, board, statement_id: int) -> BankStatement:
    _require_board(board, "Only the board reads the bank statements.")
    statement = session.get(BankStatement, statement_id)
    if statement is None or statement.region_id != board.region_id:
        raise NotFound("No such statement.")
    return statement


# --- the reconciliation (public) -------------------------------------------------------------

@dataclass(frozen=True)
class Reconciliation:
    region_id: int
    usd_reserve: int
    payouts_owed: int
    bank_balance: int | None
    statement_date: date | None
    statement_id: int | None

    @property
    def expected_in_bank(self) -> int:
        """The reserve backs the RSC in circulation; payouts owed are still in the bank until paid."""
        return self.usd_reserve + self.payouts_owed

    @property
    def difference(self) -> int | None:
        """The bank's balance minus what the ledger says it should hold: above zero, money arrived
        that is not confirmed yet; below zero, the bank holds less than the ledger promises."""
        return None if self.bank_balance is None else self.bank_balance - self.expected_in_bank


def reconciliation(session: Session, region_id: int) -> Reconciliation:
    regions.get_region(session, region_id)
    balances = region_balances(session, region_id)
    newest = session.execute(
        select(BankStatement).where(BankStatement.region_id == region_id,
                                    BankStatement.closing_balance_minor.is_not(None))
        .order_by(BankStatement.statement_date.desc(), BankStatement.id.desc()).limit(1)).scalar_one_or_none()
    return Reconciliation(region_id, balances.get(USD_RESERVE, 0), balances.get(USD_PAYOUTS, 0),
                          newest.closing_balance_minor if newest else None, newest.statement_date if newest else None,
                          newest.id if newest else None)


def reconciliation_history(session: Session, region_id: int, *, before: int | None = None,
                           limit: int = 50) -> list[Reconciliation]:
    """Each imported statement with a closing balance, newest import first, with the ledger's
    figures at the moment it was imported."""
    regions.get_region(session, region_id)
    query = select(BankStatement).where(BankStatement.region_id == region_id,
                                        BankStatement.closing_balance_minor.is_not(None))
    if before is not None:
        query = query.where(BankStatement.id < before)
    return [Reconciliation(region_id, s.usd_reserve_minor, s.payouts_owed_minor, s.closing_balance_minor,
                           s.statement_date, s.id)
            for s in session.execute(query.order_by(BankStatement.id.desc()).limit(limit)).scalars()]


# --- the co-op's bank details ------------------------------------------------------------------

def bank_details(session: Session, region_id: int) -> BankDetails | None:
    return session.execute(select(BankDetails).where(BankDetails.region_id == region_id)
                           .order_by(BankDetails.id.desc()).limit(1)).scalar_one_or_none()


def bank_details_history(session: Session, region_id: int, *, limit: int = 20) -> list[tuple[BankDetails, str]]:
    return [tuple(row) for row in session.execute(
        select(BankDetails, func.coalesce(Member.name, "the set-up")).outerjoin(Member, Member.id == BankDetails.set_by)
        .where(BankDetails.region_id == region_id).order_by(BankDetails.id.desc()).limit(limit))]


def set_bank_details(session: Session, board, details: object, now: datetime) -> BankDetails:
    """Publish where members pay their deposits. Every change is kept, with who made it, and
    logged: changing where the money goes is the first thing a thief would try."""
    _require_board(board, "Only the board sets the co-op's bank details.")
    details = text_field(details, "details", MAX_BANK_DETAILS)
    with write_transaction(session):
        regions.require_active(session, board.region_id)
        row = BankDetails(region_id=board.region_id, details=details, set_by=board.id, set_at=now)
        session.add(row)
        session.flush()
        audit.on_commit(session, "treasury: bank details of region %s changed by member %s", board.region_id, board.id)
    return row
