"""The queries behind the public records and a member's own records.

Every list is paged with a keyset (newest first) and every figure is added up by the database,
so a page costs a few indexed queries however many members and entries the region has. Months
and days are UTC and come from the ledger's own dates: a payroll counts in the month it was
paid (its entry's date), as it does in the capital pool's history and the beancount export.
"""
from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import BigInteger, String, and_, case, cast, distinct, func, literal_column, or_, select, union_all
from sqlalchemy.orm import Session

from govern.companies.models import OWNER_REGION as OWNED_BY_REGION
from govern.companies.models import Company, PayrollRun, Payslip
from govern.database import is_sqlite, read_snapshot
from govern.errors import NotFound, ValidationError
from govern.ids import whole_number
from govern.inventory.models import InventoryItem
from govern.ledger import service as ledger
from govern.ledger.exchange import member_wallet
from govern.ledger.models import CAPITAL_POOL, OWNER_COMPANY, WALLET, Account, Conversion, LedgerEntry, Posting
from govern.proposals import service as proposals
from govern.proposals.models import CLOSED_STATUSES, Ballot, Proposal, ProposalEffect
from govern.regions import service as regions
from govern.regions.models import ParameterChange, Region
from govern.records import period_totals

MONTH = "month"
DAY = "day"
# How far back the capital pool's chart reaches: 12 months, or 60 days. Its cost grows with the
# movements in that window, so it stays a window; the movements and downloads go back to the start.
WINDOWS = {MONTH: 12, DAY: 60}
FACILITY_KINDS = ("housing", "land", "building", "facility")
PROPOSAL_CAUSE = "proposal"


# --- which region --------------------------------------------------------------------------

def records_region(session: Session, requested: int | None, viewer_region_id: int | None) -> Region:
    """The region a records page shows: the one asked for, else the viewer's, else the oldest
    active region (records are public, so nobody needs to log in)."""
    if requested is not None:
        return regions.get_region(session, requested)
    if viewer_region_id is not None:
        return regions.get_region(session, viewer_region_id)
    region = regions.default_region(session)
    if region is None:
        raise NotFound("There is no region yet.")
    return region


# --- months, days and cursors --------------------------------------------------------------

def parse_grouping(text: str | None) -> str:
    if not text:
        return MONTH
    if text not in WINDOWS:
        raise ValidationError.for_field("by", "must be month or day")
    return text


_PG_FORMATS = {MONTH: "'YYYY-MM'", DAY: "'YYYY-MM-DD'"}
_PREFIXES = {MONTH: "7", DAY: "10"}


def period_of(session: Session, column, grouping: str = MONTH):
    """The UTC month ("2026-11") or day ("2026-11-26") of a time column, as text, in SQL. SQLite
    keeps times as "YYYY-MM-DD HH:MM:SS", so the period is a prefix. Arguments are inlined, not
    bound, so the same expression in SELECT and GROUP BY compares equal on PostgreSQL."""
    if is_sqlite(session):
        return func.substr(column, literal_column("1"), literal_column(_PREFIXES[grouping]))
    return func.to_char(column, literal_column(_PG_FORMATS[grouping]))


def _period_groups(session: Session, column, grouping: str):
    """(what to group many rows by, its text): PostgreSQL truncates each row, which is cheaper
    than formatting it, and formats once per group."""
    if is_sqlite(session):
        text = period_of(session, column, grouping)
        return text, text
    truncated = func.date_trunc(literal_column(f"'{grouping}'"), column)
    return truncated, func.to_char(truncated, literal_column(_PG_FORMATS[grouping]))


def period_start(period: str) -> datetime:
    """"2026-11" -> 2026-11-01 00:00 UTC; "2026-11-26" -> that day's midnight."""
    parts = [int(part) for part in period.split("-")] + [1]
    return datetime(parts[0], parts[1], parts[2], tzinfo=timezone.utc)


