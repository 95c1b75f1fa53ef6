"""JSON API: accepting an invitation."""
from __future__ import annotations

from flask import jsonify

from govern.acquisitions import service as acquisitions
from govern.apiutil import api_blueprint, iso, optional_json_body, optional_member
from govern.clock import utcnow
from govern.extensions import db

bp = api_blueprint("acquisitions_api", __name__)


@bp.post("/invitations/<token>/accept")
def accept(token: str):
    """With a bearer token: link that member. Without: join as a new member (`password`, `locality?`)."""
    data = optional_json_body()
    invitation, member = acquisitions.accept(db.session, token, member=optional_member(), now=utcnow(),
                                             password=data.get("password"), locality=data.get("locality", ""))
    return jsonify({"invitation_id": invitation.id, "company_id": invitation.company_id, "member_id": member.id,
                    "status": invitation.status, "accepted_at": iso(invitation.accepted_at)}), 201
