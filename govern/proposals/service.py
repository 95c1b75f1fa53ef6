"""The proposal lifecycle: open, ballots, close and tally, carry out, expire, cancel.

Every function takes `now`. Closing and carrying out lock the proposal row first and re-check
its status, so running them twice, or from two processes at once, has the effect of once.
Ballots are counted in SQL (`GROUP BY choice`); Python only sees one row per distinct ballot.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import bindparam, delete, func, insert, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from govern import access, audit, voting
from govern.database import UTCDateTime, write_transaction
from govern.errors import Conflict, DomainError, Forbidden, NotFound, ValidationError
from govern.errors import Problems as ValidationProblems
from govern.mail import service as mail
from govern.members import service as members
from govern.members.models import MEMBER_ACTIVE, Member
from govern.notifications.models import Notification
from govern.proposals import constitution, electorates, kinds
from govern.voting.rules import THRESHOLDS
from govern.proposals.models import (
    CANCELLED,
    EXECUTED,
    EXPIRED,
    OPEN,
    PASSED,
    REJECTED,
    STATUSES,
    Ballot,
    Comment,
    ElectorateMember,
    ExecutionConfirmation,
    Proposal,
    ProposalEffect,
)
from govern.regions import service as regions

MAX_TITLE = 200
MAX_BODY = 20_000
MAX_COMMENT = 5_000
MAX_VOTING_DAYS = 366
REMINDER_BEFORE = timedelta(hours=24)
FLOOR_SETTINGS = ("threshold", "quorum")  # anyone may ask for these, never looser than the rule


# --- opening -------------------------------------------------------------------------------

def create_proposal(
    session: Session, author: Member, *, kind_key: object, title: object, body: object, payload: object,
    closes_at: datetime | None, now: datetime, min_voting_seconds: int | None, voting_request: object = None,
) -> Proposal:
    """Open a proposal: validate it, freeze its voting rule and electorate, in one transaction.

    The rule is the kind's default tightened to the region's floor for the payload (see
    constitution.py), and what the proposer asks may only make it stricter. Voting lasts at least
    the floor's days, or `min_voting_seconds` when the server sets GOVERN_MIN_VOTING_SECONDS.
    Every problem is reported at once (see `check_proposal`)."""
    access.require(author, "propose", "Only active members can propose.")
    regions.require_active(session, author.region_id)
    kind = kinds.get(kind_key)
    with write_transaction(session):
        checked = _checked(session, author, kind, title=title, body=body, payload=payload, closes_at=closes_at,
                           now=now, min_voting_seconds=min_voting_seconds, voting_request=voting_request)
        proposal = Proposal(
            region_id=author.region_id, author_id=author.id, kind=kind.key, title=checked.title, body=checked.body,
            payload=checked.payload, voting=checked.rule.to_json(), results_visible=checked.results_visible,
            status=OPEN, opens_at=now, closes_at=closes_at,
        )
        session.add(proposal)
        session.flush()
        proposal.electorate_size = _freeze_electorate(session, proposal, checked.rule)
        if proposal.electorate_size == 0:
            raise ValidationError.for_field("voting.electorate", "has nobody in it")
    return proposal


def check_proposal(session: Session, author: Member, *, kind_key: object, title: object, body: object,
                   payload: object, closes_at: datetime | None, now: datetime, min_voting_seconds: int | None,
                   voting_request: object = None) -> None:
    """Every problem a proposal would be refused for, as one ValidationError, writing nothing: the
    form asks this when its own shape checks failed, so the proposer sees all at once."""
    access.require(author, "propose", "Only active members can propose.")
    kind = kinds.get(kind_key)
    _checked(session, author, kind, title=title, body=body, payload=payload, closes_at=closes_at, now=now,
             min_voting_seconds=min_voting_seconds, voting_request=voting_request)


@dataclass(frozen=True)
class _Checked:
    title: str
    body: str
    payload: dict
    rule: voting.VotingRule
    results_visible: bool


def _checked(session: Session, author: Member, kind: kinds.ProposalKind, *, title: object, body: object,
             payload: object, closes_at: datetime | None, now: datetime, min_voting_seconds: int | None,
             voting_request: object) -> _Checked:
    """Each check runs whatever the others found, so that every field's problems come back together."""
    ctx = kinds.Context(session, author.region_id, author, now)
    problems = ValidationProblems()
    text = clean_payload = rule = None
    with problems.check():
        text = _clean_text_fields(title, body)
    with problems.check():
        clean_payload = kind.clean_payload(ctx, kinds.require_mapping(payload))
    floor = constitution.floor_of(session, author.region_id,
                                  kind.floors_for(clean_payload) if clean_payload is not None else (kind.key,))
    with problems.check():
        if closes_at is None:
            raise ValidationError.for_field("closes_at", "is required: the date and time voting closes")
        _check_closes_at(closes_at, now, (_ballots_open_at(kind, clean_payload) if clean_payload is not None else None) or now,
                         floor.min_voting_seconds(min_voting_seconds), floor)
    with problems.check():
        if clean_payload is not None:
            rule = _voting_rule(kind, ctx, clean_payload, voting_request, floor)
        else:
            _check_voting_request_shape(voting_request)  # the rule needs the payload; its shape does not
    results_visible = bool(voting_request.get("results_visible")) if isinstance(voting_request, dict) else False
    with problems.check():
        if results_visible and rule is not None and rule.secret:
            raise ValidationError.for_field("voting.results_visible", "a secret ballot shows no tally before it closes")
    problems.raise_if_any()
    return _Checked(text[0], text[1], clean_payload, rule, results_visible)


