"""Property tests of the ledger: random sequences of conversions (USD → RSC as a deposit the
board confirms, RSC → USD at once), transfers, retries and rate changes, checked step by step
against an independent model of every balance.

The database fixtures live for one test function while hypothesis runs many examples inside it.
The sequence property therefore opens a new, empty database for every example (the migrated
template copied on SQLite, the tables truncated on PostgreSQL, exactly as conftest does per
test): examples stay independent, and `verify` after every step reads only that example's
ledger, so shrinking a failure stays quick.
"""
from __future__ import annotations

import itertools
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from math import floor

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from govern import create_app

from govern.errors import DomainError, IdempotencyConflict, InsufficientFunds, ValidationError
from govern.extensions import db
from govern.ledger import exchange, transfers
from govern.ledger import service as ledger
from govern.ledger.models import (
    CAPITAL_POOL,
    CONVERSION_RSC_TO_USD,
    CONVERSION_USD_TO_RSC,
    EXTERNAL,
    ISSUANCE,
    OWNER_MEMBER,
    RSC_OUTSIDE,
    USD_PAYOUTS,
    USD_RESERVE,
    WALLET,
    Account,
    LedgerEntry,
    Posting,
)
from govern.members import service as members
from govern.members.models import Member
from govern.money import Money
from govern.regions import service as regions
from govern.treasury import service as treasury
from tests import funding
from tests.conftest import TEST_PASSWORD, base_config, new_database_url
from tests.funding import buy_rsc

# Region accounts that may never go below zero (issuance and external may).
PROTECTED_REGION_ACCOUNTS = (CAPITAL_POOL, USD_RESERVE, USD_PAYOUTS, RSC_OUTSIDE)
REGION_ACCOUNTS = (CAPITAL_POOL, USD_RESERVE, ISSUANCE, EXTERNAL, USD_PAYOUTS, RSC_OUTSIDE)


# --- Operations ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Convert:
    member: int          # index into the example's members
    direction: str
    amount: int          # minor units, in USD for usd_to_rsc and RSC for rsc_to_usd
    key: str | None


@dataclass(frozen=True)
class Pay:
    sender: int
    recipient_offset: int  # recipient = (sender + offset) mod members; 0 pays oneself (refused)
    amount: int
    memo: str
    key: str | None


@dataclass(frozen=True)
class SetRate:
    rate: Decimal


@dataclass(frozen=True)
class Retry:
    """Send again, unchanged, an earlier request that carried an idempotency key."""

    which: int


member_index = st.integers(min_value=0, max_value=3)
keys = st.none() | st.sampled_from(["k1", "k2", "k3"])
edge_amounts = st.sampled_from([1, 2, 3, 99, 100, 101])
purchases = st.integers(min_value=100, max_value=50_000) | edge_amounts
sales = st.integers(min_value=1, max_value=20_000) | edge_amounts
payments = st.integers(min_value=1, max_value=5_000) | edge_amounts
rates = (
    st.decimals(min_value=Decimal("0.5"), max_value=Decimal("2"), places=2)
    | st.decimals(min_value=Decimal("0.5"), max_value=Decimal("2"), places=6)
    | st.sampled_from([Decimal("0.5"), Decimal("1"), Decimal("1.05"), Decimal("2")])
)

offsets = st.sampled_from([1, 2, 3, 1, 2, 3, 0])
memos = st.sampled_from(["", "rent"])
retries = st.builds(Retry, st.integers(min_value=0, max_value=50))
purchase = st.builds(Convert, member_index, st.just(CONVERSION_USD_TO_RSC), purchases, keys)
operations = st.one_of(
    purchase,
    st.builds(Convert, member_index, st.just(CONVERSION_RSC_TO_USD), sales, keys),
    st.builds(Pay, member_index, offsets, payments, memos, keys),
    st.builds(Pay, member_index, offsets, payments, memos, keys),
    st.builds(SetRate, rates),
    retries,
    retries,
)
# Every example starts with each member buying some RSC, so the operations after it have money
# to move; some of them may still run out, which is part of what is checked.
opening_purchases = st.lists(st.integers(min_value=1_00, max_value=500_00), min_size=4, max_size=4).map(
    lambda amounts: [Convert(i, CONVERSION_USD_TO_RSC, amount, None) for i, amount in enumerate(amounts)])
sequences = st.builds(lambda opening, rest: opening + rest,
                      opening_purchases, st.lists(operations, min_size=5, max_size=30))


