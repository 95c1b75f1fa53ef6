"""JSON API: proposals, ballots, carrying out."""
from __future__ import annotations

from typing import Annotated, Any, Literal

from flask import current_app
from pydantic import ConfigDict, Field

from govern import voting
from govern.apiutil import api_blueprint, endpoint, every, listed, require_member
from govern.clock import utcnow
from govern.extensions import db
from govern.ids import whole_number
from govern.proposals import kinds, service as proposals
from govern.proposals.models import Ballot, Proposal
from govern.schemas import Answer, Effect, Moment, Page, Paging, Query, Request, Time, With, text

bp = api_blueprint("proposals_api", __name__)

Status = Literal["open", "passed", "executed", "rejected", "expired", "cancelled"]


def _registered_kinds(schema: dict) -> None:
    """The document lists the kinds registered when it is built (each area registers its own)."""
    schema["enum"] = sorted(kind.key for kind in kinds.all_kinds())


class ProposalBody(Request):
    kind: Annotated[str, Field(min_length=1, max_length=60, json_schema_extra=_registered_kinds)]
    title: Annotated[str, Field(min_length=1, max_length=200, pattern=r"\S")]
    body: Annotated[str, Field(max_length=20_000, description="Markdown; sanitized when shown")] = ""
    payload: dict[str, Any] = Field(default_factory=dict, description="What the kind needs (see the kinds in docs/api.md)")
    closes_at: Moment
    voting: dict[str, Any] | None = Field(None, description=(
        "Stricter threshold or quorum, secret ballot, results_visible; kinds that allow it: method, options, seats, "
        "electorate"))


class ProposalQuery(Paging):
    status: Status | None = None


class Option(Answer):
    omitted_when_none = ("member_id",)
    id: str
    label: str
    member_id: int | None = None


class Stored(Answer):
    """An object kept as JSON with the proposal: more keys may come with new methods and kinds."""

    model_config = ConfigDict(extra="allow")


class VotingRule(Stored):
    method: Literal["yes_no", "median", "mean", "approval", "cumulative", "ranked", "consensus"]
    threshold: Literal["majority", "two_thirds", "three_quarters"] | None = None
    quorum: str
    electorate: str
    options: list[Option] | None = None
    seats: int | None = None
    minimum: str | None = None
    maximum: str | None = None
    max_points: int | None = None
    emergency: bool | None = None
    secret: bool | None = None
    whole_numbers: bool | None = None


class Outcome(Stored):
    passed: bool | None = None
    winners: list[str] | None = None
    value: str | None = None
    reason: str | None = None


class ProposalAnswer(Answer):
    id: int
    kind: str
    title: str
    body: str
    payload: dict[str, Any]
    author_id: int
    region_id: int
    status: Status
    opens_at: Time
    closes_at: Time
    voting: VotingRule
    electorate_size: int | None
    turnout: int | None
    tally: dict[str, Any] | None
    outcome: Outcome | None
    execute_by: Time | None
    executed_at: Time | None
    effects: list[Effect]


class ExecutionAnswer(ProposalAnswer):
    confirmations: int
    required: int


class BallotBody(Request):
    choice: Any = Field(description=(
        "yes_no: yes|no|abstain; median/mean: decimal string; approval: [option id]; ranked: [option id] in order; "
        "cumulative: {option id: points}; consensus: agree|block|abstain"))


class Receipt(Answer):
    receipt: str
    cast_at: Time


class BallotQuery(Query):
    limit: Annotated[int, Field(ge=1, le=200)] = 50
    cursor: Annotated[str | None, Field(pattern=r"^[0-9a-f]{1,32}$", description="A receipt: `next` of the previous page")] = None


class PublishedBallot(Answer):
    omitted_when_none = ("member_id",)
    receipt: str
    choice: Any
    member_id: int | None = Field(None, description="Public votes only")


class CommentBody(Request):
    body: Annotated[str, Field(min_length=1, max_length=5000, pattern=r"\S")]


class CommentAnswer(Answer):
    id: int
    proposal_id: int | None = None
    member_id: int
    member_name: str | None = None
    body: str
    created_at: Time


def proposal_answer(proposal: Proposal, viewer, answer=ProposalAnswer, **more):
    """The proposal as `viewer` may read it (people's emails in a payload only for its region's board)."""
    effects = [{"type": e.type, "id": whole_number(e.ref_id) or e.ref_id} for e in proposals.effects_of(db.session, proposal.id)]
    return answer.model_validate(With(proposal, turnout=proposals.turnout(db.session, proposal.id), effects=effects,
                                      tally=proposals.visible_tally(db.session, proposal),
                                      payload=proposals.payload_shown_to(proposal, viewer), **more))


