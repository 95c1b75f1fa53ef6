"""Real concurrency: many threads, each with its own app context, session and connection, start
together on a barrier and move money at once. Runs on SQLite and on PostgreSQL alike."""
from __future__ import annotations

import threading
from collections import Counter

from sqlalchemy import func, select

from govern.errors import IdempotencyConflict, InsufficientFunds
from govern.extensions import db
from govern.ledger import exchange, transfers
from govern.ledger import service as ledger
from govern.ledger.models import CONVERSION_RSC_TO_USD, CONVERSION_USD_TO_RSC, Conversion, LedgerEntry, UsdPayout
from govern.members.models import Member
from govern.money import Money

THREAD_TIMEOUT = 120


def run_together(app, count: int, action) -> list:
    """Run `action(session, i)` in `count` threads released at once; returns each thread's result,
    or the exception it raised, in thread order."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def worker(i: int) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=THREAD_TIMEOUT)
                results[i] = action(db.session, i)
            except BaseException as error:  # collected and judged by the test
                results[i] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(i,), name=f"ledger-{i}") for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(THREAD_TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck"
    return results


def fund(session, member, rsc_minor: int, now) -> None:
    """Give `member` this much RSC by buying it at the default rate of 1."""
    exchange.convert(session, member, CONVERSION_USD_TO_RSC, Money(rsc_minor, "USD"), now)


def wallet_balance(session, member_id: int) -> int:
    session.expire_all()
    return exchange.member_wallet(session, member_id).balance


def outcomes(results: list) -> Counter:
    return Counter(type(r).__name__ for r in results)


def unexpected(results: list, *allowed: type) -> list:
    return [r for r in results if isinstance(r, BaseException) and not isinstance(r, allowed)]


def settle(session) -> None:
    """End the main thread's transaction so threads start from, and it then reads, committed state."""
    session.commit()
    session.expire_all()


def test_twenty_concurrent_withdrawals_of_sixty_percent_leave_one_success(app, session, make_member, now):
    member = make_member()
    fund(session, member, 100_00, now)
    member_id = member.id
    settle(session)

    def withdraw(s, _i):
        me = s.get(Member, member_id)
        return exchange.convert(s, me, CONVERSION_RSC_TO_USD, Money(60_00, "RSC"), now).id

    results = run_together(app, 20, withdraw)

    assert unexpected(results, InsufficientFunds) == []
    assert outcomes(results) == Counter({"int": 1, "InsufficientFunds": 19})
    settle(session)
    assert wallet_balance(session, member_id) == 40_00
    withdrawals = session.execute(
        select(Conversion).where(Conversion.member_id == member_id, Conversion.direction == CONVERSION_RSC_TO_USD)
    ).scalars().all()
    assert [(c.debited_minor, c.credited_minor) for c in withdrawals] == [(60_00, 60_00)]
    payouts = session.execute(select(UsdPayout.amount_minor).where(UsdPayout.member_id == member_id)).scalars().all()
    assert payouts == [60_00]
    report = ledger.verify(session)
    assert report.ok, report.problems
    assert report.entries == 2


def test_fifty_concurrent_transfers_of_a_tenth_of_the_balance_leave_exactly_ten_paid(
    app, session, make_member, now
):
    sender, recipient = make_member(), make_member()
    fund(session, sender, 100_00, now)
    sender_id, recipient_id = sender.id, recipient.id
    settle(session)

    def pay(s, i):
        me = s.get(Member, sender_id)
        return transfers.transfer(s, me, recipient_id, Money(10_00, "RSC"), f"payment {i}", now).entry.id

    results = run_together(app, 50, pay)

    assert unexpected(results, InsufficientFunds) == []
    assert outcomes(results) == Counter({"int": 10, "InsufficientFunds": 40})
    settle(session)
    assert wallet_balance(session, sender_id) == 0
    assert wallet_balance(session, recipient_id) == 100_00
    entry_ids = sorted(r for r in results if isinstance(r, int))
    assert entry_ids == list(range(2, 12))
    report = ledger.verify(session)
    assert report.ok, report.problems