def _clean_text_fields(title: object, body: object) -> tuple[str, str]:
    fields: dict[str, list[str]] = {}
    title = title.strip() if isinstance(title, str) else ""
    if not title:
        fields["title"] = ["is required"]
    elif len(title) > MAX_TITLE:
        fields["title"] = [f"must be at most {MAX_TITLE} characters"]
    if body is None:
        body = ""
    if not isinstance(body, str):
        fields["body"] = ["must be text (Markdown)"]
    elif len(body) > MAX_BODY:
        fields["body"] = [f"must be at most {MAX_BODY} characters"]
    if fields:
        raise ValidationError("Some fields need another look.", fields=fields)
    return title, body.strip()


def _ballots_open_at(kind: kinds.ProposalKind, payload: dict) -> datetime | None:
    return kind.ballots_open_at(payload) if kind.ballots_open_at else None


def _check_closes_at(closes_at: datetime, now: datetime, voting_opens: datetime, min_seconds: int,
                     floor: constitution.Floor) -> None:
    if closes_at < voting_opens + timedelta(seconds=min_seconds):
        since = "from now" if voting_opens == now else "after voting opens"
        if min_seconds % constitution.DAY_SECONDS == 0:
            days = min_seconds // constitution.DAY_SECONDS
            least = f"{days} day{'s' if days != 1 else ''} {since}: the least voting period this region set"
        else:
            least = f"{min_seconds} second{'s' if min_seconds != 1 else ''} {since}"
        raise ValidationError.for_field("closes_at", f"must be at least {least}")
    if closes_at > now + timedelta(days=MAX_VOTING_DAYS):
        raise ValidationError.for_field("closes_at", f"must be within {MAX_VOTING_DAYS} days")


def _voting_rule(kind: kinds.ProposalKind, ctx: kinds.Context, payload: dict, request: object,
                 floor: constitution.Floor) -> voting.VotingRule:
    """The kind's default rule at least as strict as the floor, with what the proposer may change.
    Anyone may make a rule stricter (a higher threshold or quorum, a secret ballot), never looser
    than the floor; other changes need the kind's leave."""
    rule = floor.tighten(kind.default_voting(ctx, payload))
    if request is None:
        return rule
    if not isinstance(request, dict):
        raise ValidationError.for_field("voting", "must be an object")
    wanted = {k: v for k, v in request.items() if k != "results_visible"}
    unknown = set(wanted) - kinds.CUSTOMIZABLE
    if unknown:
        raise ValidationError.for_field("voting", f"unknown settings: {', '.join(sorted(unknown))}")
    _check_voting_request_shape(wanted)
    if "options" in wanted:
        wanted["options"] = _normalise_options(wanted["options"])
    merged = dict(rule.to_json())
    for key, value in wanted.items():
        if key in kind.customizable or key in FLOOR_SETTINGS or _is_stricter(rule, key, value):
            merged[key] = value
        else:
            raise ValidationError.for_field(f"voting.{key}", f"cannot be changed for a {kind.key} proposal")
    try:
        new_rule = voting.VotingRule.from_json(merged)
    except ValidationError as error:
        raise _placed(error) from None
    except (TypeError, ValueError, KeyError, ArithmeticError) as error:
        raise ValidationError.for_field("voting", f"is not a valid voting rule: {error}") from None
    constitution.refuse_looser(_floor_of_rule(rule), new_rule, kind.key)  # the rule is already >= the floor
    electorates.parse(new_rule.electorate)
    return new_rule


def _check_voting_request_shape(request: object) -> None:
    """The settings a proposer types, each checked on its own field: a quorum that is no share, an
    unknown threshold, options listed twice."""
    if not isinstance(request, dict):
        return
    problems = ValidationProblems()
    with problems.check():
        if "quorum" in request:
            quorum = request["quorum"]
            try:
                share = Decimal(str(quorum)) if isinstance(quorum, (str, int, Decimal)) and not isinstance(quorum, bool) \
                    else None
            except ArithmeticError:
                share = None
            if share is None or not share.is_finite() or not 0 <= share <= 1:
                raise _voting_problem("quorum", "must be a share of the voters from 0 to 1, such as 0.25 for a quarter")
    with problems.check():
        if "threshold" in request and request["threshold"] not in THRESHOLDS:
            raise _voting_problem("threshold", f"must be one of {', '.join(t.replace('_', ' ') for t in THRESHOLDS)}")
    with problems.check():
        if isinstance(request.get("options"), list):
            _refuse_repeated_options(request["options"])
    problems.raise_if_any()


