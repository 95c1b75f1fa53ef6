"""Members: joining, authentication (session and bearer tokens), leaving, the first board."""
from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from govern import access
from govern.database import write_transaction
from govern.errors import Conflict, NotAuthenticated, NotFound, ValidationError
from govern.ids import is_id, whole_number
from govern.ledger.models import OWNER_MEMBER, WALLET
from govern.ledger.service import open_account
from govern.members import passwords
from govern.members.models import MEMBER_ACTIVE, MEMBER_LEFT, ApiToken, Member
from govern.regions import service as regions
from govern.regions.models import REGION_ACTIVE

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 8
MAX_PASSWORD = 200


def _clean_text(fields: dict, name: str, value: object, *, required: bool, max_length: int) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        fields.setdefault(name, []).append("must be text")
        return ""
    value = value.strip()
    if required and not value:
        fields.setdefault(name, []).append("is required")
    elif len(value) > max_length:
        fields.setdefault(name, []).append(f"must be at most {max_length} characters")
    return value


def validate_join(email: object, name: object, password: object, locality: object) -> tuple[str, str, str, str]:
    """Check a join request's shape; every problem is reported at once, per field."""
    fields: dict[str, list[str]] = {}
    email = _clean_text(fields, "email", email, required=True, max_length=254).lower()
    if email and "email" not in fields and not _EMAIL.match(email):
        fields["email"] = ["is not a valid email address"]
    name = _clean_text(fields, "name", name, required=True, max_length=100)
    locality = _clean_text(fields, "locality", locality, required=False, max_length=100)
    if not isinstance(password, str):
        fields["password"] = ["is required"]
        password = ""
    elif not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        fields["password"] = [f"must be {MIN_PASSWORD} to {MAX_PASSWORD} characters"]
    if fields:
        raise ValidationError("Some fields need another look.", fields=fields)
    return email, name, password, locality


def join(
    session: Session, *, email: object, name: object, password: object, now: datetime,
    region_id: object = None, locality: object = "", board: bool = False,
) -> Member:
    """Anybody may join: no payment, no approval. Opens the member's RSC wallet."""
    email, name, password, locality = validate_join(email, name, password, locality)
    region = _region_to_join(session, region_id)
    password_hash = passwords.hash_password(password)
    with write_transaction(session):
        if session.execute(select(Member.id).where(Member.email == email)).first():
            raise _email_taken()
        member = Member(
            region_id=region.id, email=email, name=name, password_hash=password_hash, locality=locality,
            status=MEMBER_ACTIVE, is_board=board, session_nonce=secrets.token_hex(8), joined_at=now,
        )
        session.add(member)
        try:
            with session.begin_nested():
                session.flush()
        except IntegrityError:  # the same email joined a moment ago, in another transaction
            raise _email_taken() from None
        open_account(session, region_id=region.id, owner_type=OWNER_MEMBER, owner_id=member.id,
                     kind=WALLET, currency="RSC", now=now)
    return member


def _email_taken() -> Conflict:
    return Conflict("An account with this email already exists.", code="email_taken",
                    fields={"email": ["is already registered"]})


def _region_to_join(session: Session, region_id: object):
    if region_id in (None, ""):
        region = regions.default_region(session)
        if region is None:
            raise Conflict("There is no region to join yet.", code="no_region")
        return region
    region_id = region_id if is_id(region_id) else whole_number(region_id)
    if region_id is None:
        raise ValidationError.for_field("region_id", "must be a region id")
    region = session.get(regions.Region, region_id)
    if region is None or region.status != REGION_ACTIVE:
        raise ValidationError.for_field("region_id", "is not an open region")
    return region


def authenticate(session: Session, email: object, password: object) -> Member:
    """The member with this email and password, or NotAuthenticated (same answer, same cost, for
    an unknown email and a wrong password)."""
    email = email.strip().lower() if isinstance(email, str) else ""
    password = password if isinstance(password, str) else ""
    member = session.execute(select(Member).where(Member.email == email)).scalar_one_or_none()
    if not passwords.check_password(member.password_hash if member else None, password):
        raise NotAuthenticated("Wrong email or password.", code="invalid_credentials")
    return member


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(session: Session, member: Member, now: datetime, ttl: timedelta) -> str:
    token = secrets.token_urlsafe(32)
    with write_transaction(session):
        session.add(ApiToken(member_id=member.id, token_hash=_token_hash(token), created_at=now,
                             expires_at=now + ttl))
    return token


