"""Promise 4: an operation of many legs (payroll, equipment grant, acquisition, split) applies
all or nothing. A fault is injected before each write in turn: the n-th INSERT, UPDATE or DELETE
the operation sends fails before it reaches the database, for n = 1, 2, … until the operation
completes. After every fault, every table — ledger, payslips, inventory, proposals, regions and
all the rest — is exactly as before; then the operation, run once more without a fault, applies
in full."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import event, func, select

from govern.companies import service as companies
from govern.companies import payroll
from govern.companies.models import Company
from govern.extensions import db
from govern.inventory.models import InventoryItem
from govern.ledger import service as ledger
from govern.ledger.models import LedgerEntry
from govern.members.models import Member
from govern.proposals import service as proposals
from govern.regions.models import Region
from tests.integration.acquisitions.test_stories import BAKERY, fill_pool
from tests.reliability.support import changed_tables, snapshot

WRITES = ("INSERT", "UPDATE", "DELETE")
LATER = timedelta(days=3)


class InjectedFault(RuntimeError):
    """The failure a test injects: a crash, a lost connection, a bug in the middle of an operation."""


def written_table(statement: str) -> str:
    """`INSERT INTO postings …`, `UPDATE accounts …`, `DELETE FROM ballots …` → the table's name."""
    words = statement.split()
    return (words[2] if words[0].upper() in ("INSERT", "DELETE") else words[1]).strip('"')


@contextmanager
def fault_before_write(engine, n: int):
    """The n-th write statement sent through `engine` raises instead of running. Yields the tables
    of the writes seen, in order, so the caller knows whether the fault was reached."""
    written: list[str] = []

    def before_cursor_execute(_conn, _cursor, statement, _parameters, _context, _executemany):
        if statement.lstrip().upper().startswith(WRITES):
            written.append(written_table(statement))
            if len(written) == n:
                raise InjectedFault(f"fault injected before write {n}, to {written[-1]}")

    event.listen(engine, "before_cursor_execute", before_cursor_execute)
    try:
        yield written
    finally:
        event.remove(engine, "before_cursor_execute", before_cursor_execute)


def fault_before_each_write(session, operation) -> tuple[list[str], object]:
    """Run `operation()` with a fault before its first write, then before its second, …: after
    each, nothing at all may have changed. Returns the tables the operation writes, in order, and
    its result once it completes."""
    before = snapshot(session)
    session.commit()
    n = 0
    while True:
        n += 1
        assert n < 500, "the operation never completes"
        with fault_before_write(db.engine, n) as written:
            try:
                result = operation()
            except InjectedFault:
                session.rollback()
                after = snapshot(session)
                session.commit()
                assert changed_tables(before, after) == [], f"a fault before write {n} ({written[-1]}) left changes"
                continue
        assert len(written) == n - 1, "the operation swallowed an injected fault"
        session.commit()
        return written, result


def count(session, model, *criteria) -> int:
    return session.execute(select(func.count()).select_from(model).where(*criteria)).scalar_one()


def test_a_payroll_run_applies_all_or_nothing(session, staffed_company, now):
    company_id, staff = staffed_company(workers=3)
    admin_id = staff[0]

    def run():
        admin = session.get(Member, admin_id)
        return payroll.run_payroll(session, admin, company_id, "2026-06-01", "2026-06-30", now).run.id

    written, run_id = fault_before_each_write(session, run)

    assert {"payroll_runs", "ledger_entries", "postings", "accounts", "ledger_head", "payslips", "contributions",
            "conversions", "usd_payouts", "hours_entries"} <= set(written)
    assert sorted(s.member_id for s in payroll.payslips_of_run(session, run_id)) == sorted(staff)
    assert count(session, LedgerEntry, LedgerEntry.cause_type == "payroll") == 1
    assert ledger.verify(session).ok


def vote_and_close(session, proposal, voters, now):
    for voter in voters:
        proposals.cast_ballot(session, voter, proposal.id, "yes", now)
    session.commit()
    return proposal.id


