"""Who runs a region-owned company: the manager its acquisition named, or its region's board until
its workers elect admins; and the workers of any company electing and replacing their admins."""
from datetime import timedelta

import pytest

from govern.acquisitions import service as acquisitions
from govern.companies import hours as company_hours, payroll, schedules, service as companies, workers
from govern.errors import Forbidden, ValidationError
from govern.ledger import service as ledger
from govern.market import service as market
from govern.money import Money
from govern.proposals import service as proposals
from tests.conftest import TEST_PASSWORD
from tests.coop import FORGE, WELDER, acquire, invitation_for
from tests.funding import record_income

LATER = timedelta(days=4)


@pytest.fixture
def board(make_member):
    return [make_member(board=True, name="Bea"), make_member(board=True, name="Bo")]


def test_an_acquisition_without_a_manager_is_run_by_the_board_until_its_workers_elect_one(
        session, region, member, board, propose, now):
    proposal, forge = acquire(session, member, board, now)
    later = now + LATER
    assert companies.run_by_board(session, forge) and companies.admin_count(session, forge.id) == 0
    assert companies.is_admin(session, board[0], forge.id) and not companies.is_admin(session, member, forge.id)

    # The board does what the issue found refused: income, the schedule, a listing, hours and payroll.
    record_income(session, board[0], forge.id, 50_000, "gates for the park", later)
    schedules.set_pay_schedule(session, board[1], forge.id, "monthly", "2026-12-01")
    listing = market.create_listing(session, board[0], company_id=forge.id, kind="service", title="Gate repairs",
                                    description="", price=Money(4_000, "RSC"), now=later)
    _, wes = acquisitions.accept(session, invitation_for(session, proposal.id, "wes@example.org").token, member=None,
                                 password=TEST_PASSWORD, now=later)
    company_hours.enter_hours(session, board[0], forge.id, member_id=wes.id, period_start="2026-12-01",
                              period_end="2026-12-05", hours="10", now=later)
    run = payroll.run_payroll(session, board[1], forge.id, "2026-12-01", "2026-12-05", later).run
    assert (listing.company_id, run.gross_minor) == (forge.id, 22_000)  # 10 h at the invited 22.00

    # The workers elect Wes; from then on he runs it and the board does not.
    vote = propose(wes, "company_admins", {"company_id": forge.id, "admins": [wes.id]}, at=later)
    assert vote.voting["electorate"] == f"company:{forge.id}" and vote.electorate_size == 1
    proposals.cast_ballot(session, wes, vote.id, "yes", later)
    proposals.close_proposal(session, vote.id, later + timedelta(days=3))
    assert vote.status == "executed"
    assert companies.is_admin(session, wes, forge.id) and not companies.is_admin(session, board[0], forge.id)
    assert not companies.run_by_board(session, forge)
    with pytest.raises(Forbidden):
        payroll.run_payroll(session, board[0], forge.id, "2026-12-06", "2026-12-10", later)
    assert ledger.verify(session).ok


def test_another_regions_board_and_ordinary_members_do_not_run_it(session, region, member, board, make_member, now):
    from govern.regions import service as regions

    _, forge = acquire(session, member, board, now)
    elsewhere = regions.create_region(session, "Hillside", now)
    foreign_board = make_member(board=True, region_id=elsewhere.id)
    for outsider in (foreign_board, member, make_member()):
        assert not companies.is_admin(session, outsider, forge.id)
        with pytest.raises(Forbidden):
            schedules.set_pay_schedule(session, outsider, forge.id, "weekly", "2026-12-01")


def test_the_manager_the_acquisition_names_is_its_first_admin(session, region, member, board, make_member, now):
    manager = make_member(name="Mona Manager")
    _, forge = acquire(session, member, board, now, {**FORGE, "manager_member_id": manager.id})
    worker = companies.worker_of(session, forge.id, manager.id)
    assert (worker.admin, worker.occupation, worker.hourly_rate_minor) == (True, "manager", None)
    assert not companies.run_by_board(session, forge) and not companies.is_admin(session, board[0], forge.id)


