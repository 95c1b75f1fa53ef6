"""A region with a history worth publishing, built through the services as members would:
conversions (at par, below and above it), an acquisition carried out by the board, payroll in a
region-owned company and in a worker-owned one (with auto-conversion), an equipment grant, a
facility bought, a parameter voted, a member paying another, and a split.

Also the helpers the records tests share: registering the records blueprints on a test app
until the app factory does, and reading a page's tables back out of its HTML."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from html.parser import HTMLParser

from sqlalchemy import update

from govern.acquisitions import service as acquisitions
from govern.companies import service as companies
from govern.companies import hours as company_hours
from govern.companies import pay_settings
from govern.companies import payroll
from govern.companies import workers
from govern.companies.models import Company, PayrollRun, Worker
from govern.ledger import exchange, transfers
from govern.members.models import Member
from govern.money import Money
from govern.proposals import service as proposals
from govern.proposals.models import Proposal
from govern.regions.models import Region
from tests.integration.acquisitions.test_stories import BAKERY, fill_pool
from tests.conftest import TEST_PASSWORD
from tests.funding import buy_rsc, record_income

PRIVATE_MEMO = "Rent for the flat on Mill Street"


@dataclass
class Scenario:
    region: Region
    child: Region
    alice: Member
    bob: Member
    carol: Member
    pat: Member
    board: list[Member]
    bakery: Company
    bikes: Company
    runs: list[PayrollRun]
    acquisition: Proposal
    grant: Proposal
    kitchen: Proposal
    rate_vote: Proposal
    referendum: Proposal
    split: Proposal
    start: datetime


def _vote(session, proposal, voters, at, choice="yes"):
    for voter in voters:
        proposals.cast_ballot(session, voter, proposal.id, choice, at)
    return proposals.close_proposal(session, proposal.id, at + timedelta(days=3))


def _carry_out(session, proposal, board, at):
    for person in board:
        proposals.confirm_execution(session, person, proposal.id, at)
    return proposal


def build(session, region, make_member, propose, now) -> Scenario:
    start = now - timedelta(days=50)
    alice = make_member(name="Alice Example", email="alice@example.org", locality="South")
    bob = make_member(name="Bob Example", email="bob@example.org", locality="South")
    carol = make_member(name="Carol Example", email="carol@example.org", locality="North")
    board = [make_member(name=f"Board {n}", board=True, locality="South") for n in (1, 2)]
    fill_pool(session, region, alice, start, usd_minor=100000)  # the pool holds 1,000.00 RSC

    acquisition = propose(alice, "acquisition", BAKERY, title="Buy the Corner Bakery", at=start)
    _vote(session, acquisition, [alice, *board], start)
    _carry_out(session, acquisition, board, start + timedelta(days=4))
    bakery = session.get(Company, int(next(e.ref_id for e in proposals.effects_of(session, acquisition.id)
                                            if e.type == "company")))
    [invitation] = acquisitions.invitations_of(session, acquisition.id)
    _, pat = acquisitions.accept(session, invitation.token, member=None, password=TEST_PASSWORD,
                                 now=start + timedelta(days=4), locality="South")
    session.execute(update(Worker).where(Worker.company_id == bakery.id, Worker.member_id == pat.id).values(admin=True))
    session.commit()

    runs = _payrolls(session, region, bakery, pat, bob, carol, start)
    bikes = runs.pop()

    grant = propose(pat, "equipment_grant", {"company_id": bakery.id, "item": "Bread oven", "justification": "Ours broke.",
                                             "cost": {"amount": "50.00", "currency": "RSC"}},
                    title="An oven for the bakery", at=start + timedelta(days=26))
    _vote(session, grant, [pat, alice, board[0]], start + timedelta(days=26))
    kitchen = propose(alice, "asset_purchase", {"asset": "Community kitchen", "kind": "facility", "seller": "Town hall",
                                                "price": {"amount": "40.00", "currency": "RSC"}},
                      title="Buy the community kitchen", at=start + timedelta(days=27))
    _vote(session, kitchen, [alice, *board], start + timedelta(days=27))
    _carry_out(session, kitchen, board, start + timedelta(days=31))

    rate_vote = propose(alice, "parameter", {"name": "exchange_rate", "min": "1", "max": "1.1"},
                        title="Reward spending inside", at=start + timedelta(days=32))
    _vote(session, rate_vote, [alice, board[0], board[1]], start + timedelta(days=32), choice="1.05")
    later = start + timedelta(days=36)
    buy_rsc(session, alice, 10000, later)  # the pool pays 5.00 of it
    exchange.convert(session, bob, "rsc_to_usd", Money(1000, "RSC"), later)  # the pool keeps 0.48
    transfers.transfer(session, alice, bob.id, Money(1234, "RSC"), PRIVATE_MEMO, later)

    referendum = propose(alice, "referendum", {}, title="Open on Sundays?", at=later)
    _vote(session, referendum, [alice, bob], later)
    split = propose(alice, "split", {"new_region_name": "Northfield", "localities": ["north"]},
                    title="North goes its own way", at=start + timedelta(days=40))
    _vote(session, split, [alice, bob, carol, pat, *board], start + timedelta(days=40))
    child = session.get(Region, int(next(e.ref_id for e in proposals.effects_of(session, split.id) if e.type == "region")))
    company_hours.enter_hours(session, pat, bakery.id, member_id=pat.id, period_start="2026-11-01",
                          period_end="2026-11-20", hours="10", now=start + timedelta(days=44))
    runs.append(payroll.run_payroll(session, pat, bakery.id, "2026-11-01", "2026-11-20",
                                      start + timedelta(days=45)).run)
    session.refresh(bakery)
    session.refresh(bikes)
    return Scenario(region, child, alice, bob, carol, pat, board, bakery, bikes, runs, acquisition, grant, kitchen,
                    rate_vote, referendum, split, start)


def _payrolls(session, region, bakery, pat, bob, carol, start):
    """A month of bakery payroll (a baker and a cashier) and of Carol's bike shop, which converts
    half of her pay to USD. Returns the bakery's run, then the bike shop."""
    at = start + timedelta(days=5)
    record_income(session, pat, bakery.id, 100000, "Bread sold before we joined", at)
    workers.set_worker(session, pat, bakery.id, member_id=bob.id, occupation="cashier",
                         hourly_rate=Money(1500, "RSC"), now=at)
    for person, hours in ((pat, "20"), (bob, "10")):
        company_hours.enter_hours(session, pat, bakery.id, member_id=person.id, period_start="2026-10-01",
                              period_end="2026-10-31", hours=hours, now=at)
    october = payroll.run_payroll(session, pat, bakery.id, "2026-10-01", "2026-10-31", start + timedelta(days=20)).run
    bikes = companies.register_company(session, carol, "North Bikes", "bicycle repair", at)
    record_income(session, carol, bikes.id, 100000, "Repairs", at)
    workers.set_worker(session, carol, bikes.id, member_id=carol.id, occupation="mechanic",
                         hourly_rate=Money(2500, "RSC"), now=at)
    pay_settings.set_auto_convert(session, carol, "50")
    company_hours.enter_hours(session, carol, bikes.id, member_id=carol.id, period_start="2026-10-01",
                          period_end="2026-10-31", hours="20", now=at)
    payroll.run_payroll(session, carol, bikes.id, "2026-10-01", "2026-10-31", start + timedelta(days=20))
    return [october, bikes]


class TableReader(HTMLParser):
    """The record tables of a page (`<table id="table-<name>">`) as rows of cell texts; a cell with
    a <time> gives its machine-readable `datetime`, as the downloads do."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, dict] = {}
        self._table = self._row = self._cell = None
        self._time = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and (attrs.get("id") or "").startswith("table-"):
            self._table = self.tables.setdefault(attrs["id"].removeprefix("table-"), {"headings": [], "rows": []})
        elif self._table is not None and tag == "tr":
            self._row = []
        elif self._table is not None and tag in ("td", "th"):
            self._cell = [] if "empty" not in (attrs.get("class") or "") else None
        elif tag == "time" and self._cell is not None:
            self._time = attrs.get("datetime")

    def handle_endtag(self, tag):
        if self._table is None:
            return
        if tag == "time" and self._cell is not None:
            self._cell[:] = [self._time]
            self._time = None
        elif tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            target = "headings" if not self._table["headings"] else "rows"
            if self._row:
                self._table[target] = self._row if target == "headings" else self._table["rows"] + [self._row]
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None and self._time is None:
            self._cell.append(data)


def read_tables(html: str) -> dict[str, dict]:
    reader = TableReader()
    reader.feed(html)
    return reader.tables
