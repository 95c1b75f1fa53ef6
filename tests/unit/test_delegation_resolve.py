"""Following delegation chains, without a database."""
from hypothesis import given, settings
from hypothesis import strategies as st

from govern.delegation.resolve import resolve


def test_a_chain_is_followed_to_the_first_member_who_voted():
    assert resolve({1, 2, 3}, {3}, {1: 2, 2: 3}) == {1: 3, 2: 3}


def test_a_personal_ballot_overrides_the_delegation():
    assert resolve({1, 2}, {1, 2}, {1: 2}) == {}


def test_a_cycle_of_members_who_did_not_vote_counts_no_one():
    assert resolve({1, 2, 3}, set(), {1: 2, 2: 3, 3: 1}) == {}


def test_a_cycle_that_someone_broke_by_voting_counts_through_them():
    assert resolve({1, 2, 3}, {2}, {1: 2, 2: 3, 3: 1}) == {1: 2, 3: 2}


def test_a_chain_through_someone_outside_the_electorate_is_cut():
    assert resolve({1, 3}, {3}, {1: 2, 2: 3}) == {}


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 30).flatmap(lambda n: st.tuples(
    st.just(set(range(1, n + 1))),
    st.sets(st.integers(1, n)),
    st.dictionaries(st.integers(1, n + 3), st.integers(1, n + 3)),
)))
def test_the_counted_weight_equals_direct_voters_plus_delegators_whose_chain_reaches_a_voter(case):
    electorate, voters, delegate_of = case
    counted = resolve(electorate, voters, delegate_of)
    assert len(voters) + len(counted) <= len(electorate)
    for member, voter in counted.items():
        assert member in electorate and member not in voters and voter in voters
        seen, step = set(), member  # walk the chain by hand: it must reach `voter` within the electorate
        while step not in voters:
            assert step in electorate and step not in seen
            seen.add(step)
            step = delegate_of[step]
        assert step == voter
    for member in electorate - voters - set(counted):
        seen, step = set(), member  # and those left out really reach no voter
        while step in electorate and step not in voters and step not in seen and step in delegate_of:
            seen.add(step)
            step = delegate_of[step]
        assert step not in voters or step not in electorate