_SETTING_OF_PROBLEM = (("seats ", "seats"), ("there cannot be more seats", "seats"), ("max_points", "max_points"),
                       ("options", "options"), ("each option", "options"), ("option ids", "options"),
                       ("the ", "options"), ("minimum", "minimum"), ("maximum", "maximum"), ("method", "method"))


def _placed(error: ValidationError) -> ValidationError:
    """A problem the voting rule found ("seats must be …", "the ranked method needs options"), named
    by the setting it is about as well, so a form can show it next to that field."""
    problem = (error.fields.get("voting") or [error.message])[0]
    for start, setting in _SETTING_OF_PROBLEM:
        if problem.startswith(start):
            words = problem[len(setting) + 1:] if problem.startswith(setting + " ") else problem
            placed = _voting_problem(setting, words)
            placed.fields["voting"] = [problem]
            return placed
    return error


def _voting_problem(setting: str, problem: str) -> ValidationError:
    """A problem of one voting setting: under `voting.<setting>`, and under `voting` as the API has
    always named problems of the rule."""
    return ValidationError(f"voting.{setting}: {problem}", fields={"voting": [problem], f"voting.{setting}": [problem]})


def _refuse_repeated_options(options: list) -> None:
    """"Park / Beach / Park" is two options: the same label twice (any case or spacing) is refused."""
    seen: set[str] = set()
    for option in options:
        label = option if isinstance(option, str) else option.get("label") if isinstance(option, dict) else None
        if not isinstance(label, str) or not label.strip():
            continue
        key = " ".join(label.split()).casefold()
        if key in seen:
            raise _voting_problem("options", f"“{label.strip()}” is listed twice: each option must be different")
        seen.add(key)


def _floor_of_rule(rule: voting.VotingRule) -> constitution.Floor:
    """The rule's own quorum and threshold as a floor: a proposer can tighten the default, never
    loosen it, even where the kind's default is stricter than the region's floor."""
    return constitution.Floor(rule.quorum, rule.threshold)


def _normalise_options(options: object) -> list[dict]:
    """Options may be given as labels ("Park", "Library") or as {id, label} objects."""
    if not isinstance(options, list):
        raise ValidationError.for_field("voting.options", "must be a list")
    if len(options) > 50:
        raise ValidationError.for_field("voting.options", "at most 50 options")
    normalised = []
    for position, option in enumerate(options, start=1):
        if isinstance(option, str) and option.strip():
            normalised.append({"id": f"o{position}", "label": option.strip()[:200]})
        elif isinstance(option, dict) and isinstance(option.get("id"), str) and isinstance(option.get("label"), str):
            normalised.append({"id": option["id"][:40], "label": option["label"][:200]})
        else:
            raise ValidationError.for_field("voting.options", "each option is a label or an {id, label} object")
    return normalised


def _is_stricter(rule: voting.VotingRule, key: str, value: object) -> bool:
    if key == "secret":
        return value is True
    return False


def _freeze_electorate(session: Session, proposal: Proposal, rule: voting.VotingRule) -> int:
    voters = electorates.voters_query(session, proposal.region_id, rule.electorate).subquery()
    session.execute(
        insert(ElectorateMember).from_select(
            ["proposal_id", "member_id"], select(literal(proposal.id), voters.c.id)
        )
    )
    return electorate_count(session, proposal.id)


def electorate_count(session: Session, proposal_id: int) -> int:
    return session.execute(
        select(func.count()).select_from(ElectorateMember).where(ElectorateMember.proposal_id == proposal_id)
    ).scalar_one()


# --- reading -------------------------------------------------------------------------------

def get_proposal(session: Session, proposal_id: int) -> Proposal:
    proposal = session.get(Proposal, proposal_id)
    if proposal is None:
        raise NotFound("No such proposal.")
    return proposal


def payload_shown_to(proposal: Proposal, viewer) -> dict:
    """The payload as this viewer may read it: what a kind marks private (the emails of people who
    are not members yet) only for the board of the proposal's region."""
    kind = kinds.get(proposal.kind)
    if kind.public_payload is None or members.sees_emails_of_region(viewer, proposal.region_id):
        return proposal.payload
    return kind.public_payload(proposal.payload)


def rule_of(proposal: Proposal) -> voting.VotingRule:
    return voting.VotingRule.from_json(proposal.voting)


def voting_opens_at(proposal: Proposal) -> datetime:
    """When ballots may be cast: the opening, or later if the kind says so (a nomination window)."""
    return _ballots_open_at(kinds.get(proposal.kind), proposal.payload) or proposal.opens_at


def is_being_counted(proposal: Proposal, now: datetime) -> bool:
    """Past its deadline but not yet closed by the scheduler (up to its interval): no ballot is taken,
    the result is on its way."""
    return proposal.status == OPEN and now >= proposal.closes_at


def is_accepting_ballots(proposal: Proposal, now: datetime) -> bool:
    """Open, voting begun, and before its deadline: past `closes_at` no ballot counts, whether or
    not a job ran."""
    return proposal.status == OPEN and voting_opens_at(proposal) <= now < proposal.closes_at


