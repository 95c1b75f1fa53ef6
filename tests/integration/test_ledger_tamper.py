"""Editing the ledger behind the application's back: the database refuses it, and when the
append-only guard is lifted anyway, `verify` (and `flask govern verify`) name the first bad entry."""
from __future__ import annotations

import json
from contextlib import contextmanager

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from govern.ledger import exchange, transfers
from govern.ledger import service as ledger
from govern.ledger.models import CONVERSION_RSC_TO_USD, CONVERSION_USD_TO_RSC, LedgerEntry, Posting
from govern.money import Money

APPEND_ONLY_TABLES = ("ledger_entries", "postings")


def dialect(session) -> str:
    return session.get_bind().dialect.name


@contextmanager
def append_only_guard_lifted(session):
    """Turn off the triggers that keep entries and postings append-only, and put them back after."""
    session.commit()
    if dialect(session) == "postgresql":
        for table in APPEND_ONLY_TABLES:
            session.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
        session.commit()
        try:
            yield
        finally:
            session.rollback()
            for table in APPEND_ONLY_TABLES:
                session.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))
            session.commit()
        return
    for table in APPEND_ONLY_TABLES:
        for action in ("update", "delete"):
            session.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_{action}"))
    session.commit()
    try:
        yield
    finally:
        session.rollback()
        for table in APPEND_ONLY_TABLES:
            for action in ("UPDATE", "DELETE"):
                session.execute(text(
                    f"CREATE TRIGGER IF NOT EXISTS {table}_no_{action.lower()} BEFORE {action} ON {table} "
                    "BEGIN SELECT RAISE(ABORT, 'ledger tables are append-only'); END"))
        session.commit()


@pytest.fixture
def four_entries(session, make_member, now):
    """Entry 1: Alice buys 100 RSC; 2: Bob buys 50; 3: Alice pays Bob 10; 4: Bob sells 5."""
    alice, bob = make_member(name="Alice"), make_member(name="Bob")
    exchange.convert(session, alice, CONVERSION_USD_TO_RSC, Money(100_00, "USD"), now)
    exchange.convert(session, bob, CONVERSION_USD_TO_RSC, Money(50_00, "USD"), now)
    transfers.transfer(session, alice, bob.id, Money(10_00, "RSC"), "lunch", now)
    exchange.convert(session, bob, CONVERSION_RSC_TO_USD, Money(5_00, "RSC"), now)
    session.commit()
    ids = {"alice": alice.id, "bob": bob.id}
    report = ledger.verify(session)  # (this detaches alice and bob from the session)
    assert report.ok and report.entries == 4, report.problems
    return ids


def wallet_posting_id(session, entry_id: int, member_id: int) -> int:
    wallet_id = exchange.member_wallet(session, member_id).id
    return session.execute(
        select(Posting.id).where(Posting.entry_id == entry_id, Posting.account_id == wallet_id)
    ).scalar_one()


def fresh_verify(session) -> ledger.VerifyReport:
    session.commit()
    session.expire_all()
    return ledger.verify(session)


def test_raising_one_posting_of_entry_two_is_reported_as_entry_two_not_summing_to_zero(session, four_entries):
    posting_id = wallet_posting_id(session, 2, four_entries["bob"])
    with append_only_guard_lifted(session):
        session.execute(text("UPDATE postings SET amount = amount + 1000 WHERE id = :id"), {"id": posting_id})
        session.commit()

        report = fresh_verify(session)

    assert report.ok is False
    assert report.first_bad_entry == 2
    assert report.entries == 1  # entry 1 was checked and found good
    assert report.problems == ["entry 2: postings do not sum to zero per currency"]


def test_moving_a_cent_between_two_postings_of_entry_two_breaks_its_hash(session, four_entries):
    """Still balanced, so only the hash can tell."""
    wallet_posting = wallet_posting_id(session, 2, four_entries["bob"])
    other_rsc_posting = session.execute(
        select(Posting.id).where(Posting.entry_id == 2, Posting.currency == "RSC", Posting.id != wallet_posting)
    ).scalars().first()
    with append_only_guard_lifted(session):
        session.execute(text("UPDATE postings SET amount = amount + 1 WHERE id = :id"), {"id": wallet_posting})
        session.execute(text("UPDATE postings SET amount = amount - 1 WHERE id = :id"), {"id": other_rsc_posting})
        session.commit()

        report = fresh_verify(session)

    assert report.ok is False
    assert report.first_bad_entry == 2
    assert report.problems == ["entry 2: its content does not match its hash"]