@bp.post("/proposals")
@endpoint(ok=201, answer=ProposalAnswer, errors=(400, 403))
def create(json: ProposalBody):
    """Propose: a kind, its payload, and when voting closes"""
    member = require_member()
    proposal = proposals.create_proposal(
        db.session, member, kind_key=json.kind, title=json.title, body=json.body, payload=json.payload,
        closes_at=json.closes_at, voting_request=json.voting, now=utcnow(),
        min_voting_seconds=current_app.config["GOVERN_MIN_VOTING_SECONDS"],
    )
    return proposal_answer(proposal, member), 201


@bp.get("/proposals")
@endpoint(answer=Page[ProposalAnswer], errors=(400,))
def index(query: ProposalQuery):
    """Proposals of your region, newest first"""
    member = require_member()
    rows = proposals.list_proposals(db.session, region_id=member.region_id, status=query.status,
                                    before=query.cursor_id(), limit=query.limit + 1)
    return listed(ProposalAnswer, rows, query.limit, render=lambda proposal: proposal_answer(proposal, member))


@bp.get("/proposals/<int:proposal_id>")
@endpoint(answer=ProposalAnswer, errors=(404,))
def show(proposal_id: int):
    """A proposal"""
    return proposal_answer(proposals.get_proposal(db.session, proposal_id), require_member())


@bp.put("/proposals/<int:proposal_id>/ballot")
@endpoint(answer=Receipt, errors=(400, 403, 404, 409))
def cast(proposal_id: int, json: BallotBody):
    """Cast or replace your ballot while the proposal is open"""
    ballot = proposals.cast_ballot(db.session, require_member(), proposal_id, json.choice, utcnow())
    return Receipt.model_validate(ballot)


@bp.delete("/proposals/<int:proposal_id>/ballot")
@endpoint(ok=204, answer=(None, "Withdrawn"), errors=(403, 404, 409))
def withdraw(proposal_id: int):
    """Withdraw your ballot while open"""
    proposals.withdraw_ballot(db.session, require_member(), proposal_id, utcnow())
    return "", 204


@bp.post("/proposals/<int:proposal_id>/cancel")
@endpoint(answer=ProposalAnswer, errors=(403, 404, 409))
def cancel(proposal_id: int):
    """The author cancels before the first ballot"""
    member = require_member()
    return proposal_answer(proposals.cancel_proposal(db.session, member, proposal_id, utcnow()), member)


@bp.post("/proposals/<int:proposal_id>/execute")
@endpoint(answer=ExecutionAnswer, also={202: ExecutionAnswer}, errors=(403, 404, 409))
def execute(proposal_id: int):
    """A board member confirms carrying out a passed proposal: 200 once carried out, 202 while it waits for more confirmations"""
    member = require_member()
    state = proposals.confirm_execution(db.session, member, proposal_id, utcnow())
    answer = proposal_answer(state.proposal, member, ExecutionAnswer, confirmations=state.confirmations,
                             required=state.required)
    return answer, 200 if state.proposal.status == "executed" else 202


@bp.get("/proposals/<int:proposal_id>/ballots")
@endpoint(answer=Page[PublishedBallot], errors=(400, 404, 409))
def ballots(proposal_id: int, query: BallotQuery):
    """The published ballots after close, by receipt"""
    proposal = proposals.get_proposal(db.session, proposal_id)
    rows = proposals.published_ballots(db.session, proposal, before=query.cursor, limit=query.limit + 1)
    rule = proposals.rule_of(proposal)

    def render(ballot: Ballot) -> PublishedBallot:
        return PublishedBallot(receipt=ballot.receipt, choice=voting.decode_choice(rule, ballot.choice),
                               member_id=None if rule.secret else ballot.member_id)

    return listed(PublishedBallot, rows, query.limit, cursor_of=lambda b: b.receipt, render=render)


@bp.post("/proposals/<int:proposal_id>/comments")
@endpoint(ok=201, answer=CommentAnswer, errors=(400, 403, 404))
def comment(proposal_id: int, json: CommentBody):
    """Add to the discussion"""
    made = proposals.add_comment(db.session, require_member(), proposal_id, json.body, utcnow())
    return CommentAnswer.model_validate(made), 201


@bp.get("/proposals/<int:proposal_id>/comments")
@endpoint(answer=Page[CommentAnswer], errors=(404,))
def comments(proposal_id: int):
    """The discussion"""
    proposals.get_proposal(db.session, proposal_id)
    return every(CommentAnswer, proposals.comments_of(db.session, proposal_id),
                 render=lambda pair: CommentAnswer.model_validate(With(pair[0], member_name=pair[1])))