def test_an_employee_named_manager_becomes_the_admin_when_they_accept(session, region, member, board, now):
    proposal, forge = acquire(session, member, board, now, {**FORGE, "employees": [{**WELDER, "manager": True}]})
    assert companies.run_by_board(session, forge)
    _, wes = acquisitions.accept(session, invitation_for(session, proposal.id, "wes@example.org").token, member=None,
                                 password=TEST_PASSWORD, now=now + LATER)
    assert companies.is_admin(session, wes, forge.id) and not companies.run_by_board(session, forge)


def test_a_manager_must_be_one_active_member_of_the_region(session, region, member, make_member, propose):
    from govern.regions import service as regions

    stranger = make_member(region_id=regions.create_region(session, "Hillside", region.created_at).id)
    for payload, field in (({**FORGE, "manager_member_id": stranger.id}, "payload.manager_member_id"),
                           ({**FORGE, "manager_member_id": 99_999}, "payload.manager_member_id"),
                           ({**FORGE, "manager_member_id": member.id, "employees": [{**WELDER, "manager": True}]},
                            "payload.manager_member_id"),
                           ({**FORGE, "employees": [{**WELDER, "manager": "yes"}]}, "payload.employees.0.manager")):
        with pytest.raises(ValidationError) as error:
            propose(member, "acquisition", payload)
        assert field in error.value.fields


def test_an_invitation_is_accepted_only_by_the_member_it_was_sent_to(session, region, member, board, make_member,
                                                                     now):
    proposal, forge = acquire(session, member, board, now)
    invitation = invitation_for(session, proposal.id, "wes@example.org")
    with pytest.raises(Forbidden):
        acquisitions.accept(session, invitation.token, member=make_member(email="not-wes@example.org"), now=now)
    wes = make_member(email="WES@example.org", name="Wes")  # the same address, written otherwise
    accepted, _ = acquisitions.accept(session, invitation.token, member=wes, now=now + LATER)
    assert accepted.status == "accepted" and companies.worker_of(session, forge.id, wes.id).kept_wage_minor == 2_200


def test_only_workers_propose_admins_and_only_workers_can_be_elected(session, region, member, make_member, propose,
                                                                      now):
    shop = companies.register_company(session, member, "Bikes", "bicycle repair", now)
    colleague = make_member(name="Col")
    workers.set_worker(session, member, shop.id, member_id=colleague.id, occupation="mechanic",
                       hourly_rate=Money(2_000, "RSC"), now=now)
    outsider = make_member(name="Out")
    with pytest.raises(Forbidden):
        propose(outsider, "company_admins", {"company_id": shop.id, "admins": [outsider.id]})
    for admins in ([outsider.id], [], [colleague.id, colleague.id], "all of us"):
        with pytest.raises(ValidationError) as error:
            propose(colleague, "company_admins", {"company_id": shop.id, "admins": admins})
        assert "payload.admins" in error.value.fields

    vote = propose(colleague, "company_admins", {"company_id": shop.id, "admins": [colleague.id]})
    with pytest.raises(Forbidden):  # the electorate is the company's workers
        proposals.cast_ballot(session, outsider, vote.id, "yes", now)
    for voter in (member, colleague):
        proposals.cast_ballot(session, voter, vote.id, "yes", now)
    proposals.close_proposal(session, vote.id, now + timedelta(days=3))
    assert vote.status == "executed"
    assert [w.member_id for w, _ in companies.workers_of(session, shop.id) if w.admin] == [colleague.id]


def test_admins_of_a_region_owned_company_are_not_named_by_hand(session, region, member, board, now):
    proposal, forge = acquire(session, member, board, now)
    _, wes = acquisitions.accept(session, invitation_for(session, proposal.id, "wes@example.org").token, member=None,
                                 password=TEST_PASSWORD, now=now + LATER)
    with pytest.raises(ValidationError) as error:
        workers.set_worker(session, board[0], forge.id, member_id=wes.id, occupation="welder", hourly_rate=None,
                           make_admin=True, now=now + LATER)
    assert "admin" in error.value.fields
    assert companies.admin_count(session, forge.id) == 0
