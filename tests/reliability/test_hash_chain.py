"""Promise 6: any edit of a past ledger row is detected by `verify` (the API, the page and
`flask govern verify`), naming the first bad entry; fifty concurrent appends never fork the hash
chain. The database refuses such edits in the first place (test_ledger_tables_append_only.py), so
these tests lift that guard to play the part of someone with direct access to the database file."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from govern.ledger import exchange, transfers
from govern.ledger import service as ledger
from govern.ledger.models import CONVERSION_RSC_TO_USD, LedgerEntry, Posting
from govern.members.models import Member
from govern.money import Money
from tests.reliability.support import append_only_guard_lifted, run_together, settle, unexpected
from tests.funding import buy_rsc


@pytest.fixture
def four_entries(session, make_member, now):
    """Entry 1: Alice buys 100 RSC; 2: Bob buys 50; 3: Alice pays Bob 10; 4: Bob sells 5."""
    alice, bob = make_member(name="Alice"), make_member(name="Bob")
    buy_rsc(session, alice, 100_00, now)
    buy_rsc(session, bob, 50_00, now)
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
    assert report.problems[0] == f"account {wallet_id}: balance {real_balance + 100000} but its postings sum to {real_balance}"
    assert any(problem.startswith("region ") and "Riverside" in problem for problem in report.problems[1:])  # and whose books it breaks


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


# (what is edited, the entry, the SQL, the problem verify must report first)
EDITS = [
    ("one posting raised", 2, ["UPDATE postings SET amount = amount + 1000 WHERE entry_id = 2 AND amount > 0 "
                               "AND currency = 'RSC'"], "entry 2: postings do not sum to zero per currency"),
    ("a cent moved between two postings, still balanced", 2,
     ["UPDATE postings SET amount = amount + 1 WHERE id = (SELECT min(id) FROM postings WHERE entry_id = 2 "
      "AND currency = 'RSC' AND amount > 0)",
      "UPDATE postings SET amount = amount - 1 WHERE id = (SELECT min(id) FROM postings WHERE entry_id = 2 "
      "AND currency = 'RSC' AND amount < 0)"], "entry 2: its content does not match its hash"),
    ("memos of entries 2 and 4", 2, ["UPDATE ledger_entries SET memo = 'Bought 5000.00 RSC' WHERE id = 2",
                                     "UPDATE ledger_entries SET memo = 'nothing to see' WHERE id = 4"],
     "entry 2: its content does not match its hash"),
    ("memo", 1, ["UPDATE ledger_entries SET memo = memo || '!' WHERE id = 1"], "entry 1: its content"),
    ("created_at", 3, ["UPDATE ledger_entries SET created_at = :earlier WHERE id = 3"], "entry 3: its content"),
    ("cause", 1, ["UPDATE ledger_entries SET cause_type = 'gift', cause_id = '7' WHERE id = 1"], "entry 1: its content"),
    ("idempotency key", 3, ["UPDATE ledger_entries SET idempotency_key = 'forged' WHERE id = 3"],
     "entry 3: its content"),
    ("hash", 1, ["UPDATE ledger_entries SET hash = :forged WHERE id = 1"], "entry 1: its content"),
    ("prev_hash", 3, ["UPDATE ledger_entries SET prev_hash = :forged WHERE id = 3"],
     "entry 3: does not link to the entry before it"),
    ("a posting moved to another account", 1,
     ["UPDATE postings SET account_id = (SELECT min(account_id) FROM postings p WHERE p.entry_id = 1 "
      "AND p.amount < 0 AND p.currency = 'RSC') WHERE entry_id = 1 AND currency = 'RSC' AND amount > 0"],
     "entry 1: its content"),
    ("a posting of zero added", 3, ["INSERT INTO postings (entry_id, account_id, currency, amount) SELECT entry_id, "
                                    "account_id, currency, 0 FROM postings WHERE entry_id = 3 ORDER BY id LIMIT 1"],
     "entry 3: its content"),
]


def saved_rows(session, entry_ids) -> tuple[list, list]:
    entries = session.execute(select(LedgerEntry.__table__).where(LedgerEntry.id.in_(entry_ids))).mappings().all()
    postings = session.execute(select(Posting.__table__).where(Posting.entry_id.in_(entry_ids))).mappings().all()
    return [dict(row) for row in entries], [dict(row) for row in postings]


def put_back(session, saved: tuple[list, list]) -> None:
    """Undo an edit (the append-only guard is lifted): the entries' columns and their postings as saved."""
    entries, postings = saved
    for row in entries:
        session.execute(LedgerEntry.__table__.update().where(LedgerEntry.id == row["id"]).values(**row))
    session.execute(Posting.__table__.delete().where(Posting.entry_id.in_([row["id"] for row in entries])))
    session.execute(Posting.__table__.insert(), postings)
    session.commit()


