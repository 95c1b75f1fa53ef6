"""Promise 1: after any sequence of operations, every entry and the whole ledger sum to zero per
currency, and every balance is what an independent model says it is.

A hypothesis `RuleBasedStateMachine` drives Conductor's services — members join, claim deposits
(which issue nothing) that the board confirms once or rejects, cash RSC out, the board pays the
payouts owed (once), members pay each other, companies get income and run payroll (with
auto-conversion), members vote
equipment grants (applied at close) and acquisitions (carried out by two board members), a
region splits in two, and keyed requests are retried with the same key (the same body: replayed;
another body: refused). The model below computes every balance itself from the rules (rate 1,
income tax 2%, the split rule), never reading balances back from Conductor; after every step it
is compared with every account, and the ledger is checked: each entry sums to zero per
currency, all postings together sum to zero per currency, every region is backed, `verify` is ok.

Each example gets its own region (and members, companies) in the test's database, so no example
pays for a fresh database; checks of the whole ledger cover every example so far.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from math import floor

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test
from sqlalchemy import func, select

from govern.companies import service as companies
from govern.companies import hours as company_hours
from govern.companies import pay_settings
from govern.companies import payroll
from govern.companies import workers
from govern.errors import Conflict, IdempotencyConflict, InsufficientFunds
from govern.extensions import db
from govern.ledger import contributions, exchange, transfers
from govern.ledger import service as ledger
from govern.ledger.models import (
    CAPITAL_POOL,
    CONVERSION_RSC_TO_USD,
    CONVERSION_USD_TO_RSC,
    EXTERNAL,
    ISSUANCE,
    RSC_OUTSIDE,
    USD_PAYOUTS,
    USD_RESERVE,
    Account,
    LedgerEntry,
    Posting,
    UsdPayout,
)
from govern.members import service as members
from govern.members.models import Member
from govern.money import Money
from govern.proposals import service as proposals
from govern.regions import service as regions
from govern.regions.models import Region
from govern.treasury import service as treasury
from govern.treasury.models import Deposit
from tests import funding
from tests.conftest import NOW, TEST_PASSWORD
from tests.funding import record_income

TAX = Fraction(2, 100)
REGION_KINDS = (CAPITAL_POOL, USD_RESERVE, ISSUANCE, EXTERNAL, USD_PAYOUTS, RSC_OUTSIDE)
PROTECTED = {CAPITAL_POOL, USD_RESERVE, USD_PAYOUTS, RSC_OUTSIDE}
NORTH = "North"
numbers = itertools.count(1)  # unique names and emails across every example of the run

amounts = st.integers(min_value=1, max_value=400_00) | st.sampled_from([1, 99, 100, 101])
small_amounts = st.integers(min_value=1, max_value=60_00) | st.sampled_from([1, 100])
picks = st.integers(min_value=0, max_value=1_000)
localities = st.sampled_from([NORTH, "South"])


def money_text(minor: int) -> str:
    return f"{minor // 100}.{minor % 100:02d}"


@dataclass
class ModelMember:
    id: int
    region: int
    locality: str
    owed_usd: int = 0  # USD payouts owed to them, until the board pays them
    pending_deposits: int = 0


@dataclass
class ModelCompany:
    id: int
    region: int
    locality: str
    founder: int
    rates: dict[int, int]  # member id -> hourly rate in cents
    auto_convert: set[int] = field(default_factory=set)  # members converting half of each pay
    weeks_paid: int = 0
    unpaid_hours: dict[int, int] = field(default_factory=dict)  # this week's hours, until a run pays them


@dataclass(frozen=True)
class KeyedRequest:
    kind: str          # "conversion" (a deposit, when USD → RSC) or "transfer"
    member: int
    key: str
    body: tuple
    result: int        # the deposit, conversion or entry id the first request gave


class Model:
    """Every balance, computed from the rules. Keys: ("wallet", member), ("company", company),
    (kind, region) for the region's accounts."""

    def __init__(self):
        self.balance: dict[tuple, int] = {}

    def open_region(self, region: int) -> None:
        for kind in REGION_KINDS:
            self.balance[(kind, region)] = 0

    def can_move(self, deltas: dict) -> bool:
        for account, delta in deltas.items():
            protected = account[0] in ("wallet", "company") or account[0] in PROTECTED
            if protected and self.balance[account] + delta < 0:
                return False
        return True

    def move(self, deltas: dict) -> None:
        for account, delta in deltas.items():
            self.balance[account] += delta

    def currency(self, account: tuple) -> str:
        return "USD" if account[0] in (USD_RESERVE, EXTERNAL, USD_PAYOUTS) else "RSC"

    def totals(self) -> dict[str, int]:
        sums = {"RSC": 0, "USD": 0}
        for account, balance in self.balance.items():
            sums[self.currency(account)] += balance
        return sums


