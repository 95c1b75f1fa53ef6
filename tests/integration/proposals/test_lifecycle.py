"""The proposal lifecycle against the database: open, vote, close, carry out."""
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import event, func, insert, select

from govern.errors import Conflict, Forbidden, NotFound, ValidationError
from govern.extensions import db
from govern.jobs import tick
from govern.members import service as members
from govern.proposals import kinds, service as proposals
from govern.proposals.models import Ballot, Proposal
from govern.regions import service as regions
from govern.regions.models import ParameterChange

TAX = {"name": "income_tax_rate", "min": "0", "max": "0.2"}


def vote_tax(make_member, propose, now, figures=("0.02", "0.05", "0.10")):
    voters = [make_member() for _ in figures]
    proposal = propose(voters[0], "parameter", TAX)
    for voter, figure in zip(voters, figures):
        proposals.cast_ballot(db.session, voter, proposal.id, figure, now)
    return proposal


def test_a_tax_rate_vote_sets_the_median_when_it_closes(session, region, make_member, propose, now):
    proposal = vote_tax(make_member, propose, now)
    assert proposals.close_due_proposals(session, now + timedelta(days=3)) == 1
    assert proposal.status == "executed"
    assert proposal.outcome["value"] == "0.05"
    assert regions.all_parameters(session, region.id)["income_tax_rate"] == "0.05"
    [effect] = proposals.effects_of(session, proposal.id)
    change = session.get(ParameterChange, int(effect.ref_id))
    assert (effect.type, change.cause_type, change.cause_id) == ("parameter", "proposal", str(proposal.id))


def test_govern_tick_closes_due_proposals(app, region, make_member, propose, now):
    from govern.clock import utcnow

    real_now = utcnow()
    voters = [make_member() for _ in range(3)]
    proposal = propose(voters[0], "parameter", TAX, at=real_now - timedelta(minutes=10), closes_in=timedelta(minutes=5))
    for voter, figure in zip(voters, ("0.02", "0.05", "0.10")):
        proposals.cast_ballot(db.session, voter, proposal.id, figure, real_now - timedelta(minutes=8))
    result = app.test_cli_runner().invoke(args=["govern", "tick"])
    assert result.exit_code == 0 and "close_due_proposals: 1" in result.output
    db.session.rollback()
    assert regions.all_parameters(db.session, region.id)["income_tax_rate"] == "0.05"


def test_the_scheduler_closes_due_proposals(app, region, make_member, propose):
    import time

    from govern.clock import utcnow
    from govern.jobs import start_scheduler

    real_now = utcnow()
    voters = [make_member() for _ in range(3)]
    proposal = propose(voters[0], "parameter", TAX, at=real_now - timedelta(minutes=10), closes_in=timedelta(minutes=5))
    for voter, figure in zip(voters, ("0.02", "0.05", "0.10")):
        proposals.cast_ballot(db.session, voter, proposal.id, figure, real_now - timedelta(minutes=8))
    scheduler = start_scheduler(app)
    try:
        for _ in range(100):
            db.session.rollback()  # end the read snapshot so the scheduler's commit is visible
            if db.session.get(Proposal, proposal.id).status != "open":
                break
            time.sleep(0.1)
    finally:
        scheduler.shutdown(wait=True)
    assert db.session.get(Proposal, proposal.id).status == "executed"
    assert regions.all_parameters(db.session, region.id)["income_tax_rate"] == "0.05"


def test_closing_twice_applies_the_effect_once(session, region, make_member, propose, now):
    proposal = vote_tax(make_member, propose, now)
    later = now + timedelta(days=3)
    proposals.close_proposal(session, proposal.id, later)
    proposals.close_proposal(session, proposal.id, later)
    assert proposals.close_due_proposals(session, later) == 0
    assert session.execute(select(func.count()).select_from(ParameterChange)).scalar_one() == 1


def test_a_proposal_is_not_closed_before_its_deadline(session, region, make_member, propose, now):
    proposal = vote_tax(make_member, propose, now)
    proposals.close_proposal(session, proposal.id, now + timedelta(hours=1))
    assert proposal.status == "open"


def test_no_ballot_is_accepted_past_the_deadline_even_if_no_job_ran(session, region, member, propose, now):
    proposal = propose(member)
    with pytest.raises(Conflict):
        proposals.cast_ballot(session, member, proposal.id, "yes", now + timedelta(days=2, seconds=1))


