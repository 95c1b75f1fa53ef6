"""The treasury's pages: a member adds money, the board works through its treasury page, and
anyone reads the reconciliation."""
from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from govern.ledger import exchange
from govern.ledger.models import UsdPayout
from govern.money import Money
from govern.treasury import service as treasury
from govern.treasury.models import Deposit
from tests.funding import buy_rsc
from tests.conftest import TEST_PASSWORD


def log_in(client, member):
    assert client.post("/login", data={"email": member.email, "password": TEST_PASSWORD}).status_code == 302
    return client


def flashes(client):
    """The messages the last requests flashed (read once, as a page shows them)."""
    with client.session_transaction() as cookie:
        return [message for _, message in cookie.pop("_flashes", [])]


@pytest.fixture
def board(make_member):
    return make_member(name="Bea Board", email="bea@example.org", board=True)


@pytest.fixture
def board_client(app, board):
    return log_in(app.test_client(), board)


def test_adding_money_gives_a_reference_and_the_cooperatives_bank_details(client, member, board, session, now):
    treasury.set_bank_details(session, board, "Riverside Co-op\nMill Bank, account 12-3456-7", now)
    log_in(client, member)
    page = client.get("/add-money").get_data(as_text=True)
    assert "Mill Bank, account 12-3456-7" in page and "1 USD = 1 RSC" in page

    response = client.post("/add-money", data={"amount": "250.00"})

    deposit = session.execute(select(Deposit)).scalar_one()
    assert response.status_code == 302 and response.headers["Location"] == f"/deposits/{deposit.id}"
    assert any(deposit.reference in message for message in flashes(client))
    shown = client.get(f"/deposits/{deposit.id}").get_data(as_text=True)
    assert deposit.reference in shown and "250.00 USD" in shown and "Mill Bank, account 12-3456-7" in shown
    assert "not yet" in shown  # no RSC issued
    assert deposit.reference in client.get("/dashboard").get_data(as_text=True)  # money on its way
    assert exchange.member_wallet(session, member.id).balance == 0


@pytest.mark.parametrize("amount, problem", [("abc", "must be an amount such as 12.50"), ("0", "more than zero"),
                                             ("1000000000.01", "at most 1000000000.00")])
def test_a_bad_amount_is_shown_next_to_the_field_and_claims_nothing(client, member, session, amount, problem):
    log_in(client, member)
    response = client.post("/add-money", data={"amount": amount})
    assert response.status_code == 400
    assert re.search(r'class="field has-error".*?' + re.escape(problem), response.get_data(as_text=True), re.S)
    assert session.execute(select(Deposit)).first() is None


def test_a_deposit_page_is_its_claimers_and_the_boards(client, app, member, make_member, board, session, now):
    deposit = treasury.request_conversion(session, member, Money(10_00, "USD"), now)
    log_in(client, make_member())
    assert client.get(f"/deposits/{deposit.id}").status_code == 404
    board_page = log_in(app.test_client(), board).get(f"/deposits/{deposit.id}").get_data(as_text=True)
    assert "The money arrived" in board_page and "Reject" in board_page


def test_the_board_confirms_and_rejects_from_its_treasury_page_with_a_message_each_time(
        board_client, member, session, now):
    keep, drop = (treasury.request_conversion(session, member, Money(40_00, "USD"), now),
                  treasury.request_conversion(session, member, Money(5_00, "USD"), now))
    page = board_client.get("/treasury").get_data(as_text=True)
    assert keep.reference in page and drop.reference in page and "Alice" in page

    confirmed = board_client.post(f"/deposits/{keep.id}/confirm", data={"bank_reference": "MB-0042"})
    assert confirmed.status_code == 302 and confirmed.headers["Location"].endswith("/treasury#deposits")
    assert flashes(board_client) == [f"Deposit {keep.reference} confirmed: 40.00 RSC issued."]
    board_client.post(f"/deposits/{drop.id}/reject", data={"reason": "No transfer in 30 days"})
    assert flashes(board_client) == [f"Deposit {drop.reference} rejected; its claimer is told why."]
    board_client.post(f"/deposits/{drop.id}/confirm", data={"bank_reference": "MB-7"})
    assert flashes(board_client) == ["This deposit is already rejected."]
    board_client.post(f"/deposits/{keep.id}/confirm", data={"bank_reference": ""})
    assert flashes(board_client) == ["Bank reference: This field is required."]

    assert exchange.member_wallet(session, member.id).balance == 40_00
    assert "No deposit is waiting." in board_client.get("/treasury").get_data(as_text=True)