def buy_rsc(member: ModelMember, usd: int) -> dict:
    region = member.region
    return {(EXTERNAL, region): -usd, (USD_RESERVE, region): usd, (ISSUANCE, region): -usd,
            ("wallet", member.id): usd}


def sell_rsc(member: ModelMember, rsc: int) -> dict:
    region = member.region
    return {(USD_RESERVE, region): -rsc, (USD_PAYOUTS, region): rsc, (ISSUANCE, region): rsc,
            ("wallet", member.id): -rsc}


class LedgerMachine(RuleBasedStateMachine):
    """One example: a fresh region with two board members and three members, in the shared database."""

    def __init__(self):
        super().__init__()
        self.session = db.session
        self.now = NOW
        self.model = Model()
        self.members: list[ModelMember] = []
        self.board: dict[int, list[int]] = {}
        self.companies: list[ModelCompany] = []
        self.keyed: list[KeyedRequest] = []
        self.pending: list[tuple[int, int, int]] = []  # deposits waiting for the bank: (id, member, USD)
        self.split_done = False
        self.region = regions.create_region(self.session, f"Region {next(numbers)}", self.now).id
        self.regions = [self.region]
        self.model.open_region(self.region)
        self.board[self.region] = [self._join(self.region, "", board=True).id for _ in range(2)]
        for locality in (NORTH, "South", "South"):
            self._join(self.region, locality)

    # --- helpers ---------------------------------------------------------------------------

    def _join(self, region: int, locality: str, board: bool = False) -> ModelMember:
        n = next(numbers)
        member = members.join(self.session, email=f"sm{n}@example.org", name=f"Member {n}", password=TEST_PASSWORD,
                              region_id=region, locality=locality, board=board, now=self.now)
        joined = ModelMember(member.id, region, locality)
        self.members.append(joined)
        self.model.balance[("wallet", member.id)] = 0
        return joined

    def _member(self, pick: int, region: int | None = None) -> ModelMember:
        pool = [m for m in self.members if region is None or m.region == region]
        return pool[pick % len(pool)]

    def _db_member(self, member: ModelMember) -> Member:
        return self.session.get(Member, member.id)

    def _later(self, **delta) -> None:
        self.now += timedelta(**delta)

    def _entries(self) -> int:
        return self.session.execute(select(func.count()).select_from(LedgerEntry)).scalar_one()

    # --- rules -----------------------------------------------------------------------------

    @rule(region_pick=picks, locality=localities)
    def join(self, region_pick, locality):
        self._join(self.regions[region_pick % len(self.regions)], locality)

    @rule(pick=picks, usd=amounts, keyed=st.booleans())
    def claim_a_deposit(self, pick, usd, keyed):
        """A member says they will pay USD in: a pending deposit, and not one cent issued."""
        member = self._member(pick)
        if member.pending_deposits >= 3:
            return
        key = f"buy-{next(numbers)}" if keyed else None
        entries = self._entries()
        deposit = treasury.request_conversion(self.session, self._db_member(member), Money(usd, "USD"), self.now,
                                              idempotency_key=key)
        assert deposit.status == "pending" and self._entries() == entries, "a claimed deposit issued something"
        self.pending.append((deposit.id, member.id, usd))
        member.pending_deposits += 1
        if key:
            self.keyed.append(KeyedRequest("conversion", member.id, key, (CONVERSION_USD_TO_RSC, usd), deposit.id))

    @precondition(lambda self: self.pending)
    @rule(pick=picks, reject=st.booleans())
    def the_board_decides_a_deposit(self, pick, reject):
        """The board confirms a deposit (RSC issued at its rate, once) or rejects it (nothing issued)."""
        deposit_id, member_id, usd = self.pending.pop(pick % len(self.pending))
        member = next(m for m in self.members if m.id == member_id)
        member.pending_deposits -= 1
        board = funding.board_of(self.session, self.session.get(Deposit, deposit_id).region_id)
        entries = self._entries()
        if reject:
            treasury.reject_deposit(self.session, board, deposit_id, "never arrived", self.now)
            assert self._entries() == entries
        else:
            treasury.confirm_deposit(self.session, board, deposit_id, f"bank {deposit_id}", self.now)
            self.model.move(buy_rsc(member, usd))
            assert self._entries() == entries + 1
        with pytest.raises(Conflict):  # decided once: confirming it again is refused and posts nothing
            treasury.confirm_deposit(self.session, board, deposit_id, "again", self.now)
        assert self._entries() == entries + (0 if reject else 1)

    @precondition(lambda self: any(m.owed_usd for m in self.members if self.board.get(m.region)))
    @rule(pick=picks)
    def the_board_pays_a_members_payouts(self, pick):
        """The bank paid every payout owed to one member: payouts owed → the outside world, once."""
        owed = [m for m in self.members if m.owed_usd and self.board.get(m.region)]
        member = owed[pick % len(owed)]
        payout_ids = list(self.session.execute(select(UsdPayout.id).where(
            UsdPayout.member_id == member.id, UsdPayout.status == "owed")).scalars())
        board = self.session.get(Member, self.board[member.region][0])
        paid = treasury.settle_payouts(self.session, board, payout_ids, "batch 7", self.now)
        assert sum(p.amount_minor for p in paid) == member.owed_usd
        self.model.move({(USD_PAYOUTS, member.region): -member.owed_usd, (EXTERNAL, member.region): member.owed_usd})
        member.owed_usd = 0
        entries = self._entries()
        with pytest.raises(Conflict):  # settled once
            treasury.settle_payouts(self.session, board, payout_ids, "batch 7", self.now)
        assert self._entries() == entries

    @rule(pick=picks, rsc=amounts, keyed=st.booleans())
    def sell(self, pick, rsc, keyed):
        member = self._member(pick)
        key = f"sell-{next(numbers)}" if keyed else None
        deltas = sell_rsc(member, rsc)
        entries = self._entries()
        try:
            conversion = exchange.convert(self.session, self._db_member(member), CONVERSION_RSC_TO_USD,
                                          Money(rsc, "RSC"), self.now, idempotency_key=key)
        except InsufficientFunds:
            assert not self.model.can_move(deltas), "refused, but the model says the member can pay"
            assert self._entries() == entries
            return
        assert self.model.can_move(deltas), "a sale the model says overdraws went through"
        self.model.move(deltas)
        member.owed_usd += rsc
        if key:
            self.keyed.append(KeyedRequest("conversion", member.id, key, (CONVERSION_RSC_TO_USD, rsc), conversion.id))

    @rule(pick=picks, other=picks, rsc=amounts, keyed=st.booleans())
    def transfer(self, pick, other, rsc, keyed):
        sender = self._member(pick)
        recipient = self._member(other, sender.region)
        if recipient.id == sender.id:
            return
        key = f"pay-{next(numbers)}" if keyed else None
        deltas = {("wallet", sender.id): -rsc, ("wallet", recipient.id): rsc}
        entries = self._entries()
        try:
            done = transfers.transfer(self.session, self._db_member(sender), recipient.id, Money(rsc, "RSC"), "",
                                      self.now, idempotency_key=key)
        except InsufficientFunds:
            assert not self.model.can_move(deltas)
            assert self._entries() == entries
            return
        assert self.model.can_move(deltas)
        self.model.move(deltas)
        if key:
            self.keyed.append(KeyedRequest("transfer", sender.id, key, (recipient.id, rsc), done.entry.id))

    @precondition(lambda self: self.keyed)
    @rule(pick=picks, same_body=st.booleans())
    def retry_with_the_same_key(self, pick, same_body):
        request = self.keyed[pick % len(self.keyed)]
        member = self.session.get(Member, request.member)
        entries = self._entries()
        try:
            if request.kind == "conversion":
                direction, amount = request.body
                amount += 0 if same_body else 1
                if direction == CONVERSION_USD_TO_RSC:
                    result = treasury.request_conversion(self.session, member, Money(amount, "USD"), self.now,
                                                         idempotency_key=request.key).id
                else:
                    result = exchange.convert(self.session, member, direction, Money(amount, "RSC"), self.now,
                                              idempotency_key=request.key).id
            else:
                recipient, amount = request.body
                amount += 0 if same_body else 1
                result = transfers.transfer(self.session, member, recipient, Money(amount, "RSC"), "", self.now,
                                            idempotency_key=request.key).entry.id
        except IdempotencyConflict:
            assert not same_body, "the same request with the same key was refused"
        else:
            assert same_body, "the same key with another body was accepted"
            assert result == request.result, "a retry gave another result"
        assert self._entries() == entries, "a retry posted"

    @rule(pick=picks, income=st.integers(min_value=10_00, max_value=2000_00), staff=st.integers(0, 2),
          auto_convert=st.booleans())
    def found_a_company(self, pick, income, staff, auto_convert):
        founder = self._member(pick)
        db_founder = self._db_member(founder)
        company = companies.register_company(self.session, db_founder, f"Company {next(numbers)}", "repair", self.now)
        record_income(self.session, db_founder, company.id, income, "", self.now)
        region = founder.region
        self.model.balance[("company", company.id)] = 0
        self.model.move({(EXTERNAL, region): -income, (USD_RESERVE, region): income, (ISSUANCE, region): -income,
                         ("company", company.id): income})
        colleagues = [m for m in self.members if m.region == region and m.id != founder.id][:staff]
        modelled = ModelCompany(company.id, region, founder.locality, founder.id, {})
        for position, worker in enumerate([founder, *colleagues]):
            rate = 12_00 + 137 * position
            workers.set_worker(self.session, db_founder, company.id, member_id=worker.id, occupation="fitter",
                                 hourly_rate=Money(rate, "RSC"), now=self.now)
            modelled.rates[worker.id] = rate
        if auto_convert and colleagues:
            pay_settings.set_auto_convert(self.session, self._db_member(colleagues[0]), "50")
            modelled.auto_convert.add(colleagues[0].id)
        self.companies.append(modelled)

    @precondition(lambda self: self.companies)
    @rule(pick=picks, hours=st.integers(min_value=1, max_value=60))
    def payroll(self, pick, hours):
        company = self.companies[pick % len(self.companies)]
        start = date(2026, 1, 5) + timedelta(weeks=company.weeks_paid)
        period = (start.isoformat(), (start + timedelta(days=6)).isoformat())
        founder = self.session.get(Member, company.founder)
        for worker in company.rates:
            company_hours.enter_hours(self.session, founder, company.id, member_id=worker, period_start=period[0],
                                  period_end=period[1], hours=str(hours), now=self.now)
            company.unpaid_hours[worker] = company.unpaid_hours.get(worker, 0) + hours
        deltas: dict = {("company", company.id): 0, (CAPITAL_POOL, company.region): 0}
        owed: dict[int, int] = {}
        for worker, rate in company.rates.items():
            gross = company.unpaid_hours[worker] * rate
            tax = floor(gross * TAX)
            net = gross - tax
            converted = net // 2 if worker in company.auto_convert else 0
            deltas[("company", company.id)] -= gross
            deltas[(CAPITAL_POOL, company.region)] += tax
            deltas[("wallet", worker)] = deltas.get(("wallet", worker), 0) + net - converted
            if converted:
                owed[worker] = converted
                for kind, sign in ((ISSUANCE, 1), (USD_RESERVE, -1), (USD_PAYOUTS, 1)):
                    deltas[(kind, company.region)] = deltas.get((kind, company.region), 0) + sign * converted
        entries = self._entries()
        try:
            result = payroll.run_payroll(self.session, founder, company.id, *period, self.now)
        except InsufficientFunds:
            assert not self.model.can_move(deltas), "payroll refused, but the model says the company can pay"
            assert self._entries() == entries
            self.session.rollback()
            return
        assert result.created
        assert self.model.can_move(deltas), "a payroll the model says the company cannot pay went through"
        self.model.move(deltas)
        for worker, usd in owed.items():
            next(m for m in self.members if m.id == worker).owed_usd += usd
        again = payroll.run_payroll(self.session, founder, company.id, *period, self.now)
        assert not again.created and again.run.id == result.run.id
        assert self._entries() == entries + 1, "a payroll posted more than one entry, or its re-run posted"
        company.weeks_paid += 1
        company.unpaid_hours.clear()

    def _vote_and_close(self, proposal, region: int):
        for voter in [m for m in self.members if m.region == region]:
            proposals.cast_ballot(self.session, self._db_member(voter), proposal.id, "yes", self.now)
        self._later(days=3)
        return proposals.close_proposal(self.session, proposal.id, self.now)

    @precondition(lambda self: self.companies)
    @rule(pick=picks, cost=small_amounts)
    def vote_an_equipment_grant(self, pick, cost):
        company = self.companies[pick % len(self.companies)]
        admin = self.session.get(Member, company.founder)
        if admin.region_id != company.region:
            return  # the founder moved away in a split: they no longer speak for the company
        proposal = proposals.create_proposal(
            self.session, admin, kind_key="equipment_grant", title="A tool", body="", min_voting_seconds=1,
            payload={"company_id": company.id, "item": "Tool", "justification": "Work",
                     "cost": {"amount": money_text(cost), "currency": "RSC"}},
            closes_at=self.now + timedelta(days=2), now=self.now)
        deltas = {(CAPITAL_POOL, company.region): -cost, ("company", company.id): cost}
        closed = self._vote_and_close(proposal, company.region)
        if self.model.can_move(deltas):
            assert closed.status == "executed", closed.outcome
            self.model.move(deltas)
        else:
            assert closed.status == "rejected", "the pool paid a grant the model says it cannot"

    @precondition(lambda self: len(self.board[self.region]) == 2)
    @rule(pick=picks, price=small_amounts)
    def vote_and_execute_an_acquisition(self, pick, price):
        region = self.region
        author = self._member(pick, region)
        if author.id in self.board[region]:
            author = next(m for m in self.members if m.region == region and m.id not in self.board[region])
        proposal = proposals.create_proposal(
            self.session, self._db_member(author), kind_key="acquisition", title="A shop", body="",
            min_voting_seconds=1, closes_at=self.now + timedelta(days=2), now=self.now,
            payload={"business_name": f"Shop {next(numbers)}", "seller": "Seller", "industry": "retail",
                     "price": {"amount": money_text(price), "currency": "USD"}, "employees": []})
        assert self._vote_and_close(proposal, region).status == "passed"
        deltas = {(CAPITAL_POOL, region): -price, (ISSUANCE, region): price, (USD_RESERVE, region): -price,
                  (EXTERNAL, region): price}
        first, second = (self.session.get(Member, board_id) for board_id in self.board[region])
        assert proposals.confirm_execution(self.session, first, proposal.id, self.now).proposal.status == "passed"
        try:
            done = proposals.confirm_execution(self.session, second, proposal.id, self.now)
        except InsufficientFunds:
            assert not self.model.can_move(deltas), "the pool could pay, but the acquisition was refused"
            return
        assert done.proposal.status == "executed"
        assert self.model.can_move(deltas), "an acquisition the model says the pool cannot pay went through"
        self.model.move(deltas)
        with pytest.raises(Conflict):  # carried out once: a further confirmation is refused
            proposals.confirm_execution(self.session, first, proposal.id, self.now)

    @precondition(lambda self: not self.split_done)
    @rule()
    def split_the_north_off(self):
        parent = self.region
        voters = [m for m in self.members if m.region == parent]
        movers = [m for m in voters if m.locality == NORTH]
        if not movers or len(movers) == len(voters):
            return
        proposal = proposals.create_proposal(
            self.session, self._db_member(voters[0]), kind_key="split", title="North goes", body="",
            min_voting_seconds=1, closes_at=self.now + timedelta(days=2), now=self.now,
            payload={"new_region_name": f"North {next(numbers)}", "localities": [NORTH.lower()]})
        closed = self._vote_and_close(proposal, parent)
        assert closed.status == "executed", closed.outcome
        child = self.session.execute(select(Region.id).where(Region.parent_id == parent)).scalar_one()

        share = Fraction(len(movers), len(voters))
        moving_companies = [c for c in self.companies if c.region == parent and c.locality == NORTH]
        balance = self.model.balance
        rsc = sum(balance[("wallet", m.id)] for m in movers) + sum(balance[("company", c.id)] for c in moving_companies)
        pool = floor(balance[(CAPITAL_POOL, parent)] * share)
        surplus = balance[(USD_RESERVE, parent)] + balance[(ISSUANCE, parent)]
        reserve = rsc + pool + floor(surplus * share)
        owed = sum(m.owed_usd for m in movers)
        self.model.open_region(child)
        self.model.move({(CAPITAL_POOL, parent): -pool, (CAPITAL_POOL, child): pool,
                         (ISSUANCE, parent): rsc + pool, (ISSUANCE, child): -(rsc + pool),
                         (USD_RESERVE, parent): -reserve, (USD_RESERVE, child): reserve,
                         (USD_PAYOUTS, parent): -owed, (USD_PAYOUTS, child): owed})
        for mover in movers:
            mover.region = child
        for company in moving_companies:
            company.region = child
        self.board[child] = []
        self.regions.append(child)
        self.split_done = True

    # --- what must hold after every step ---------------------------------------------------

    def _account_ids(self) -> dict[tuple, int]:
        ids = {}
        for key in self.model.balance:
            if key[0] == "wallet":
                ids[key] = exchange.member_wallet(self.session, key[1]).id
            elif key[0] == "company":
                ids[key] = companies.company_account(self.session, key[1]).id
            else:
                ids[key] = ledger.region_account(self.session, key[1], key[0]).id
        return ids

    @invariant()
    def every_balance_is_what_the_model_says(self):
        self.session.commit()
        self.session.expire_all()
        actual = dict(self.session.execute(select(Account.id, Account.balance)).all())
        ids = self._account_ids()
        wrong = {key: (actual[ids[key]], expected) for key, expected in self.model.balance.items()
                 if actual[ids[key]] != expected}
        assert wrong == {}, f"(actual, model) differ: {wrong}"
        for region in self.regions:
            region_ids = {ids[(kind, region)] for kind in REGION_KINDS}
            assert actual[ids[(USD_RESERVE, region)]] >= -actual[ids[(ISSUANCE, region)]], f"region {region} unbacked"
            assert len(region_ids) == len(REGION_KINDS)

    @invariant()
    def every_entry_and_the_whole_ledger_sum_to_zero_per_currency(self):
        unbalanced = self.session.execute(
            select(Posting.entry_id, Posting.currency, func.sum(Posting.amount))
            .group_by(Posting.entry_id, Posting.currency).having(func.sum(Posting.amount) != 0)).all()
        assert unbalanced == []
        totals = dict(self.session.execute(select(Posting.currency, func.sum(Posting.amount))
                                           .group_by(Posting.currency)).all())
        assert all(total == 0 for total in totals.values()), totals
        balances = dict(self.session.execute(select(Account.currency, func.sum(Account.balance))
                                             .group_by(Account.currency)).all())
        assert all(total == 0 for total in balances.values()), balances
        assert self.model.totals() == {"RSC": 0, "USD": 0}, "the model itself lost money"

    @invariant()
    def the_ledger_verifies(self):
        report = ledger.verify(self.session)
        assert report.ok, report.problems