def test_the_electorate_is_frozen_when_the_proposal_opens(session, region, member, make_member, propose, now):
    stayer = make_member()
    proposal = propose(member)
    latecomer = make_member()
    assert proposal.electorate_size == 2
    with pytest.raises(Forbidden):
        proposals.cast_ballot(session, latecomer, proposal.id, "yes", now)
    proposals.cast_ballot(session, stayer, proposal.id, "yes", now)
    assert proposals.turnout(session, proposal.id) == 1


def test_a_member_who_leaves_loses_their_open_ballots_and_their_place_in_the_electorate(
        session, region, member, make_member, propose, now):
    leaver = make_member()
    proposal = propose(member)
    proposals.cast_ballot(session, leaver, proposal.id, "no", now)
    members.leave(session, leaver, now)
    assert proposals.turnout(session, proposal.id) == 0
    assert session.get(Proposal, proposal.id).electorate_size == 1
    with pytest.raises(Forbidden):
        proposals.cast_ballot(session, leaver, proposal.id, "no", now)


def test_a_later_change_of_the_kinds_default_rule_never_changes_an_open_proposal(
        session, region, member, make_member, propose, now):
    others = [make_member() for _ in range(3)]
    proposal = propose(member)  # referendum: simple majority
    for voter, choice in zip([member, *others], ("yes", "yes", "yes", "no")):
        proposals.cast_ballot(session, voter, proposal.id, choice, now)
    original = kinds.get("referendum")
    from dataclasses import replace

    from govern import voting

    kinds.register(replace(original, default_voting=lambda ctx, payload: voting.VotingRule(
        method="yes_no", threshold="three_quarters", quorum=Decimal("0.9"))))
    try:
        proposals.close_proposal(session, proposal.id, now + timedelta(days=3))
    finally:
        kinds.register(original)
    assert proposal.status == "executed"  # 3 of 4 yes under the frozen majority rule
    assert proposal.voting["threshold"] == "majority"


def test_a_ballot_can_be_replaced_and_withdrawn_while_open(session, region, member, propose, now):
    proposal = propose(member)
    first = proposals.cast_ballot(session, member, proposal.id, "yes", now)
    first_receipt = first.receipt
    second = proposals.cast_ballot(session, member, proposal.id, "no", now)
    assert second.receipt != first_receipt
    assert proposals.grouped_ballots(session, proposal.id) == [("no", 1)]
    proposals.withdraw_ballot(session, member, proposal.id, now)
    assert proposals.turnout(session, proposal.id) == 0
    with pytest.raises(NotFound):
        proposals.withdraw_ballot(session, member, proposal.id, now)


def test_a_ballot_of_the_wrong_shape_is_refused(session, region, member, propose, now):
    proposal = propose(member, "parameter", TAX)
    for bad in ("0.5", 0.05, "abc", ["0.05"]):
        with pytest.raises(ValidationError):
            proposals.cast_ballot(session, member, proposal.id, bad, now)


def test_the_author_may_cancel_before_the_first_ballot_only(session, region, member, make_member, propose, now):
    other = make_member()
    proposal = propose(member)
    with pytest.raises(Forbidden):
        proposals.cancel_proposal(session, other, proposal.id, now)
    second = propose(member)
    proposals.cast_ballot(session, other, second.id, "yes", now)
    with pytest.raises(Conflict):
        proposals.cancel_proposal(session, member, second.id, now)
    assert proposals.cancel_proposal(session, member, proposal.id, now).status == "cancelled"
    with pytest.raises(Conflict):
        proposals.cast_ballot(session, other, proposal.id, "yes", now)


def test_invalid_payloads_name_the_fields(session, region, member, propose):
    with pytest.raises(ValidationError) as error:
        propose(member, "parameter", {"name": "income_tax_rate", "min": "0.5", "max": "0.1"})
    assert "payload.max" in error.value.fields
    with pytest.raises(ValidationError) as error:
        propose(member, "parameter", {"name": "nonsense", "min": "0", "max": "1"})
    assert "payload.name" in error.value.fields
    with pytest.raises(ValidationError) as error:
        propose(member, "no_such_kind")
    assert "kind" in error.value.fields


def test_closes_at_must_leave_the_minimum_voting_time(session, region, member, now):
    with pytest.raises(ValidationError) as error:
        proposals.create_proposal(session, member, kind_key="referendum", title="t", body="", payload={},
                                  closes_at=now + timedelta(seconds=30), now=now, min_voting_seconds=60)
    assert "closes_at" in error.value.fields


