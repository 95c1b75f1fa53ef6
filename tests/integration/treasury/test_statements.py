"""Bank statements: a credit quoting a pending deposit's reference, for its amount, confirms it; a
debit quoting an owed payout's reference settles it; every line is remembered, so the same
statement twice confirms nothing new; the rest waits for the board."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from govern.errors import Conflict, Forbidden, ValidationError
from govern.ledger import contributions, exchange, service as ledger
from govern.ledger.models import LedgerEntry, UsdPayout
from govern.money import Money
from govern.regions import service as regions
from govern.treasury import service as treasury
from govern.treasury.models import StatementLine
from tests.funding import buy_rsc


def entries(session) -> int:
    return session.execute(select(func.count()).select_from(LedgerEntry)).scalar_one()


def claim(session, member, minor, now):
    return treasury.request_conversion(session, member, Money(minor, "USD"), now)


def csv_statement(*rows: tuple[str, str, str]) -> str:
    return "date,amount,reference\n" + "".join(f"{d},{a},{r}\n" for d, a, r in rows)


def test_a_statement_confirms_exactly_the_matching_deposits_and_lists_the_rest(session, member, bob, board, now):
    alice_pays, bob_pays, bob_short, never = (claim(session, member, 100_00, now), claim(session, bob, 40_00, now),
                                              claim(session, bob, 25_00, now), claim(session, member, 5_00, now))
    text = csv_statement(
        ("2026-11-20", "100.00", f"Transfer from A Smith {alice_pays.reference.lower().replace('-', ' ')}"),
        ("2026-11-20", "40.00", bob_pays.reference.replace("-", "")),
        ("2026-11-21", "24.00", bob_short.reference),  # the wrong amount: the board looks at it
        ("2026-11-21", "7.00", "no reference at all"),
        ("2026-11-22", "-3.00", "Account fee"),
    )

    result = treasury.import_statement(session, board, "csv", text, now)

    assert sorted(result.matched) == sorted([alice_pays.id, bob_pays.id])
    assert [(line.amount_minor, line.reference) for line in result.unmatched] == [
        (24_00, bob_short.reference), (7_00, "no reference at all"), (-3_00, "Account fee")]
    assert (result.known, result.settled) == (0, [])
    assert exchange.member_wallet(session, member.id).balance == 100_00
    assert exchange.member_wallet(session, bob.id).balance == 40_00
    assert {d.id: d.status for d in (bob_short, never)} == {bob_short.id: "pending", never.id: "pending"}
    matched = session.execute(select(StatementLine).where(StatementLine.deposit_id == alice_pays.id)).scalar_one()
    assert (matched.status, matched.resolved_by) == ("matched", board.id)
    assert ledger.verify(session).ok


def test_the_same_statement_twice_confirms_nothing_new(session, member, board, now):
    deposit = claim(session, member, 100_00, now)
    text = csv_statement(("2026-11-20", "100.00", deposit.reference), ("2026-11-20", "-1.00", "fee"))
    treasury.import_statement(session, board, "csv", text, now)
    posted = entries(session)

    again = treasury.import_statement(session, board, "csv", text, now)

    assert (again.matched, again.unmatched, again.known) == ([], [], 2)
    assert entries(session) == posted
    assert exchange.member_wallet(session, member.id).balance == 100_00
    assert session.execute(select(func.count()).select_from(StatementLine)).scalar_one() == 2


def test_an_overlapping_statement_adds_only_its_new_lines_and_two_equal_transfers_are_two_lines(
        session, member, board, now):
    first, second = claim(session, member, 10_00, now), claim(session, member, 10_00, now)
    november = csv_statement(("2026-11-20", "-2.00", "fee"), ("2026-11-20", "-2.00", "fee"),
                             ("2026-11-25", "10.00", first.reference))
    treasury.import_statement(session, board, "csv", november, now)
    overlapping = csv_statement(("2026-11-20", "-2.00", "fee"), ("2026-11-20", "-2.00", "fee"),
                                ("2026-11-25", "10.00", first.reference), ("2026-12-01", "10.00", second.reference))

    result = treasury.import_statement(session, board, "csv", overlapping, now)

    assert (result.matched, result.known) == ([second.id], 3)
    assert exchange.member_wallet(session, member.id).balance == 20_00
    assert len(treasury.statement_lines(session, board)) == 2  # the two fees, still unexplained


def test_an_ofx_statement_confirms_by_reference_and_keeps_its_ledger_balance(session, member, board, region, now):
    deposit = claim(session, member, 100_00, now)
    ofx = OFX.format(reference=deposit.reference, balance="1095.00")

    result = treasury.import_statement(session, board, "ofx", ofx, now)

    assert result.matched == [deposit.id]
    assert (result.statement.closing_balance_minor, str(result.statement.statement_date)) == (1095_00, "2026-11-26")
    assert session.get(type(deposit), deposit.id).bank_reference == "A1"  # the bank's FITID
    assert treasury.import_statement(session, board, "ofx", ofx, now).known == 2
    assert treasury.reconciliation(session, region.id).bank_balance == 1095_00


def test_a_debit_quoting_an_owed_payout_settles_it_and_a_paid_one_is_only_linked(session, member, board, now):
    buy_rsc(session, member, 100_00, now)
    exchange.convert(session, member, "rsc_to_usd", Money(30_00, "RSC"), now)
    exchange.convert(session, member, "rsc_to_usd", Money(20_00, "RSC"), now)
    owed, settled_by_hand = session.execute(select(UsdPayout).order_by(UsdPayout.id)).scalars().all()
    treasury.settle_payouts(session, board, [settled_by_hand.id], "MB-HAND", now)
    posted = entries(session)

    result = treasury.import_statement(session, board, "csv", csv_statement(
        ("2026-11-23", "-30.00", f"Payout {owed.reference}"), ("2026-11-23", "-20.00", settled_by_hand.reference),
        ("2026-11-23", "-20.00", settled_by_hand.reference.replace("-", " ")[:-1] + "0")), now)  # a wrong check digit

    assert result.settled == [owed.id]
    line_id = session.execute(select(StatementLine.id).where(StatementLine.payout_id == owed.id)).scalar_one()
    assert (owed.status, owed.bank_reference) == ("paid", f"statement line {line_id}")
    assert entries(session) == posted + 1
    lines = {line.reference: line for line in session.execute(select(StatementLine)).scalars()}
    assert lines[settled_by_hand.reference].payout_id == settled_by_hand.id  # the bank shows the transfer made by hand
    assert [line.amount_minor for line in result.unmatched] == [-20_00]
    assert ledger.verify(session).ok


def test_a_match_the_pool_cannot_pay_stays_on_the_list_with_a_note(session, member, bob, board, region, now):
    regions.set_parameter(session, region.id, "exchange_rate", "1.05", cause_type="test", cause_id=None, now=now)
    deposit = claim(session, member, 100_00, now)

    result = treasury.import_statement(session, board, "csv", csv_statement(("2026-11-20", "100.00", deposit.reference)),
                                       now)

    assert result.matched == []
    [line] = result.unmatched
    assert "capital pool cannot pay" in line.note and deposit.reference in line.note
    assert session.get(type(deposit), deposit.id).status == "pending" and entries(session) == 0
    # Once the pool can pay, the board confirms it by hand (still at 1.05) and names the line.
    regions.set_parameter(session, region.id, "exchange_rate", "1", cause_type="test", cause_id=None, now=now)
    buy_rsc(session, bob, 10_00, now)
    contributions.contribute(session, bob, Money(10_00, "RSC"), public=False, now=now)
    treasury.confirm_deposit(session, board, deposit.id, "MB-1", now, statement_line_id=line.id)
    assert (session.get(StatementLine, line.id).status, deposit.credited_minor) == ("matched", 105_00)


def test_a_line_matched_by_hand_must_be_unmatched_and_for_the_deposits_amount(session, member, board, now):
    small, big = claim(session, member, 10_00, now), claim(session, member, 99_00, now)
    result = treasury.import_statement(session, board, "csv", csv_statement(("2026-11-20", "50.00", "cash")), now)
    [line] = result.unmatched
    with pytest.raises(ValidationError) as wrong_amount:
        treasury.confirm_deposit(session, board, small.id, "MB-1", now, statement_line_id=line.id)
    assert "statement_line_id" in wrong_amount.value.fields
    treasury.dismiss_line(session, board, line.id, "A cash deposit the treasurer made, booked elsewhere", now)
    with pytest.raises(Conflict):
        treasury.dismiss_line(session, board, line.id, "again", now)
    assert treasury.statement_lines(session, board) == []
    assert [line.note for line in treasury.statement_lines(session, board, status="dismissed")] == [
        "A cash deposit the treasurer made, booked elsewhere"]
    assert {small.status, big.status} == {"pending"} and entries(session) == 0


def test_only_the_board_imports_and_reads_statements(session, member, now):
    with pytest.raises(Forbidden):
        treasury.import_statement(session, member, "csv", csv_statement(("2026-11-20", "1.00", "x")), now)
    with pytest.raises(Forbidden):
        treasury.statement_lines(session, member)


@pytest.mark.parametrize("fmt, content, field", [
    ("pdf", "date,amount,reference\n2026-11-20,1.00,x\n", "format"),
    ("csv", "", "content"),
    ("csv", "when,how much\n2026-11-20,1.00\n", "content"),
    ("csv", "date,amount,reference\n20/11/2026,1.00,x\n", "content"),
    ("csv", "date,amount,reference\n2026-11-20,1.005,x\n", "content"),
    ("csv", "date,amount,reference\n2026-11-20,1000000000.01,x\n", "content"),
    ("ofx", "<OFX>nothing</OFX>", "content"),
])
def test_a_statement_that_cannot_be_read_is_refused_and_changes_nothing(session, board, now, fmt, content, field):
    with pytest.raises(ValidationError) as refused:
        treasury.import_statement(session, board, fmt, content, now)
    assert field in refused.value.fields
    assert session.execute(select(func.count()).select_from(StatementLine)).scalar_one() == 0


OFX = """OFXHEADER:100
DATA:OFXSGML
VERSION:102
SECURITY:NONE
ENCODING:USASCII
CHARSET:1252
COMPRESSION:NONE
OLDFILEUID:NONE
NEWFILEUID:NONE

<OFX>
<SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS><DTSERVER>20261126120000<LANGUAGE>ENG</SONRS></SIGNONMSGSRSV1>
<BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS>
<STMTRS><CURDEF>USD<BANKACCTFROM><BANKID>121000248<ACCTID>123456789<ACCTTYPE>CHECKING</BANKACCTFROM>
<BANKTRANLIST><DTSTART>20261101<DTEND>20261126
<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20261120<TRNAMT>100.00<FITID>A1<NAME>ALICE SMITH<MEMO>{reference}</STMTTRN>
<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20261121<TRNAMT>-5.00<FITID>A2<NAME>ACCOUNT FEE</STMTTRN>
</BANKTRANLIST>
<LEDGERBAL><BALAMT>{balance}<DTASOF>20261126</LEDGERBAL>
</STMTRS></STMTTRNRS></BANKMSGSRSV1>
</OFX>
"""
