"""Promise 1, enforced by the database itself: entries and postings are append-only (UPDATE and
DELETE refused on SQLite and PostgreSQL), and on PostgreSQL an entry whose postings do not sum
to zero per currency is refused at COMMIT by a deferred constraint trigger (migration
0010_ledger_balance_trigger; SQLite has no deferred triggers, so there `ledger.service.post` alone
enforces it and `verify` checks it)."""
from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from govern.ledger import exchange, transfers
from govern.ledger import service as ledger
from govern.ledger.models import LedgerEntry, Posting
from govern.money import Money
from tests.conftest import PG_URL
from tests.funding import buy_rsc

requires_postgres = pytest.mark.skipif(not PG_URL, reason="deferred constraint triggers exist on PostgreSQL only")


@pytest.fixture
def three_entries(session, make_member, now):
    """Entry 1: Alice buys 100 RSC; 2: Bob buys 50; 3: Alice pays Bob 10."""
    alice, bob = make_member(name="Alice"), make_member(name="Bob")
    buy_rsc(session, alice, 100_00, now)
    buy_rsc(session, bob, 50_00, now)
    transfers.transfer(session, alice, bob.id, Money(10_00, "RSC"), "lunch", now)
    session.commit()
    return alice.id, bob.id


def ledger_rows(session) -> tuple[list, list]:
    session.expire_all()
    postings = session.execute(select(Posting.entry_id, Posting.account_id, Posting.currency, Posting.amount)
                               .order_by(Posting.id)).all()
    entries = session.execute(select(LedgerEntry.id, LedgerEntry.memo, LedgerEntry.hash, LedgerEntry.prev_hash)
                              .order_by(LedgerEntry.id)).all()
    return postings, entries


REFUSED_STATEMENTS = [
    "UPDATE postings SET amount = amount + 100 WHERE entry_id = 2",
    "UPDATE postings SET account_id = account_id + 1 WHERE entry_id = 3",
    "DELETE FROM postings WHERE entry_id = 3",
    "DELETE FROM postings",
    "UPDATE ledger_entries SET memo = 'edited' WHERE id = 2",
    "UPDATE ledger_entries SET hash = prev_hash WHERE id = 1",
    "DELETE FROM ledger_entries WHERE id = 3",
    "DELETE FROM ledger_entries",
]


def test_raw_sql_update_and_delete_on_ledger_tables_are_refused(session, three_entries):
    before = ledger_rows(session)
    session.commit()

    for statement in REFUSED_STATEMENTS:
        with pytest.raises(DBAPIError, match="append-only"):
            session.execute(text(statement))
            session.commit()
        session.rollback()
        assert ledger_rows(session) == before, statement

    assert ledger.verify(session).ok


def _insert_posting(session, entry_id: int, account_id: int, currency: str, amount: int) -> None:
    session.execute(text("INSERT INTO postings (entry_id, account_id, currency, amount) "
                         "VALUES (:entry_id, :account_id, :currency, :amount)"),
                    {"entry_id": entry_id, "account_id": account_id, "currency": currency, "amount": amount})


def _insert_entry(session, entry_id: int) -> None:
    session.execute(text(
        "INSERT INTO ledger_entries (id, created_at, memo, cause_type, fingerprint, prev_hash, hash) "
        "VALUES (:id, now(), 'raw', 'test', 'x', 'x', :hash)"), {"id": entry_id, "hash": f"raw-{entry_id}"})


def _wallets(session, *member_ids) -> list[int]:
    return [exchange.member_wallet(session, member_id).id for member_id in member_ids]


UNBALANCED_ENTRIES = [
    ([(0, 5_00), (1, -4_00)], "ledger entry 4 does not sum to zero in RSC"),
    ([(0, 5_00)], "ledger entry 4 needs at least two postings"),
    ([], "ledger entry 4 needs at least two postings"),
]


@pytest.mark.postgres_only
@requires_postgres
def test_postgres_refuses_a_new_unbalanced_entry_at_commit(session, three_entries):
    wallets = _wallets(session, *three_entries)
    before = ledger_rows(session)
    session.commit()

    for postings, problem in UNBALANCED_ENTRIES:
        _insert_entry(session, 4)
        for wallet, amount in postings:
            _insert_posting(session, 4, wallets[wallet], "RSC", amount)
        session.flush()  # every statement ran: only COMMIT checks the balance
        with pytest.raises(DBAPIError, match=problem):
            session.commit()
        session.rollback()
        assert ledger_rows(session) == before, postings

    assert ledger.verify(session).ok


@pytest.mark.postgres_only
@requires_postgres
def test_postgres_refuses_an_unbalanced_posting_added_to_an_old_entry_at_commit(session, three_entries):
    wallets = _wallets(session, *three_entries)
    before = ledger_rows(session)
    session.commit()

    _insert_posting(session, 2, wallets[1], "RSC", 1)
    with pytest.raises(DBAPIError, match="ledger entry 2 does not sum to zero in RSC"):
        session.commit()
    session.rollback()

    assert ledger_rows(session) == before


@pytest.mark.postgres_only
@requires_postgres
def test_postgres_checks_the_balance_when_the_entry_is_complete_not_after_each_posting(session, three_entries):
    """The check is deferred: an entry written in several statements (payroll writes its postings
    in batches) is judged whole. A posting added after an entry was checked is checked again."""
    alice_wallet, bob_wallet = _wallets(session, *three_entries)
    session.commit()

    _insert_entry(session, 4)
    _insert_posting(session, 4, alice_wallet, "RSC", -3_00)
    _insert_posting(session, 4, bob_wallet, "RSC", 2_00)
    _insert_posting(session, 4, bob_wallet, "RSC", 1_00)
    session.execute(text("SET CONSTRAINTS ALL IMMEDIATE"))  # runs the pending checks now: they pass
    with pytest.raises(DBAPIError, match="ledger entry 4 does not sum to zero in RSC"):
        _insert_posting(session, 4, bob_wallet, "RSC", 1)  # checked at once from here on
    session.rollback()

