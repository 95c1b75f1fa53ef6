"""Kinds the board carries out: confirmations, separation of duties, all-or-nothing, expiry."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from govern import voting
from govern.errors import Conflict, Forbidden, InsufficientFunds
from govern.extensions import db
from govern.ledger.exchange import member_wallet
from govern.ledger.models import CAPITAL_POOL, LedgerEntry
from govern.ledger.service import Leg, post, region_account
from govern.proposals import kinds, service as proposals
from tests.funding import buy_rsc


def _pay_author_from_pool(ctx, proposal, outcome):
    legs = [Leg(region_account(ctx.session, proposal.region_id, CAPITAL_POOL), -500),
            Leg(member_wallet(ctx.session, proposal.author_id), 500)]
    entry = post(ctx.session, legs, memo="test grant", cause_type="proposal", cause_id=proposal.id, now=ctx.now)
    return [kinds.Effect("entry", entry.id)]


@pytest.fixture
def board_kind():
    kind = kinds.register(kinds.ProposalKind(
        key="test_grant", label="Test grant", description="Pays 5.00 RSC from the pool to the author.",
        clean_payload=lambda ctx, payload: {},
        default_voting=lambda ctx, payload: voting.VotingRule(method="yes_no"),
        apply=_pay_author_from_pool, carried_out_by=kinds.BOARD, execution_days=30,
    ))
    yield kind
    kinds.unregister(kind.key)


@pytest.fixture
def passed(board_kind, make_member, propose, now):
    """A passed test_grant, proposed by an ordinary member, with a board of three."""
    author = make_member()
    board = [make_member(board=True) for _ in range(3)]
    proposal = propose(author, "test_grant")
    proposals.cast_ballot(db.session, author, proposal.id, "yes", now)
    proposals.close_proposal(db.session, proposal.id, now + timedelta(days=3))
    return proposal, author, board


def entries():
    return db.session.execute(select(func.count()).select_from(LedgerEntry)).scalar_one()


def test_a_passed_board_kind_waits_for_the_board_until_its_deadline(passed, now):
    proposal, _, _ = passed
    assert proposal.status == "passed"
    assert proposal.execute_by == now + timedelta(days=3 + 30)
    assert [p.id for p in proposals.executions_waiting(db.session, proposal.region_id)] == [proposal.id]


def test_the_pool_that_cannot_pay_leaves_nothing_posted_and_no_confirmation(passed, now):
    proposal, _, board = passed
    proposals.confirm_execution(db.session, board[0], proposal.id, now + timedelta(days=4))
    with pytest.raises(InsufficientFunds):
        proposals.confirm_execution(db.session, board[1], proposal.id, now + timedelta(days=4))
    assert entries() == 0
    db.session.expire_all()
    assert proposal.status == "passed"
    state = proposals.confirm_execution(db.session, board[0], proposal.id, now + timedelta(days=4))
    assert state.confirmations == 1  # the failed second confirmation was rolled back with everything else


def test_it_takes_two_distinct_board_members_and_then_carries_out_once(passed, session, region, now, make_member):
    from govern.regions import service as regions

    proposal, author, board = passed
    # Fill the pool: a member sells RSC at a rate below 1 and the pool earns the spread.
    trader = make_member()
    buy_rsc(session, trader, 10000, now)
    regions.set_parameter(session, region.id, "exchange_rate", "0.5", cause_type="test", cause_id=None, now=now)
    buy_rsc(session, trader, 2000, now)
    later = now + timedelta(days=4)
    first = proposals.confirm_execution(session, board[0], proposal.id, later)
    again = proposals.confirm_execution(session, board[0], proposal.id, later)
    assert (first.confirmations, first.required, again.confirmations) == (1, 2, 1)
    assert first.proposal.status == "passed"
    done = proposals.confirm_execution(session, board[1], proposal.id, later)
    assert done.proposal.status == "executed" and done.proposal.executed_at == later
    assert member_wallet(session, author.id).balance == 500
    assert [e.type for e in proposals.effects_of(session, proposal.id)] == ["entry"]
    with pytest.raises(Conflict):
        proposals.confirm_execution(session, board[2], proposal.id, later)


def test_the_author_cannot_confirm_their_own_proposal_unless_alone_on_the_board(board_kind, make_member, propose, now):
    author = make_member(board=True)
    make_member(board=True)
    proposal = propose(author, "test_grant")
    proposals.cast_ballot(db.session, author, proposal.id, "yes", now)
    proposals.close_proposal(db.session, proposal.id, now + timedelta(days=3))
    with pytest.raises(Forbidden):
        proposals.confirm_execution(db.session, author, proposal.id, now + timedelta(days=4))


def test_a_sole_board_member_may_confirm_their_own_and_one_confirmation_suffices(board_kind, make_member, propose, now):
    author = make_member(board=True)
    proposal = propose(author, "test_grant")
    proposals.cast_ballot(db.session, author, proposal.id, "yes", now)
    proposals.close_proposal(db.session, proposal.id, now + timedelta(days=3))
    assert proposals.required_confirmations(db.session, proposal) == 1
    with pytest.raises(InsufficientFunds):  # allowed to confirm; the empty pool stops it
        proposals.confirm_execution(db.session, author, proposal.id, now + timedelta(days=4))


def test_ordinary_members_cannot_confirm(passed, now):
    proposal, author, _ = passed
    with pytest.raises(Forbidden):
        proposals.confirm_execution(db.session, author, proposal.id, now + timedelta(days=4))


def test_an_approval_not_carried_out_in_time_expires(passed, now):
    proposal, _, board = passed
    assert proposals.expire_overdue_approvals(db.session, now + timedelta(days=20)) == 0
    assert proposals.expire_overdue_approvals(db.session, now + timedelta(days=34)) == 1
    db.session.expire_all()
    assert proposal.status == "expired"
    with pytest.raises(Conflict):
        proposals.confirm_execution(db.session, board[0], proposal.id, now + timedelta(days=35))


def test_an_automatic_kind_whose_effect_fails_is_rejected_with_the_reason_and_moves_nothing(
        board_kind, make_member, propose, now):
    from dataclasses import replace

    kinds.register(replace(board_kind, carried_out_by=kinds.AUTOMATIC))
    author = make_member()
    proposal = propose(author, "test_grant")
    proposals.cast_ballot(db.session, author, proposal.id, "yes", now)
    proposals.close_proposal(db.session, proposal.id, now + timedelta(days=3))
    assert proposal.status == "rejected"
    assert proposal.outcome["passed"] is True
    assert "could not be carried out" in proposal.outcome["reason"]
    assert entries() == 0


def test_a_confirmation_from_someone_no_longer_on_the_board_does_not_count(passed, now):
    from govern.members import service as members

    proposal, _, board = passed
    proposals.confirm_execution(db.session, board[0], proposal.id, now + timedelta(days=4))
    members.leave(db.session, board[0], now + timedelta(days=4))
    state = proposals.confirm_execution(db.session, board[1], proposal.id, now + timedelta(days=4))
    assert (state.confirmations, state.proposal.status) == (1, "passed")


def test_on_a_board_of_two_the_other_member_alone_carries_out_the_authors_proposal(board_kind, make_member, propose,
                                                                                  session, region, now):
    from govern.regions import service as regions

    author, other = make_member(board=True), make_member(board=True)
    proposal = propose(author, "test_grant")
    proposals.cast_ballot(session, author, proposal.id, "yes", now)
    proposals.close_proposal(session, proposal.id, now + timedelta(days=3))
    assert proposals.required_confirmations(session, proposal) == 1
    buy_rsc(session, other, 10000, now)
    regions.set_parameter(session, region.id, "exchange_rate", "0.5", cause_type="test", cause_id=None, now=now)
    buy_rsc(session, other, 2000, now)
    state = proposals.confirm_execution(session, other, proposal.id, now + timedelta(days=4))
    assert state.proposal.status == "executed"
