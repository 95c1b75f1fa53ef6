"""Promise 7: no ballot is counted twice under 50 concurrent casts by one member; a passed
proposal is carried out once under 50 concurrent execute calls; a ballot racing the close is
counted or refused, never half-applied. Threads, each with its own connection."""
from collections import Counter
from datetime import timedelta

from sqlalchemy import func, select

from govern.companies.models import Company
from govern.errors import Conflict, DomainError
from govern.extensions import db
from govern.inventory.models import InventoryItem
from govern.ledger import service as ledger
from govern.ledger.models import CAPITAL_POOL, LedgerEntry
from govern.ledger.service import region_account
from govern.members.models import Member
from govern.proposals import service as proposals
from govern.proposals.models import Ballot, ExecutionConfirmation, Proposal
from govern.regions.models import ParameterChange
from tests.integration.acquisitions.test_stories import BAKERY, fill_pool
from tests.reliability.support import run_together, unexpected


def test_fifty_simultaneous_ballots_from_one_member_leave_one_ballot_counted_once(app, member, make_member, propose, now):
    other = make_member()
    proposal_id, member_id = propose(member).id, member.id
    db.session.commit()
    choices = ["yes", "no", "abstain"]

    def cast(i):
        voter = db.session.get(Member, member_id)
        return proposals.cast_ballot(db.session, voter, proposal_id, choices[i % 3], now).receipt

    results = run_together(app, 50, lambda _session, i: cast(i))
    assert all(isinstance(r, str) for r in results), results
    assert len(set(results)) == 50  # every cast got its own receipt
    db.session.rollback()
    ballots = db.session.execute(select(Ballot).where(Ballot.proposal_id == proposal_id)).scalars().all()
    assert len(ballots) == 1
    assert ballots[0].receipt in results
    closed = proposals.close_proposal(db.session, proposal_id, now + timedelta(days=3))
    assert closed.tally["yes"] + closed.tally["no"] + closed.tally["abstain"] == 1
    assert closed.tally["direct_weight"] == 1
    assert [b.receipt for b in proposals.published_ballots(db.session, closed, before=None, limit=10)] \
        == [ballots[0].receipt]


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


def test_fifty_concurrent_execute_calls_carry_out_a_passed_acquisition_once(
    app, session, region, member, make_member, propose, now
):
    board = [make_member(board=True) for _ in range(3)]
    proposal = propose(member, "acquisition", BAKERY)
    for voter in (member, *board):
        proposals.cast_ballot(session, voter, proposal.id, "yes", now)
    proposals.close_proposal(session, proposal.id, now + timedelta(days=3))
    pool_before = fill_pool(session, region, member, now)
    proposal_id, board_ids, region_id = proposal.id, [b.id for b in board], region.id
    entries_before = session.execute(select(func.count()).select_from(LedgerEntry)).scalar_one()
    session.commit()
    later = now + timedelta(days=4)

    def execute(s, i):
        confirmer = s.get(Member, board_ids[i % 3])
        return proposals.confirm_execution(s, confirmer, proposal_id, later).proposal.status

    results = run_together(app, 50, execute)

    assert unexpected(results, Conflict) == []
    statuses = Counter(r if isinstance(r, str) else type(r).__name__ for r in results)
    assert statuses["executed"] == 1, statuses  # the one call that completed the confirmations
    # Before it is carried out a board member may confirm again ("passed": still one confirmation
    # each); after it, every call is refused.
    assert statuses["passed"] + statuses["executed"] + statuses["Conflict"] == 50
    session.rollback()
    session.expire_all()
    assert session.get(Proposal, proposal_id).status == "executed"
    assert session.execute(select(func.count()).select_from(ExecutionConfirmation).where(
        ExecutionConfirmation.proposal_id == proposal_id)).scalar_one() == 2  # the two that carried it out
    assert session.execute(select(func.count()).select_from(LedgerEntry)).scalar_one() == entries_before + 1
    assert region_account(session, region_id, CAPITAL_POOL).balance == pool_before - 30_00
    assert session.execute(select(func.count()).select_from(Company).where(Company.name == "Corner Bakery")) \
        .scalar_one() == 1
    assert session.execute(select(func.count()).select_from(InventoryItem)).scalar_one() == 1
    assert ledger.verify(session).ok