def test_any_edit_of_a_past_entry_or_its_postings_is_named_as_the_first_bad_entry(session, four_entries, now):
    with append_only_guard_lifted(session):
        for edit, bad_entry, statements, problem in EDITS:
            saved = saved_rows(session, [1, 2, 3, 4])
            for statement in statements:
                session.execute(text(statement), {"earlier": (now - timedelta(days=1)).replace(tzinfo=None),
                                                  "forged": "f" * 64})
            session.commit()

            report = fresh_verify(session)

            assert report.ok is False, edit
            assert report.first_bad_entry == bad_entry, (edit, report.problems)
            assert report.entries == bad_entry - 1, edit  # every entry before it was checked and found good
            assert report.problems[0].startswith(problem), (edit, report.problems)
            put_back(session, saved)
            assert fresh_verify(session).ok, f"{edit}: not put back"


def test_the_verify_endpoint_names_the_first_bad_entry_to_anyone(session, client, four_entries):
    assert client.get("/api/v1/ledger/verify").get_json() == {"ok": True, "entries": 4}
    with append_only_guard_lifted(session):
        session.execute(text("UPDATE ledger_entries SET memo = 'rewritten' WHERE id = 3"))
        session.commit()

        answer = client.get("/api/v1/ledger/verify").get_json()

    assert answer["ok"] is False and answer["first_bad_entry"] == 3


def test_fifty_concurrent_appends_never_fork_the_hash_chain(app, session, make_member, fund, now):
    people = [make_member() for _ in range(12)]
    for person in people:
        fund(person, 50_00)
    ids = [person.id for person in people]
    settle(session)
    pairs = [(ids[i % 12], ids[(i * 5 + 1) % 12]) for i in range(50)]
    assert all(a != b for a, b in pairs)

    def pay(s, i):
        sender_id, recipient_id = pairs[i]
        me = s.get(Member, sender_id)
        return transfers.transfer(s, me, recipient_id, Money(1_00 + i, "RSC"), f"append {i}", now).entry.id

    results = run_together(app, 50, pay)

    assert unexpected(results) == []
    settle(session)
    entries = session.execute(select(LedgerEntry).order_by(LedgerEntry.id)).scalars().all()
    assert [e.id for e in entries] == list(range(1, 12 + 50 + 1))
    assert sorted(results) == list(range(13, 63))
    for before, after in zip(entries, entries[1:]):
        assert after.prev_hash == before.hash, f"entry {after.id} does not link to entry {before.id}"
    assert len({e.hash for e in entries}) == len(entries)
    head = ledger.chain_head(session)
    assert (head.entry_id, head.hash) == (entries[-1].id, entries[-1].hash)

    expected = {mid: 50_00 for mid in ids}
    for i, (sender_id, recipient_id) in enumerate(pairs):
        expected[sender_id] -= 1_00 + i
        expected[recipient_id] += 1_00 + i
    session.expire_all()
    assert {mid: exchange.member_wallet(session, mid).balance for mid in ids} == expected
    report = ledger.verify(session)
    assert report.ok, report.problems
    assert report.entries == 62
    assert session.execute(select(func.count()).select_from(LedgerEntry)).scalar_one() == 62
