"""Promise 2: no protected balance goes negative, and the USD reserve always backs the RSC
outstanding, however many requests race for the same money. Threads start together on a barrier,
each on its own connection; SQLite and PostgreSQL alike."""
from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from govern.errors import InsufficientFunds
from govern.ledger import exchange, transfers
from govern.ledger import service as ledger
from govern.ledger.models import (
    CONVERSION_RSC_TO_USD,
    USD_RESERVE,
    Account,
    Conversion,
    LedgerEntry,
    UsdPayout,
)
from govern.members.models import Member
from govern.money import Money
from tests.reliability.support import outcomes, run_together, settle, unexpected


def wallet_balance(session, member_id: int) -> int:
    session.expire_all()
    return exchange.member_wallet(session, member_id).balance


def assert_backed_and_verified(session, region_id: int) -> None:
    balances = ledger.region_balances(session, region_id)
    assert balances[USD_RESERVE] >= ledger.rsc_outstanding(balances)
    negative = session.execute(select(Account.id).where(Account.allow_negative.is_(False), Account.balance < 0)).all()
    assert negative == []
    report = ledger.verify(session)
    assert report.ok, report.problems


def test_fifty_concurrent_api_spends_of_ten_from_a_balance_of_a_hundred_pay_ten_and_refuse_forty_with_409(
    session, make_member, fund, token_for, post_from_threads
):
    payer, payee = make_member(), make_member()
    fund(payer, 100_00)
    payer_id, payee_id, region_id = payer.id, payee.id, payer.region_id
    token = token_for(payer)
    settle(session)

    answers = post_from_threads(50, "/transfers", token, lambda i: {
        "to_member_id": payee_id, "amount": {"amount": "10.00", "currency": "RSC"}, "memo": f"spend {i}"})

    statuses = Counter(status for status, _ in answers)
    assert statuses == Counter({201: 10, 409: 40}), answers
    assert {body["error"]["code"] for status, body in answers if status == 409} == {"insufficient_funds"}
    settle(session)
    assert wallet_balance(session, payer_id) == 0
    assert wallet_balance(session, payee_id) == 100_00
    paid_entries = sorted(body["entry_id"] for status, body in answers if status == 201)
    assert paid_entries == list(range(2, 12))
    assert_backed_and_verified(session, region_id)


def test_fifty_concurrent_api_cash_outs_of_ten_keep_the_reserve_backing_every_rsc_left(
    session, make_member, fund, token_for, post_from_threads
):
    member, other = make_member(), make_member()
    fund(member, 100_00)
    fund(other, 35_00)
    member_id, region_id = member.id, member.region_id
    token = token_for(member)
    settle(session)

    answers = post_from_threads(50, "/conversions", token, lambda i: {
        "direction": "rsc_to_usd", "amount": {"amount": "10.00", "currency": "RSC"}})

    assert Counter(status for status, _ in answers) == Counter({201: 10, 409: 40}), answers
    settle(session)
    assert wallet_balance(session, member_id) == 0
    balances = ledger.region_balances(session, region_id)
    assert ledger.rsc_outstanding(balances) == 35_00  # only the other member's RSC is left
    assert balances[USD_RESERVE] == 35_00             # and exactly the USD that backs it
    payouts = session.execute(select(func.sum(UsdPayout.amount_minor)).where(UsdPayout.member_id == member_id))
    assert payouts.scalar_one() == 100_00
    assert_backed_and_verified(session, region_id)


def test_twenty_concurrent_withdrawals_of_sixty_percent_leave_one_success(app, session, make_member, fund, now):
    member = make_member()
    fund(member, 100_00)
    member_id, region_id = member.id, member.region_id
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
    assert_backed_and_verified(session, region_id)
    assert session.execute(select(func.count()).select_from(LedgerEntry)).scalar_one() == 2


def test_fifty_concurrent_service_transfers_of_a_tenth_of_the_balance_leave_exactly_ten_paid(
    app, session, make_member, fund, now
):
    sender, recipient = make_member(), make_member()
    fund(sender, 100_00)
    sender_id, recipient_id, region_id = sender.id, recipient.id, sender.region_id
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
    assert sorted(r for r in results if isinstance(r, int)) == list(range(2, 12))
    assert_backed_and_verified(session, region_id)
