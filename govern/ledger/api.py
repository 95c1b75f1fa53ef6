"""JSON API: accounts, entries, conversions, verification."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from govern.apiutil import api_blueprint, endpoint, idempotency_key, optional_member, page, require_member
from govern.clock import utcnow
from govern.extensions import db
from govern.ledger import contributions, exchange, service as ledger, transfers
from govern.ledger.models import CONVERSION_USD_TO_RSC, Account, Conversion, LedgerEntry
from govern.ledger.service import account_visible_to
from govern.money import Money
from govern.throttle import money_moving
from govern.treasury import service as treasury
from govern.treasury.api import DepositAnswer, pending_deposit_answer
from govern.schemas import (Answer, Cause, Flag, Id, IdempotencyKey, Money as MoneyShape, MoneyIn, Page, Paging, Request,
                            Rsc, RscIn, Time, UsdIn, With, text)

bp = api_blueprint("ledger_api", __name__)


class Owner(Answer):
    type: Literal["member", "company", "region"]
    id: int


class AccountAnswer(Answer):
    id: int
    owner: Owner
    kind: str
    region_id: int
    currency: str
    balance: MoneyShape


class Posting(Answer):
    account_id: int | None = Field(description="null for accounts you may not see (summed per currency)")
    amount: MoneyShape


class EntryAnswer(Answer):
    id: int
    created_at: Time
    memo: str
    cause: Cause
    postings: list[Posting]
    regions: list[int] = Field(description="The regions the entry moved money in: two when it crossed regions "
                                           "(it then also moved the backing USD between their reserves)")
    hash: str
    prev_hash: str


class ConversionBody(Request):
    direction: Literal["usd_to_rsc", "rsc_to_usd"]
    amount: MoneyIn


class ConversionAnswer(Answer):
    id: int
    direction: str
    rate: str
    entry_id: int
    debited: MoneyShape
    credited: MoneyShape
    created_at: Time


class TransferBody(Request):
    to_member_id: Id
    amount: RscIn
    memo: text(200) = ""


class BatchLine(Request):
    to_member_id: Id
    amount: RscIn
    memo: text(200) = ""


class BatchBody(Request):
    transfers: Annotated[list[BatchLine], Field(min_length=1, max_length=transfers.MAX_BATCH)]
    from_company_id: Id | None = Field(None, description="Pay from a company you run instead of your wallet")
    memo: text(200) = ""


class BatchAnswer(Answer):
    entry_id: int
    transfers: int
    total: Rsc


class TransferAnswer(Answer):
    entry_id: int
    to_member_id: int
    amount: MoneyShape
    entry: EntryAnswer


class ContributionBody(Request):
    amount: RscIn
    public: Flag | None = Field(None, description="Show your name on the public record")


class ExternalContributionBody(Request):
    amount: UsdIn
    from_: text(200, min_length=1) = Field(alias="from", description="Who gave it")
    public: Flag | None = None


class ContributionAnswer(Answer):
    id: int
    entry_id: int
    amount: MoneyShape
    public: bool
    created_at: Time


class VerifyAnswer(Answer):
    omitted_when_none = ("first_bad_entry", "problems")
    ok: bool
    entries: int
    first_bad_entry: int | None = None
    problems: list[str] | None = None


def money_of(minor: int, currency: str) -> dict:
    return Money(minor, currency).to_json()


def account_answer(account: Account) -> AccountAnswer:
    return AccountAnswer.model_validate(With(account, owner={"type": account.owner_type, "id": account.owner_id},
                                             balance=money_of(account.balance, account.currency)))


def entries_shown(entries: list[LedgerEntry], viewer) -> list[EntryAnswer]:
    """Entries as the viewer may see them: postings on accounts they may not see are one line per
    currency with `account_id` null (see ledger.service.postings_shown_to), and the cause's id that
    would lead to them is null (ledger.service.shown_cause_id)."""
    ids = [e.id for e in entries]
    shown = ledger.postings_shown_to(db.session, ids, viewer)
    hidden = ledger.entries_touching_hidden(db.session, ids, viewer)
    regions = ledger.regions_of_entries(db.session, entries)
    return [EntryAnswer.model_validate(With(
        entry, cause={"type": entry.cause_type,
                      "id": ledger.shown_cause_id(entry.cause_type, entry.cause_id, entry.id in hidden)},
        postings=[{"account_id": p.account_id, "amount": money_of(p.amount, p.currency)} for p in shown[entry.id]],
        regions=regions[entry.id]))
        for entry in entries]


def conversion_answer(c: Conversion) -> ConversionAnswer:
    return ConversionAnswer.model_validate(With(c, debited=money_of(c.debited_minor, c.debited_currency),
                                                credited=money_of(c.credited_minor, c.credited_currency)))


@bp.get("/accounts/<int:account_id>")
@endpoint(public=True, answer=AccountAnswer, errors=(404,))
def show_account(account_id: int):
    """An account you may see: your own, a region's, a region-owned company's"""
    return account_answer(account_visible_to(db.session, account_id, optional_member()))


@bp.get("/accounts/<int:account_id>/entries")
@endpoint(public=True, answer=Page[EntryAnswer], errors=(400, 404))
def account_entries(account_id: int, query: Paging):
    """An account's entries, newest first"""
    account = account_visible_to(db.session, account_id, optional_member())
    entries = ledger.entries_for_account(db.session, account.id, before=query.cursor_id(), limit=query.limit + 1)
    found = page(entries, query.limit, lambda e: e, lambda e: e.id)
    return Page[EntryAnswer](items=entries_shown(found["items"], optional_member()), next=found["next"])


