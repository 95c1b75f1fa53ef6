"""JSON API: your inside share and enrollment; the enrolled list (board only)."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from govern.apiutil import api_blueprint, endpoint, listed, require_member
from govern.clock import utcnow
from govern.extensions import db
from govern.health import service as health
from govern.schemas import Answer, Page, Paging, Rsc, Text, Time, With, cents

bp = api_blueprint("health_api", __name__)


class InsideShare(Answer):
    inside: Rsc
    outside: Rsc
    share: str | None = Field(validation_alias="shown")
    since: Time
    minimum: Text
    eligible: bool


class EnrollmentAnswer(Answer):
    id: int
    member_id: int
    status: Literal["enrolled", "left"]
    inside_share: str
    enrolled_at: Time
    left_at: Time | None


class EnrolledAnswer(EnrollmentAnswer):
    name: str


class Premium(Answer):
    id: int
    month: str
    premium: Rsc = cents("premium")
    member_part: Rsc = cents("member_part")
    pool_part: Rsc = cents("pool_part")
    status: Literal["paid", "unpaid"]
    entry_id: int | None
    paid_at: Time | None


class MyHealth(Answer):
    inside_share: InsideShare
    enrollment: EnrollmentAnswer | None
    premiums: list[Premium]


@bp.get("/me/health")
@endpoint(answer=MyHealth)
def mine():
    """Your inside share over the rolling period, your enrollment and premiums"""
    member = require_member()
    return MyHealth(inside_share=InsideShare.model_validate(health.inside_share(db.session, member, utcnow())),
                    enrollment=health.enrollment_of(db.session, member.id),
                    premiums=health.premiums_of(db.session, member.id))


@bp.post("/me/health/enrollment")
@endpoint(ok=201, answer=EnrollmentAnswer, errors=(403, 409))
def enroll():
    """Enroll in the group health plan; below the region's minimum inside share: 409"""
    return EnrollmentAnswer.model_validate(health.enroll(db.session, require_member(), utcnow())), 201


@bp.delete("/me/health/enrollment")
@endpoint(answer=EnrollmentAnswer, errors=(404,))
def leave():
    """Leave the plan"""
    return EnrollmentAnswer.model_validate(health.leave(db.session, require_member(), utcnow()))


@bp.get("/health/enrollments")
@endpoint(answer=Page[EnrolledAnswer], errors=(400, 403))
def enrolled(query: Paging):
    """Enrolled members (board only)"""
    rows = health.enrolled_members(db.session, require_member(), before=query.cursor_id(), limit=query.limit + 1)
    return listed(EnrolledAnswer, rows, query.limit, cursor_of=lambda pair: pair[0].id,
                  render=lambda pair: EnrolledAnswer.model_validate(With(pair[0], name=pair[1].name)))
