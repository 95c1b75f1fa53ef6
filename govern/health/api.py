"""JSON API: your inside share and enrollment; the enrolled list (board only)."""
from __future__ import annotations

from flask import jsonify

from govern.apiutil import api_blueprint, iso, page, page_params, require_member
from govern.clock import utcnow
from govern.extensions import db
from govern.health import service as health
from govern.health.models import HealthEnrollment, HealthPremium
from govern.money import Money

bp = api_blueprint("health_api", __name__)


def share_json(share: health.InsideShare) -> dict:
    return {"inside": Money(share.inside, "RSC").to_json(), "outside": Money(share.outside, "RSC").to_json(),
            "share": share.shown, "since": iso(share.since), "minimum": str(share.minimum),
            "eligible": share.eligible}


def enrollment_json(row: HealthEnrollment) -> dict:
    return {"id": row.id, "member_id": row.member_id, "status": row.status, "inside_share": row.inside_share,
            "enrolled_at": iso(row.enrolled_at), "left_at": iso(row.left_at)}


def premium_json(row: HealthPremium) -> dict:
    return {"id": row.id, "month": row.month, "premium": Money(row.premium_minor, "RSC").to_json(),
            "member_part": Money(row.member_part_minor, "RSC").to_json(),
            "pool_part": Money(row.pool_part_minor, "RSC").to_json(), "status": row.status,
            "entry_id": row.entry_id, "paid_at": iso(row.paid_at)}


@bp.get("/me/health")
def mine():
    member = require_member()
    enrollment = health.enrollment_of(db.session, member.id)
    return jsonify({"inside_share": share_json(health.inside_share(db.session, member, utcnow())),
                    "enrollment": enrollment_json(enrollment) if enrollment else None,
                    "premiums": [premium_json(p) for p in health.premiums_of(db.session, member.id)]})


@bp.post("/me/health/enrollment")
def enroll():
    return jsonify(enrollment_json(health.enroll(db.session, require_member(), utcnow()))), 201


@bp.delete("/me/health/enrollment")
def leave():
    return jsonify(enrollment_json(health.leave(db.session, require_member(), utcnow())))


@bp.get("/health/enrollments")
def enrolled():
    cursor, limit = page_params()
    rows = health.enrolled_members(db.session, require_member(), before=cursor, limit=limit + 1)
    return jsonify(page(rows, limit, lambda r: {**enrollment_json(r[0]), "name": r[1].name}, lambda r: r[0].id))