# --- The model -------------------------------------------------------------------------------

@dataclass
class Expected:
    """What the model says one request does: an error class, a replay of an earlier result, or a
    posting that moves `deltas` (keyed by ("region", kind) or ("wallet", member_id))."""

    error: type[DomainError] | None = None
    replay_of: int | None = None
    deltas: dict | None = None
    credited: int | None = None


class LedgerModel:
    """Balances computed by hand from the rules in exchange.py and transfers.py."""

    def __init__(self, member_ids: list[int]):
        self.balances: dict[tuple, int] = {("region", kind): 0 for kind in REGION_ACCOUNTS}
        self.balances.update({("wallet", mid): 0 for mid in member_ids})
        self.rate = Fraction(1)
        self.keys: dict[tuple, tuple] = {}   # (scope, key) -> (request fingerprint, result id)
        self.entries = 0

    def _protected(self, account: tuple) -> bool:
        return account[0] == "wallet" or account[1] in PROTECTED_REGION_ACCOUNTS

    def _idempotent(self, scope: tuple, key: str | None, request: tuple) -> Expected | None:
        if key is None or (scope, key) not in self.keys:
            return None
        earlier_request, result_id = self.keys[(scope, key)]
        if earlier_request != request:
            return Expected(error=IdempotencyConflict)
        return Expected(replay_of=result_id)

    def _movement(self, deltas: dict, credited: int | None = None) -> Expected:
        for account, delta in deltas.items():
            if self._protected(account) and self.balances[account] + delta < 0:
                return Expected(error=InsufficientFunds)
        return Expected(deltas=deltas, credited=credited)

    def expect_conversion(self, member_id: int, op: Convert) -> Expected:
        replay = self._idempotent(("conversion", member_id), op.key, (op.direction, op.amount))
        if replay:
            return replay
        if op.direction == CONVERSION_USD_TO_RSC:
            usd, rsc = op.amount, floor(op.amount * self.rate)
        else:
            usd, rsc = floor(op.amount / self.rate), op.amount
        if usd <= 0 or rsc <= 0:
            return Expected(error=ValidationError)
        wallet = ("wallet", member_id)
        if op.direction == CONVERSION_USD_TO_RSC:
            deltas = {("region", EXTERNAL): -usd, ("region", USD_RESERVE): usd, ("region", ISSUANCE): -usd,
                      wallet: rsc, ("region", CAPITAL_POOL): usd - rsc}
            return self._movement(deltas, credited=rsc)
        deltas = {("region", USD_RESERVE): -usd, ("region", USD_PAYOUTS): usd, wallet: -rsc,
                  ("region", ISSUANCE): usd, ("region", CAPITAL_POOL): rsc - usd}
        return self._movement(deltas, credited=usd)

    def expect_transfer(self, sender_id: int, recipient_id: int, op: Pay) -> Expected:
        if sender_id == recipient_id:
            return Expected(error=ValidationError)
        replay = self._idempotent(("transfer", sender_id), op.key, (recipient_id, op.amount, op.memo))
        if replay:
            return replay
        return self._movement({("wallet", sender_id): -op.amount, ("wallet", recipient_id): op.amount})

    def apply(self, expected: Expected, scope: tuple, key: str | None, request: tuple, result_id: int) -> None:
        for account, delta in expected.deltas.items():
            self.balances[account] += delta
        self.entries += 1
        self.remember(scope, key, request, result_id)

    def remember(self, scope: tuple, key: str | None, request: tuple, result_id: int) -> None:
        if key is not None:
            self.keys[(scope, key)] = (request, result_id)


# --- Reading the database --------------------------------------------------------------------

def actual_balances(session, region_id: int, member_ids: list[int]) -> dict[tuple, int]:
    out = {("region", kind): balance for kind, balance in ledger.region_balances(session, region_id).items()}
    rows = session.execute(
        select(Account.owner_id, Account.balance).where(
            Account.owner_type == OWNER_MEMBER, Account.kind == WALLET, Account.owner_id.in_(member_ids))
    ).all()
    out.update({("wallet", owner_id): balance for owner_id, balance in rows})
    return out


def entry_count(session, region_id: int) -> int:
    return session.execute(
        select(func.count()).select_from(LedgerEntry).where(LedgerEntry.region_id == region_id)
    ).scalar_one()


