"""Members: joining, authentication (session and bearer tokens), leaving, the first board."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from govern import access, audit, zones
from govern.database import write_transaction
from govern.errors import Conflict, NotAuthenticated, NotFound, ValidationError
from govern.ids import is_id, whole_number
from govern.ledger.models import OWNER_MEMBER, WALLET
from govern.ledger.service import open_account
from govern.members import emails, passwords
from govern.members.models import MEMBER_ACTIVE, MEMBER_LEFT, ApiToken, Member
from govern.regions import founding as founding_service, service as regions
from govern.regions.models import REGION_ACTIVE

# A token's last use is written when it is older than this: reading the API is not a write per request.
TOKEN_USE_PRECISION = timedelta(minutes=5)
TOKEN_LABEL_LENGTH = 100


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
    email = emails.normalize(_clean_text(fields, "email", email, required=True, max_length=254))
    if email and "email" not in fields and (problems := emails.problems(email)):
        fields["email"] = problems
    name = _clean_text(fields, "name", name, required=True, max_length=100)
    locality = _clean_text(fields, "locality", locality, required=False, max_length=100)
    if problems := passwords.problems(password, (email, name)):
        fields["password"] = problems
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
    email = emails.normalize(email)
    password = password if isinstance(password, str) else ""
    member = session.execute(select(Member).where(Member.email == email)).scalar_one_or_none()
    if not passwords.check_password(member.password_hash if member else None, password):
        raise NotAuthenticated("Wrong email or password.", code="invalid_credentials")
    return member


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_label(label: object, fallback: str = "") -> str:
    """What the member will see the token listed as: the label the client gave, else (say) the
    client's User-Agent; printable text, cut to TOKEN_LABEL_LENGTH."""
    for text in (label, fallback):
        if isinstance(text, str) and text.strip():
            text = "".join(ch if ch.isprintable() else " " for ch in text.strip())
            return text[:TOKEN_LABEL_LENGTH]
    return ""


def issue_token(session: Session, member: Member, now: datetime, ttl: timedelta, label: str = "") -> str:
    token = secrets.token_urlsafe(32)
    with write_transaction(session):
        session.add(ApiToken(member_id=member.id, token_hash=_token_hash(token), created_at=now,
                             expires_at=now + ttl, label=label))
    return token


def member_for_token(session: Session, token: str, now: datetime) -> tuple[Member, int] | None:
    """The member a bearer token names and the token's id, or None (unknown, revoked or expired).
    Notes the token's use, at most once per TOKEN_USE_PRECISION."""
    found = session.execute(
        select(Member, ApiToken.id, ApiToken.last_used_at).join(ApiToken, ApiToken.member_id == Member.id)
        .where(ApiToken.token_hash == _token_hash(token), ApiToken.expires_at > now)
    ).first()
    if found is None:
        return None
    member, token_id, last_used_at = found
    if last_used_at is None or last_used_at <= now - TOKEN_USE_PRECISION:
        stale = or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at <= now - TOKEN_USE_PRECISION)
        with write_transaction(session):
            session.execute(update(ApiToken).where(ApiToken.id == token_id, stale).values(last_used_at=now))
    return member, token_id


@dataclass(frozen=True)
class TokenPage:
    tokens: list[ApiToken]  # newest first
    total: int              # all the member's tokens, on every page
    next_cursor: int | None


def tokens_of(session: Session, member: Member, *, before: int | None, limit: int) -> TokenPage:
    """A page of the member's live tokens (counted in SQL: a script may have made thousands)."""
    query = select(ApiToken).where(ApiToken.member_id == member.id)
    if before is not None:
        query = query.where(ApiToken.id < before)
    found = list(session.execute(query.order_by(ApiToken.id.desc()).limit(limit + 1)).scalars())
    total = session.execute(select(func.count()).select_from(ApiToken)
                            .where(ApiToken.member_id == member.id)).scalar_one()
    return TokenPage(found[:limit], total, found[limit - 1].id if len(found) > limit else None)


