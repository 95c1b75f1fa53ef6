"""Ballots and closing under real concurrency: threads, each with its own connection."""
from datetime import timedelta

from sqlalchemy import func, select

from govern.errors import DomainError
from govern.extensions import db
from govern.members.models import Member
from govern.proposals import service as proposals
from govern.proposals.models import Ballot, Proposal
from govern.regions.models import ParameterChange
from tests.reliability.support import run_together


def test_twenty_simultaneous_ballots_from_one_member_leave_one_ballot(app, member, propose, now):
    proposal_id, member_id = propose(member).id, member.id
    db.session.commit()
    choices = ["yes", "no", "abstain"]

    def cast(i):
        voter = db.session.get(Member, member_id)
        return proposals.cast_ballot(db.session, voter, proposal_id, choices[i % 3], now).receipt

    results = run_together(app, 20, lambda _session, i: cast(i))
    assert all(isinstance(r, str) for r in results), results
    db.session.rollback()
    ballots = db.session.execute(select(Ballot).where(Ballot.proposal_id == proposal_id)).scalars().all()
    assert len(ballots) == 1
    assert ballots[0].receipt in results


def test_closing_from_two_threads_at_once_applies_the_effect_once(app, make_member, propose, now):
    voters = [make_member() for _ in range(3)]
    proposal = propose(voters[0], "parameter", {"name": "income_tax_rate", "min": "0", "max": "0.2"})
    for voter, figure in zip(voters, ("0.02", "0.05", "0.10")):
        proposals.cast_ballot(db.session, voter, proposal.id, figure, now)
    proposal_id = proposal.id
    db.session.commit()
    later = now + timedelta(days=3)

    results = run_together(app, 2, lambda _session, i: proposals.close_proposal(db.session, proposal_id, later).status)
    assert results == ["executed", "executed"]
    db.session.rollback()
    assert db.session.execute(select(func.count()).select_from(ParameterChange)).scalar_one() == 1
    assert db.session.get(Proposal, proposal_id).status == "executed"


def test_a_ballot_racing_the_close_is_either_counted_or_refused(app, make_member, propose, now):
    voters = [make_member() for _ in range(6)]
    proposal = propose(voters[0])
    proposals.cast_ballot(db.session, voters[0], proposal.id, "yes", now)
    proposal_id, deadline, voter_ids = proposal.id, proposal.closes_at, [v.id for v in voters]
    db.session.commit()

    def act(i):
        if i == 0:
            return proposals.close_proposal(db.session, proposal_id, deadline).status
        voter = db.session.get(Member, voter_ids[i])
        return proposals.cast_ballot(db.session, voter, proposal_id, "no", deadline - timedelta(microseconds=1)).receipt

    results = run_together(app, 6, lambda _session, i: act(i))
    db.session.rollback()
    closed = db.session.get(Proposal, proposal_id)
    counted = closed.tally["yes"] + closed.tally["no"]
    stored = db.session.execute(select(func.count()).select_from(Ballot).where(Ballot.proposal_id == proposal_id)).scalar_one()
    assert counted == stored  # every stored ballot was counted, none half-applied
    refused = [r for r in results[1:] if isinstance(r, DomainError)]
    assert len(refused) + (stored - 1) == 5
