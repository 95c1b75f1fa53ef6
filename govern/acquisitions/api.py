"""JSON API: an executed acquisition's invitations (the board's), and accepting one."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from govern.acquisitions import service as acquisitions
from govern.apiutil import api_blueprint, endpoint, listed, optional_member, require_member
from govern.clock import utcnow
from govern.companies import service as companies
from govern.extensions import db
from govern.proposals import service as proposals
from govern.schemas import Answer, Page, Paging, Request, Rsc, Time, cents, text

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
    occupation: str
    hourly_wage: Rsc = Field(description="The wage kept from before the acquisition")
    admin: bool


class InvitationAnswer(Answer):
    id: int
    name: str
    email: str
    occupation: str
    hourly_wage: Rsc = cents("hourly_wage")
    status: Literal["open", "accepted"]
    token: str
    manager: bool
    company_id: int | None
    member_id: int | None
    accepted_at: Time | None


@bp.get("/proposals/<int:proposal_id>/invitations")
@endpoint(answer=Page[InvitationAnswer], errors=(400, 404))
def invitations(proposal_id: int, query: Paging):
    """An executed acquisition's invitations with their link tokens (the board of its region only)"""
    proposal = proposals.get_proposal(db.session, proposal_id)
    rows = acquisitions.invitations_for_board(db.session, require_member(), proposal, after=query.cursor_id(),
                                              limit=query.limit + 1)
    return listed(InvitationAnswer, rows, query.limit)


@bp.post("/invitations/<token>/accept")
@endpoint(public=True, ok=201, answer=AcceptAnswer, errors=(400, 401, 403, 404, 409))
def accept(token: str, json: AcceptBody):
    """Accept an invitation from an acquired business: with a bearer token, link yourself (the invitation's email must be yours); without, join as a new member (`password`, `locality?`)"""
    invitation, member = acquisitions.accept(db.session, token, member=optional_member(), now=utcnow(),
                                             password=json.password, locality=json.locality)
    worker = companies.worker_of(db.session, invitation.company_id, member.id)
    return AcceptAnswer(invitation_id=invitation.id, company_id=invitation.company_id, member_id=member.id,
                        status=invitation.status, accepted_at=invitation.accepted_at, occupation=worker.occupation,
                        hourly_wage=invitation.hourly_wage_minor, admin=worker.admin), 201