def test_rewriting_the_memos_of_entries_two_and_four_is_reported_at_entry_two(session, four_entries):
    with append_only_guard_lifted(session):
        session.execute(text("UPDATE ledger_entries SET memo = 'Bought 5000.00 RSC for 50.00 USD' WHERE id = 2"))
        session.execute(text("UPDATE ledger_entries SET memo = 'nothing to see' WHERE id = 4"))
        session.commit()

        report = fresh_verify(session)

    assert report.ok is False
    assert report.first_bad_entry == 2
    assert report.problems == ["entry 2: its content does not match its hash"]


def test_deleting_entry_three_is_reported_as_a_gap_at_entry_four(session, four_entries):
    with append_only_guard_lifted(session):
        session.execute(text("DELETE FROM postings WHERE entry_id = 3"))
        session.execute(text("DELETE FROM ledger_entries WHERE id = 3"))
        session.commit()

        report = fresh_verify(session)

    assert report.ok is False
    assert report.first_bad_entry == 4
    assert report.problems == ["entry 4: expected entry 3 next in the chain"]


def test_a_changed_account_balance_is_reported_with_the_account_it_belongs_to(session, four_entries):
    wallet = exchange.member_wallet(session, four_entries["alice"])
    wallet_id, real_balance = wallet.id, wallet.balance
    assert real_balance == 90_00
    session.commit()
    # accounts carry no append-only trigger: the balance is a cache that verify checks.
    session.execute(text("UPDATE accounts SET balance = balance + 100000 WHERE id = :id"), {"id": wallet_id})
    session.commit()

    report = fresh_verify(session)

    assert report.ok is False
    assert report.first_bad_entry is None  # the chain itself is intact
    assert report.entries == 4
    assert report.problems == [f"account {wallet_id}: balance {real_balance + 100000} but its postings sum to {real_balance}"]


@pytest.mark.parametrize("statement", [
    "UPDATE postings SET amount = amount + 100 WHERE entry_id = 2",
    "DELETE FROM postings WHERE entry_id = 3",
    "UPDATE ledger_entries SET memo = 'edited' WHERE id = 2",
    "DELETE FROM ledger_entries WHERE id = 4",
], ids=["update-postings", "delete-postings", "update-entries", "delete-entries"])
def test_the_database_refuses_to_edit_or_delete_entries_and_postings(session, four_entries, statement):
    before = session.execute(
        select(Posting.entry_id, Posting.account_id, Posting.amount).order_by(Posting.id)).all()
    memos = session.execute(select(LedgerEntry.memo).order_by(LedgerEntry.id)).scalars().all()
    session.commit()

    with pytest.raises(DBAPIError, match="append-only"):
        session.execute(text(statement))
        session.commit()
    session.rollback()

    assert session.execute(
        select(Posting.entry_id, Posting.account_id, Posting.amount).order_by(Posting.id)).all() == before
    assert session.execute(select(LedgerEntry.memo).order_by(LedgerEntry.id)).scalars().all() == memos
    assert fresh_verify(session).ok


def test_flask_govern_verify_exits_zero_when_intact_and_one_after_tampering(session, runner, four_entries):
    intact = runner.invoke(args=["govern", "verify"])
    assert intact.exit_code == 0, intact.output
    assert json.loads(intact.output) == {"ok": True, "entries": 4, "first_bad_entry": None, "problems": []}

    posting_id = wallet_posting_id(session, 2, four_entries["bob"])
    with append_only_guard_lifted(session):
        session.execute(text("UPDATE postings SET amount = 1 WHERE id = :id"), {"id": posting_id})
        session.commit()

        tampered = runner.invoke(args=["govern", "verify"])

    assert tampered.exit_code == 1, tampered.output
    body = json.loads(tampered.output)
    assert body["ok"] is False
    assert body["first_bad_entry"] == 2
    assert body["problems"][0].startswith("entry 2:")
