"""The `board_election` kind: members elect the board by ranked ballot (single transferable
vote); the winners replace the board, appointed or elected before.

Every ballot also offers "Re-open nominations" (`ron`): a seat `ron` wins stays with a member
who holds it now, so a board cannot be taken over by whoever stands alone. Which sitting member
keeps it: the one with the most first preferences as a candidate in this election (members who
did not stand count none), then the lowest member number. An election needs at least as many
candidates as seats besides `ron`.

With `nominations_close_at`, the election opens with a nomination window: until then members
add themselves as candidates (see elections.py) and nobody votes; voting runs from that moment
to `closes_at`, at least the least voting period."""
from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select, update

from govern import voting
from govern.clock import parse_time
from govern.errors import ValidationError
from govern.ids import is_id, whole_number
from govern.members.models import MEMBER_ACTIVE, Member
from govern.proposals import constitution, kinds
from govern.regions import service as regions

MAX_SEATS = 15
MAX_CANDIDATES = 100
MAX_NOMINATION_DAYS = 60
RON = "ron"
RON_LABEL = "Re-open nominations"


def candidate_option(member_id: int, name: str) -> voting.Option:
    return voting.Option(id=f"m{member_id}", label=name, member_id=member_id)


RON_OPTION = voting.Option(id=RON, label=RON_LABEL)


def too_few_candidates(seats: int) -> str:
    return f"need at least {seats} candidate{'s' if seats != 1 else ''} (as many as seats), besides re-opening nominations"


def _clean(ctx: kinds.Context, payload: dict) -> dict:
    fields: dict[str, list[str]] = {}
    seats = payload.get("seats")
    if isinstance(seats, str):
        seats = whole_number(seats)
    if isinstance(seats, bool) or not isinstance(seats, int) or not 1 <= seats <= MAX_SEATS:
        fields["payload.seats"] = [f"must be a whole number from 1 to {MAX_SEATS}"]
    candidates = payload.get("candidates")
    if not isinstance(candidates, list) or not candidates or not all(is_id(c) for c in candidates):
        fields["payload.candidates"] = ["must be a list of member ids"]
    elif len(candidates) > MAX_CANDIDATES:
        fields["payload.candidates"] = [f"at most {MAX_CANDIDATES} candidates"]
    elif len(set(candidates)) != len(candidates):
        fields["payload.candidates"] = ["names a member twice"]
    else:
        eligible = set(ctx.session.execute(select(Member.id).where(
            Member.id.in_(candidates), Member.region_id == ctx.region_id, Member.status == MEMBER_ACTIVE)).scalars())
        missing = [c for c in candidates if c not in eligible]
        if missing:
            fields["payload.candidates"] = [f"not active members of this region: {', '.join(map(str, missing))}"]
        elif isinstance(seats, int) and len(candidates) < seats:
            fields["payload.candidates"] = fields["candidates"] = [too_few_candidates(seats)]
    closing = _nominations_close_at(ctx, payload.get("nominations_close_at"), fields)
    if fields:
        raise ValidationError("The election needs another look.", fields=fields)
    clean = {"seats": seats, "candidates": candidates}
    if closing is not None:
        clean["nominations_close_at"] = closing.isoformat()
    return clean


def _nominations_close_at(ctx: kinds.Context, value: object, fields: dict) -> datetime | None:
    field = "payload.nominations_close_at"
    try:
        moment = parse_time(value, field)
    except ValidationError as error:
        fields.update(error.fields)
        return None
    if moment is not None and not ctx.now < moment <= ctx.now + timedelta(days=MAX_NOMINATION_DAYS):
        fields[field] = [f"must be after now and within {MAX_NOMINATION_DAYS} days"]
    return moment


def nominations_close_at(payload: dict) -> datetime | None:
    value = payload.get("nominations_close_at")
    return datetime.fromisoformat(value) if value else None


def _default_voting(ctx: kinds.Context, payload: dict) -> voting.VotingRule:
    names = dict(ctx.session.execute(select(Member.id, Member.name).where(Member.id.in_(payload["candidates"]))).all())
    options = tuple(candidate_option(member_id, names[member_id]) for member_id in payload["candidates"])
    return voting.VotingRule(method="ranked", electorate="region", options=(*options, RON_OPTION),
                             seats=payload["seats"], secret=True)