def list_proposals(
    session: Session, *, region_id: int, status: str | None = None, author_id: int | None = None,
    closed: bool = False, before: int | None = None, limit: int = 50,
) -> list[Proposal]:
    query = select(Proposal).where(Proposal.region_id == region_id)
    if status is not None:
        if status not in STATUSES:
            raise ValidationError.for_field("status", f"must be one of {', '.join(STATUSES)}")
        query = query.where(Proposal.status == status)
    if closed:
        query = query.where(Proposal.status != OPEN)
    if author_id is not None:
        query = query.where(Proposal.author_id == author_id)
    if before is not None:
        query = query.where(Proposal.id < before)
    return list(session.execute(query.order_by(Proposal.id.desc()).limit(limit)).scalars())


@dataclass(frozen=True)
class Participation:
    """Turnout against quorum: ballots cast so far (delegated weight is added only at close)."""

    ballots: int
    electorate: int
    quorum: Decimal
    needed: int

    @property
    def met(self) -> bool:
        return self.ballots >= self.needed

    @property
    def missing(self) -> int:
        return max(0, self.needed - self.ballots)


def participation(session: Session, proposal: Proposal) -> Participation:
    quorum = rule_of(proposal).quorum
    ballots = turnout(session, proposal.id)
    return Participation(ballots, proposal.electorate_size, quorum,
                         voting.Quorum.of(quorum, ballots, proposal.electorate_size).needed)


@dataclass(frozen=True)
class Glance:
    """One proposal in a list: how many voted against its quorum, and whether the viewer did."""

    participation: Participation
    voted: bool | None  # None: the viewer is not in its electorate
    share: Decimal       # turnout as a share of the electorate
    quorum_share: Decimal


def at_a_glance(session: Session, rows: list[Proposal], viewer_id: int | None) -> dict[int, Glance]:
    """Turnout, quorum and the viewer's vote for a page of proposals: two grouped queries, whatever
    the electorate's size."""
    ids = [p.id for p in rows]
    if not ids:
        return {}
    counts = dict(session.execute(select(Ballot.proposal_id, func.count()).where(Ballot.proposal_id.in_(ids))
                                  .group_by(Ballot.proposal_id)).all())
    mine: set[int] = set()
    electorate: set[int] = set()
    if viewer_id is not None:
        mine = set(session.execute(select(Ballot.proposal_id).where(
            Ballot.proposal_id.in_(ids), Ballot.member_id == viewer_id)).scalars())
        electorate = set(session.execute(select(ElectorateMember.proposal_id).where(
            ElectorateMember.proposal_id.in_(ids), ElectorateMember.member_id == viewer_id)).scalars())
    glances = {}
    for proposal in rows:
        ballots = counts.get(proposal.id, 0)
        quorum = rule_of(proposal).quorum
        size = proposal.electorate_size or 0
        needed = voting.Quorum.of(quorum, ballots, size).needed
        glances[proposal.id] = Glance(
            Participation(ballots, size, quorum, needed),
            (proposal.id in mine) if proposal.id in electorate or proposal.id in mine else None,
            Decimal(ballots) / size if size else Decimal(0), Decimal(needed) / size if size else Decimal(0))
    return glances


def turnout(session: Session, proposal_id: int) -> int:
    return session.execute(
        select(func.count()).select_from(Ballot).where(Ballot.proposal_id == proposal_id)).scalar_one()


def grouped_ballots(session: Session, proposal_id: int) -> list[tuple[str, int]]:
    """One row per distinct ballot, counted by the database (index on proposal_id, choice). Every
    ballot row is a voter's of the frozen electorate (the foreign key sees to it), so all count."""
    return [(choice, count) for choice, count in session.execute(
        select(Ballot.choice, func.count()).where(Ballot.proposal_id == proposal_id).group_by(Ballot.choice)
    ).all()]


def current_tally(session: Session, proposal: Proposal) -> voting.Outcome:
    """The tally as it stands (for proposals that show results while open)."""
    return voting.tally(rule_of(proposal), grouped_ballots(session, proposal.id), proposal.electorate_size)


def visible_tally(session: Session, proposal: Proposal) -> dict | None:
    if proposal.tally is not None:
        return proposal.tally
    if proposal.status == OPEN and proposal.results_visible:
        return current_tally(session, proposal).tally
    return None


def ballot_of(session: Session, proposal_id: int, member_id: int) -> Ballot | None:
    return session.execute(
        select(Ballot).where(Ballot.proposal_id == proposal_id, Ballot.member_id == member_id)
    ).scalar_one_or_none()


def in_electorate(session: Session, proposal_id: int, member_id: int) -> bool:
    return session.execute(
        select(ElectorateMember.id).where(ElectorateMember.proposal_id == proposal_id,
                                          ElectorateMember.member_id == member_id)
    ).first() is not None


def effects_of(session: Session, proposal_id: int) -> list[ProposalEffect]:
    return list(session.execute(
        select(ProposalEffect).where(ProposalEffect.proposal_id == proposal_id).order_by(ProposalEffect.id)
    ).scalars())