def revoke_token(session: Session, member: Member, token_id: int) -> None:
    """The token stops working at once. Another member's token, or one already gone: 404."""
    with write_transaction(session):
        gone = session.execute(delete(ApiToken).where(ApiToken.id == token_id, ApiToken.member_id == member.id))
        if not gone.rowcount:
            raise NotFound("No such token.")
        audit.on_commit(session, "token revoked: member %s, token %s", member.id, token_id)


def revoke_all_tokens(session: Session, member: Member) -> int:
    with write_transaction(session):
        gone = session.execute(delete(ApiToken).where(ApiToken.member_id == member.id)).rowcount or 0
        audit.on_commit(session, "all tokens revoked: member %s (%s)", member.id, gone)
    return gone


def log_out_everywhere(session: Session, member: Member) -> int:
    """Every session cookie and every bearer token of the member stops working (one transaction).
    Returns how many tokens were revoked."""
    with write_transaction(session):
        session.get(Member, member.id).session_nonce = secrets.token_hex(8)
        gone = session.execute(delete(ApiToken).where(ApiToken.member_id == member.id)).rowcount or 0
        audit.on_commit(session, "logged out everywhere: member %s (%s tokens)", member.id, gone)
    return gone


def change_password(session: Session, member: Member, current: object, new: object) -> Member:
    """A new password, if the current one is right and the new one strong enough. Every other
    session and every bearer token stops working: whoever learnt the old password is shut out."""
    if not isinstance(current, str) or not passwords.check_password(member.password_hash, current):
        raise NotAuthenticated("Your current password is not right.", code="invalid_credentials",
                               fields={"current_password": ["is not your current password"]})
    if problems := passwords.problems(new, (member.email, member.name)):
        raise ValidationError("Choose another password.", fields={"new_password": problems})
    password_hash = passwords.hash_password(new)
    with write_transaction(session):
        member = session.get(Member, member.id)
        member.password_hash = password_hash
        member.session_nonce = secrets.token_hex(8)
        session.execute(delete(ApiToken).where(ApiToken.member_id == member.id))
        audit.on_commit(session, "password changed: member %s; sessions ended, tokens revoked", member.id)
    return member


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
    """Log out: every session cookie issued so far stops working (there is no server-side session
    store, so one cookie cannot be ended alone). Bearer tokens keep working: `log_out_everywhere`
    ends them too."""
    with write_transaction(session):
        member = session.get(Member, member.id)
        member.session_nonce = secrets.token_hex(8)


_LEAVE_HOOKS: list[Callable[[Session, Member, datetime], None]] = []


def on_leave(hook: Callable[[Session, Member, datetime], None]) -> None:
    """Let another area act, in the same transaction, when a member leaves (proposals withdraw
    the member's open ballots). Members never import those areas."""
    if hook not in _LEAVE_HOOKS:
        _LEAVE_HOOKS.append(hook)


_LEAVE_CHECKS: list[Callable[[Session, Member], list[str]]] = []


def on_leave_check(check: Callable[[Session, Member], list[str]]) -> None:
    """Let another area say what the member must do before they can leave (a sole admin of a
    company hands it over first): `check(session, member)` returns one sentence per thing."""
    if check not in _LEAVE_CHECKS:
        _LEAVE_CHECKS.append(check)


def what_stops_leaving(session: Session, member: Member) -> list[str]:
    return [reason for check in _LEAVE_CHECKS for reason in check(session, member)]


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
        reasons = what_stops_leaving(session, member)
        if reasons:
            raise Conflict(" ".join(reasons), code="cannot_leave_yet")
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


def sees_emails_of_region(viewer: Member | None, region_id: int) -> bool:
    """The board sees the emails of its own region's members (and of people invited to join it), never
    another region's."""
    return viewer is not None and viewer.region_id == region_id and access.can(viewer, "view_member_email")


