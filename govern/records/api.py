"""JSON API: the public records (no token needed). `?region_id=` picks a region; by default the
caller's (with a token), else the oldest active one."""
from __future__ import annotations

from flask import stream_with_context
from pydantic import Field
from werkzeug.wrappers import Response as StreamedResponse

from govern.apiutil import api_blueprint, endpoint, optional_member
from govern.clock import utcnow
from govern.extensions import db, limiter
from govern.ids import whole_number
from govern.records import exports, service, tables
from govern.schemas import Answer, Cause, Month, OpaquePaging, Page, RegionChoice, RegionPaging, Rsc, Time, With

bp = api_blueprint("records_api", __name__)
# The whole ledger is read for each export: a visitor may take it a few times an hour, not in a loop.
EXPORT_LIMIT = "12 per hour"


class PoolMovement(Answer):
    entry_id: int
    created_at: Time
    amount: Rsc
    cause: Cause
    memo: str
    balance_after: Rsc


class WagesPaid(Answer):
    month: Month
    occupation: str
    people: int
    hours: str
    total_paid: Rsc = Field(validation_alias="paid")
    average_hourly: Rsc


class WagesQuery(OpaquePaging):
    region_id: RegionChoice = None


class ChainLink(Answer):
    omitted_when_none = ("prev_hash", "created_at")
    entry_id: int
    hash: str
    prev_hash: str | None = None
    created_at: Time | None = None


def _region_id(chosen: int | None) -> int:
    member = optional_member()
    return service.records_region(db.session, chosen, member.region_id if member else None).id


def cause_json(cause_type: str, cause_id: str | None) -> dict:
    """Ids that are numbers are given as numbers: a payroll's is its run_id, a proposal's its id."""
    number = whole_number(cause_id) if cause_id is not None else None
    return {"type": cause_type, "id": number if number is not None else cause_id}


@bp.get("/records/capital-pool")
@endpoint(public=True, answer=Page[PoolMovement], errors=(400, 404))
def capital_pool(query: RegionPaging):
    """The capital pool's movements, newest first, each with its cause (a payroll's id is its run_id, a proposal's its id) and the balance after it; together they add up to the pool"""
    found = service.pool_movements(db.session, _region_id(query.region_id), before=query.cursor_id(), limit=query.limit)
    movements = [PoolMovement.model_validate(With(m, cause=cause_json(m.cause_type, m.cause_id))) for m in found.movements]
    return Page[PoolMovement](items=movements, next=None if found.next_cursor is None else str(found.next_cursor))


@bp.get("/records/wages")
@endpoint(public=True, answer=Page[WagesPaid], errors=(400, 404))
def wages(query: WagesQuery):
    """What region-owned companies paid, by month and occupation, newest month first; never a name"""
    rows, next_cursor = service.wages_by_occupation(db.session, _region_id(query.region_id), cursor=query.cursor,
                                                    limit=query.limit)
    return Page[WagesPaid](items=[WagesPaid.model_validate(With(row, hours=tables.hours_text(row.centihours)))
                                  for row in rows], next=next_cursor)


@bp.get("/records/chain-head")
@endpoint(public=True, answer=ChainLink)
def chain_head():
    """The newest ledger entry and its hash: save it to check later that the record was only appended to"""
    head = service.chain_head(db.session)
    return ChainLink(hash=head.hash, entry_id=head.entry_id)


@bp.get("/records/chain/<int:entry_id>")
@endpoint(public=True, answer=ChainLink, errors=(404,))
def chain_link(entry_id: int):
    """An entry's place in the hash chain: a head saved earlier must still have the same hash"""
    link = service.chain_link(db.session, entry_id)
    return ChainLink.model_validate(link)


@bp.get("/records/ledger.beancount")
@limiter.limit(EXPORT_LIMIT)
@endpoint(public=True, answer=(None, "Beancount text (text/plain)"), errors=(429,))
def ledger_beancount():
    """The whole ledger in beancount's format, streamed: an open per account (metadata account_id), a transaction per entry (metadata cause_type, cause_id, entry_id, hash), a balance assertion per account

    Streamed in chunks of a few thousand entries; `flask govern export-beancount` writes the public one.
    Without a token, private accounts are summed; with the board's, its region's are shown one by one."""
    chunks = exports.beancount(db.session, now=utcnow(), reader=exports.reader_for(optional_member()))
    # A werkzeug (not Flask) Response: spectree reads a Flask answer whole to check it, and this one
    # must stream (Flask adopts it as is).
    return StreamedResponse(stream_with_context(chunks), mimetype="text/plain",
                    headers={"Content-Disposition": "attachment; filename=conductor.beancount"})
