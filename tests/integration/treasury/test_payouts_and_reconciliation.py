"""Payouts are settled by the board with the bank's reference, once; the reconciliation sets the
reserve and the payouts owed against the bank's balance, and adds up."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from govern.errors import Conflict, Forbidden, NotFound, ValidationError
from govern.ledger import exchange, service as ledger
from govern.ledger.models import EXTERNAL, USD_PAYOUTS, USD_RESERVE, LedgerEntry, UsdPayout
from govern.money import Money
from govern.treasury import service as treasury
from tests.funding import buy_rsc


def entries(session) -> int:
    return session.execute(select(func.count()).select_from(LedgerEntry)).scalar_one()


def cash_out(session, member, minor, now) -> UsdPayout:
    conversion = exchange.convert(session, member, "rsc_to_usd", Money(minor, "RSC"), now)
    return session.execute(select(UsdPayout).where(UsdPayout.conversion_id == conversion.id)).scalar_one()


@pytest.fixture
def owed(session, member, bob, now):
    buy_rsc(session, member, 100_00, now)
    buy_rsc(session, bob, 100_00, now)
    return [cash_out(session, member, 30_00, now), cash_out(session, bob, 20_00, now),
            cash_out(session, member, 5_00, now)]


def test_a_payout_is_settled_once_from_the_payouts_owed_to_the_outside_world(session, board, region, owed, now):
    first = owed[0]
    before = ledger.region_balances(session, region.id)

    [paid] = treasury.settle_payouts(session, board, [first.id], "MB-OUT-1", now)

    assert (paid.status, paid.bank_reference, paid.paid_by) == ("paid", "MB-OUT-1", board.id)
    after = ledger.region_balances(session, region.id)
    assert after[USD_PAYOUTS] == before[USD_PAYOUTS] - 30_00 and after[EXTERNAL] == before[EXTERNAL] + 30_00
    assert after[USD_RESERVE] == before[USD_RESERVE]  # it had left the reserve when the RSC was cashed out
    entry = session.get(LedgerEntry, paid.paid_entry_id)
    assert (entry.cause_type, entry.cause_id) == ("payout", str(first.id))
    posted = entries(session)
    with pytest.raises(Conflict) as again:
        treasury.settle_payouts(session, board, [first.id], "MB-OUT-1", now)
    assert again.value.code == "payout_paid" and entries(session) == posted
    assert ledger.verify(session).ok


def test_a_batch_is_settled_all_or_nothing(session, board, owed, now):
    treasury.settle_payouts(session, board, [owed[0].id], "MB-1", now)
    posted = entries(session)
    with pytest.raises(Conflict):
        treasury.settle_payouts(session, board, [owed[1].id, owed[0].id, owed[2].id], "BATCH-9", now)
    assert entries(session) == posted
    assert [session.get(UsdPayout, p.id).status for p in owed[1:]] == ["owed", "owed"]

    paid = treasury.settle_payouts(session, board, [owed[2].id, owed[1].id], "BATCH-9", now)

    assert [p.id for p in paid] == [owed[2].id, owed[1].id] and {p.bank_reference for p in paid} == {"BATCH-9"}
    assert entries(session) == posted + 2


@pytest.mark.parametrize("ids", [[], "1", [0], [1, 1], list(range(1, 202)), [True]])
def test_a_batch_must_name_one_to_two_hundred_different_payouts(session, board, owed, now, ids):
    with pytest.raises(ValidationError) as refused:
        treasury.settle_payouts(session, board, ids, "B", now)
    assert "payout_ids" in refused.value.fields


def test_members_cannot_settle_and_another_regions_board_finds_nothing(session, member, board, other_region_board,
                                                                       owed, now):
    with pytest.raises(Forbidden):
        treasury.settle_payouts(session, member, [owed[0].id], "mine", now)
    with pytest.raises(NotFound):
        treasury.settle_payouts(session, other_region_board, [owed[0].id], "theirs", now)
    assert [p.id for p in treasury.payouts_for(session, member)] == [owed[2].id, owed[0].id]
    assert len(treasury.payouts_for(session, board, status="owed")) == 3
    assert treasury.payouts_for(session, other_region_board) == []
    assert {session.get(UsdPayout, p.id).status for p in owed} == {"owed"}


def test_the_export_for_the_bank_lists_what_is_owed_oldest_first_with_where_to_pay(session, member, bob, board, owed,
                                                                                  now):
    treasury.set_payout_account(session, member, "=HYPERLINK(\"http://evil\") IBAN DE00 1234", now)
    treasury.settle_payouts(session, board, [owed[1].id], "MB-1", now)

    rows = list(treasury.all_payouts_to_make(session, board))

    assert [(r.payout.id, r.name, r.pay_to) for r in rows] == [
        (owed[0].id, "Alice", "=HYPERLINK(\"http://evil\") IBAN DE00 1234"),
        (owed[2].id, "Alice", "=HYPERLINK(\"http://evil\") IBAN DE00 1234")]
    with pytest.raises(Forbidden):
        list(treasury.all_payouts_to_make(session, member))


def test_the_reconciliation_adds_up_against_the_banks_balance(session, member, board, region, owed, now):
    # The ledger: 200.00 bought, 55.00 cashed out (owed, still in the bank): the bank should hold 200.00.
    figures = treasury.reconciliation(session, region.id)
    assert (figures.usd_reserve, figures.payouts_owed, figures.expected_in_bank) == (145_00, 55_00, 200_00)
    assert (figures.bank_balance, figures.difference) == (None, None)

    treasury.settle_payouts(session, board, [owed[0].id], "MB-1", now)  # 30.00 left the bank
    late = treasury.request_conversion(session, member, Money(12_00, "USD"), now)  # arrived, not confirmed yet
    treasury.import_statement(session, board, "csv", "date,amount,reference,balance\n"
                              f"2026-11-30,12.00,no reference,182.00\n", now)

    now_figures = treasury.reconciliation(session, region.id)
    assert (now_figures.usd_reserve, now_figures.payouts_owed, now_figures.bank_balance) == (145_00, 25_00, 182_00)
    assert now_figures.difference == 182_00 - (145_00 + 25_00) == 12_00  # the unconfirmed deposit
    assert now_figures.statement_date == date(2026, 11, 30)

    treasury.confirm_deposit(session, board, late.id, "MB-2", now)
    settled = treasury.reconciliation(session, region.id)
    assert settled.difference == 0 and settled.usd_reserve + settled.payouts_owed == settled.bank_balance
    [history] = treasury.reconciliation_history(session, region.id)
    assert (history.bank_balance, history.usd_reserve, history.payouts_owed, history.difference) == (
        182_00, 145_00, 25_00, 12_00)  # the figures as they were at the import


def test_the_bank_details_are_published_by_the_board_with_their_history(session, member, board, region, now):
    assert treasury.bank_details(session, region.id) is None
    with pytest.raises(Forbidden):
        treasury.set_bank_details(session, member, "My own account, please", now)
    treasury.set_bank_details(session, board, "Mill Bank 12-3456", now)
    treasury.set_bank_details(session, board, "Mill Bank 12-3456-7 (new branch)", now)
    assert treasury.bank_details(session, region.id).details == "Mill Bank 12-3456-7 (new branch)"
    assert [(row.details, name) for row, name in treasury.bank_details_history(session, region.id)] == [
        ("Mill Bank 12-3456-7 (new branch)", "Bea Board"), ("Mill Bank 12-3456", "Bea Board")]
    with pytest.raises(ValidationError):
        treasury.set_bank_details(session, board, " ", now)
