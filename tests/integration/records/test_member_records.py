"""A member's own records: conversions, ballots, and the yearly statement."""
import pytest

from govern import downloads
from govern.errors import ValidationError
from govern.ledger import transfers
from govern.ledger.exchange import member_wallet
from govern.money import Money
from govern.records import service, tables
from tests.integration.records.scenario import PRIVATE_MEMO


def test_the_yearly_statement_lists_every_movement_and_adds_up_to_the_balance(session, scenario, now):
    alice = service.statement(session, scenario.alice.id, 2026)
    assert alice.opening == 0
    assert alice.closing == member_wallet(session, scenario.alice.id).balance
    assert [line.cause_type for line in alice.lines] == ["deposit", "deposit", "deposit", "transfer"]
    assert alice.money_out == -1234 and alice.money_in == 200000 + 100000 + 10500
    assert alice.lines[-1].memo == PRIVATE_MEMO
    next_year = service.statement(session, scenario.alice.id, 2027)
    assert next_year.lines == [] and next_year.opening == next_year.closing == alice.closing


def test_the_statement_csv_has_the_opening_each_line_and_the_totals(session, scenario):
    text = downloads.csv_text(*tables.statement_rows(service.statement(session, scenario.bob.id, 2026)))
    lines = text.splitlines()
    assert lines[0] == "Date,Entry,Cause,Memo,Amount (RSC),Balance (RSC)"
    assert lines[1] == "2026-01-01,,,Opening balance,,0.00"
    assert any(PRIVATE_MEMO in line and ",12.34," in line for line in lines)
    assert lines[-3:] == [",,,Total in,159.34,", ",,,Total out,-10.00,", "2026-12-31,,,Closing balance,,149.34"]


@pytest.mark.parametrize("text", ["1969", "20x6", "-1", "99999"])
def test_a_year_that_is_not_one_is_refused(text, now):
    with pytest.raises(ValidationError) as error:
        service.parse_year(text, now)
    assert "year" in error.value.fields
    assert service.parse_year(None, now) == now.year


def test_my_conversions_include_the_automatic_ones_of_my_pay(session, scenario):
    rows, _ = service.conversions_of(session, scenario.carol.id, before=None, limit=50)
    assert [(c.direction, c.debited_minor, c.credited_minor) for c in rows] == [("rsc_to_usd", 24500, 24500)]
    first, cursor = service.conversions_of(session, scenario.alice.id, before=None, limit=1)
    rest, last = service.conversions_of(session, scenario.alice.id, before=cursor, limit=50)
    assert len(first + rest) == 3 and last is None


def test_my_ballots_carry_their_receipts_and_my_own_choice(session, scenario):
    rows, _ = service.ballots_of(session, scenario.bob.id, before=None, limit=50)
    assert [proposal.id for _, proposal in rows] == [scenario.split.id, scenario.referendum.id]
    page = tables.ballots_page(rows, {}, None)
    assert [row["choice"] for row in page.tables[0].rows] == ["yes", "yes"]
    assert all(len(row["receipt"]) == 16 for row in page.tables[0].rows)


def test_text_that_could_start_a_spreadsheet_formula_is_written_as_text(session, scenario, now):
    transfers.transfer(session, scenario.alice, scenario.bob.id, Money(100, "RSC"), "=HYPERLINK(\"x\")", now)
    text = downloads.csv_text(*tables.statement_rows(service.statement(session, scenario.bob.id, 2026)))
    assert ',"\'=HYPERLINK(""x"")",1.00,' in text
    table = tables.Table("t", "T", (tables.Column("memo", "Memo"), tables.money_column("amount", "Amount")),
                         [{"memo": "+1", "amount": Money(-5, "RSC")}])
    assert downloads.csv_text(*tables.csv_rows(table)).splitlines()[1] == "'+1,-0.05"