@bp.post("/conversions")
@money_moving
@endpoint(ok=201, answer=ConversionAnswer, also={202: DepositAnswer}, errors=(400, 403, 409, 429),
          headers=IdempotencyKey)
def create_conversion(json: ConversionBody):
    """Convert RSC to USD at once (201), or claim a USD to RSC deposit that issues RSC when the board confirms the money reached the bank (202)"""
    member, amount = require_member(), json.amount.value()
    if json.direction == CONVERSION_USD_TO_RSC:
        return pending_deposit_answer(treasury.request_conversion(db.session, member, amount, utcnow(),
                                                                  idempotency_key()))
    return conversion_answer(exchange.convert(db.session, member, json.direction, amount, utcnow(),
                                              idempotency_key())), 201


@bp.post("/transfers")
@money_moving
@endpoint(ok=201, answer=TransferAnswer, errors=(400, 403, 409, 429), headers=IdempotencyKey)
def create_transfer(json: TransferBody):
    """Pay another active member, of any active region, in RSC"""
    member = require_member()
    result = transfers.transfer(db.session, member, json.to_member_id, json.amount.value(), json.memo, utcnow(),
                                idempotency_key())
    return TransferAnswer(entry_id=result.entry.id, to_member_id=result.to_member_id, amount=result.amount.to_json(),
                          entry=entries_shown([result.entry], member)[0]), 201


@bp.post("/transfers/batch")
@money_moving
@endpoint(ok=201, answer=BatchAnswer, errors=(400, 403, 404, 409, 429), headers=IdempotencyKey)
def create_transfer_batch(json: BatchBody):
    """Pay up to 1,000 members at once in RSC, from your wallet or a company you run: one entry, all or nothing"""
    payments = [transfers.Payment(line.to_member_id, line.amount.value(), line.memo) for line in json.transfers]
    batch = transfers.transfer_batch(db.session, require_member(), payments, utcnow(),
                                     from_company_id=json.from_company_id, memo=json.memo,
                                     idempotency_key=idempotency_key())
    return BatchAnswer(entry_id=batch.entry.id, transfers=batch.payments, total=batch.total.minor), 201


def contribution_answer(row) -> ContributionAnswer:
    currency = "USD" if row.source == "external" else "RSC"
    return ContributionAnswer.model_validate(With(row, amount=money_of(row.amount_minor, currency)))


@bp.post("/contributions")
@money_moving
@endpoint(ok=201, answer=ContributionAnswer, errors=(400, 403, 409, 429), headers=IdempotencyKey)
def create_contribution(json: ContributionBody):
    """Give RSC to the capital pool (it buys no ownership and no vote)"""
    row = contributions.contribute(db.session, require_member(), json.amount.value(), public=json.public,
                                   now=utcnow(), idempotency_key=idempotency_key())
    return contribution_answer(row), 201


@bp.post("/contributions/external")
@money_moving
@endpoint(ok=201, answer=ContributionAnswer, errors=(400, 403, 409, 429))
def external_contribution(json: ExternalContributionBody):
    """Record an outside contributor's USD (board): USD into the reserve, RSC into the pool"""
    row = contributions.record_external(db.session, require_member(), json.amount.value(), json.from_,
                                        public=json.public, now=utcnow())
    return contribution_answer(row), 201


@bp.get("/ledger/verify")
@endpoint(public=True, answer=VerifyAnswer)
def verify():
    """Check the hash chain and every ledger invariant"""
    report = ledger.verify(db.session)
    if report.ok:
        return VerifyAnswer(ok=True, entries=report.entries)
    return VerifyAnswer(ok=False, entries=report.entries, first_bad_entry=report.first_bad_entry, problems=report.problems)