def test_a_proposer_may_make_the_rule_stricter_but_not_looser(session, region, member, propose):
    strict = propose(member, "parameter", TAX, voting={"quorum": "0.5"})
    assert strict.voting["quorum"] == "0.5"
    with pytest.raises(ValidationError) as error:
        propose(member, "parameter", TAX, voting={"method": "mean"})
    assert "voting.method" in error.value.fields


def test_members_who_left_cannot_propose(session, region, member, propose, now):
    members.leave(session, member, now)
    with pytest.raises(Forbidden):
        propose(member)


def test_closing_reminders_reach_each_voter_who_has_not_voted_once(session, region, member, make_member, propose, now):
    from govern.notifications import service as notifications

    other = make_member()
    proposal = propose(member, closes_in=timedelta(hours=30))
    proposals.cast_ballot(session, member, proposal.id, "yes", now)
    assert proposals.send_closing_reminders(session, now) == 0  # more than a day left
    assert proposals.send_closing_reminders(session, now + timedelta(hours=7)) == 1
    assert proposals.send_closing_reminders(session, now + timedelta(hours=8)) == 0
    assert notifications.unread_count(session, other.id) == 1
    assert notifications.unread_count(session, member.id) == 0


def test_ballots_are_published_by_receipt_only_after_close(session, region, member, make_member, propose, now):
    other = make_member()
    proposal = propose(member)
    receipt = proposals.cast_ballot(session, other, proposal.id, "yes", now).receipt
    with pytest.raises(Conflict):
        proposals.published_ballots(session, proposal, before=None, limit=10)
    proposals.close_proposal(session, proposal.id, now + timedelta(days=3))
    [published] = proposals.published_ballots(session, proposal, before=None, limit=10)
    assert published.receipt == receipt


def test_a_tally_counts_in_sql_without_loading_ballots_one_by_one(session, region, member, make_member, propose, now):
    voters = [make_member() for _ in range(5)]
    proposal = propose(member)
    rows = [{"proposal_id": proposal.id, "member_id": voter.id, "choice": choice, "receipt": f"r{i}", "cast_at": now}
            for i, (voter, choice) in enumerate(zip(voters, ("yes", "yes", "no", "abstain", "yes")))]
    session.execute(insert(Ballot), rows)
    session.commit()
    loaded = []
    listener = lambda target, context: loaded.append(target)  # noqa: E731
    event.listen(Ballot, "load", listener)
    try:
        proposals.close_proposal(session, proposal.id, now + timedelta(days=3))
    finally:
        event.remove(Ballot, "load", listener)
    assert loaded == []
    assert proposal.tally["yes"] == 3 and proposal.tally["no"] == 1 and proposal.tally["abstain"] == 1
    assert proposal.status == "executed"


def test_leaving_after_the_deadline_does_not_change_a_finished_vote(session, region, member, make_member, propose, now):
    yes_voters = [make_member(), make_member()]
    proposal = propose(member)
    for voter in yes_voters:
        proposals.cast_ballot(session, voter, proposal.id, "yes", now)
    proposals.cast_ballot(session, member, proposal.id, "no", now)
    after = now + timedelta(days=2, minutes=5)
    for voter in yes_voters:
        members.leave(session, voter, after)
    proposals.close_proposal(session, proposal.id, after)
    assert proposal.tally["yes"] == 2 and proposal.status == "executed"


def test_whole_number_parameters_refuse_fractional_ballots(session, region, member, propose, now):
    proposal = propose(member, "parameter", {"name": "execution_confirmations", "min": "1", "max": "5"})
    with pytest.raises(ValidationError):
        proposals.cast_ballot(session, member, proposal.id, "2.5", now)
    proposals.cast_ballot(session, member, proposal.id, "3", now)


def test_a_member_who_left_cannot_cancel_their_proposal(session, region, member, propose, now):
    proposal = propose(member)
    members.leave(session, member, now)
    with pytest.raises(Forbidden):
        proposals.cancel_proposal(session, member, proposal.id, now)


def test_a_secret_ballot_shows_no_running_tally(session, region, member, propose):
    with pytest.raises(ValidationError) as error:
        propose(member, voting={"secret": True, "results_visible": True})
    assert "voting.results_visible" in error.value.fields
