"""JSON API: members, tokens, me."""
from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Literal

from flask import current_app, request
from pydantic import Field

from govern import audit
from govern.apiutil import api_blueprint, endpoint, require_member
from govern.clock import utcnow
from govern.errors import NotAuthenticated
from govern.extensions import db, limiter
from govern.ledger.exchange import member_wallet
from govern.members import service as members
from govern.members.models import Member
from govern.regions import reorganise
from govern.schemas import Answer, Id, Request, Rsc, Time, With, text

bp = api_blueprint("members_api", __name__)


class JoinBody(Request):
    email: Annotated[str, Field(max_length=254, pattern=members.EMAIL_PATTERN, description="An email address")]
    name: text(100, min_length=1)
    password: text(200, min_length=8)
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
    email = email.strip().lower() if isinstance(email, str) else ""
    return f"login:{request.remote_addr}:{email}"


def login_failed(_response) -> bool:
    return bool(getattr(request, "govern_login_failed", False))


def login_limit() -> str:
    return current_app.config["GOVERN_LOGIN_LIMIT"]


# One budget of failures per address and email for the login page and the token endpoint together:
# trying both must not double the guesses.
login_throttle = limiter.shared_limit(login_limit, scope="login", key_func=login_attempt_key,
                                      deduct_when=login_failed, methods=["POST"])


@bp.post("/members")
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
    token = members.issue_token(db.session, member, now, ttl)
    return TokenAnswer(token=token, expires_at=now + ttl, member_id=member.id), 201


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


@bp.get("/members/<int:member_id>")
@endpoint(answer=MemberAnswer, errors=(404,))
def show_member(member_id: int):
    """A member's public fields (the email only to the member and the board)"""
    viewer = require_member()
    return member_answer(members.get_member(db.session, member_id), viewer)
