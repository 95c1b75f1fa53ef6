"""JSON API: accepting an invitation."""
from __future__ import annotations

from govern.acquisitions import service as acquisitions
from govern.apiutil import api_blueprint, endpoint, optional_member
from govern.clock import utcnow
from govern.extensions import db
from govern.schemas import Answer, Request, Time, text

bp = api_blueprint("acquisitions_api", __name__)


class AcceptBody(Request):
    password: text(200) | None = None
    locality: text(100) = ""


class AcceptAnswer(Answer):
    invitation_id: int
    company_id: int
    member_id: int
    status: str
    accepted_at: Time


@bp.post("/invitations/<token>/accept")
@endpoint(public=True, ok=201, answer=AcceptAnswer, errors=(400, 401, 403, 404, 409))
def accept(token: str, json: AcceptBody):
    """Accept an invitation from an acquired business: with a bearer token, link yourself; without, join as a new member (`password`, `locality?`)"""
    invitation, member = acquisitions.accept(db.session, token, member=optional_member(), now=utcnow(),
                                             password=json.password, locality=json.locality)
    return AcceptAnswer(invitation_id=invitation.id, company_id=invitation.company_id, member_id=member.id,
                        status=invitation.status, accepted_at=invitation.accepted_at), 201