def published_ballots(session: Session, proposal: Proposal, *, before: int | None, limit: int) -> list[Ballot]:
    """After close, every counted ballot by receipt, so each voter can check theirs was counted."""
    if proposal.status in (OPEN, CANCELLED):
        raise Conflict("Ballots are published when the proposal closes.", code="proposal_open")
    query = select(Ballot).where(Ballot.proposal_id == proposal.id)
    if before is not None:
        query = query.where(Ballot.receipt > before)
    return list(session.execute(query.order_by(Ballot.receipt).limit(limit)).scalars())


def comments_of(session: Session, proposal_id: int, *, limit: int = 200) -> list[tuple[Comment, str]]:
    rows = session.execute(
        select(Comment, Member.name).join(Member, Member.id == Comment.member_id)
        .where(Comment.proposal_id == proposal_id).order_by(Comment.id).limit(limit)
    ).all()
    return [(comment, name) for comment, name in rows]


# --- ballots -------------------------------------------------------------------------------

def lock_proposal(session: Session, proposal_id: int, *, shared: bool = False) -> Proposal:
    """The proposal, its row locked for the rest of the transaction (shared: against changes
    only), read afresh. Areas that change an open proposal (nominations) lock it here too."""
    proposal = session.execute(
        select(Proposal).where(Proposal.id == proposal_id).with_for_update(read=shared)
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if proposal is None:
        raise NotFound("No such proposal.")
    return proposal


def _check_can_vote(session: Session, member: Member, proposal: Proposal, now: datetime) -> None:
    access.require(member, "vote", "Members who left cannot vote.")
    if proposal.status == OPEN and now < voting_opens_at(proposal) < proposal.closes_at:
        raise Conflict(f"Voting has not begun: it opens at {voting_opens_at(proposal).isoformat()}.",
                       code="voting_not_open")
    if not is_accepting_ballots(proposal, now):
        raise Conflict("This proposal is closed.", code="proposal_closed")
    if not in_electorate(session, proposal.id, member.id):
        raise Forbidden("You are not in this proposal's electorate.", code="not_in_electorate")


@dataclass(frozen=True)
class CastBallot:
    """What one cast recorded. Plain values, not the ballot row: once committed, the row may
    already hold a later cast by the same member (another device, a retry), and this cast's
    answer must still carry this cast's own receipt."""

    proposal_id: int
    member_id: int
    choice: str
    receipt: str
    cast_at: datetime


# What a ballot needs to know of its proposal, read as plain values (no ORM object on the path).
_BALLOT_FACTS = select(Proposal.status, Proposal.kind, Proposal.payload, Proposal.voting, Proposal.opens_at,
                       Proposal.closes_at).where(Proposal.id == bindparam("proposal_id"))


def _cast_statement(dialect_name: str):
    """The eligibility check and the upsert in one statement: the ballot is written only if the
    proposal is open and before its deadline and the voter is in its frozen electorate, and it
    replaces the voter's earlier ballot. On PostgreSQL the proposal row is share-locked by the same
    statement, so a ballot racing the close waits for it and is then refused, never written after
    the count."""
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    eligible = (
        select(bindparam("proposal_id"), bindparam("member_id"), bindparam("choice"), bindparam("receipt"),
               bindparam("cast_at", type_=UTCDateTime()))
        .select_from(Proposal)
        .join(ElectorateMember, (ElectorateMember.proposal_id == Proposal.id)
              & (ElectorateMember.member_id == bindparam("member_id")))
        .where(Proposal.id == bindparam("proposal_id"), Proposal.status == OPEN,
               Proposal.closes_at > bindparam("cast_at", type_=UTCDateTime()))
    )
    if dialect_name == "postgresql":
        eligible = eligible.with_for_update(read=True, of=Proposal)
    ballots = Ballot.__table__
    statement = dialect.insert(ballots).from_select(["proposal_id", "member_id", "choice", "receipt", "cast_at"],
                                                    eligible)
    return statement.on_conflict_do_update(
        index_elements=["proposal_id", "member_id"],
        set_={"choice": statement.excluded.choice, "receipt": statement.excluded.receipt,
              "cast_at": statement.excluded.cast_at},
    ).returning(ballots.c.receipt)


_CAST = {name: _cast_statement(name) for name in ("postgresql", "sqlite")}


def cast_ballot(session: Session, member: Member, proposal_id: int, raw_choice: object, now: datetime) -> CastBallot:
    """Cast or replace the member's ballot. One row per voter (an upsert), so any number of
    simultaneous casts by one member leave exactly one ballot; each cast gets a new receipt.

    The proposal is read and the choice checked before the write begins; the write is one
    statement that checks again, atomically, that the proposal is open and the voter in its
    electorate (on SQLite the write lock is held for that statement alone)."""
    access.require(member, "vote", "Members who left cannot vote.")
    voter_id = member.id
    facts = session.execute(_BALLOT_FACTS, {"proposal_id": proposal_id}).first()
    if facts is None:
        raise NotFound("No such proposal.")
    _check_voting_time(facts, now)
    choice = voting.validate_choice(voting.VotingRule.from_json(facts.voting), raw_choice)
    values = {"proposal_id": proposal_id, "member_id": voter_id, "choice": choice,
              "receipt": secrets.token_hex(8), "cast_at": now}
    with write_transaction(session):
        try:
            written = session.execute(_CAST[session.get_bind().dialect.name], values).first()
        except IntegrityError:  # the voter left the electorate while this ballot was on its way
            written = None
        if written is None:
            _refuse_ballot(session, proposal_id, voter_id, now)
        # "You have not voted yet" is answered: it no longer counts as unread.
        session.execute(update(Notification).where(
            Notification.member_id == voter_id, Notification.topic == reminder_topic(proposal_id),
            Notification.read_at.is_(None)).values(read_at=now))
        audit.on_commit(session, "vote: ballot cast on proposal %s by member %s", proposal_id, voter_id)
    return CastBallot(proposal_id, voter_id, choice, values["receipt"], now)


def _check_voting_time(facts, now: datetime) -> None:
    opens = _ballots_open_at(kinds.get(facts.kind), facts.payload) or facts.opens_at
    if facts.status == OPEN and now < opens < facts.closes_at:
        raise Conflict(f"Voting has not begun: it opens at {opens.isoformat()}.", code="voting_not_open")
    if not (facts.status == OPEN and opens <= now < facts.closes_at):
        raise Conflict("This proposal is closed.", code="proposal_closed")


def _refuse_ballot(session: Session, proposal_id: int, member_id: int, now: datetime) -> None:
    """Why the one statement wrote nothing: the proposal closed meanwhile (409), or the member is
    not (or no longer) in its electorate (403)."""
    facts = session.execute(_BALLOT_FACTS, {"proposal_id": proposal_id}).first()
    _check_voting_time(facts, now)
    raise Forbidden("You are not in this proposal's electorate.", code="not_in_electorate")


def withdraw_ballot(session: Session, member: Member, proposal_id: int, now: datetime) -> None:
    with write_transaction(session):
        proposal = lock_proposal(session, proposal_id, shared=True)
        _check_can_vote(session, member, proposal, now)
        deleted = session.execute(
            delete(Ballot).where(Ballot.proposal_id == proposal.id, Ballot.member_id == member.id)
        ).rowcount
        if not deleted:
            raise NotFound("You have no ballot on this proposal.")
        audit.on_commit(session, "vote: ballot withdrawn on proposal %s by member %s", proposal.id, member.id)


def forget_member_who_left(session: Session, member: Member, now: datetime) -> None:
    """A member who leaves stops being a voter: their ballots on proposals still open are
    withdrawn and they leave those electorates. Closed results are never touched."""
    forget_members_who_moved(session, [member.id], member.region_id, now)


members.on_leave(forget_member_who_left)


def forget_members_who_moved(session: Session, member_ids, old_region_id: int, now: datetime) -> None:
    """Members who move to another region stop voting on the open proposals of the old one."""
    still_open = select(Proposal.id).where(Proposal.status == OPEN, Proposal.closes_at > now,
                                           Proposal.region_id == old_region_id)
    session.execute(delete(Ballot).where(Ballot.member_id.in_(member_ids), Ballot.proposal_id.in_(still_open)))
    session.execute(delete(ElectorateMember).where(ElectorateMember.member_id.in_(member_ids),
                                                   ElectorateMember.proposal_id.in_(still_open)))
    counts = select(func.count()).select_from(ElectorateMember).where(
        ElectorateMember.proposal_id == Proposal.id).scalar_subquery()
    session.execute(update(Proposal).where(Proposal.id.in_(still_open)).values(electorate_size=counts)
                    .execution_options(synchronize_session=False))


members.on_move(forget_members_who_moved)


def cancel_proposal(session: Session, member: Member, proposal_id: int, now: datetime) -> Proposal:
    access.require(member, "propose", "Members who left cannot cancel proposals.")
    with write_transaction(session):
        proposal = lock_proposal(session, proposal_id)
        if proposal.author_id != member.id:
            raise Forbidden("Only the author can cancel a proposal.")
        if proposal.status != OPEN:
            raise Conflict("Only an open proposal can be cancelled.", code="not_open")
        if turnout(session, proposal.id):
            raise Conflict("Ballots have been cast: the proposal can no longer be cancelled.", code="has_ballots")
        proposal.status = CANCELLED
        proposal.closed_at = now
    return proposal


def add_comment(session: Session, member: Member, proposal_id: int, body: object, now: datetime) -> Comment:
    access.require(member, "propose", "Members who left cannot join the discussion.")
    body = body.strip() if isinstance(body, str) else ""
    if not body:
        raise ValidationError.for_field("body", "is required")
    if len(body) > MAX_COMMENT:
        raise ValidationError.for_field("body", f"must be at most {MAX_COMMENT} characters")
    with write_transaction(session):
        proposal = get_proposal(session, proposal_id)
        if proposal.region_id != member.region_id:
            raise Forbidden("You can discuss proposals of your own region.")
        comment = Comment(proposal_id=proposal.id, member_id=member.id, body=body, created_at=now)
        session.add(comment)
    return comment


# --- closing and carrying out --------------------------------------------------------------

_TALLY_CONTRIBUTORS: list = []


def add_tally_contributor(contribute) -> None:
    """`contribute(session, proposal, rule, now) -> [(choice, weight)]` adds weight to a tally at
    close (delegations do). The proposals package never imports its contributors."""
    if contribute not in _TALLY_CONTRIBUTORS:
        _TALLY_CONTRIBUTORS.append(contribute)


def close_proposal(session: Session, proposal_id: int, now: datetime) -> Proposal:
    """Tally and settle one proposal that is due. Idempotent: a proposal already closed, or not
    yet due, is returned unchanged. A kind that applies itself is carried out here, in the same
    transaction; if its effect cannot be made (e.g. the pool cannot pay), nothing moves and the
    proposal is rejected with the reason."""
    with write_transaction(session):
        proposal = lock_proposal(session, proposal_id)
        if proposal.status != OPEN or now < proposal.closes_at:
            return proposal
        kind = kinds.get(proposal.kind)
        rule = rule_of(proposal)
        direct = grouped_ballots(session, proposal.id)
        extra = [row for contribute in _TALLY_CONTRIBUTORS for row in contribute(session, proposal, rule, now)]
        outcome = voting.tally(rule, direct + extra, proposal.electorate_size)
        proposal.tally = {**outcome.tally, "direct_weight": sum(weight for _, weight in direct),
                          "delegated_weight": sum(weight for _, weight in extra)}
        proposal.outcome = _outcome_json(outcome)
        proposal.closed_at = now
        if not outcome.passed:
            proposal.status = REJECTED
        elif kind.carried_out_by == kinds.BOARD:
            proposal.status = PASSED
            proposal.execute_by = now + timedelta(days=kind.execution_days)
        else:
            _apply_or_reject(session, kind, proposal, outcome, now)
        _mail_the_result(session, proposal, now)
    return proposal


def _mail_the_result(session: Session, proposal: Proposal, now: datetime) -> None:
    """Everyone who voted hears how it ended (those who want to): one INSERT … SELECT."""
    stored = proposal.outcome or {}
    ended = {PASSED: "passed; the board will now carry it out", EXECUTED: "passed and was carried out",
             REJECTED: "did not pass"}.get(proposal.status, proposal.status)
    explanation = stored.get("explanation") or stored.get("reason") or ""
    if explanation == "quorum":
        explanation = "Too few members voted for the quorum."
    mail.queue_for_members(
        session, region_id=proposal.region_id, kind=mail.RESULT, now=now,
        subject=f"Result: {proposal.title[:150]}",
        body=mail.body(None, f"Voting on “{proposal.title}” has closed: it {ended}.",
                       *([explanation] if explanation else []),
                       f"See the tally and the published ballots: {mail.SITE}/proposals/{proposal.id}"),
        key_prefix=f"result:{proposal.id}:",
        member_ids=select(Ballot.member_id).where(Ballot.proposal_id == proposal.id),
    )


def reminder_topic(proposal_id: int) -> str:
    return f"reminder:proposal:{proposal_id}"


def _apply_or_reject(session: Session, kind: kinds.ProposalKind, proposal: Proposal, outcome: voting.Outcome,
                     now: datetime) -> None:
    try:
        with session.begin_nested():
            _apply(session, kind, proposal, outcome, now)
    except DomainError as error:
        proposal.status = REJECTED
        reason = f"Passed, but could not be carried out: {error.message}"
        proposal.outcome = {**proposal.outcome, "reason": reason, "explanation": reason}


def _apply(session: Session, kind: kinds.ProposalKind, proposal: Proposal, outcome: voting.Outcome,
           now: datetime) -> None:
    ctx = kinds.Context(session, proposal.region_id, None, now)
    for effect in kind.apply(ctx, proposal, outcome):
        session.add(ProposalEffect(proposal_id=proposal.id, type=effect.type, ref_id=str(effect.id)))
    proposal.status = EXECUTED
    proposal.executed_at = now


def _outcome_json(outcome: voting.Outcome) -> dict:
    """`reason` is a sentence, or "quorum" when too few voted; `explanation` is always a sentence."""
    return {
        "passed": outcome.passed,
        "winners": list(outcome.winners),
        "value": None if outcome.value is None else str(outcome.value),
        "reason": outcome.reason,
        "explanation": outcome.explanation or outcome.reason,
    }


def outcome_of(proposal: Proposal) -> voting.Outcome:
    stored = proposal.outcome or {}
    value = stored.get("value")
    return voting.Outcome(passed=bool(stored.get("passed")), tally=proposal.tally or {},
                          winners=tuple(stored.get("winners") or ()),
                          value=None if value is None else Decimal(value), reason=stored.get("reason", ""),
                          explanation=stored.get("explanation", ""))


def close_due_proposals(session: Session, now: datetime) -> int:
    due = session.execute(
        select(Proposal.id).where(Proposal.status == OPEN, Proposal.closes_at <= now).order_by(Proposal.id)
    ).scalars().all()
    for proposal_id in due:
        close_proposal(session, proposal_id, now)
    return len(due)


def expire_overdue_approvals(session: Session, now: datetime) -> int:
    """Passed proposals the board did not carry out in time become `expired`."""
    with write_transaction(session):
        result = session.execute(
            update(Proposal).where(Proposal.status == PASSED, Proposal.execute_by <= now)
            .values(status=EXPIRED)
        )
    return result.rowcount or 0


def _board(region_id: int):
    return select(Member.id).where(Member.region_id == region_id, Member.is_board.is_(True),
                                   Member.status == MEMBER_ACTIVE)


def required_confirmations(session: Session, proposal: Proposal) -> int:
    """`execution_confirmations`, or fewer when fewer board members may confirm: the author is
    not counted among them while anyone else sits on the board."""
    board = set(session.execute(_board(proposal.region_id)).scalars())
    eligible = len(board - {proposal.author_id}) or len(board)
    wanted = int(regions.parameter(session, proposal.region_id, "execution_confirmations"))
    return max(1, min(wanted, eligible))


@dataclass(frozen=True)
class ExecutionState:
    proposal: Proposal
    confirmations: int
    required: int


def confirm_execution(session: Session, member: Member, proposal_id: int, now: datetime) -> ExecutionState:
    """A board member confirms carrying out a passed proposal. When enough distinct board members
    have confirmed, it is carried out in this same transaction; any failure moves nothing."""
    access.require(member, "board_actions", "Only the board carries out approved proposals.")
    with write_transaction(session):
        proposal = lock_proposal(session, proposal_id)
        if proposal.region_id != member.region_id:
            raise NotFound("No such proposal.")
        kind = kinds.get(proposal.kind)
        if kind.carried_out_by != kinds.BOARD or proposal.status != PASSED:
            raise Conflict(f"Only a passed proposal waiting for the board can be carried out; this one is "
                           f"{proposal.status}.", code="not_passed")
        if proposal.execute_by and now >= proposal.execute_by:
            raise Conflict("The time to carry this out has passed; it expires.", code="approval_expired")
        _check_separation_of_duties(session, member, proposal)
        exists = session.execute(select(ExecutionConfirmation.id).where(
            ExecutionConfirmation.proposal_id == proposal.id, ExecutionConfirmation.member_id == member.id)).first()
        if not exists:
            session.add(ExecutionConfirmation(proposal_id=proposal.id, member_id=member.id, confirmed_at=now))
            session.flush()
        count = session.execute(select(func.count()).select_from(ExecutionConfirmation).where(
            ExecutionConfirmation.proposal_id == proposal.id,
            ExecutionConfirmation.member_id.in_(_board(proposal.region_id)))).scalar_one()
        required = required_confirmations(session, proposal)
        if count >= required:
            _apply(session, kind, proposal, outcome_of(proposal), now)
    return ExecutionState(proposal, count, required)


def _check_separation_of_duties(session: Session, member: Member, proposal: Proposal) -> None:
    """The author of a proposal may not confirm it, unless nobody else is on the board."""
    if member.id != proposal.author_id:
        return
    others = session.execute(_board(proposal.region_id).where(Member.id != member.id).limit(1)).first()
    if others:
        raise Forbidden("You proposed this: another board member must confirm it.", code="separation_of_duties")


def executions_waiting(session: Session, region_id: int) -> list[Proposal]:
    return list(session.execute(
        select(Proposal).where(Proposal.region_id == region_id, Proposal.status == PASSED).order_by(Proposal.execute_by)
    ).scalars())


# --- reminders -----------------------------------------------------------------------------

def send_closing_reminders(session: Session, now: datetime) -> int:
    """24 hours before a proposal closes, notify each voter who has not voted. One INSERT …
    SELECT per proposal; `reminder_sent_at` makes a second run send nothing."""
    sent = 0
    due = session.execute(select(Proposal.id).where(
        Proposal.status == OPEN, Proposal.reminder_sent_at.is_(None), Proposal.closes_at > now,
        Proposal.closes_at <= now + REMINDER_BEFORE)).scalars().all()
    for proposal_id in due:
        with write_transaction(session):
            proposal = lock_proposal(session, proposal_id)
            if proposal.reminder_sent_at is not None:
                continue
            voted = select(Ballot.member_id).where(Ballot.proposal_id == proposal.id)
            recipients = select(ElectorateMember.member_id).where(
                ElectorateMember.proposal_id == proposal.id, ElectorateMember.member_id.not_in(voted))
            text = f"Voting on “{proposal.title[:200]}” closes soon, and you have not voted yet."
            session.execute(insert(Notification).from_select(
                ["member_id", "text", "link", "created_at", "topic"],
                select(recipients.subquery().c.member_id, literal(text), literal(f"/proposals/{proposal.id}"),
                       literal(now, UTCDateTime()), literal(reminder_topic(proposal.id))),
            ))
            mail.queue_for_members(
                session, region_id=proposal.region_id, kind=mail.REMINDER, now=now,
                subject=f"Voting closes soon: {proposal.title[:150]}",
                body=mail.body(None, f"Voting on “{proposal.title}” closes on "
                                         f"{proposal.closes_at:%Y-%m-%d at %H:%M} UTC, and you have not voted yet.",
                               f"Read it and vote: {mail.SITE}/proposals/{proposal.id}"),
                key_prefix=f"reminder:{proposal.id}:", member_ids=recipients)
            proposal.reminder_sent_at = now
            sent += session.execute(select(func.count()).select_from(recipients.subquery())).scalar_one()
    return sent
