"""Nominations: during a board election's nomination window, members add themselves as
candidates, or withdraw while enough others remain. The proposal row is locked, so concurrent
nominations all land; the ballot's options and the payload's candidates change together, and
`ron` stays the last option (it loses ties, see voting/ranked.py)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from govern import access
from govern.database import write_transaction
from govern.errors import Conflict, Forbidden, NotFound
from govern.members import kinds as election
from govern.members.models import Member
from govern.proposals import service as proposals
from govern.proposals.models import Proposal


def _open_election(session: Session, member: Member, proposal_id: int, now: datetime) -> Proposal:
    """The election, locked, if `member` may change its candidates now; else the reason."""
    access.require(member, "propose", "Members who left cannot stand for election.")
    proposal = proposals.lock_proposal(session, proposal_id)
    if proposal.kind != election.BOARD_ELECTION.key or election.nominations_close_at(proposal.payload) is None:
        raise Conflict("This proposal takes no nominations.", code="no_nominations")
    if proposal.region_id != member.region_id:
        raise Forbidden("You can stand only in your own region's elections.")
    if not election.nominations_open(proposal, now):
        raise Conflict("Nominations are closed.", code="nominations_closed")
    return proposal


def _set_candidates(proposal: Proposal, candidates: list[tuple[int, str]]) -> None:
    options = [election.candidate_option(member_id, name).to_json() for member_id, name in candidates]
    proposal.voting = {**proposal.voting, "options": [*options, election.RON_OPTION.to_json()]}
    proposal.payload = {**proposal.payload, "candidates": [member_id for member_id, _ in candidates]}


def stand(session: Session, member: Member, proposal_id: int, now: datetime) -> Proposal:
    """Add yourself as a candidate. Standing again changes nothing."""
    with write_transaction(session):
        proposal = _open_election(session, member, proposal_id, now)
        candidates = election.candidates_of(proposal)
        if member.id not in {member_id for member_id, _ in candidates}:
            if len(candidates) >= election.MAX_CANDIDATES:
                raise Conflict(f"The election has its {election.MAX_CANDIDATES} candidates.", code="too_many_candidates")
            _set_candidates(proposal, [*candidates, (member.id, member.name)])
    return proposal


def withdraw(session: Session, member: Member, proposal_id: int, now: datetime) -> Proposal:
    """Withdraw your candidacy, while at least as many candidates as seats remain."""
    with write_transaction(session):
        proposal = _open_election(session, member, proposal_id, now)
        candidates = election.candidates_of(proposal)
        remaining = [(member_id, name) for member_id, name in candidates if member_id != member.id]
        if len(remaining) == len(candidates):
            raise NotFound("You are not a candidate in this election.")
        if len(remaining) < proposal.payload["seats"]:
            raise Conflict(f"The election {election.too_few_candidates(proposal.payload['seats'])}: "
                           "you cannot withdraw now.", code="too_few_candidates")
        _set_candidates(proposal, remaining)
    return proposal
