"""JSON API: members, tokens, me."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app, jsonify, request
from flask_login import current_user

from govern import audit
from govern.apiutil import api_blueprint, current_token_id, iso, json_body, optional_member, require_member
from govern.clock import utcnow
from govern.errors import NotAuthenticated
from govern.extensions import db, limiter
from govern.ledger.exchange import member_wallet
from govern.members import elections, emails, service as members
from govern.members.models import Member
from govern.regions import reorganise
from govern.money import Money
from govern.proposals.api import proposal_json

bp = api_blueprint("members_api", __name__)


def member_json(member: Member, viewer: Member | None) -> dict:
    data = {
        "id": member.id, "name": member.name, "region_id": member.region_id, "locality": member.locality,
        "roles": member.roles, "status": member.status, "joined_at": iso(member.joined_at),
    }
    if members.can_see_email(viewer, member):
        data["email"] = member.email
    return data


def login_attempt_key() -> str:
    """Throttle failed logins per address and email alike, whether or not the email exists."""
    data = request.get_json(silent=True) if request.is_json else request.form
    email = data.get("email", "") if hasattr(data, "get") else ""
    return f"login:{request.remote_addr}:{emails.normalize(email)}"


def login_failed(_response) -> bool:
    return bool(getattr(request, "govern_login_failed", False))


def login_limit() -> str:
    return current_app.config["GOVERN_LOGIN_LIMIT"]


# One budget of failures per address and email for the login page and the token endpoint together:
# trying both must not double the guesses.
login_throttle = limiter.shared_limit(login_limit, scope="login", key_func=login_attempt_key,
                                      deduct_when=login_failed, methods=["POST"])


def join_attempt_key() -> str:
    return f"join:{request.remote_addr}"


def join_limit() -> str:
    return current_app.config["GOVERN_JOIN_LIMIT"]


# Every attempt to join counts, from the join page and the API together, per client address,
# in the same storage as the login throttle (shared by workers through Redis).
join_throttle = limiter.shared_limit(join_limit, scope="join", key_func=join_attempt_key, methods=["POST"],
                                     error_message="Too many sign-ups from this address. Try again later.")


def _password_change_key() -> str:
    email = current_user.email if current_user.is_authenticated else ""
    return f"login:{request.remote_addr}:{emails.normalize(email)}"


# Guessing the current password on the password-change page draws on the same budget as logging in.
password_throttle = limiter.shared_limit(login_limit, scope="login", key_func=_password_change_key,
                                         deduct_when=login_failed, methods=["POST"])


@bp.post("/members")
@join_throttle
def join():
    data = json_body()
    member = members.join(
        db.session, email=data.get("email"), name=data.get("name"), password=data.get("password"),
        region_id=data.get("region_id"), locality=data.get("locality", ""), now=utcnow(),
    )
    return jsonify(member_json(member, member)), 201


@bp.post("/tokens")
@login_throttle
def create_token():
    data = json_body()
    try:
        member = members.authenticate(db.session, data.get("email"), data.get("password"))
    except NotAuthenticated:
        request.govern_login_failed = True
        audit.login_failed(data.get("email"), "api", request.remote_addr)
        raise
    audit.login_succeeded(member.id, "api", request.remote_addr)
    ttl = timedelta(seconds=current_app.config["GOVERN_TOKEN_TTL_SECONDS"])
    now = utcnow()
    label = members.token_label(data.get("label"), request.headers.get("User-Agent", ""))
    token = members.issue_token(db.session, member, now, ttl, label)
    return jsonify({"token": token, "expires_at": iso(now + ttl), "member_id": member.id}), 201


@bp.delete("/tokens/current")
def revoke_current_token():
    """The token this call was made with stops working."""
    members.revoke_token(db.session, require_member(), current_token_id())
    return "", 204


@bp.delete("/tokens")
def revoke_all_tokens():
    """Log out everywhere: every token of the caller, and every browser session, stops working."""
    members.log_out_everywhere(db.session, require_member())
    return "", 204


@bp.get("/me")
def me():
    member = require_member()
    wallet = member_wallet(db.session, member.id)
    data = member_json(member, member)
    data["accounts"] = [{"id": wallet.id, "currency": wallet.currency,
                         "balance": Money(wallet.balance, wallet.currency).to_json()}]
    return jsonify(data)


@bp.post("/me/leave")
def leave():
    member = members.leave(db.session, require_member(), utcnow())
    return jsonify(member_json(member, member))


@bp.post("/me/move")
def move():
    data = json_body()
    member = reorganise.move_member(db.session, require_member(), data.get("region_id"), utcnow())
    return jsonify(member_json(member, member))


@bp.put("/proposals/<int:proposal_id>/candidacy")
def stand(proposal_id: int):
    member = require_member()
    proposal = elections.stand(db.session, member, proposal_id, utcnow())
    return jsonify(proposal_json(proposal, member))


@bp.delete("/proposals/<int:proposal_id>/candidacy")
def withdraw_candidacy(proposal_id: int):
    elections.withdraw(db.session, require_member(), proposal_id, utcnow())
    return "", 204


@bp.get("/members/<int:member_id>")
def show_member(member_id: int):
    viewer = require_member()
    return jsonify(member_json(members.get_member(db.session, member_id), viewer))
