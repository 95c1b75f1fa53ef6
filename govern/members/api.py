"""JSON API: members, tokens, me."""
from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Literal

from flask import current_app, request
from flask_login import current_user
from pydantic import Field, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from govern import audit
from govern.apiutil import api_blueprint, current_token_id, endpoint, require_member
from govern.clock import utcnow
from govern.errors import NotAuthenticated
from govern.extensions import db, limiter
from govern.ledger.exchange import member_wallet
from govern.members import elections, emails, passwords, service as members
from govern.members.models import Member
from govern.proposals.api import ProposalAnswer, proposal_answer
from govern.regions import reorganise
from govern.schemas import Answer, Id, Request, Rsc, Time, With, text

bp = api_blueprint("members_api", __name__)
# The shape of an address; the service checks the rest (one alphabet per part, see govern.members.emails).
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


def _password_length(value: object) -> str:
    if not isinstance(value, str) or not value:
        raise PydanticCustomError("govern", "is required")
    if not passwords.MIN_LENGTH <= len(value) <= passwords.MAX_LENGTH:
        raise PydanticCustomError("govern", f"must be {passwords.MIN_LENGTH} to {passwords.MAX_LENGTH} characters")
    return value


# The length is checked here; how easy it is to guess, by the service (zxcvbn).
Password = Annotated[str, PlainValidator(_password_length), WithJsonSchema(
    {"type": "string", "minLength": passwords.MIN_LENGTH, "maxLength": passwords.MAX_LENGTH})]


class JoinBody(Request):
    email: Annotated[str, Field(max_length=254, pattern=EMAIL_PATTERN, description="An email address")]
    name: text(100, min_length=1)
    password: Password
    region_id: Id | None = None
    locality: text(100) = ""


class MemberAnswer(Answer):
    omitted_when_none = ("email",)
    id: int
    name: str
    region_id: int
    locality: str
    roles: list[Literal["member", "board", "former_member"]]
    status: Literal["active", "left"]
    joined_at: Time
    email: str | None = Field(None, description="Only for the member themself and the board")


class AccountLine(Answer):
    id: int
    currency: str
    balance: Rsc


class MeAnswer(MemberAnswer):
    accounts: list[AccountLine]


class TokenBody(Request):
    email: text(254)
    password: text(200)
    label: text(members.TOKEN_LABEL_LENGTH) | None = Field(
        None, description="How the token is listed on your tokens page (default: the client's User-Agent)")


class TokenAnswer(Answer):
    token: str
    expires_at: Time
    member_id: int


class MoveBody(Request):
    region_id: Id


def member_answer(member: Member, viewer: Member | None, answer=MemberAnswer, **more):
    email = member.email if members.can_see_email(viewer, member) else None
    return answer.model_validate(With(member, email=email, **more))


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
@endpoint(public=True, ok=201, answer=MemberAnswer, errors=(400, 409, 413))
def join(json: JoinBody):
    """Join the co-op (anybody may)"""
    member = members.join(db.session, email=json.email, name=json.name, password=json.password,
                          region_id=json.region_id, locality=json.locality, now=utcnow())
    return member_answer(member, member), 201


@bp.post("/tokens")
@login_throttle
@endpoint(public=True, ok=201, answer=TokenAnswer, errors=(400, 401, 429))
def create_token(json: TokenBody):
    """Log in: a bearer token"""
    try:
        member = members.authenticate(db.session, json.email, json.password)
    except NotAuthenticated:
        request.govern_login_failed = True
        audit.login_failed(json.email, "api", request.remote_addr)
        raise
    audit.login_succeeded(member.id, "api", request.remote_addr)
    ttl = timedelta(seconds=current_app.config["GOVERN_TOKEN_TTL_SECONDS"])
    now = utcnow()
    label = members.token_label(json.label, request.headers.get("User-Agent", ""))
    token = members.issue_token(db.session, member, now, ttl, label)
    return TokenAnswer(token=token, expires_at=now + ttl, member_id=member.id), 201


@bp.delete("/tokens/current")
@endpoint(ok=204, answer=(None, "Done"))
def revoke_current_token():
    """Revoke the token this call is made with (401 with it afterwards)"""
    members.revoke_token(db.session, require_member(), current_token_id())
    return "", 204


@bp.delete("/tokens")
@endpoint(ok=204, answer=(None, "Done"))
def revoke_all_tokens():
    """Log out everywhere: every token of yours, and every browser session, stops working"""
    members.log_out_everywhere(db.session, require_member())
    return "", 204


@bp.get("/me")
@endpoint(answer=MeAnswer)
def me():
    """You, with your accounts"""
    member = require_member()
    return member_answer(member, member, MeAnswer, accounts=[member_wallet(db.session, member.id)])


@bp.post("/me/leave")
@endpoint(answer=MemberAnswer, errors=(403,))
def leave():
    """Leave the co-op; your balance stays yours"""
    member = members.leave(db.session, require_member(), utcnow())
    return member_answer(member, member)


@bp.post("/me/move")
@endpoint(answer=MemberAnswer, errors=(400, 403, 409))
def move(json: MoveBody):
    """Move to another region: your balance (and the reserve behind it) comes with you"""
    member = reorganise.move_member(db.session, require_member(), json.region_id, utcnow())
    return member_answer(member, member)


@bp.put("/proposals/<int:proposal_id>/candidacy")
@endpoint(answer=ProposalAnswer, errors=(403, 404, 409))
def stand(proposal_id: int):
    """Stand as a candidate in a board election while its nominations are open"""
    member = require_member()
    return proposal_answer(elections.stand(db.session, member, proposal_id, utcnow()), member)


@bp.delete("/proposals/<int:proposal_id>/candidacy")
@endpoint(ok=204, answer=(None, "Withdrawn"), errors=(403, 404, 409))
def withdraw_candidacy(proposal_id: int):
    """Withdraw your candidacy while nominations are open and enough candidates remain"""
    elections.withdraw(db.session, require_member(), proposal_id, utcnow())
    return "", 204


@bp.get("/members/<int:member_id>")
@endpoint(answer=MemberAnswer, errors=(404,))
def show_member(member_id: int):
    """A member's public fields (the email only to the member and the board)"""
    viewer = require_member()
    return member_answer(members.get_member(db.session, member_id), viewer)