def unbalanced_entries(session) -> list:
    return session.execute(
        select(Posting.entry_id, Posting.currency, func.sum(Posting.amount))
        .group_by(Posting.entry_id, Posting.currency)
        .having(func.sum(Posting.amount) != 0)
    ).all()


def check_invariants(session, region_id: int, model: LedgerModel, member_ids: list[int], step: str) -> None:
    assert actual_balances(session, region_id, member_ids) == model.balances, step
    assert entry_count(session, region_id) == model.entries, f"{step}: an entry too many or too few"
    assert unbalanced_entries(session) == [], step
    balances = ledger.region_balances(session, region_id)
    assert balances[USD_RESERVE] >= ledger.rsc_outstanding(balances), step
    report = ledger.verify(session)
    assert report.ok, f"{step}: {report.problems}"


# --- The property ----------------------------------------------------------------------------

@pytest.fixture
def fresh_database(schema, tmp_path):
    """`with fresh_database() as session:` a new app on a new, empty, migrated database."""
    numbers = itertools.count(1)

    @contextmanager
    def open_database():
        directory = tmp_path / f"example-{next(numbers)}"
        directory.mkdir()
        app = create_app(base_config(new_database_url(schema, directory)))
        with app.app_context():
            try:
                yield db.session
            finally:
                db.session.remove()
                db.engine.dispose()

    return open_database


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(member_count=st.integers(min_value=3, max_value=4), ops=sequences)
def test_random_conversions_transfers_retries_and_rate_changes_keep_every_balance_right(
    fresh_database, now, member_count, ops
):
    with fresh_database() as session:
        run_sequence(session, now, member_count, ops)


def run_sequence(session, now, member_count: int, ops: list) -> None:
    region_id = regions.create_region(session, "Property region", now).id
    member_ids = [
        members.join(session, email=f"member{i}@example.org", name=f"Member {i}", password=TEST_PASSWORD,
                     region_id=region_id, now=now).id
        for i in range(member_count)
    ]
    model = LedgerModel(member_ids)
    keyed: list[Convert | Pay] = []
    check_invariants(session, region_id, model, member_ids, "start")

    for number, op in enumerate(ops):
        if isinstance(op, Retry):
            if not keyed:
                continue
            op = keyed[op.which % len(keyed)]
        step = f"step {number}: {op!r}"

        if isinstance(op, SetRate):
            regions.set_parameter(session, region_id, "exchange_rate", str(op.rate), cause_type="test",
                                  cause_id=None, now=now)
            model.rate = Fraction(op.rate)
            assert regions.parameter(session, region_id, "exchange_rate") == op.rate, step
            check_invariants(session, region_id, model, member_ids, step)
            continue

        if op.key is not None:
            keyed.append(op)
        if isinstance(op, Convert):
            member_id = member_ids[op.member % member_count]
            scope, request = ("conversion", member_id), (op.direction, op.amount)
            expected = model.expect_conversion(member_id, op)
        else:
            member_id = member_ids[op.sender % member_count]
            recipient_id = member_ids[(op.sender + op.recipient_offset) % member_count]
            scope, request = ("transfer", member_id), (recipient_id, op.amount, op.memo)
            expected = model.expect_transfer(member_id, recipient_id, op)

        newest_before = session.execute(select(func.max(LedgerEntry.id))).scalar_one() or 0
        # `verify` detaches everything from the session, so the member is read afresh each step.
        member = session.get(Member, member_id)
        if isinstance(op, Convert) and op.direction == CONVERSION_USD_TO_RSC:
            buy_through_a_deposit(session, now, model, member, op, expected, scope, request, newest_before, step)
            check_invariants(session, region_id, model, member_ids, step)
            continue
        try:
            if isinstance(op, Convert):
                conversion = exchange.convert(session, member, op.direction, Money(op.amount, "RSC"), now,
                                              idempotency_key=op.key)
                result_id, entry_id, credited = conversion.id, conversion.entry_id, conversion.credited_minor
            else:
                done = transfers.transfer(session, member, recipient_id, Money(op.amount, "RSC"), op.memo, now,
                                          idempotency_key=op.key)
                result_id = entry_id = done.entry.id
                credited = None
        except DomainError as error:
            assert expected.error is not None, f"{step}: refused ({error!r}) but the model expected success"
            assert type(error) is expected.error, f"{step}: {error!r}, expected {expected.error.__name__}"
            newest_after = session.execute(select(func.max(LedgerEntry.id))).scalar_one() or 0
            assert newest_after == newest_before, f"{step}: a refused request posted an entry"
            event(f"{type(op).__name__} refused: {type(error).__name__}")
        else:
            assert expected.error is None, f"{step}: succeeded but the model expected {expected.error.__name__}"
            if expected.replay_of is not None:
                assert result_id == expected.replay_of, f"{step}: a retry gave another result"
                assert session.execute(select(func.max(LedgerEntry.id))).scalar_one() == newest_before, \
                    f"{step}: a retry posted again"
                event(f"{type(op).__name__} replayed")
            else:
                assert entry_id == newest_before + 1, step
                if expected.credited is not None:
                    assert credited == expected.credited, step
                model.apply(expected, scope, op.key, request, result_id)
                event(f"{type(op).__name__} posted")
        check_invariants(session, region_id, model, member_ids, step)


