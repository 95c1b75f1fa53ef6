"""JSON API: my delegations."""
from __future__ import annotations

from pydantic import Field

from govern.apiutil import api_blueprint, endpoint, every, require_member
from govern.clock import utcnow
from govern.delegation import service as delegation
from govern.extensions import db
from govern.schemas import Answer, Id, Page, Request, Time

bp = api_blueprint("delegation_api", __name__)


class DelegationBody(Request):
    delegate_id: Id


class DelegationAnswer(Answer):
    scope: str
    delegate_id: int
    since: Time = Field(validation_alias="created_at")


@bp.put("/me/delegations/<scope>")
@endpoint(answer=DelegationAnswer, errors=(400, 403))
def put(scope: str, json: DelegationBody):
    """Trust a member with your vote for `all` proposals or one kind; replaces an earlier one"""
    row = delegation.set_delegation(db.session, require_member(), scope, json.delegate_id, utcnow())
    return DelegationAnswer.model_validate(row)


@bp.delete("/me/delegations/<scope>")
@endpoint(ok=204, answer=(None, "Withdrawn"), errors=(400, 404))
def remove(scope: str):
    """Withdraw a delegation"""
    delegation.remove_delegation(db.session, require_member(), scope)
    return "", 204


@bp.get("/me/delegations")
@endpoint(answer=Page[DelegationAnswer])
def index():
    """Your delegations"""
    return every(DelegationAnswer, delegation.delegations_of(db.session, require_member().id))