def test_a_statement_uploaded_on_the_page_confirms_and_lists_what_is_left(board_client, board, member, session, now):
    deposit = treasury.request_conversion(session, member, Money(12_50, "USD"), now)
    statement = (f"date,amount,reference\n2026-11-20,12.50,{deposit.reference}\n2026-11-21,-1.00,Account fee\n"
                 ).encode("cp1252")

    response = board_client.post("/treasury/statements", data={
        "format": "csv", "balance": "11.50", "statement": (io.BytesIO(statement), "november.csv")},
        content_type="multipart/form-data")

    assert response.status_code == 302
    assert flashes(board_client) == ["Statement imported: 1 deposit confirmed, 0 payouts settled, 1 line to look at, "
                                     "0 seen before."]
    shown = board_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Account fee" in shown and "11.50 USD" in shown and f"deposit {deposit.id}" in shown
    treasury_page = board_client.get("/treasury").get_data(as_text=True)
    assert "Account fee" in treasury_page and "0.00 USD" in treasury_page  # bank − ledger
    [line] = treasury.statement_lines(session, board)
    board_client.post(f"/treasury/lines/{line.id}/dismiss", data={"note": "Bank fee"})
    assert flashes(board_client) == ["The line is set aside with your note."]
    assert "Every line is accounted for." in board_client.get("/treasury").get_data(as_text=True)


def test_an_unreadable_statement_is_shown_next_to_the_file_field(board_client):
    response = board_client.post("/treasury/statements", data={
        "format": "csv", "balance": "", "statement": (io.BytesIO(b"when,what\n1,2\n"), "x.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 400
    assert "the header must name date, amount, reference" in response.get_data(as_text=True)


def test_the_board_pays_payouts_in_a_batch_from_the_page_and_exports_them_for_the_bank(
        board_client, member, session, now):
    buy_rsc(session, member, 100_00, now)
    for amount in (10_00, 20_00):
        exchange.convert(session, member, "rsc_to_usd", Money(amount, "RSC"), now)
    treasury.set_payout_account(session, member, "=cmd|' /C calc'!A0 IBAN DE00", now)
    ids = list(session.execute(select(UsdPayout.id).order_by(UsdPayout.id)).scalars())

    exported = board_client.get("/treasury/payouts.csv")

    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    rows = exported.get_data(as_text=True).splitlines()
    assert rows[0] == "payout_id,reference,member_id,name,pay_to,amount,currency,owed_since"
    assert rows[1].startswith(f"{ids[0]},PAY-{ids[0]}-") and ",'=cmd|' /C calc'!A0 IBAN DE00,10.00,USD," in rows[1]
    board_client.post("/treasury/payouts/paid", data={"bank_reference": "BATCH-11", "payout_id": [str(i) for i in ids]})
    assert flashes(board_client) == ["2 payouts of 30.00 USD in all marked paid."]
    assert board_client.get("/treasury/payouts.csv").get_data(as_text=True).count("\n") == 1  # the header alone
    board_client.post("/treasury/payouts/paid", data={"bank_reference": "BATCH-12"})
    assert flashes(board_client) == ["Tick the payouts the bank paid."]


def test_the_bank_details_are_published_from_the_treasury_page(board_client, client, member):
    board_client.post("/treasury/bank-details", data={"details": "Mill Bank <b>12-3456-7</b>"})
    assert flashes(board_client) == ["The bank details are published on the add-money page."]
    page = log_in(client, member).get("/add-money").get_data(as_text=True)
    assert "Mill Bank &lt;b&gt;12-3456-7&lt;/b&gt;" in page
    assert board_client.post("/treasury/bank-details", data={"details": ""}).status_code == 400


def test_the_treasury_page_is_the_boards_only(client, member):
    log_in(client, member)
    assert client.get("/treasury").status_code == 404
    assert client.get("/treasury/payouts.csv").status_code == 404


def test_the_reconciliation_is_public_with_its_history(client, board, member, region, session, now):
    buy_rsc(session, member, 70_00, now)
    treasury.import_statement(session, board, "csv", "date,amount,reference\n2026-11-20,70.00,x\n", now,
                              balance=Money(72_00, "USD"))
    page = client.get(f"/treasury/reconciliation?region={region.id}").get_data(as_text=True)
    assert "70.00 USD" in page and "72.00 USD" in page and "2.00 USD" in page and "2026-11-20" in page
    assert "Treasury" in client.get("/records").get_data(as_text=True)


def test_a_companys_income_is_claimed_on_its_page_and_waits_for_the_bank(client, member, session, now):
    from govern.companies import service as companies

    company = companies.register_company(session, member, "Bikes", "bicycle repair", now)
    log_in(client, member)
    response = client.post(f"/companies/{company.id}/income", data={"amount": "300.00", "memo": "School bikes"})
    deposit = session.execute(select(Deposit)).scalar_one()
    assert response.headers["Location"] == f"/deposits/{deposit.id}"
    assert any("Income of 300.00 USD claimed" in message and deposit.reference in message
               for message in flashes(client))
    assert companies.company_account(session, company.id).balance == 0