def test_any_sequence_of_operations_keeps_every_entry_and_the_ledger_summing_to_zero(app):
    # Derandomized and bounded for CI; no shrinking: a failure prints its whole sequence at once
    # (shrinking a stateful run against a database takes minutes).
    run_state_machine_as_test(LedgerMachine, settings=settings(
        max_examples=4, stateful_step_count=18, deadline=None, derandomize=True, database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))


def test_a_split_by_member_count_moves_the_exact_share_of_the_pool_to_the_cent(session, region, make_member, fund,
                                                                              now):
    """Two of six members leave: the new region gets exactly a third of a 3.00 pool, 1.00 (the share
    once was a 28-digit decimal, 0.333…, and a third of 3.00 came out as 0.99)."""
    north = [make_member(locality=NORTH) for _ in range(2)]
    south = [make_member(locality="South") for _ in range(4)]
    fund(south[0], 3_00)
    contributions.contribute(session, south[0], Money(3_00, "RSC"), public=False, now=now)
    proposal = proposals.create_proposal(
        session, north[0], kind_key="split", title="North goes", body="", min_voting_seconds=1,
        payload={"new_region_name": "Northfield", "localities": ["north"]}, closes_at=now + timedelta(days=2),
        now=now)
    for voter in north + south:
        proposals.cast_ballot(session, voter, proposal.id, "yes", now)

    assert proposals.close_proposal(session, proposal.id, now + timedelta(days=3)).status == "executed"

    child = session.execute(select(Region.id).where(Region.parent_id == region.id)).scalar_one()
    assert ledger.region_balances(session, child)[CAPITAL_POOL] == 1_00
    assert ledger.region_balances(session, region.id)[CAPITAL_POOL] == 2_00
    assert ledger.verify(session).ok
