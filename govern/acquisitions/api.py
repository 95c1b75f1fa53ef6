"""JSON API: accepting an invitation."""
from __future__ import annotations

from datetime import datetime

from flask import jsonify

from govern.acquisitions import service as acquisitions
from govern.apiutil import api_blueprint, endpoint, iso, optional_member
from govern.clock import utcnow
from govern.extensions import db
from govern.schemas import Answer, Request, text

bp = api_blueprint("acquisitions_api", __name__)


class AcceptBody(Request):
    password: text(200) | None = None
    locality: text(100) = ""


class AcceptAnswer(Answer):
    invitation_id: int
    company_id: int
    member_id: int
    status: str
    accepted_at: datetime


@bp.post("/invitations/<token>/accept")
@endpoint(public=True, ok=201, answer=AcceptAnswer, errors=(400, 401, 403, 404, 409))
def accept(token: str, json: AcceptBody):
    """Accept an invitation from an acquired business: with a bearer token, link yourself; without, join as a new member (`password`, `locality?`)"""
    invitation, member = acquisitions.accept(db.session, token, member=optional_member(), now=utcnow(),
                                             password=json.password, locality=json.locality)
    return jsonify({"invitation_id": invitation.id, "company_id": invitation.company_id, "member_id": member.id,
                    "status": invitation.status, "accepted_at": iso(invitation.accepted_at)}), 201
