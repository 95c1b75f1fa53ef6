"""Board elections under the constitution: "Re-open nominations" on every ballot, a seat it wins
staying with a sitting board member, at least as many candidates as seats, and the nomination
window in which members stand."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from govern.errors import Conflict, Forbidden, NotFound, ValidationError
from govern.extensions import db
from govern.members import elections, service as members
from govern.members.models import Member
from govern.proposals import service as proposals
from tests.reliability.support import run_together, unexpected
from tests.conftest import TEST_PASSWORD

RON = "ron"


def board_of(session, region_id) -> set[int]:
    session.expire_all()
    return set(session.execute(select(Member.id).where(Member.region_id == region_id,
                                                       Member.is_board.is_(True))).scalars())


def elect(session, proposal, ballots, voters, now):
    for voter, ranking in zip(voters, ballots):
        proposals.cast_ballot(session, voter, proposal.id, ranking, now)
    return proposals.close_proposal(session, proposal.id, now + timedelta(days=8))


def option(member) -> str:
    return f"m{member.id}"


def test_every_election_ballot_offers_re_opening_nominations_last(region, make_member, propose):
    candidates = [make_member(name=n) for n in ("Ann", "Ben")]
    election = propose(candidates[0], "board_election", {"seats": 1, "candidates": [c.id for c in candidates]})
    assert [o["id"] for o in election.voting["options"]] == [option(candidates[0]), option(candidates[1]), RON]
    assert election.voting["options"][-1] == {"id": RON, "label": "Re-open nominations"}


@pytest.mark.parametrize("seats, count", [(2, 1), (3, 2)])
def test_an_election_needs_as_many_candidates_as_seats_besides_re_opening_nominations(region, make_member, propose,
                                                                                      seats, count):
    candidates = [make_member() for _ in range(count)]
    with pytest.raises(ValidationError) as error:
        propose(candidates[0], "board_election", {"seats": seats, "candidates": [c.id for c in candidates]})
    assert set(error.value.fields) == {"candidates", "payload.candidates"}
    assert f"at least {seats} candidates" in error.value.fields["candidates"][0]


def test_a_seat_won_by_re_opening_nominations_stays_with_its_holder(session, region, make_member, propose, now):
    holder = make_member(board=True, name="Holder")
    hopeful = make_member(name="Hopeful")
    voters = [holder, hopeful, *(make_member() for _ in range(3))]
    election = propose(hopeful, "board_election", {"seats": 1, "candidates": [hopeful.id]})
    elect(session, election, [[RON], [option(hopeful)], [RON], [RON], [option(hopeful), RON]], voters, now)
    assert (election.status, election.outcome["winners"]) == ("executed", [RON])
    assert board_of(session, region.id) == {holder.id}
    assert [(e.type, e.ref_id) for e in proposals.effects_of(session, election.id)] == [("member", str(holder.id))]


def test_the_sitting_member_with_most_first_preferences_keeps_the_seat_re_opening_nominations_won(
        session, region, make_member, propose, now):
    first, second = make_member(board=True, name="First"), make_member(board=True, name="Second")
    newcomer = make_member(name="Newcomer")
    voters = [first, second, newcomer, *(make_member() for _ in range(3))]
    election = propose(newcomer, "board_election", {"seats": 2, "candidates": [second.id, newcomer.id]})
    elect(session, election, [[RON], [RON], [RON], [option(newcomer)], [option(newcomer)], [option(second)]],
          voters, now)
    assert set(election.outcome["winners"]) == {RON, option(newcomer)}
    assert board_of(session, region.id) == {newcomer.id, second.id}  # Second stood and had a first preference


def test_with_nobody_sitting_a_seat_won_by_re_opening_nominations_stays_empty(session, region, make_member, propose,
                                                                               now):
    voters = [make_member() for _ in range(3)]
    election = propose(voters[0], "board_election", {"seats": 1, "candidates": [voters[0].id]})
    elect(session, election, [[option(voters[0])], [RON], [RON]], voters, now)
    assert election.outcome["winners"] == [RON] and board_of(session, region.id) == set()


def test_elected_candidates_replace_the_board(session, region, make_member, propose, now):
    old = make_member(board=True)
    ann, ben = make_member(name="Ann"), make_member(name="Ben")
    election = propose(ann, "board_election", {"seats": 1, "candidates": [ann.id, ben.id]})
    elect(session, election, [[option(ann)], [option(ann), RON], [RON]], [ann, ben, old], now)
    assert board_of(session, region.id) == {ann.id}


# --- nominations ---------------------------------------------------------------------------

def with_window(propose, author, candidates, now, *, seats=1, hours=48, closes_in=timedelta(days=10)):
    return propose(author, "board_election", {"seats": seats, "candidates": [c.id for c in candidates],
                                              "nominations_close_at": (now + timedelta(hours=hours)).isoformat()},
                   closes_in=closes_in)


def test_members_stand_while_nominations_are_open_and_vote_after(session, region, make_member, propose, now):
    ann, ben, cat = (make_member(name=n) for n in ("Ann", "Ben", "Cat"))
    election = with_window(propose, ann, [ann], now)
    with pytest.raises(Conflict) as error:
        proposals.cast_ballot(session, ben, election.id, [option(ann)], now)
    assert error.value.code == "voting_not_open"
    elections.stand(session, ben, election.id, now)
    elections.stand(session, cat, election.id, now)
    elections.stand(session, cat, election.id, now)  # again: nothing changes
    assert [o["id"] for o in election.voting["options"]] == [option(ann), option(ben), option(cat), RON]
    assert election.payload["candidates"] == [ann.id, ben.id, cat.id]
    opened = now + timedelta(hours=48)
    with pytest.raises(Conflict) as error:
        elections.stand(session, make_member(), election.id, opened)
    assert error.value.code == "nominations_closed"
    proposals.cast_ballot(session, ben, election.id, [option(cat), option(ben)], opened)
    proposals.cast_ballot(session, cat, election.id, [option(cat)], opened)
    proposals.close_proposal(session, election.id, now + timedelta(days=10))
    assert election.outcome["winners"] == [option(cat)] and board_of(session, region.id) == {cat.id}


def test_a_candidate_withdraws_only_while_enough_candidates_remain(session, region, make_member, propose, now):
    ann, ben, cat = (make_member() for _ in range(3))
    election = with_window(propose, ann, [ann, ben], now, seats=2)
    with pytest.raises(Conflict) as error:
        elections.withdraw(session, ann, election.id, now)
    assert error.value.code == "too_few_candidates"
    with pytest.raises(NotFound):
        elections.withdraw(session, cat, election.id, now)
    elections.stand(session, cat, election.id, now)
    elections.withdraw(session, ann, election.id, now)
    assert election.payload["candidates"] == [ben.id, cat.id]
    assert [o["id"] for o in election.voting["options"]] == [option(ben), option(cat), RON]


def test_only_members_of_the_region_stand_and_only_in_an_election_with_a_window(session, region, make_member, propose,
                                                                                 now):
    from govern.regions import service as regions

    ann = make_member()
    elsewhere = members.join(session, email="far@example.org", name="Far", password=TEST_PASSWORD, now=now,
                             region_id=regions.create_region(session, "Hillside", now).id)
    leaver = make_member()
    members.leave(session, leaver, now)
    election = with_window(propose, ann, [ann], now)
    with pytest.raises(Forbidden):
        elections.stand(session, elsewhere, election.id, now)
    with pytest.raises(Forbidden):
        elections.stand(session, leaver, election.id, now)
    no_window = propose(ann, "board_election", {"seats": 1, "candidates": [ann.id]})
    for proposal in (no_window, propose(ann)):
        with pytest.raises(Conflict) as error:
            elections.stand(session, make_member(), proposal.id, now)
        assert error.value.code == "no_nominations"
    assert election.payload["candidates"] == [ann.id]


@pytest.mark.parametrize("moment", [timedelta(hours=-1), timedelta(days=61)])
def test_nominations_close_after_now_and_within_sixty_days(region, member, propose, now, moment):
    with pytest.raises(ValidationError) as error:
        propose(member, "board_election", {"seats": 1, "candidates": [member.id],
                                           "nominations_close_at": (now + moment).isoformat()},
                closes_in=timedelta(days=90))
    assert "payload.nominations_close_at" in error.value.fields


def test_voting_after_the_nominations_lasts_at_least_the_floors_days(session, region, member, now):
    def open_election(closes_in):
        return proposals.create_proposal(
            session, member, kind_key="board_election", title="Board", body="", now=now, min_voting_seconds=None,
            payload={"seats": 1, "candidates": [member.id], "nominations_close_at": (now + timedelta(days=5)).isoformat()},
            closes_at=now + closes_in)

    with pytest.raises(ValidationError) as error:
        open_election(timedelta(days=11))
    assert error.value.fields["closes_at"] == ["must be at least 7 days after voting opens: the least voting period "
                                               "this region set"]
    assert open_election(timedelta(days=12)).status == "open"


def test_members_standing_at_once_all_become_candidates(app, region, make_member, propose, now):
    author = make_member()
    hopefuls = [make_member() for _ in range(8)]
    election_id = with_window(propose, author, [author], now).id
    hopeful_ids = [h.id for h in hopefuls]
    db.session.commit()

    def stand(session, i):
        return elections.stand(session, session.get(Member, hopeful_ids[i]), election_id, now).id

    results = run_together(app, len(hopefuls), stand)
    assert unexpected(results) == []
    db.session.expire_all()
    election = proposals.get_proposal(db.session, election_id)
    assert sorted(election.payload["candidates"]) == sorted([author.id, *hopeful_ids])
    assert len(election.voting["options"]) == len(hopefuls) + 2 and election.voting["options"][-1]["id"] == RON