def buy_through_a_deposit(session, now, model: LedgerModel, member, op: Convert, expected: Expected, scope: tuple,
                          request: tuple, newest_before: int, step: str) -> None:
    """USD → RSC: the claim issues nothing; the board's confirmation posts the model's movement,
    or, when the pool cannot pay the incentive, is refused and the board rejects the deposit."""
    def newest() -> int:
        return session.execute(select(func.max(LedgerEntry.id))).scalar_one() or 0

    try:
        deposit = treasury.request_conversion(session, member, Money(op.amount, "USD"), now, idempotency_key=op.key)
    except DomainError as error:
        assert type(error) is expected.error, f"{step}: {error!r}, expected {expected.error}"
        assert newest() == newest_before, f"{step}: a refused claim posted an entry"
        event(f"deposit refused: {type(error).__name__}")
        return
    assert newest() == newest_before, f"{step}: a claimed deposit posted before the board confirmed it"
    if expected.replay_of is not None:
        assert deposit.id == expected.replay_of, f"{step}: a retry gave another deposit"
        event("deposit replayed")
        return
    assert expected.error in (None, InsufficientFunds), f"{step}: claimed, but the model expected {expected.error}"
    model.remember(scope, op.key, request, deposit.id)
    board = funding.board_of(session, member.region_id)
    try:
        confirmed = treasury.confirm_deposit(session, board, deposit.id, "bank transfer", now)
    except InsufficientFunds:
        assert expected.error is InsufficientFunds, f"{step}: the confirmation was refused, the model expected it"
        treasury.reject_deposit(session, board, deposit.id, "the pool cannot pay the incentive", now)
        assert newest() == newest_before, f"{step}: a refused confirmation posted"
        event("deposit confirmation refused: InsufficientFunds")
        return
    assert expected.error is None, f"{step}: confirmed, but the model expected {expected.error.__name__}"
    assert confirmed.entry_id == newest_before + 1 and confirmed.credited_minor == expected.credited, step
    model.apply(expected, scope, None, request, deposit.id)
    event("deposit confirmed")


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(amount=st.integers(min_value=-100_00, max_value=0),
       request=st.sampled_from(["transfer", CONVERSION_USD_TO_RSC, CONVERSION_RSC_TO_USD]))
@example(amount=0, request="transfer")
@example(amount=-50_00, request="transfer")
@example(amount=-50_00, request=CONVERSION_RSC_TO_USD)
def test_a_request_to_move_zero_or_a_negative_amount_is_refused_and_moves_nothing(
    app, session, make_member, now, amount, request
):
    payer, payee = make_member(), make_member()
    for person in (payer, payee):
        buy_rsc(session, person, 100_00, now)
    payer_id, payee_id, region_id = payer.id, payee.id, payer.region_id
    before = actual_balances(session, region_id, [payer_id, payee_id])
    entries_before = entry_count(session, region_id)

    try:
        if request == "transfer":
            transfers.transfer(session, payer, payee_id, Money(amount, "RSC"), "", now)
        elif request == CONVERSION_USD_TO_RSC:
            treasury.request_conversion(session, payer, Money(amount, "USD"), now)
        else:
            exchange.convert(session, payer, request, Money(amount, "RSC"), now)
    except ValidationError:
        pass
    else:
        raise AssertionError(f"a {request} of {amount} was accepted")
    finally:
        session.rollback()

    assert actual_balances(session, region_id, [payer_id, payee_id]) == before
    assert entry_count(session, region_id) == entries_before
