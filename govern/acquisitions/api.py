"""JSON API: an executed acquisition's invitations (the board's), and accepting one."""
from __future__ import annotations

from flask import jsonify

from govern.acquisitions import service as acquisitions
from govern.acquisitions.models import Invitation
from govern.apiutil import api_blueprint, iso, optional_json_body, optional_member, page, page_params, require_member
from govern.clock import utcnow
from govern.companies import service as companies
from govern.extensions import db
from govern.money import Money
from govern.proposals import service as proposals

bp = api_blueprint("acquisitions_api", __name__)


def invitation_json(row: Invitation) -> dict:
    return {"id": row.id, "name": row.name, "email": row.email, "occupation": row.occupation,
            "hourly_wage": Money(row.hourly_wage_minor, "RSC").to_json(), "status": row.status, "token": row.token,
            "manager": row.manager, "company_id": row.company_id, "member_id": row.member_id,
            "accepted_at": iso(row.accepted_at)}


@bp.get("/proposals/<int:proposal_id>/invitations")
def invitations(proposal_id: int):
    """The board of the proposal's region: each employee's invitation with its link token."""
    proposal = proposals.get_proposal(db.session, proposal_id)
    cursor, limit = page_params()
    rows = acquisitions.invitations_for_board(db.session, require_member(), proposal, after=cursor, limit=limit + 1)
    return jsonify(page(rows, limit, invitation_json, lambda r: r.id))


@bp.post("/invitations/<token>/accept")
def accept(token: str):
    """With a bearer token: link that member (the invitation's email must be theirs). Without: join as
    a new member (`password`, `locality?`)."""
    data = optional_json_body()
    invitation, member = acquisitions.accept(db.session, token, member=optional_member(), now=utcnow(),
                                             password=data.get("password"), locality=data.get("locality", ""))
    worker = companies.worker_of(db.session, invitation.company_id, member.id)
    return jsonify({"invitation_id": invitation.id, "company_id": invitation.company_id, "member_id": member.id,
                    "status": invitation.status, "accepted_at": iso(invitation.accepted_at),
                    "occupation": worker.occupation, "hourly_wage": Money(invitation.hourly_wage_minor, "RSC").to_json(),
                    "admin": worker.admin}), 201
