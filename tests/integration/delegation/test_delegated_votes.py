"""Delegated votes counted at close, per kind, with secret ballots and members who left."""
from datetime import timedelta

import pytest

from govern.delegation import service as delegation
from govern.errors import ValidationError
from govern.members import service as members
from govern.notifications import service as notifications
from govern.proposals import service as proposals
from govern.regions import service as regions


def close(session, proposal, now):
    return proposals.close_proposal(session, proposal.id, now + timedelta(days=3))


def test_delegated_votes_count_with_the_delegates_ballot_and_are_reported_apart(session, region, make_member,
                                                                                 propose, now):
    alice, bob, carol, dave = (make_member() for _ in range(4))
    delegation.set_delegation(session, alice, "all", bob.id, now)
    delegation.set_delegation(session, carol, "all", alice.id, now)  # carol -> alice -> bob
    proposal = propose(dave)
    proposals.cast_ballot(session, bob, proposal.id, "no", now)
    proposals.cast_ballot(session, dave, proposal.id, "yes", now)
    close(session, proposal, now)
    assert (proposal.tally["no"], proposal.tally["yes"]) == (3, 1)
    assert (proposal.tally["direct_weight"], proposal.tally["delegated_weight"]) == (2, 2)
    assert proposal.status == "rejected"
    assert delegation.how_my_vote_counted(session, proposal.id, carol.id) == bob.id


def test_a_delegation_for_one_kind_wins_over_the_general_one_and_own_ballots_override(session, region, make_member,
                                                                                       propose, now):
    me, general, specialist, other = (make_member() for _ in range(4))
    delegation.set_delegation(session, me, "all", general.id, now)
    delegation.set_delegation(session, me, "parameter", specialist.id, now)
    tax = propose(other, "parameter", {"name": "income_tax_rate", "min": "0", "max": "0.2"})
    for voter, figure in ((general, "0.01"), (specialist, "0.09"), (other, "0.09")):
        proposals.cast_ballot(session, voter, tax.id, figure, now)
    close(session, tax, now)
    assert tax.outcome["value"] == "0.09"  # 0.01, 0.09, 0.09 and mine through the specialist: 0.09
    referendum = propose(other)
    proposals.cast_ballot(session, general, referendum.id, "no", now)
    proposals.cast_ballot(session, me, referendum.id, "yes", now)
    close(session, referendum, now)
    assert (referendum.tally["yes"], referendum.tally["no"], referendum.tally["delegated_weight"]) == (1, 1, 0)


def test_secret_ballots_take_no_delegations_unless_the_region_allows(session, region, make_member, propose, now):
    voter, truster, other = (make_member() for _ in range(3))
    delegation.set_delegation(session, truster, "all", voter.id, now)
    secret = propose(other, voting={"secret": True})
    proposals.cast_ballot(session, voter, secret.id, "yes", now)
    close(session, secret, now)
    assert secret.tally["delegated_weight"] == 0
    regions.set_parameter(session, region.id, "delegation_in_secret_ballots", "1", cause_type="test", cause_id=None,
                          now=now)
    again = propose(other, voting={"secret": True})
    proposals.cast_ballot(session, voter, again.id, "yes", now)
    close(session, again, now)
    assert again.tally["delegated_weight"] == 1


def test_a_chain_through_a_member_who_left_is_cut(session, region, make_member, propose, now):
    first, middle, last, author = (make_member() for _ in range(4))
    delegation.set_delegation(session, first, "all", middle.id, now)
    delegation.set_delegation(session, middle, "all", last.id, now)
    proposal = propose(author)
    proposals.cast_ballot(session, last, proposal.id, "yes", now)
    members.leave(session, middle, now)
    close(session, proposal, now)
    assert proposal.tally["delegated_weight"] == 0


@pytest.mark.parametrize("target", ["self", "other_region", "left", "unknown"])
def test_delegating_to_yourself_another_region_or_someone_who_left_is_refused(session, region, make_member, now,
                                                                             target):
    me = make_member()
    elsewhere = regions.create_region(session, "Hilltop", now)
    gone = make_member()
    members.leave(session, gone, now)
    ids = {"self": me.id, "other_region": make_member(region_id=elsewhere.id).id, "left": gone.id, "unknown": 10**9}
    with pytest.raises(ValidationError) as error:
        delegation.set_delegation(session, me, "all", ids[target], now)
    assert "delegate_id" in error.value.fields


def test_an_unknown_scope_is_refused_and_the_delegate_is_told(session, region, make_member, now):
    me, trusted = make_member(), make_member()
    with pytest.raises(ValidationError):
        delegation.set_delegation(session, me, "everything", trusted.id, now)
    delegation.set_delegation(session, me, "wage_rate", trusted.id, now)
    assert notifications.unread_count(session, trusted.id) == 1
    assert delegation.delegators_by_scope(session, trusted.id) == {"wage_rate": 1}