def test_fifty_concurrent_requests_with_one_idempotency_key_pay_once(app, session, make_member, now):
    sender, recipient = make_member(), make_member()
    fund(session, sender, 100_00, now)
    sender_id, recipient_id = sender.id, recipient.id
    settle(session)

    def pay(s, _i):
        me = s.get(Member, sender_id)
        return transfers.transfer(s, me, recipient_id, Money(7_00, "RSC"), "rent", now,
                                  idempotency_key="rent-november").entry.id

    results = run_together(app, 50, pay)

    assert unexpected(results) == []
    assert len(set(results)) == 1, Counter(results)
    settle(session)
    transfer_entries = session.execute(
        select(LedgerEntry.id).where(LedgerEntry.cause_type == "transfer")
    ).scalars().all()
    assert transfer_entries == [results[0]]
    assert wallet_balance(session, sender_id) == 93_00
    assert wallet_balance(session, recipient_id) == 7_00

    try:
        transfers.transfer(session, session.get(Member, sender_id), recipient_id, Money(8_00, "RSC"), "rent", now,
                           idempotency_key="rent-november")
    except IdempotencyConflict:
        pass
    else:
        raise AssertionError("the same key with another amount was accepted")
    settle(session)
    assert wallet_balance(session, sender_id) == 93_00
    assert ledger.verify(session).ok


def test_racing_requests_with_one_key_and_two_amounts_pay_one_amount_once_and_refuse_the_other(
    app, session, make_member, now
):
    sender, recipient = make_member(), make_member()
    fund(session, sender, 100_00, now)
    sender_id, recipient_id = sender.id, recipient.id
    settle(session)
    amounts = [3_00 if i % 2 else 4_00 for i in range(40)]

    def pay(s, i):
        me = s.get(Member, sender_id)
        return transfers.transfer(s, me, recipient_id, Money(amounts[i], "RSC"), "", now,
                                  idempotency_key="one-key").entry.id

    results = run_together(app, 40, pay)

    assert unexpected(results, IdempotencyConflict) == []
    winners = {amounts[i] for i, r in enumerate(results) if isinstance(r, int)}
    assert len(winners) == 1
    [paid] = winners
    assert all(isinstance(r, int) == (amounts[i] == paid) for i, r in enumerate(results))
    assert len({r for r in results if isinstance(r, int)}) == 1
    settle(session)
    assert wallet_balance(session, sender_id) == 100_00 - paid
    assert wallet_balance(session, recipient_id) == paid
    assert ledger.verify(session).ok


def test_thirty_concurrent_appends_never_fork_the_hash_chain(app, session, make_member, now):
    people = [make_member() for _ in range(12)]
    for person in people:
        fund(session, person, 50_00, now)
    ids = [person.id for person in people]
    settle(session)
    pairs = [(ids[i % 12], ids[(i * 5 + 1) % 12]) for i in range(30)]
    assert all(a != b for a, b in pairs)

    def pay(s, i):
        sender_id, recipient_id = pairs[i]
        me = s.get(Member, sender_id)
        return transfers.transfer(s, me, recipient_id, Money(1_00 + i, "RSC"), f"append {i}", now).entry.id

    results = run_together(app, 30, pay)

    assert unexpected(results) == []
    settle(session)
    entries = session.execute(select(LedgerEntry).order_by(LedgerEntry.id)).scalars().all()
    assert [e.id for e in entries] == list(range(1, 12 + 30 + 1))
    assert sorted(results) == list(range(13, 43))
    for before, after in zip(entries, entries[1:]):
        assert after.prev_hash == before.hash, f"entry {after.id} does not link to entry {before.id}"
    assert len({e.hash for e in entries}) == len(entries)
    head = ledger.chain_head(session)
    assert (head.entry_id, head.hash) == (entries[-1].id, entries[-1].hash)

    expected = {mid: 50_00 for mid in ids}
    for i, (sender_id, recipient_id) in enumerate(pairs):
        expected[sender_id] -= 1_00 + i
        expected[recipient_id] += 1_00 + i
    assert {mid: wallet_balance(session, mid) for mid in ids} == expected
    report = ledger.verify(session)
    assert report.ok, report.problems
    assert report.entries == 42
    assert session.execute(select(func.count()).select_from(LedgerEntry)).scalar_one() == 42
