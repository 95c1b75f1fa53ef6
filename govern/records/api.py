"""JSON API: the public records (no token needed). `?region_id=` picks a region; by default the
caller's (with a token), else the oldest active one."""
from __future__ import annotations

from flask import Response, jsonify, stream_with_context

from govern.apiutil import api_blueprint, iso, optional_member, page_params
from govern.clock import utcnow
from govern.extensions import db, limiter
from govern.ids import whole_number
from govern.money import Money
from govern.records import exports, params, service, tables

bp = api_blueprint("records_api", __name__)
# The whole ledger is read for each export: a visitor may take it a few times an hour, not in a loop.
EXPORT_LIMIT = "12 per hour"


def _region_id() -> int:
    member = optional_member()
    return service.records_region(db.session, params.optional_id("region_id"),
                                  member.region_id if member else None).id


def cause_json(cause_type: str, cause_id: str | None) -> dict:
    """Ids that are numbers are given as numbers: a payroll's is its run_id, a proposal's its id."""
    number = whole_number(cause_id) if cause_id is not None else None
    return {"type": cause_type, "id": number if number is not None else cause_id}


def movement_json(movement: service.PoolMovement) -> dict:
    return {
        "entry_id": movement.entry_id, "created_at": iso(movement.created_at),
        "amount": Money(movement.amount, "RSC").to_json(),
        "cause": cause_json(movement.cause_type, movement.cause_id), "memo": movement.memo,
        "balance_after": Money(movement.balance_after, "RSC").to_json(),
    }


def wage_json(row: service.WageRow) -> dict:
    return {"month": row.month, "occupation": row.occupation, "people": row.people,
            "hours": tables.hours_text(row.centihours), "total_paid": Money(row.paid, "RSC").to_json(),
            "average_hourly": Money(row.average_hourly, "RSC").to_json()}


@bp.get("/records/capital-pool")
def capital_pool():
    region_id = _region_id()
    cursor, limit = page_params()
    found = service.pool_movements(db.session, region_id, before=cursor, limit=limit)
    return jsonify({"items": [movement_json(m) for m in found.movements],
                    "next": None if found.next_cursor is None else str(found.next_cursor)})


@bp.get("/records/wages")
def wages():
    region_id = _region_id()
    rows, next_cursor = service.wages_by_occupation(db.session, region_id, cursor=params.cursor(),
                                                    limit=params.limit())
    return jsonify({"items": [wage_json(row) for row in rows], "next": next_cursor})


@bp.get("/records/chain-head")
def chain_head():
    head = service.chain_head(db.session)
    return jsonify({"hash": head.hash, "entry_id": head.entry_id})


@bp.get("/records/chain/<int:entry_id>")
def chain_link(entry_id: int):
    link = service.chain_link(db.session, entry_id)
    return jsonify({"entry_id": link.entry_id, "hash": link.hash, "prev_hash": link.prev_hash,
                    "created_at": iso(link.created_at)})


@bp.get("/records/ledger.beancount")
@limiter.limit(EXPORT_LIMIT)
def ledger_beancount():
    """Streamed in chunks of a few thousand entries; `flask govern export-beancount` writes the
    public one. Without a token, private accounts are summed; with the board's, its region's are
    shown one by one."""
    chunks = exports.beancount(db.session, now=utcnow(), reader=exports.reader_for(optional_member()))
    return Response(stream_with_context(chunks), mimetype="text/plain",
                    headers={"Content-Disposition": "attachment; filename=conductor.beancount"})
