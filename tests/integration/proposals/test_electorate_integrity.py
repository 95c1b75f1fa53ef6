"""Only voters of the frozen electorate hold ballots, enforced by the database: a count is then a
plain GROUP BY over the ballots, and no ballot of someone outside the electorate can be counted."""
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import IntegrityError

from govern.errors import Forbidden
from govern.extensions import db
from govern.proposals import service as proposals
from govern.proposals.models import Ballot, ElectorateMember


def test_the_database_refuses_a_ballot_from_outside_the_electorate(session, make_member, propose, now):
    author = make_member()
    proposal = propose(author)
    newcomer = make_member()  # joined after the electorate was frozen
    with pytest.raises(IntegrityError):
        session.execute(insert(Ballot).values(proposal_id=proposal.id, member_id=newcomer.id, choice="yes",
                                              receipt="0" * 16, cast_at=now))
        session.flush()
    session.rollback()
    assert proposals.turnout(session, proposal.id) == 0


def test_a_voter_leaving_the_electorate_takes_their_ballot_along(session, make_member, propose, now):
    voter, other = make_member(), make_member()
    proposal = propose(voter)
    proposals.cast_ballot(session, voter, proposal.id, "yes", now)
    proposals.cast_ballot(session, other, proposal.id, "no", now)
    session.execute(delete(ElectorateMember).where(ElectorateMember.proposal_id == proposal.id,
                                                   ElectorateMember.member_id == voter.id))
    session.commit()
    assert proposals.grouped_ballots(session, proposal.id) == [("no", 1)]


def test_a_ballot_racing_its_voters_departure_is_refused_not_kept(session, make_member, propose, now, monkeypatch):
    """The voter's electorate row goes between the check and the write (another transaction
    committed the departure): the write fails on the key, the member gets a 403, nothing stays."""
    voter = make_member()
    proposal = propose(voter)
    session.execute(delete(ElectorateMember).where(ElectorateMember.proposal_id == proposal.id,
                                                   ElectorateMember.member_id == voter.id))
    session.commit()
    monkeypatch.setattr(proposals, "in_electorate", lambda *args: True)
    with pytest.raises(Forbidden) as refused:
        proposals.cast_ballot(session, voter, proposal.id, "yes", now)
    assert refused.value.code == "not_in_electorate"
    assert session.execute(select(func.count()).select_from(Ballot)).scalar_one() == 0


def test_a_closed_tally_counts_every_ballot_row(session, make_member, propose, now):
    voters = [make_member() for _ in range(5)]
    proposal = propose(voters[0])
    for voter, choice in zip(voters, ("yes", "yes", "no", "abstain", "yes")):
        proposals.cast_ballot(db.session, voter, proposal.id, choice, now)
    proposals.close_proposal(session, proposal.id, now + timedelta(days=3))
    assert (proposal.tally["yes"], proposal.tally["no"], proposal.tally["abstain"]) == (3, 1, 1)
    assert proposal.electorate_size == 5
