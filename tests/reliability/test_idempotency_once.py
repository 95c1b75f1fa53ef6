"""Promise 3: an Idempotency-Key applies once. The same key with the same body answers the first
result again and posts nothing new; the same key with another body is 409; fifty requests racing
with one key post one entry. SQLite and PostgreSQL alike."""
from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import func, select

from govern.errors import IdempotencyConflict
from govern.ledger import exchange, transfers
from govern.ledger import service as ledger
from govern.ledger.models import Contribution, Conversion, LedgerEntry
from govern.members.models import Member
from govern.money import Money
from govern.treasury.models import Deposit
from tests.reliability.support import run_together, settle, unexpected


def wallet_balance(session, member_id: int) -> int:
    session.expire_all()
    return exchange.member_wallet(session, member_id).balance


def count(session, model, *criteria) -> int:
    return session.execute(select(func.count()).select_from(model).where(*criteria)).scalar_one()


@pytest.mark.parametrize("path, body, model, cause, status, posted, wallet_after", [
    ("/conversions", {"direction": "rsc_to_usd", "amount": {"amount": "12.00", "currency": "RSC"}}, Conversion,
     "conversion", 201, 1, 20_00 - 12_00),
    ("/conversions", {"direction": "usd_to_rsc", "amount": {"amount": "12.00", "currency": "USD"}}, Deposit,
     "deposit", 202, 0, 20_00),  # one deposit claimed, nothing issued until the board confirms it
    ("/contributions", {"amount": {"amount": "3.00", "currency": "RSC"}}, Contribution, "contribution", 201, 1,
     20_00 - 3_00),
], ids=["conversion", "deposit", "contribution"])
def test_fifty_concurrent_api_requests_with_one_idempotency_key_post_one_entry(
    session, member, fund, token_for, post_from_threads, path, body, model, cause, status, posted, wallet_after
):
    fund(member, 20_00)
    member_id = member.id
    token = token_for(member)
    settle(session)
    entries_before = count(session, LedgerEntry)
    caused_before = count(session, LedgerEntry, LedgerEntry.cause_type == cause)
    rows_before = count(session, model, model.member_id == member_id)

    answers = post_from_threads(50, path, token, lambda i: body, headers=lambda i: {"Idempotency-Key": "once-only"})

    assert Counter(code for code, _ in answers) == Counter({status: 50}), answers
    assert len({answer["id"] for _, answer in answers}) == 1
    settle(session)
    assert count(session, LedgerEntry) == entries_before + posted
    assert count(session, LedgerEntry, LedgerEntry.cause_type == cause) == caused_before + posted
    assert count(session, model, model.member_id == member_id) == rows_before + 1
    assert wallet_balance(session, member_id) == wallet_after
    assert ledger.verify(session).ok


def test_the_same_key_with_another_body_answers_409_and_posts_nothing(session, member, fund, api):
    fund(member, 20_00)
    me = api.as_member(member)
    key = {"Idempotency-Key": "rent-december"}
    first = me.post("/conversions", {"direction": "rsc_to_usd", "amount": {"amount": "5.00", "currency": "RSC"}},
                    headers=key)
    assert first.status_code == 201
    entries = count(session, LedgerEntry)

    again = me.post("/conversions", {"direction": "rsc_to_usd", "amount": {"amount": "5.00", "currency": "RSC"}},
                    headers=key)
    other = me.post("/conversions", {"direction": "rsc_to_usd", "amount": {"amount": "6.00", "currency": "RSC"}},
                    headers=key)

    assert again.status_code == 201 and again.get_json() == first.get_json()
    assert other.status_code == 409
    assert other.get_json()["error"]["code"] == "idempotency_key_reused"
    settle(session)
    assert count(session, LedgerEntry) == entries
    assert wallet_balance(session, member.id) == 15_00


def test_fifty_concurrent_service_transfers_with_one_key_pay_once_and_another_amount_is_refused(
    app, session, make_member, fund, now
):
    sender, recipient = make_member(), make_member()
    fund(sender, 100_00)
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
    assert session.execute(select(LedgerEntry.id).where(LedgerEntry.cause_type == "transfer")).scalars().all() \
        == [results[0]]
    assert wallet_balance(session, sender_id) == 93_00
    assert wallet_balance(session, recipient_id) == 7_00
    with pytest.raises(IdempotencyConflict):
        transfers.transfer(session, session.get(Member, sender_id), recipient_id, Money(8_00, "RSC"), "rent", now,
                           idempotency_key="rent-november")
    settle(session)
    assert wallet_balance(session, sender_id) == 93_00
    assert ledger.verify(session).ok


def test_racing_requests_with_one_key_and_two_amounts_pay_one_amount_once_and_refuse_the_other(
    app, session, make_member, fund, now
):
    sender, recipient = make_member(), make_member()
    fund(sender, 100_00)
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
