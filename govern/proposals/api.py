"""JSON API: proposals, ballots, carrying out."""
from __future__ import annotations

from flask import current_app, jsonify, request

from govern import voting
from govern.apiutil import api_blueprint, iso, json_body, page, page_params, require_member
from govern.clock import parse_time, utcnow
from govern.errors import ValidationError
from govern.extensions import db
from govern.ids import whole_number
from govern.proposals import service as proposals
from govern.proposals.models import Ballot, Proposal

bp = api_blueprint("proposals_api", __name__)


def proposal_json(proposal: Proposal, viewer) -> dict:
    return {
        "id": proposal.id, "kind": proposal.kind, "title": proposal.title, "body": proposal.body,
        "payload": proposals.payload_shown_to(proposal, viewer), "author_id": proposal.author_id, "region_id": proposal.region_id,
        "status": proposal.status, "opens_at": iso(proposal.opens_at), "closes_at": iso(proposal.closes_at),
        "voting": proposal.voting, "electorate_size": proposal.electorate_size,
        "turnout": proposals.turnout(db.session, proposal.id),
        "tally": proposals.visible_tally(db.session, proposal), "outcome": proposal.outcome,
        "execute_by": iso(proposal.execute_by), "executed_at": iso(proposal.executed_at),
        "effects": [{"type": e.type, "id": _effect_id(e.ref_id)} for e in proposals.effects_of(db.session, proposal.id)],
    }


def _effect_id(ref_id: str):
    return whole_number(ref_id) or ref_id


@bp.post("/proposals")
def create():
    member = require_member()
    data = json_body()
    proposal = proposals.create_proposal(
        db.session, member, kind_key=data.get("kind"), title=data.get("title"), body=data.get("body", ""),
        payload=data.get("payload", {}), closes_at=parse_time(data.get("closes_at"), "closes_at"),
        voting_request=data.get("voting"), now=utcnow(),
        min_voting_seconds=current_app.config["GOVERN_MIN_VOTING_SECONDS"],
    )
    return jsonify(proposal_json(proposal, member)), 201


@bp.get("/proposals")
def index():
    member = require_member()
    cursor, limit = page_params()
    rows = proposals.list_proposals(db.session, region_id=member.region_id, status=request.args.get("status") or None,
                                    before=cursor, limit=limit + 1)
    return jsonify(page(rows, limit, lambda p: proposal_json(p, member), lambda p: p.id))


@bp.get("/proposals/<int:proposal_id>")
def show(proposal_id: int):
    member = require_member()
    return jsonify(proposal_json(proposals.get_proposal(db.session, proposal_id), member))


@bp.put("/proposals/<int:proposal_id>/ballot")
def cast(proposal_id: int):
    member = require_member()
    data = json_body()
    if "choice" not in data:
        raise ValidationError.for_field("choice", "is required")
    ballot = proposals.cast_ballot(db.session, member, proposal_id, data["choice"], utcnow())
    return jsonify({"receipt": ballot.receipt, "cast_at": iso(ballot.cast_at)})


@bp.delete("/proposals/<int:proposal_id>/ballot")
def withdraw(proposal_id: int):
    proposals.withdraw_ballot(db.session, require_member(), proposal_id, utcnow())
    return "", 204


@bp.post("/proposals/<int:proposal_id>/cancel")
def cancel(proposal_id: int):
    member = require_member()
    return jsonify(proposal_json(proposals.cancel_proposal(db.session, member, proposal_id, utcnow()), member))


@bp.post("/proposals/<int:proposal_id>/execute")
def execute(proposal_id: int):
    member = require_member()
    state = proposals.confirm_execution(db.session, member, proposal_id, utcnow())
    body = {**proposal_json(state.proposal, member), "confirmations": state.confirmations, "required": state.required}
    return jsonify(body), 200 if state.proposal.status == "executed" else 202


@bp.get("/proposals/<int:proposal_id>/ballots")
def ballots(proposal_id: int):
    require_member()
    proposal = proposals.get_proposal(db.session, proposal_id)
    cursor, limit = page_params(receipt_cursor=True)
    rows = proposals.published_ballots(db.session, proposal, before=cursor, limit=limit + 1)
    rule = proposals.rule_of(proposal)

    def render(ballot: Ballot) -> dict:
        item = {"receipt": ballot.receipt, "choice": voting.decode_choice(rule, ballot.choice)}
        if not rule.secret:
            item["member_id"] = ballot.member_id
        return item

    return jsonify(page(rows, limit, render, lambda b: b.receipt))


@bp.post("/proposals/<int:proposal_id>/comments")
def comment(proposal_id: int):
    data = json_body()
    made = proposals.add_comment(db.session, require_member(), proposal_id, data.get("body"), utcnow())
    return jsonify({"id": made.id, "proposal_id": made.proposal_id, "member_id": made.member_id,
                    "body": made.body, "created_at": iso(made.created_at)}), 201


@bp.get("/proposals/<int:proposal_id>/comments")
def comments(proposal_id: int):
    require_member()
    proposals.get_proposal(db.session, proposal_id)
    items = [{"id": c.id, "member_id": c.member_id, "member_name": name, "body": c.body, "created_at": iso(c.created_at)}
             for c, name in proposals.comments_of(db.session, proposal_id)]
    return jsonify({"items": items, "next": None})
