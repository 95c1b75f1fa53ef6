"""JSON API: your inside share and enrollment; the enrolled list (board only)."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from flask import jsonify

from govern.apiutil import api_blueprint, endpoint, iso, page, require_member
from govern.clock import utcnow
from govern.extensions import db
from govern.health import service as health
from govern.health.models import HealthEnrollment, HealthPremium
from govern.schemas import Answer, Money, Page, Paging, minor_money

bp = api_blueprint("health_api", __name__)


class InsideShare(Answer):
    inside: Money
    outside: Money
    share: str | None
    since: datetime
    minimum: str
    eligible: bool


class EnrollmentAnswer(Answer):
    id: int
    member_id: int
    status: Literal["enrolled", "left"]
    inside_share: str
    enrolled_at: datetime
    left_at: datetime | None


class EnrolledAnswer(EnrollmentAnswer):
    name: str


class Premium(Answer):
    id: int
    month: str
    premium: Money
    member_part: Money
    pool_part: Money
    status: Literal["paid", "unpaid"]
    entry_id: int | None
    paid_at: datetime | None


class MyHealth(Answer):
    inside_share: InsideShare
    enrollment: EnrollmentAnswer | None
    premiums: list[Premium]


def share_json(share: health.InsideShare) -> dict:
    return {"inside": minor_money(share.inside, "RSC"), "outside": minor_money(share.outside, "RSC"),
            "share": share.shown, "since": iso(share.since), "minimum": str(share.minimum),
            "eligible": share.eligible}


def enrollment_json(row: HealthEnrollment) -> dict:
    return {"id": row.id, "member_id": row.member_id, "status": row.status, "inside_share": row.inside_share,
            "enrolled_at": iso(row.enrolled_at), "left_at": iso(row.left_at)}


def premium_json(row: HealthPremium) -> dict:
    return {"id": row.id, "month": row.month, "premium": minor_money(row.premium_minor, "RSC"),
            "member_part": minor_money(row.member_part_minor, "RSC"),
            "pool_part": minor_money(row.pool_part_minor, "RSC"), "status": row.status,
            "entry_id": row.entry_id, "paid_at": iso(row.paid_at)}


@bp.get("/me/health")
@endpoint(answer=MyHealth)
def mine():
    """Your inside share over the rolling period, your enrollment and premiums"""
    member = require_member()
    enrollment = health.enrollment_of(db.session, member.id)
    return jsonify({"inside_share": share_json(health.inside_share(db.session, member, utcnow())),
                    "enrollment": enrollment_json(enrollment) if enrollment else None,
                    "premiums": [premium_json(p) for p in health.premiums_of(db.session, member.id)]})


@bp.post("/me/health/enrollment")
@endpoint(ok=201, answer=EnrollmentAnswer, errors=(403, 409))
def enroll():
    """Enroll in the group health plan; below the region's minimum inside share: 409"""
    return jsonify(enrollment_json(health.enroll(db.session, require_member(), utcnow()))), 201


@bp.delete("/me/health/enrollment")
@endpoint(answer=EnrollmentAnswer, errors=(404,))
def leave():
    """Leave the plan"""
    return jsonify(enrollment_json(health.leave(db.session, require_member(), utcnow())))


@bp.get("/health/enrollments")
@endpoint(answer=Page[EnrolledAnswer], errors=(400, 403))
def enrolled(query: Paging):
    """Enrolled members (board only)"""
    rows = health.enrolled_members(db.session, require_member(), before=query.cursor_id(), limit=query.limit + 1)
    return jsonify(page(rows, query.limit, lambda r: {**enrollment_json(r[0]), "name": r[1].name}, lambda r: r[0].id))
