"""The `board_election` kind: members elect the board by ranked ballot (single transferable
vote); the winners replace the board, appointed or elected before."""
from __future__ import annotations

from sqlalchemy import select, update

from govern import voting
from govern.errors import ValidationError
from govern.ids import is_id, whole_number
from govern.members.models import MEMBER_ACTIVE, Member
from govern.proposals import kinds

MAX_SEATS = 15


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
    elif len(set(candidates)) != len(candidates):
        fields["payload.candidates"] = ["names a member twice"]
    else:
        eligible = set(ctx.session.execute(select(Member.id).where(
            Member.id.in_(candidates), Member.region_id == ctx.region_id, Member.status == MEMBER_ACTIVE)).scalars())
        missing = [c for c in candidates if c not in eligible]
        if missing:
            fields["payload.candidates"] = [f"not active members of this region: {', '.join(map(str, missing))}"]
        elif isinstance(seats, int) and len(candidates) < seats:
            fields["payload.candidates"] = ["need at least as many candidates as seats"]
    if fields:
        raise ValidationError("The election needs another look.", fields=fields)
    return {"seats": seats, "candidates": candidates}


def _default_voting(ctx: kinds.Context, payload: dict) -> voting.VotingRule:
    names = dict(ctx.session.execute(select(Member.id, Member.name).where(Member.id.in_(payload["candidates"]))).all())
    options = tuple(voting.Option(id=f"m{member_id}", label=names[member_id], member_id=member_id)
                    for member_id in payload["candidates"])
    return voting.VotingRule(method="ranked", electorate="region", options=options, seats=payload["seats"],
                             secret=True)


def _apply(ctx: kinds.Context, proposal, outcome: voting.Outcome) -> list[kinds.Effect]:
    by_option = {o["id"]: o.get("member_id") for o in proposal.voting.get("options", [])}
    winners = [by_option[w] for w in outcome.winners if by_option.get(w) is not None]
    ctx.session.execute(update(Member).where(Member.region_id == proposal.region_id, Member.is_board.is_(True))
                        .values(is_board=False))
    ctx.session.execute(update(Member).where(Member.id.in_(winners), Member.status == MEMBER_ACTIVE)
                        .values(is_board=True))
    return [kinds.Effect("member", member_id) for member_id in winners]


def _form_to_payload(values: dict) -> dict:
    raw = values.get("candidates") or ""
    ids = [whole_number(part) or part for part in raw.replace(",", " ").split()]
    return {"seats": values.get("seats"), "candidates": ids}


BOARD_ELECTION = kinds.register(kinds.ProposalKind(
    key="board_election",
    label="Elect the board",
    description="Members rank the candidates; single transferable vote fills the seats. The winners "
                "replace the current board.",
    clean_payload=_clean,
    default_voting=_default_voting,
    apply=_apply,
    form_fields=(
        kinds.PayloadField("seats", "Seats", "integer"),
        kinds.PayloadField("candidates", "Candidates (member numbers, separated by commas)", "member_list",
                           help="A member's number is shown on their profile page."),
    ),
    form_to_payload=_form_to_payload,
))
