"""JSON API: my delegations."""
from __future__ import annotations

from flask import jsonify

from govern.apiutil import api_blueprint, iso, json_body, require_member
from govern.clock import utcnow
from govern.delegation import service as delegation
from govern.delegation.models import Delegation
from govern.extensions import db

bp = api_blueprint("delegation_api", __name__)


def delegation_json(row: Delegation) -> dict:
    return {"scope": row.scope, "delegate_id": row.delegate_id, "since": iso(row.created_at)}


@bp.put("/me/delegations/<scope>")
def put(scope: str):
    data = json_body()
    row = delegation.set_delegation(db.session, require_member(), scope, data.get("delegate_id"), utcnow())
    return jsonify(delegation_json(row))


@bp.delete("/me/delegations/<scope>")
def remove(scope: str):
    delegation.remove_delegation(db.session, require_member(), scope)
    return "", 204


@bp.get("/me/delegations")
def index():
    member = require_member()
    return jsonify({"items": [delegation_json(d) for d in delegation.delegations_of(db.session, member.id)], "next": None})