def window_start(now: datetime, grouping: str) -> datetime:
    if grouping == DAY:
        day = now.date() - timedelta(days=WINDOWS[DAY] - 1)
        return datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
    months = now.year * 12 + now.month - 1 - (WINDOWS[MONTH] - 1)
    return datetime(months // 12, months % 12 + 1, 1, tzinfo=timezone.utc)


def period_of_now(now: datetime) -> str:
    """The UTC month of a moment, as the records name months ("2026-11")."""
    return now.astimezone(timezone.utc).strftime("%Y-%m")


def next_month(month: str) -> datetime:
    start = period_start(month)
    return datetime(start.year + start.month // 12, start.month % 12 + 1, 1, tzinfo=timezone.utc)


_MONTH = re.compile(r"^[0-9]{4}-[0-9]{2}$")


def encode_cursor(*parts: str | int) -> str:
    """An opaque cursor for lists ordered by several columns (month, then a name or an id)."""
    return base64.urlsafe_b64encode(json.dumps(list(parts)).encode()).decode().rstrip("=")


def decode_cursor(text: str | None, *types: type) -> tuple | None:
    """The parts of a cursor this module gave, checked against their types; the first is always
    a month. Anything else is a 400 on `cursor`."""
    if text is None:
        return None
    try:
        parts = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (ValueError, binascii.Error):
        parts = None
    if (not isinstance(parts, list) or len(parts) != len(types)
            or not all(type(part) is kind for part, kind in zip(parts, types))
            or not _MONTH.match(parts[0]) or any(isinstance(p, str) and len(p) > 200 for p in parts)):
        raise ValidationError.for_field("cursor", "is not a cursor this list gave")
    return tuple(parts)


# --- proposals named as causes -------------------------------------------------------------

@dataclass(frozen=True)
class ProposalRef:
    id: int
    kind: str
    title: str


def proposal_refs(session: Session, cause_ids) -> dict[str, ProposalRef]:
    """The proposals behind these cause ids (strings, as entries and parameter changes keep them)."""
    ids = {whole_number(cause_id) for cause_id in cause_ids} - {None}
    if not ids:
        return {}
    rows = session.execute(select(Proposal.id, Proposal.kind, Proposal.title).where(Proposal.id.in_(ids))).all()
    return {str(row.id): ProposalRef(row.id, row.kind, row.title) for row in rows}


# --- the capital pool ----------------------------------------------------------------------

@dataclass(frozen=True)
class PoolMovement:
    entry_id: int
    created_at: datetime
    memo: str
    cause_type: str
    cause_id: str | None
    amount: int
    balance_after: int
    proposal: ProposalRef | None


@dataclass(frozen=True)
class MovementPage:
    account_id: int
    balance: int
    movements: list[PoolMovement]  # newest first
    next_cursor: int | None


@dataclass(frozen=True)
class PoolPeriod:
    period: str
    money_in: int
    money_out: int  # zero or negative
    closing: int


@dataclass(frozen=True)
class CauseFlow:
    """What one kind of cause brought into the pool and took out of it over the chart's window."""

    cause_type: str
    money_in: int
    money_out: int  # zero or negative


@dataclass(frozen=True)
class PoolHistory:
    grouping: str
    since: datetime
    opening: int  # the balance when the chart starts
    periods: list[PoolPeriod] | None  # oldest first, periods with movements; None on later pages
    page: MovementPage
    flows: list[CauseFlow] | None = None  # by cause over the window, largest first; None on later pages


def pool_movements(session: Session, region_id: int, *, before: int | None, limit: int) -> MovementPage:
    """A page of the pool's movements, newest first, each with the balance right after it."""
    with read_snapshot(session):
        return _movement_page(session, region_id, before, limit)


def pool_history(session: Session, region_id: int, *, grouping: str, now: datetime, before: int | None,
                 limit: int) -> PoolHistory:
    """The pool's balance by month or day over the chart's window, and a page of movements, read
    in one snapshot so the balances, the periods and the movements agree to the cent. The periods
    add up every movement of the window, so only the first page draws them; older pages of
    movements cost a few indexed lookups."""
    since = window_start(now, grouping)
    with read_snapshot(session):
        page = _movement_page(session, region_id, before, limit)
        periods = None if before is not None else _pool_periods(session, page.account_id, page.balance,
                                                                 grouping, since)
        flows = None if before is not None else pool_flows(session, page.account_id, since)
    first = periods[0] if periods else None
    opening = first.closing - first.money_in - first.money_out if first else page.balance
    return PoolHistory(grouping, since, opening, periods, page, flows)


def pool_flows(session: Session, account_id: int, since: datetime) -> list[CauseFlow]:
    """Money in and out of the pool by kind of cause since `since`, summed by the database."""
    amount = Posting.amount
    rows = session.execute(
        select(LedgerEntry.cause_type,
               func.coalesce(func.sum(case((amount > 0, amount), else_=0)), 0),
               func.coalesce(func.sum(case((amount < 0, amount), else_=0)), 0))
        .join(LedgerEntry, LedgerEntry.id == Posting.entry_id)
        .where(Posting.account_id == account_id, LedgerEntry.created_at >= since)
        .group_by(LedgerEntry.cause_type)).all()
    flows = [CauseFlow(cause or "other", int(money_in), int(money_out)) for cause, money_in, money_out in rows]
    return sorted(flows, key=lambda f: (-(f.money_in - f.money_out), f.cause_type))


def _movement_page(session: Session, region_id: int, before: int | None, limit: int) -> MovementPage:
    pool = ledger.region_account(session, region_id, CAPITAL_POOL)
    account_id, balance = pool.id, pool.balance
    entries = ledger.entries_for_account(session, account_id, before=before, limit=limit + 1)
    more = len(entries) > limit
    entries = entries[:limit]
    if not entries:
        return MovementPage(account_id, balance, [], None)
    amounts = ledger.amounts_on_account(session, account_id, [e.id for e in entries])
    refs = proposal_refs(session, [e.cause_id for e in entries if e.cause_type == PROPOSAL_CAUSE])
    after = _balance_after(session, account_id, balance, entries[0].id)
    movements = []
    for entry in entries:
        amount = amounts.get(entry.id, 0)
        proposal = refs.get(entry.cause_id) if entry.cause_type == PROPOSAL_CAUSE else None
        movements.append(PoolMovement(entry.id, entry.created_at, entry.memo, entry.cause_type, entry.cause_id,
                                      amount, after, proposal))
        after -= amount
    return MovementPage(account_id, balance, movements, entries[-1].id if more else None)


def _balance_after(session: Session, account_id: int, balance: int, entry_id: int) -> int:
    """The balance right after an entry, adding up whichever side of it is shorter: the entries
    since (taken from the current balance) or the entries up to it."""
    amounts = select(func.coalesce(func.sum(Posting.amount), 0)).where(Posting.account_id == account_id)
    if 2 * entry_id >= ledger.chain_head(session).entry_id:
        return balance - int(session.execute(amounts.where(Posting.entry_id > entry_id)).scalar_one())
    return int(session.execute(amounts.where(Posting.entry_id <= entry_id)).scalar_one())


def _pool_periods(session: Session, account_id: int, balance: int, grouping: str,
                  since: datetime) -> list[PoolPeriod]:
    """Money in and out per period since `since`; closing balances counted back from the current
    balance. The totals are kept between requests and brought up to date with the newest
    postings only (period_totals.py)."""
    first = _period_key(since, grouping)
    totals = period_totals.totals_by_period(session, account_id, grouping, _period_groups)
    periods = []
    closing = balance
    for key in sorted((key for key in totals if key >= first), reverse=True):
        money_in, money_out = totals[key]
        periods.append(PoolPeriod(key, money_in, money_out, closing))
        closing -= money_in + money_out
    return periods[::-1]


def _period_key(moment: datetime, grouping: str) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d" if grouping == DAY else "%Y-%m")


# --- wages of region-owned companies -------------------------------------------------------

@dataclass(frozen=True)
class WageRow:
    month: str
    occupation: str
    people: int
    centihours: int
    paid: int

    @property
    def average_hourly(self) -> int:
        """Total paid ÷ hours, to the cent, half up."""
        if not self.centihours:
            return 0
        return (2 * self.paid * 100 + self.centihours) // (2 * self.centihours)


def _paid_in(region_id: int):
    """Payroll runs of region-owned companies whose entry the region posted. Attributing by the
    entry's region, not the company's current one, keeps a region's records as they were when a
    split later moves the company away."""
    return and_(LedgerEntry.id == PayrollRun.entry_id, LedgerEntry.region_id == region_id,
                Company.owner == OWNED_BY_REGION)


def wages_by_occupation(session: Session, region_id: int, *, cursor: str | None,
                        limit: int) -> tuple[list[WageRow], str | None]:
    """What region-owned companies paid, per month and occupation, newest month first: people
    paid, hours, gross pay and the average hourly wage. Never a name: payslips are only counted.
    Month by month, so a page reads the payslips of the few months it shows."""
    after = decode_cursor(cursor, str, str)
    found: list[WageRow] = []
    for month in _payroll_months(session, region_id, after[0] if after else None, limit + 1):
        skip = after[1] if after and month == after[0] else None
        found += _wages_in(session, region_id, month, skip, limit + 1 - len(found))
        if len(found) > limit:
            break
    more = len(found) > limit
    found = found[:limit]
    return found, encode_cursor(found[-1].month, found[-1].occupation) if more else None


def _payroll_months(session: Session, region_id: int, through: str | None, count: int) -> list[str]:
    """The months in which region-owned companies paid, newest first (each has a row to show)."""
    month = period_of(session, LedgerEntry.created_at)
    query = (select(distinct(month)).select_from(PayrollRun).join(Company, Company.id == PayrollRun.company_id)
             .join(LedgerEntry, _paid_in(region_id)))
    if through is not None:
        query = query.where(month <= through)
    return list(session.execute(query.order_by(month.desc()).limit(count)).scalars())


def _wages_in(session: Session, region_id: int, month: str, after_occupation: str | None,
              limit: int) -> list[WageRow]:
    """One month's rows. The month's runs are found first, so payslips are read by run."""
    runs = (select(PayrollRun.id).join(Company, Company.id == PayrollRun.company_id)
            .join(LedgerEntry, _paid_in(region_id))
            .where(LedgerEntry.created_at >= period_start(month), LedgerEntry.created_at < next_month(month)))
    query = (select(Payslip.occupation, func.count(distinct(Payslip.member_id)), func.sum(Payslip.centihours),
                    func.sum(Payslip.gross_minor)).where(Payslip.run_id.in_(runs)))
    if after_occupation is not None:
        query = query.where(Payslip.occupation > after_occupation)
    rows = session.execute(query.group_by(Payslip.occupation).order_by(Payslip.occupation).limit(limit)).all()
    return [WageRow(month, occupation, int(people), int(hours), int(paid)) for occupation, people, hours, paid in rows]


# --- the cost of region-owned companies and facilities -------------------------------------

@dataclass(frozen=True)
class CostRow:
    month: str
    unit_type: str  # "company" or "facility"
    unit_id: int
    name: str
    payroll: int
    pool_paid: int

    @property
    def total(self) -> int:
        return self.payroll + self.pool_paid


def running_costs(session: Session, region_id: int, *, cursor: str | None,
                  limit: int) -> tuple[list[CostRow], str | None]:
    """Per month, what each region-owned company cost the region (its payroll's gross pay, and
    what the capital pool paid for it: its purchase and every grant into its account) and what
    the pool paid for each facility (housing, land, buildings, facilities). Newest month first.
    Everything is attributed by the region that posted the entry, like the wages."""
    after = decode_cursor(cursor, str, str, int)
    pool_id = ledger.region_account(session, region_id, CAPITAL_POOL).id
    costs = union_all(*_cost_sources(session, region_id, pool_id)).subquery()
    query = select(costs.c.month, costs.c.unit_type, costs.c.unit_id, func.sum(costs.c.payroll),
                   func.sum(costs.c.pool_paid))
    if after is not None:
        m, kind, unit = after
        query = query.where(or_(costs.c.month < m, and_(costs.c.month == m, or_(
            costs.c.unit_type > kind, and_(costs.c.unit_type == kind, costs.c.unit_id > unit)))))
    rows = session.execute(query.group_by(costs.c.month, costs.c.unit_type, costs.c.unit_id)
                           .having(or_(func.sum(costs.c.payroll) != 0, func.sum(costs.c.pool_paid) != 0))
                           .order_by(costs.c.month.desc(), costs.c.unit_type, costs.c.unit_id).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    names = _unit_names(session, rows)
    found = [CostRow(m, kind, unit, names.get((kind, unit), ""), int(payroll), int(pool_paid))
             for m, kind, unit, payroll, pool_paid in rows]
    return found, encode_cursor(found[-1].month, found[-1].unit_type, found[-1].unit_id) if more else None


def _cost_sources(session: Session, region_id: int, pool_id: int) -> list:
    """Rows of (month, unit_type, unit_id, payroll, pool_paid), one select per source."""
    zero = cast(literal_column("0"), BigInteger)
    company, facility = literal_column("'company'"), literal_column("'facility'")
    month = period_of(session, LedgerEntry.created_at)
    payroll = (select(month.label("month"), company.label("unit_type"), PayrollRun.company_id.label("unit_id"),
                      cast(PayrollRun.gross_minor, BigInteger).label("payroll"), zero.label("pool_paid"))
               .select_from(PayrollRun).join(Company, Company.id == PayrollRun.company_id)
               .join(LedgerEntry, _paid_in(region_id)))
    grants = (select(month, company, Company.id, zero, cast(Posting.amount, BigInteger))
              .select_from(Posting).join(Account, Account.id == Posting.account_id)
              .join(Company, and_(Account.owner_type == OWNER_COMPANY, Account.owner_id == Company.id))
              .join(LedgerEntry, LedgerEntry.id == Posting.entry_id)
              .where(Company.owner == OWNED_BY_REGION, Account.kind == WALLET, LedgerEntry.region_id == region_id,
                     LedgerEntry.cause_type == PROPOSAL_CAUSE))
    bought = (select(month, company, Company.id, zero, _paid_from_pool(pool_id))
              .select_from(ProposalEffect).join(Company, cast(Company.id, String) == ProposalEffect.ref_id)
              .join(LedgerEntry, _caused_by(ProposalEffect))
              .where(ProposalEffect.type == "company", Company.owner == OWNED_BY_REGION))
    facilities = (select(month, facility, InventoryItem.id, zero, _paid_from_pool(pool_id))
                  .select_from(ProposalEffect).join(InventoryItem, cast(InventoryItem.id, String) == ProposalEffect.ref_id)
                  .join(LedgerEntry, _caused_by(ProposalEffect))
                  .where(ProposalEffect.type == "inventory_item", InventoryItem.kind.in_(FACILITY_KINDS)))
    return [payroll, grants, bought, facilities]


def _caused_by(effect):
    """The entries of the proposal that made this effect (the cause index finds them)."""
    return and_(LedgerEntry.cause_type == PROPOSAL_CAUSE, LedgerEntry.cause_id == cast(effect.proposal_id, String))


def _paid_from_pool(pool_id: int):
    """What the region's own pool paid in the entry: a lookup on the (account, entry) index per
    proposal entry, rather than a join the planner might drive from the pool's every posting."""
    paid = select(func.coalesce(func.sum(Posting.amount), 0)).where(
        Posting.entry_id == LedgerEntry.id, Posting.account_id == pool_id).scalar_subquery()
    return cast(-paid, BigInteger)


def _unit_names(session: Session, rows) -> dict[tuple[str, int], str]:
    companies = {unit for _, kind, unit, _, _ in rows if kind == "company"}
    items = {unit for _, kind, unit, _, _ in rows if kind == "facility"}
    names = {}
    if companies:
        names.update((("company", i), n) for i, n in session.execute(
            select(Company.id, Company.name).where(Company.id.in_(companies))))
    if items:
        names.update((("facility", i), n) for i, n in session.execute(
            select(InventoryItem.id, InventoryItem.item).where(InventoryItem.id.in_(items))))
    return names


# --- closed proposals ----------------------------------------------------------------------

@dataclass(frozen=True)
class ClosedProposal:
    proposal: Proposal
    turnout: int
    effects: list[ProposalEffect]


def closed_proposals(session: Session, region_id: int, *, before: int | None,
                     limit: int) -> tuple[list[ClosedProposal], int | None]:
    """Every proposal that finished voting (passed, executed, rejected, expired), newest first,
    with its turnout (counted in SQL as the proposal page counts it) and its effects."""
    query = select(Proposal).where(Proposal.region_id == region_id, Proposal.status.in_(CLOSED_STATUSES))
    if before is not None:
        query = query.where(Proposal.id < before)
    rows = list(session.execute(query.order_by(Proposal.id.desc()).limit(limit + 1)).scalars())
    more = len(rows) > limit
    rows = rows[:limit]
    effects: dict[int, list[ProposalEffect]] = {row.id: [] for row in rows}
    if rows:
        for effect in session.execute(select(ProposalEffect).where(ProposalEffect.proposal_id.in_(effects))
                                      .order_by(ProposalEffect.id)).scalars():
            effects[effect.proposal_id].append(effect)
    found = [ClosedProposal(row, proposals.turnout(session, row.id), effects[row.id]) for row in rows]
    return found, rows[-1].id if more else None


# --- parameters ----------------------------------------------------------------------------

def parameter_changes(session: Session, region_id: int, *, name: str | None, before: int | None,
                      limit: int) -> tuple[list[ParameterChange], int | None]:
    """Every change of every parameter of the region, newest first, optionally of one name."""
    query = select(ParameterChange).where(ParameterChange.region_id == region_id)
    if name:
        if len(name) > 60:
            raise ValidationError.for_field("name", "must be at most 60 characters")
        query = query.where(ParameterChange.name == name)
    if before is not None:
        query = query.where(ParameterChange.id < before)
    rows = list(session.execute(query.order_by(ParameterChange.id.desc()).limit(limit + 1)).scalars())
    more = len(rows) > limit
    return rows[:limit], rows[limit - 1].id if more else None


# --- the chain head ------------------------------------------------------------------------

@dataclass(frozen=True)
class ChainLink:
    entry_id: int
    hash: str
    prev_hash: str | None
    created_at: datetime | None


def chain_head(session: Session) -> ChainLink:
    head = ledger.chain_head(session)
    return ChainLink(head.entry_id, head.hash, None, None)


def chain_link(session: Session, entry_id: int) -> ChainLink:
    """An entry's place in the chain: enough for anyone who saved a head to check it is still there."""
    row = session.execute(select(LedgerEntry.id, LedgerEntry.hash, LedgerEntry.prev_hash, LedgerEntry.created_at)
                          .where(LedgerEntry.id == entry_id)).one_or_none()
    if row is None:
        raise NotFound("No such ledger entry.")
    return ChainLink(row.id, row.hash, row.prev_hash, row.created_at)


def saved_head_holds(session: Session, entry_id: int, saved_hash: str) -> bool:
    """True when the entry a visitor saved as the head still has the hash they saved: the
    history up to it is unchanged, and everything since was appended after it."""
    return chain_link(session, entry_id).hash == saved_hash.strip().lower()


# --- a member's own records ----------------------------------------------------------------

def conversions_of(session: Session, member_id: int, *, before: int | None,
                   limit: int) -> tuple[list[Conversion], int | None]:
    query = select(Conversion).where(Conversion.member_id == member_id)
    if before is not None:
        query = query.where(Conversion.id < before)
    rows = list(session.execute(query.order_by(Conversion.id.desc()).limit(limit + 1)).scalars())
    more = len(rows) > limit
    return rows[:limit], rows[limit - 1].id if more else None


def ballots_of(session: Session, member_id: int, *, before: int | None,
               limit: int) -> tuple[list[tuple[Ballot, Proposal]], int | None]:
    """The member's ballots with their receipts, newest first (a replaced ballot shows its last
    receipt: that is the one published after the close)."""
    query = select(Ballot, Proposal).join(Proposal, Proposal.id == Ballot.proposal_id).where(Ballot.member_id == member_id)
    if before is not None:
        query = query.where(Ballot.id < before)
    rows = [tuple(row) for row in session.execute(query.order_by(Ballot.id.desc()).limit(limit + 1)).all()]
    more = len(rows) > limit
    return rows[:limit], rows[limit - 1][0].id if more else None


@dataclass(frozen=True)
class StatementLine:
    entry_id: int
    created_at: datetime
    cause_type: str
    memo: str
    amount: int


@dataclass(frozen=True)
class Statement:
    year: int
    account_id: int
    currency: str
    opening: int
    lines: list[StatementLine]

    @property
    def money_in(self) -> int:
        return sum(line.amount for line in self.lines if line.amount > 0)

    @property
    def money_out(self) -> int:
        return sum(line.amount for line in self.lines if line.amount < 0)

    @property
    def closing(self) -> int:
        return self.opening + self.money_in + self.money_out


def parse_year(text: str | None, now: datetime) -> int:
    if text is None or text == "":
        return now.year
    year = whole_number(text, 9999)
    if year is None or year < 1970:
        raise ValidationError.for_field("year", "must be a year such as 2026")
    return year


def statement(session: Session, member_id: int, year: int) -> Statement:
    """Every movement on the member's wallet in a calendar year (UTC), with the balance it
    started from. One line per entry, whatever the number of postings."""
    wallet = member_wallet(session, member_id)
    start = datetime(year, 1, 1, tzinfo=timezone.utc)
    end = datetime(year + 1, 1, 1, tzinfo=timezone.utc)
    on_wallet = (select().select_from(Posting).join(LedgerEntry, LedgerEntry.id == Posting.entry_id)
                 .where(Posting.account_id == wallet.id))
    opening = session.execute(on_wallet.add_columns(func.coalesce(func.sum(Posting.amount), 0))
                              .where(LedgerEntry.created_at < start)).scalar_one()
    rows = session.execute(
        on_wallet.add_columns(LedgerEntry.id, LedgerEntry.created_at, LedgerEntry.cause_type, LedgerEntry.memo,
                              func.sum(Posting.amount))
        .where(LedgerEntry.created_at >= start, LedgerEntry.created_at < end)
        .group_by(LedgerEntry.id, LedgerEntry.created_at, LedgerEntry.cause_type, LedgerEntry.memo)
        .order_by(LedgerEntry.created_at, LedgerEntry.id)).all()
    lines = [StatementLine(entry_id, created_at, cause_type, memo, int(amount))
             for entry_id, created_at, cause_type, memo, amount in rows]
    return Statement(year, wallet.id, wallet.currency, int(opening), lines)