def test_an_equipment_grant_applies_all_or_nothing(session, region, make_member, propose, staffed_company, now):
    company_id, staff = staffed_company(workers=1)
    admin = session.get(Member, staff[0])
    fill_pool(session, region, make_member(), now)
    proposal = propose(admin, "equipment_grant", {"company_id": company_id, "item": "Lathe",
                                                  "cost": {"amount": "40.00", "currency": "RSC"},
                                                  "justification": "Wheels"})
    proposal_id = vote_and_close(session, proposal, [admin], now)

    written, closed_status = fault_before_each_write(
        session, lambda: proposals.close_proposal(session, proposal_id, now + LATER).status)

    assert {"proposals", "ledger_entries", "postings", "accounts", "inventory_items", "proposal_effects"} \
        <= set(written)
    assert closed_status == "executed"
    [item] = session.execute(select(InventoryItem)).scalars().all()
    assert (item.item, item.held_by_company_id, item.granted_by_proposal_id) == ("Lathe", company_id, proposal_id)
    assert companies.company_account(session, company_id).balance == 1000_00 + 40_00
    assert ledger.verify(session).ok


def test_an_acquisition_applies_all_or_nothing(session, region, member, make_member, propose, now):
    board = [make_member(board=True), make_member(board=True)]
    proposal = propose(member, "acquisition", BAKERY)
    vote_and_close(session, proposal, [member, *board], now)
    proposals.close_proposal(session, proposal.id, now + LATER)
    fill_pool(session, region, member, now)
    proposals.confirm_execution(session, board[0], proposal.id, now + LATER)
    proposal_id, confirmer_id = proposal.id, board[1].id

    def execute():
        return proposals.confirm_execution(session, session.get(Member, confirmer_id), proposal_id,
                                           now + LATER).proposal.status

    written, status = fault_before_each_write(session, execute)

    assert {"execution_confirmations", "ledger_entries", "postings", "companies", "accounts", "inventory_items",
            "invitations", "proposal_effects", "proposals"} <= set(written)
    assert status == "executed"
    assert count(session, Company, Company.name == "Corner Bakery") == 1
    assert count(session, InventoryItem) == 1
    assert {e.type for e in proposals.effects_of(session, proposal_id)} == {"entry", "company", "inventory_item",
                                                                            "invitation"}
    assert ledger.verify(session).ok


def test_a_split_applies_all_or_nothing(session, region, make_member, fund, staffed_company, now):
    north = [make_member(locality="North") for _ in range(2)]
    south = [make_member(locality="South") for _ in range(2)]
    for person in north + south:
        fund(person, 10_00)
    fill_pool(session, region, south[0], now, usd_minor=5000)
    proposal = proposals.create_proposal(
        session, north[0], kind_key="split", title="North goes", body="", min_voting_seconds=1,
        payload={"new_region_name": "Northfield", "localities": ["north"]}, closes_at=now + timedelta(days=2), now=now)
    proposal_id = vote_and_close(session, proposal, north + south, now)

    written, status = fault_before_each_write(
        session, lambda: proposals.close_proposal(session, proposal_id, now + LATER).status)

    assert {"regions", "accounts", "members", "ballots", "ledger_entries", "postings", "region_splits",
            "proposal_effects", "proposals"} <= set(written)
    assert status == "executed"
    assert count(session, Region) == 2
    northfield = session.execute(select(Region).where(Region.name == "Northfield")).scalar_one()
    assert {m.id for m in session.execute(select(Member).where(Member.region_id == northfield.id)).scalars()} \
        == {m for m in (north[0].id, north[1].id)}
    assert ledger.verify(session).ok


def test_a_passed_grant_the_pool_cannot_pay_is_rejected_and_moves_nothing(
    session, region, propose, staffed_company, now
):
    """A domain refusal inside the effect is not a crash: the proposal closes as rejected, with
    the reason, and nothing but the proposal's own row changes."""
    company_id, staff = staffed_company(workers=1)
    admin = session.get(Member, staff[0])
    proposal = propose(admin, "equipment_grant", {"company_id": company_id, "item": "Lathe", "justification": "x",
                                                  "cost": {"amount": "40.00", "currency": "RSC"}})
    proposal_id = vote_and_close(session, proposal, [admin], now)
    before = snapshot(session)

    closed = proposals.close_proposal(session, proposal_id, now + LATER)

    assert closed.status == "rejected"
    assert "could not be carried out" in closed.outcome["reason"]
    assert changed_tables(before, snapshot(session)) == ["outbox", "proposals"]  # and its voter is mailed the result
