"""Promise: the public beancount export (GET /api/v1/records/ledger.beancount without a token)
shows members' wallets and worker-owned companies' accounts only summed, one `Assets:Private`
posting per currency, with no account id, no balance and no cause id that could lead to one; the
board downloads its own region one by one. Found by a hostile visitor: summing one wallet account's
postings gave that member's exact balance, and a payment of 0.01 showed which wallet was theirs."""
from __future__ import annotations

import re

import pytest
from beancount import loader
from beancount.core import data

from govern.extensions import db
from govern.ledger import exchange, service as ledger
from govern.ledger.models import USD_RESERVE, LedgerEntry
from govern.members import service as members
from govern.records.exports import PRIVATE_ACCOUNT
from tests.conftest import TEST_PASSWORD
from tests.funding import buy_rsc, record_income
from tests.security.conftest import bearer_token, build_scenario

EXPORT = "/api/v1/records/ledger.beancount"


@pytest.fixture
def scenario(app, now):
    return build_scenario(db.session, now)


def _export(client, token: str | None = None) -> str:
    response = client.get(EXPORT, headers={"Authorization": f"Bearer {token}"} if token else {})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _load(text: str) -> list:
    entries, errors, _ = loader.load_string(text)
    assert errors == [], [error.message for error in errors]
    return entries


def _opened_ids(entries) -> set[int]:
    return {int(e.meta["account_id"]) for e in entries if isinstance(e, data.Open) and "account_id" in e.meta}


def _transactions(entries) -> dict[int, data.Transaction]:
    return {int(e.meta["entry_id"]): e for e in entries if isinstance(e, data.Transaction)}


def test_the_public_export_names_no_private_account_and_still_adds_up(app, scenario):
    text = _export(app.test_client())
    entries = _load(text)  # bean-check's own loader: balanced transactions, true balance assertions
    opened = _opened_ids(entries)
    assert scenario.pool_account_id in opened
    assert scenario.member_wallet_id not in opened and scenario.company_account_id not in opened
    for account_id in (scenario.member_wallet_id, scenario.company_account_id):
        assert not re.search(rf"(Wallet|account_id: ){account_id}\b", text)
    assert "Mia Member" not in text and scenario.member_email not in text
    for transaction in _transactions(entries).values():
        private = [p.units.currency for p in transaction.postings if p.account == PRIVATE_ACCOUNT]
        assert len(private) == len(set(private))  # at most one summed line per currency
    balances = [e for e in entries if isinstance(e, data.Balance) and e.account == PRIVATE_ACCOUNT]
    assert [b.amount.currency for b in balances] == ["RSC"]


def test_a_payment_of_one_cent_does_not_tell_whose_wallet_it_reached(app, scenario, now):
    client = app.test_client()
    admin = members.get_member(db.session, scenario.admin_id)
    buy_rsc(db.session, admin, 100, now)
    attacker = bearer_token(client, scenario.admin_email)
    paid = client.post("/api/v1/transfers", headers={"Authorization": f"Bearer {attacker}"},
                       json={"to_member_id": scenario.member_id, "amount": {"amount": "0.01", "currency": "RSC"},
                             "memo": "probe"})
    assert paid.status_code == 201
    entry_id = paid.get_json()["entry_id"]

    public = _transactions(_load(_export(client)))[entry_id]
    assert public.postings == []  # wallet to wallet: the summed lines cancel out
    assert public.narration == "Transfer" and "probe" not in public.narration

    attackers_view = _export(client, attacker)
    seen = _transactions(_load(attackers_view))[entry_id]
    assert {(p.account, str(p.units.number)) for p in seen.postings} == {
        (f"Assets:Members:Wallet{exchange.member_wallet(db.session, admin.id).id}", "-0.01"),
        (PRIVATE_ACCOUNT, "0.01")}
    assert not re.search(rf"(Wallet|account_id: ){scenario.member_wallet_id}\b", attackers_view)


def test_an_entry_that_touches_a_private_account_carries_no_cause_id(app, scenario, now):
    """A company's outside income is caused by its confirmed deposit: that id would tie the summed
    line to the company's own record of the deposit."""
    admin = members.get_member(db.session, scenario.admin_id)
    deposit = record_income(db.session, admin, scenario.company_id, 2_500, "a sale", now)
    income = db.session.get(LedgerEntry, deposit.entry_id)
    client = app.test_client()
    public = _transactions(_load(_export(client)))[income.id]
    assert (public.meta["cause_type"], public.meta["cause_id"]) == ("deposit", "")
    assert public.narration == "Deposit" and public.meta["hash"] == income.hash
    board = _transactions(_load(_export(client, bearer_token(client, scenario.board_email))))[income.id]
    assert board.meta["cause_id"] == str(deposit.id) and board.narration == income.memo


def test_a_public_accounts_entry_list_withholds_a_cause_id_that_leads_to_a_private_account(app, scenario, now):
    admin = members.get_member(db.session, scenario.admin_id)
    deposit = record_income(db.session, admin, scenario.company_id, 2_500, "a sale", now)
    income = db.session.get(LedgerEntry, deposit.entry_id)
    reserve = ledger.region_account(db.session, scenario.region_id, USD_RESERVE).id
    client = app.test_client()

    def listed(token=None):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        items = client.get(f"/api/v1/accounts/{reserve}/entries", headers=headers).get_json()["items"]
        return next(item for item in items if item["id"] == income.id)

    public = listed()
    assert public["cause"] == {"type": "deposit", "id": None}
    assert scenario.company_account_id not in {p["account_id"] for p in public["postings"]}
    assert listed(bearer_token(client, scenario.admin_email))["cause"] == {"type": "deposit", "id": str(deposit.id)}


def test_the_board_reads_its_own_region_one_by_one_and_no_other(app, scenario, now):
    client = app.test_client()
    own_board = _load(_export(client, bearer_token(client, scenario.board_email)))
    assert {scenario.member_wallet_id, scenario.company_account_id} <= _opened_ids(own_board)
    wallet_balance = exchange.member_wallet(db.session, scenario.member_id).balance
    [asserted] = [e for e in own_board if isinstance(e, data.Balance)
                  and e.account == f"Assets:Members:Wallet{scenario.member_wallet_id}"]
    assert asserted.amount.number * 100 == wallet_balance

    members.join(db.session, email="hillboard@example.org", name="Hill Board", password=TEST_PASSWORD,
                 region_id=scenario.other_region_id, board=True, now=now)
    elsewhere = _export(client, bearer_token(client, "hillboard@example.org"))
    assert scenario.member_wallet_id not in _opened_ids(_load(elsewhere))
    assert not re.search(rf"(Wallet|account_id: ){scenario.member_wallet_id}\b", elsewhere)


def test_a_member_reads_what_the_api_shows_them_and_nobody_elses(app, scenario):
    """The member works for the company, so its account is theirs to see, as `GET /accounts/{id}` says."""
    client = app.test_client()
    token = bearer_token(client, scenario.member_email)
    mine = _opened_ids(_load(_export(client, token)))
    assert {scenario.member_wallet_id, scenario.company_account_id} <= mine
    for account_id in mine:
        assert client.get(f"/api/v1/accounts/{account_id}", headers={"Authorization": f"Bearer {token}"}
                          ).status_code == 200
    others = _opened_ids(_load(_export(client, bearer_token(client, scenario.other_email))))
    assert scenario.member_wallet_id not in others and scenario.company_account_id not in others
