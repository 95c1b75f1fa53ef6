"""Promise: USD is issued and paid out once. Fifty board requests confirming one deposit, or
settling one payout, at the same moment post one entry; the same statement imported by several
board members at once confirms its deposit once and remembers each line once; a confirmation and
a statement import apply all or nothing. SQLite and PostgreSQL alike."""
from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from govern.ledger import exchange, service as ledger
from govern.ledger.models import LedgerEntry, UsdPayout
from govern.members.models import Member
from govern.money import Money
from govern.treasury import service as treasury
from govern.treasury.models import Deposit, StatementLine
from tests.reliability.support import run_together, settle, unexpected
from tests.reliability.test_all_or_nothing import fault_before_each_write


def count(session, model, *criteria) -> int:
    return session.execute(select(func.count()).select_from(model).where(*criteria)).scalar_one()


def test_fifty_board_requests_confirming_one_deposit_issue_its_rsc_once(session, member, make_member, token_for,
                                                                         post_from_threads, now):
    board = make_member(board=True)
    deposit_id = treasury.request_conversion(session, member, Money(75_00, "USD"), now).id
    member_id, token = member.id, token_for(board)
    settle(session)

    answers = post_from_threads(50, f"/deposits/{deposit_id}/confirm", token, lambda i: {"bank_reference": f"MB-{i}"})

    assert Counter(status for status, _ in answers) == Counter({200: 1, 409: 49}), answers
    settle(session)
    assert count(session, LedgerEntry, LedgerEntry.cause_type == "deposit") == 1
    assert exchange.member_wallet(session, member_id).balance == 75_00
    assert ledger.verify(session).ok


def test_fifty_board_requests_settling_one_payout_pay_it_once(session, member, make_member, fund, token_for,
                                                              post_from_threads, now):
    board = make_member(board=True)
    fund(member, 50_00)
    conversion = exchange.convert(session, member, "rsc_to_usd", Money(20_00, "RSC"), now)
    payout_id = session.execute(select(UsdPayout.id).where(UsdPayout.conversion_id == conversion.id)).scalar_one()
    token = token_for(board)
    settle(session)

    answers = post_from_threads(50, f"/payouts/{payout_id}/paid", token, lambda i: {"bank_reference": f"MB-{i}"})

    assert Counter(status for status, _ in answers) == Counter({200: 1, 409: 49}), answers
    settle(session)
    assert count(session, LedgerEntry, LedgerEntry.cause_type == "payout") == 1
    assert ledger.verify(session).ok


def test_one_statement_imported_ten_times_at_once_confirms_once_and_remembers_each_line_once(
        app, session, member, make_member, now):
    board_id = make_member(board=True).id
    deposit = treasury.request_conversion(session, member, Money(30_00, "USD"), now)
    content = f"date,amount,reference\n2026-11-20,30.00,{deposit.reference}\n2026-11-21,-1.00,fee\n"
    member_id = member.id
    settle(session)

    def import_it(thread_session, i):
        board = thread_session.get(Member, board_id)
        return treasury.import_statement(thread_session, board, "csv", content, now).matched

    results = run_together(app, 10, import_it)

    assert unexpected(results) == []
    assert sorted(len(matched) for matched in results) == [0] * 9 + [1]
    settle(session)
    assert count(session, StatementLine) == 2
    assert count(session, LedgerEntry, LedgerEntry.cause_type == "deposit") == 1
    assert exchange.member_wallet(session, member_id).balance == 30_00
    assert ledger.verify(session).ok


def test_a_confirmation_applies_all_or_nothing(session, member, make_member, now):
    board_id = make_member(board=True).id
    deposit_id = treasury.request_conversion(session, member, Money(40_00, "USD"), now).id

    def confirm():
        return treasury.confirm_deposit(session, session.get(Member, board_id), deposit_id, "MB-1", now).status

    written, status = fault_before_each_write(session, confirm)

    assert {"ledger_entries", "postings", "accounts", "ledger_head", "conversions", "deposits",
            "notifications"} <= set(written)
    assert status == "confirmed" and count(session, LedgerEntry) == 1
    assert ledger.verify(session).ok


def test_a_statement_import_applies_all_or_nothing(session, member, make_member, fund, now):
    board_id = make_member(board=True).id
    fund(member, 10_00)
    exchange.convert(session, member, "rsc_to_usd", Money(5_00, "RSC"), now)
    payout = session.execute(select(UsdPayout)).scalar_one()
    deposit = treasury.request_conversion(session, member, Money(40_00, "USD"), now)
    content = (f"date,amount,reference,balance\n2026-11-20,40.00,{deposit.reference},40.00\n"
               f"2026-11-21,-5.00,{payout.reference},35.00\n2026-11-21,-1.00,fee,34.00\n")
    deposit_id = deposit.id

    def import_it():
        return treasury.import_statement(session, session.get(Member, board_id), "csv", content, now)

    written, result = fault_before_each_write(session, import_it)

    assert {"bank_statements", "bank_statement_lines", "ledger_entries", "postings", "deposits",
            "usd_payouts"} <= set(written)
    assert (result.matched, len(result.settled), len(result.unmatched)) == ([deposit_id], 1, 1)
    assert session.get(Deposit, deposit_id).status == "confirmed"
    assert ledger.verify(session).ok