def can_see_email(viewer: Member | None, member: Member) -> bool:
    return viewer is not None and (viewer.id == member.id or sees_emails_of_region(viewer, member.region_id))


def ensure_region_with_board(
    session: Session, *, region_name: str, board_email: str | None, board_password: str | None, now: datetime,
    board_name: str = "Board", founding: dict[str, str] | None = None, template_id: int | None = None,
) -> tuple[regions.Region, Member | None, bool]:
    """`govern init`: the region, with its `founding` parameters if given, and its first
    (appointed) board member. With `template_id`, the region is founded from that region's
    template (regions/founding.py), the founding parameters overriding the template's; without a
    board account (allowed only then) it starts with no board. Running it again changes nothing
    and reports what exists; founding parameters or a template that differ from an existing
    region's are refused (its parameters change only by proposals). Every input is checked before
    anything is created. Returns (region, board member or None, created anything)."""
    if board_email is not None:
        validate_join(board_email, board_name, board_password, "")
    elif template_id is None:
        raise ValidationError.for_field("board_email", "is required for a region founded without a template")
    if template_id is not None:
        founding_service.template_region(session, template_id)
    created = False
    region = regions.find_region_by_name(session, region_name.strip())
    if region is not None:
        current = regions.all_parameters(session, region.id)
        if founding and any(current.get(name) != value for name, value in founding.items()):
            raise Conflict(f"Region {region.name!r} already exists: its parameters change only by proposals; "
                           "nothing was changed.", code="region_exists")
        if template_id is not None and region.template_id != template_id:
            raise Conflict(f"Region {region.name!r} already exists, not founded from region {template_id}: its "
                           "parameters change only by proposals; nothing was changed.", code="region_exists")
    member = None
    if board_email is not None:
        member = session.execute(select(Member).where(Member.email == emails.normalize(board_email))).scalar_one_or_none()
        if member is not None and (region is None or member.region_id != region.id):
            raise Conflict(f"{board_email} is already a member of another region.", code="email_taken")
    if region is None:
        if template_id is not None:
            region = founding_service.create_from_template(session, template_id, region_name, now, founding=founding)
        else:
            region = regions.create_region(session, region_name, now, founding=founding)
        created = True
    if board_email is None:
        return region, None, created
    if member is None:
        member = join(session, email=board_email, name=board_name, password=board_password, now=now,
                      region_id=region.id, board=True)
        created = True
    elif not member.is_board:
        with write_transaction(session):
            member.is_board = True
        created = True
    return region, member, created


@dataclass(frozen=True)
class Settings:
    time_zone: str
    mail_reminders: bool
    mail_results: bool
    mail_deposits: bool
    mail_payouts: bool
    mail_digest: bool


MAIL_SWITCHES = ("mail_reminders", "mail_results", "mail_deposits", "mail_payouts", "mail_digest")


def settings_of(member: Member) -> Settings:
    return Settings(member.time_zone, *(bool(getattr(member, name)) for name in MAIL_SWITCHES))


def update_settings(session: Session, member: Member, *, time_zone: object, now: datetime, **switches: object) -> Member:
    """The member's time zone (an IANA name such as "Europe/Paris") and their mail switches."""
    access.require(member, "own_settings", "Log in to change your settings.")
    if not zones.is_time_zone(time_zone):
        raise ValidationError.for_field("time_zone", "choose a time zone from the list, such as Europe/Paris or UTC")
    unknown = set(switches) - set(MAIL_SWITCHES)
    if unknown:
        raise ValidationError.for_field(sorted(unknown)[0], "is not a setting")
    with write_transaction(session):
        row = session.get(Member, member.id)
        row.time_zone = time_zone
        for name in MAIL_SWITCHES:
            if name in switches:
                setattr(row, name, bool(switches[name]))
        audit.on_commit(session, "settings: member %s changed their settings", row.id)
    return row
