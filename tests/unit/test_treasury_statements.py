"""Reading bank statements and finding references in what banks write: pure functions."""
from datetime import date

import pytest

from govern.errors import ValidationError
from govern.treasury import references, statements


def test_a_deposit_reference_is_random_and_found_however_the_bank_rewrote_it():
    reference = references.new_deposit_reference()
    assert reference.startswith("RSC-") and len(reference) == 13
    assert not set(reference[4:].replace("-", "")) & set("ILOU")
    squashed = reference.replace("-", "")
    for written in (reference, reference.lower(), squashed, f"FROM J SMITH {reference.replace('-', ' ')} THANKS",
                    f"ref:{squashed}/invoice"):
        assert references.deposit_references(written) == [reference], written
    assert references.deposit_references(squashed + "X") == []  # a longer code is another code
    assert references.new_deposit_reference() != reference


def test_a_payout_reference_carries_a_check_digit_that_catches_typos():
    assert references.payout_reference(12) == "PAY-12-5"
    assert references.payout_ids("Payout PAY-12-5 to Alice") == [12]
    assert references.payout_ids("PAY125") == [12]
    assert references.payout_ids("PAY-12-4") == [] and references.payout_ids("PAY-21-5") == []
    assert references.payout_ids("PAY-123-0 and PAY-12-5") == [12, 123]


def test_a_csv_statement_gives_its_lines_its_closing_balance_and_its_date():
    parsed = statements.parse("csv", "\ufeffReference,Date,Amount,Balance,Other\n"
                                     "RSC-AAAA-BBBB,2026-11-20,100.00,1100.00,x\n"
                                     "\n"
                                     "fee,2026-11-21,-0.50,1099.50,y\n")
    assert [(line.posted_on, line.amount_minor, line.reference) for line in parsed.lines] == [
        (date(2026, 11, 20), 100_00, "RSC-AAAA-BBBB"), (date(2026, 11, 21), -50, "fee")]
    assert (parsed.closing_balance_minor, parsed.statement_date) == (1099_50, date(2026, 11, 21))


def test_two_identical_lines_are_two_lines_and_the_same_line_hashes_alike_in_every_import():
    text = "date,amount,reference\n2026-11-20,-2.00,fee\n2026-11-20,-2.00,fee\n"
    first, second = statements.parse("csv", text).lines
    assert first.line_hash != second.line_hash
    assert [line.line_hash for line in statements.parse("csv", text + "2026-11-21,1.00,x\n").lines][:2] == [
        first.line_hash, second.line_hash]


@pytest.mark.parametrize("content, problem", [
    ("date,amount\n2026-11-20,1.00\n", "missing: reference"),
    ("date,amount,reference\n2026-02-30,1.00,x\n", "row 2: '2026-02-30' is not a date"),
    ("date,amount,reference\n2026-11-20,0.00,x\n", "moves nothing"),
    ("date,amount,reference\n2026-11-20,NaN,x\n", "not an amount"),
    ("date,amount,reference\n2026-11-20,1e5,x\n", "not an amount"),
    ("date,amount,reference\n2026-11-20,-1000000000.01,x\n", "at most 1000000000.00"),
    ("date,amount,reference\n", "no transactions"),
    ("date,amount,reference\n2026-11-20,1.00," + "x" * 301 + "\n", "longer than 300"),
])
def test_a_csv_statement_with_a_bad_line_is_refused_naming_the_line(content, problem):
    with pytest.raises(ValidationError) as refused:
        statements.parse("csv", content)
    assert problem in refused.value.fields["content"][0]


def test_a_statement_holds_at_most_five_thousand_lines():
    text = "date,amount,reference\n" + "2026-11-20,1.00,x\n" * (statements.MAX_LINES + 1)
    with pytest.raises(ValidationError, match="at most 5000 lines"):
        statements.parse("csv", text)


def test_an_ofx_statement_in_another_currency_or_unreadable_is_refused():
    from tests.integration.treasury.test_statements import OFX

    euro = OFX.format(reference="x", balance="1.00").replace("<CURDEF>USD", "<CURDEF>EUR")
    with pytest.raises(ValidationError, match="EUR, not USD"):
        statements.parse("ofx", euro)
    for junk in ("OFXHEADER:100\n\n<OFX>", "\x00\xff" * 100, "<" * 10_000):
        with pytest.raises(ValidationError, match="not an OFX statement"):
            statements.parse("ofx", junk)


def test_an_ofx_text_nesting_too_deep_never_reaches_the_parser_that_would_crash_on_it():
    """Found by trying: 300,000 nested tags made ofxtools' recursive conversion crash the whole process."""
    from tests.integration.treasury.test_statements import OFX

    header = OFX.split("<OFX>")[0]
    assert statements.ofx_depth(OFX.format(reference="x", balance="1.00")) == 6
    with pytest.raises(ValidationError, match="nest too deep"):
        statements.parse("ofx", header + "<OFX>" + "<A>" * 300_000)