def member_for_token(session: Session, token: str, now: datetime) -> Member | None:
    return session.execute(
        select(Member).join(ApiToken, ApiToken.member_id == Member.id)
        .where(ApiToken.token_hash == _token_hash(token), ApiToken.expires_at > now)
    ).scalar_one_or_none()


def purge_expired_tokens(session: Session, now: datetime) -> int:
    with write_transaction(session):
        result = session.execute(delete(ApiToken).where(ApiToken.expires_at <= now))
    return result.rowcount or 0


def member_for_session(session: Session, session_id: str) -> Member | None:
    """Flask-Login's loader: the id is `member_id:nonce`; a rotated nonce ends old sessions."""
    member_id, _, nonce = session_id.partition(":")
    member_id = whole_number(member_id)
    if member_id is None:
        return None
    member = session.get(Member, member_id)
    if member is None or not secrets.compare_digest(member.session_nonce, nonce):
        return None
    return member


def end_sessions(session: Session, member: Member) -> None:
    """Log out everywhere: every session cookie issued so far stops working."""
    with write_transaction(session):
        member = session.get(Member, member.id)
        member.session_nonce = secrets.token_hex(8)


_LEAVE_HOOKS: list[Callable[[Session, Member, datetime], None]] = []


def on_leave(hook: Callable[[Session, Member, datetime], None]) -> None:
    """Let another area act, in the same transaction, when a member leaves (proposals withdraw
    the member's open ballots). Members never import those areas."""
    if hook not in _LEAVE_HOOKS:
        _LEAVE_HOOKS.append(hook)


_MOVE_HOOKS: list = []


def on_move(hook) -> None:
    """`hook(session, member_ids, old_region_id, now)` runs when members move to another region
    (a split, or one member moving), in the same transaction."""
    if hook not in _MOVE_HOOKS:
        _MOVE_HOOKS.append(hook)


def notify_moved(session: Session, member_ids, old_region_id: int, now: datetime) -> None:
    for hook in _MOVE_HOOKS:
        hook(session, member_ids, old_region_id, now)


def leave(session: Session, member: Member, now: datetime) -> Member:
    """The member stops voting and proposing; their wallet stays theirs to cash out.
    They take no share of the co-op's assets with them."""
    access.require(member, "leave", "You have already left.")
    with write_transaction(session):
        member = session.get(Member, member.id)
        member.status = MEMBER_LEFT
        member.left_at = now
        member.is_board = False
        for hook in _LEAVE_HOOKS:
            hook(session, member, now)
    return member


def get_member(session: Session, member_id: int) -> Member:
    member = session.get(Member, member_id)
    if member is None:
        raise NotFound("No such member.")
    return member


def names_of(session: Session, member_ids: list[int]) -> dict[int, str]:
    """Public names for a handful of member ids (one query)."""
    if not member_ids:
        return {}
    return dict(session.execute(select(Member.id, Member.name).where(Member.id.in_(set(member_ids)))).all())


def can_see_email(viewer: Member | None, member: Member) -> bool:
    return viewer is not None and (viewer.id == member.id or access.can(viewer, "view_member_email"))


def ensure_region_with_board(
    session: Session, *, region_name: str, board_email: str, board_password: str, now: datetime,
    board_name: str = "Board", founding: dict[str, str] | None = None,
) -> tuple[regions.Region, Member, bool]:
    """`govern init`: the region, with its `founding` parameters if given, and its first
    (appointed) board member. Running it again changes nothing and reports what exists; founding
    parameters that differ from an existing region's are refused (they change only by proposals).
    Every input is checked before anything is created. Returns (region, board member, created anything)."""
    validate_join(board_email, board_name, board_password, "")
    created = False
    region = regions.find_region_by_name(session, region_name.strip())
    if region is None:
        region = regions.create_region(session, region_name, now, founding=founding)
        created = True
    elif founding:
        current = regions.all_parameters(session, region.id)
        if any(current.get(name) != value for name, value in founding.items()):
            raise Conflict(f"Region {region.name!r} already exists: its parameters change only by proposals; "
                           "nothing was changed.", code="region_exists")
    member = session.execute(select(Member).where(Member.email == board_email.strip().lower())).scalar_one_or_none()
    if member is None:
        member = join(session, email=board_email, name=board_name, password=board_password, now=now,
                      region_id=region.id, board=True)
        created = True
    elif member.region_id != region.id:
        raise Conflict(f"{board_email} is already a member of another region.", code="email_taken")
    elif not member.is_board:
        with write_transaction(session):
            member.is_board = True
        created = True
    return region, member, created
