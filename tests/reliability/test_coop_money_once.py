"""Promise: the region's money comes back once. Ten scheduler runs of the surplus sweep, or of the
facilities' maintenance, at the same moment post each month once; fifty requests buying outside
with one Idempotency-Key buy once; a bankruptcy (last payroll, return, equipment) applies all or
nothing. SQLite and PostgreSQL alike."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from govern.companies import bankruptcy, hours as company_hours, service as companies, surplus
from govern.companies.models import Company, OutsidePurchase, PayrollRun, SurplusSweep
from govern.facilities import costs, service as facilities
from govern.facilities.models import MaintenancePayment
from govern.ledger import service as ledger
from govern.ledger.models import LedgerEntry
from govern.money import Money
from tests.coop import acquire
from tests.funding import fill_pool, record_income
from tests.reliability.support import run_together, settle, unexpected
from tests.reliability.test_all_or_nothing import fault_before_each_write

JANUARY_2 = datetime(2027, 1, 2, 9, 0, tzinfo=timezone.utc)


def count(session, model, *criteria) -> int:
    return session.execute(select(func.count()).select_from(model).where(*criteria)).scalar_one()


def test_ten_sweeps_at_once_sweep_each_company_once(app, session, region, member, make_member, now):
    board = [make_member(board=True), make_member(board=True)]
    _, forge = acquire(session, member, board, now)
    record_income(session, board[0], forge.id, 40_000, "gates", now + timedelta(days=4))
    forge_id = forge.id
    settle(session)

    results = run_together(app, 10, lambda thread_session, i: surplus.run_surplus_sweeps(thread_session, JANUARY_2))

    assert unexpected(results) == []
    assert sum(r["companies"] for r in results) == 1
    settle(session)
    assert count(session, SurplusSweep) == 1 and count(session, LedgerEntry, LedgerEntry.cause_type == "surplus_sweep") == 1
    assert companies.company_account(session, forge_id).balance == 20_000
    assert ledger.verify(session).ok


def test_ten_maintenance_runs_at_once_pay_each_month_once(app, session, region, member, make_member, now):
    board = make_member(board=True)
    fill_pool(session, region.id, member, 10_000, now)
    flat = facilities.create_facility(session, board, name="Flat", kind="housing", purchase=Money(0, "RSC"),
                                      maintenance=Money(1_500, "RSC"), now=now)
    costs.set_maintainer(session, board, flat.id, supplier="Roof & Co", now=now)
    settle(session)

    results = run_together(app, 10, lambda thread_session, i: costs.run_maintenance(thread_session, JANUARY_2))

    assert unexpected(results) == []
    assert sum(r["paid"] for r in results) == 2  # November and December
    settle(session)
    assert count(session, MaintenancePayment) == 2
    assert count(session, LedgerEntry, LedgerEntry.cause_type == "facility_maintenance") == 2
    assert ledger.verify(session).ok


def test_fifty_purchases_with_one_key_buy_once(session, member, token_for, post_from_threads, now):
    shop = companies.register_company(session, member, "Bikes", "bicycle repair", now)
    record_income(session, member, shop.id, 10_000, "tourists", now)
    shop_id, token = shop.id, token_for(member)
    settle(session)

    answers = post_from_threads(50, f"/companies/{shop_id}/outside-purchases", token,
                                lambda i: {"amount": {"amount": "30.00", "currency": "USD"}, "supplier": "Spokes Ltd"},
                                headers=lambda i: {"Idempotency-Key": "spokes-1"})

    assert {status for status, _ in answers} == {201}, answers
    assert len({body["id"] for _, body in answers}) == 1
    settle(session)
    assert count(session, OutsidePurchase) == 1
    assert companies.company_account(session, shop_id).balance == 7_000
    assert ledger.verify(session).ok


def test_a_bankruptcy_applies_all_or_nothing(app, session, region, member, make_member, now):
    board = make_member(board=True)
    shop = companies.register_company(session, member, "Bikes", "bicycle repair", now)
    from govern.companies import workers

    workers.set_worker(session, member, shop.id, member_id=member.id, occupation="mechanic",
                       hourly_rate=Money(2_000, "RSC"), now=now)
    record_income(session, member, shop.id, 10_000, "tourists", now)
    company_hours.enter_hours(session, member, shop.id, member_id=member.id, period_start="2026-11-02",
                              period_end="2026-11-03", hours="2", now=now)
    shop_id = shop.id

    written, _ = fault_before_each_write(session, lambda: bankruptcy.declare_bankrupt(session, board, shop_id, now))

    assert {"payroll_runs", "payslips", "ledger_entries", "companies"} <= set(written)
    assert session.get(Company, shop_id).status == "bankrupt"
    assert count(session, PayrollRun, PayrollRun.final.is_(True)) == 1
    assert companies.company_account(session, shop_id).balance == 0
    assert ledger.verify(session).ok