def _apply(ctx: kinds.Context, proposal, outcome: voting.Outcome) -> list[kinds.Effect]:
    by_option = {o["id"]: o.get("member_id") for o in proposal.voting.get("options", [])}
    elected = [by_option[w] for w in outcome.winners if by_option.get(w) is not None]
    keepers = _sitting_members_keeping(ctx, proposal.region_id, outcome, elected,
                                       seats=sum(1 for w in outcome.winners if w == RON))
    board = elected + keepers
    ctx.session.execute(update(Member).where(Member.region_id == proposal.region_id, Member.is_board.is_(True))
                        .values(is_board=False))
    ctx.session.execute(update(Member).where(Member.id.in_(board), Member.status == MEMBER_ACTIVE)
                        .values(is_board=True))
    regions.end_provisional_board(ctx.session, proposal.region_id)
    return [kinds.Effect("member", member_id) for member_id in board]


def _sitting_members_keeping(ctx: kinds.Context, region_id: int, outcome: voting.Outcome, elected: list[int],
                             seats: int) -> list[int]:
    """The sitting board members who keep the seats `ron` won (see the module's docstring)."""
    if not seats:
        return []
    sitting = ctx.session.execute(select(Member.id).where(
        Member.region_id == region_id, Member.is_board.is_(True), Member.status == MEMBER_ACTIVE,
        Member.id.not_in(elected or [0]))).scalars().all()
    first = outcome.tally.get("first_preferences") or {}
    return sorted(sitting, key=lambda member_id: (-first.get(f"m{member_id}", 0), member_id))[:seats]


def _form_to_payload(values: dict) -> dict:
    raw = values.get("candidates") or ""
    ids = [whole_number(part) or part for part in raw.replace(",", " ").split()]
    payload = {"seats": values.get("seats"), "candidates": ids}
    if values.get("nominations_close_at"):
        payload["nominations_close_at"] = values["nominations_close_at"]
    return payload


def candidates_of(proposal) -> list[tuple[int, str]]:
    """(member id, name) of each candidate, in the ballot's order (`ron` is not one)."""
    return [(o["member_id"], o["label"]) for o in proposal.voting.get("options", []) if o.get("member_id")]


def nominations_open(proposal, now: datetime) -> bool:
    closing = nominations_close_at(proposal.payload)
    return proposal.status == "open" and closing is not None and now < closing


def _panel(ctx: kinds.Context, proposal) -> tuple[str, dict] | None:
    """The nomination window on the election's page (none for an election without one)."""
    closing = nominations_close_at(proposal.payload)
    if closing is None:
        return None
    candidates = candidates_of(proposal)
    viewer = ctx.actor
    is_open = nominations_open(proposal, ctx.now)
    is_candidate = viewer is not None and viewer.id in {member_id for member_id, _ in candidates}
    may_stand = (is_open and viewer is not None and viewer.active and viewer.region_id == proposal.region_id
                 and not is_candidate and len(candidates) < MAX_CANDIDATES)
    return "members/_nominations.html", {
        "closes_at": closing, "open": is_open, "candidates": candidates, "is_candidate": is_candidate,
        "may_stand": may_stand, "may_withdraw": is_open and is_candidate and len(candidates) > proposal.payload["seats"],
        "seats": proposal.payload["seats"],
    }


BOARD_ELECTION = kinds.register(kinds.ProposalKind(
    key="board_election",
    label="Elect the board",
    description="Members rank the candidates and “Re-open nominations”; single transferable vote fills the "
                "seats. The winners replace the current board; a seat won by “Re-open nominations” stays with "
                "a member who holds it now.",
    clean_payload=_clean,
    default_voting=_default_voting,
    apply=_apply,
    floor=constitution.Floor(Decimal("0.2"), None, 7),
    method="ranked",
    ballots_open_at=nominations_close_at,
    panel=_panel,
    form_fields=(
        kinds.PayloadField("seats", "Seats", "integer"),
        kinds.PayloadField("candidates", "Candidates (names or member numbers, separated by commas)", "member_list",
                           help="At least as many as seats: “Ann Lee, Ben Ode” or “Ann Lee (#12), 14”."),
        kinds.PayloadField("nominations_close_at", "Nominations close (UTC, optional)", "datetime", required=False,
                           help="Until then members may add themselves as candidates and nobody votes; voting "
                                "then runs until the close."),
    ),
    form_to_payload=_form_to_payload,
))
