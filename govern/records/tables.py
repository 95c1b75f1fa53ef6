"""What a records page shows, as tables: the page, its CSV download and its JSON download are all
rendered from the same `RecordPage`, so a download always holds exactly the rows, filters and
page the visitor saw. Presentation only: the figures come from `records.service`."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from govern import voting
from govern.downloads import Figure
from govern.errors import DomainError, ValidationError
from govern.money import Money, format_minor
from govern.proposals import charts as tally_charts
from govern.proposals import kinds, presenters
from govern.records import service
from govern.regions.models import Region

TEXT = "text"
INT = "int"
MONEY = "money"
HOURS = "hours"
TIME = "time"
LINK = "link"
LINKS = "links"
NUMERIC = (INT, MONEY, HOURS)


@dataclass(frozen=True)
class Link:
    """A cell that links somewhere: a Flask endpoint with its arguments, or a ready URL."""

    label: str
    endpoint: str | None = None
    args: tuple[tuple[str, object], ...] = ()
    url: str | None = None

    @property
    def arguments(self) -> dict:
        return dict(self.args)


@dataclass(frozen=True)
class Column:
    key: str
    heading: str
    kind: str = TEXT
    currency: str | None = None  # money columns: the currency every row is in (else each value says)

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC


@dataclass(frozen=True)
class Table:
    name: str
    caption: str
    columns: tuple[Column, ...]
    rows: list[dict]
    empty: str = "Nothing here yet."


@dataclass(frozen=True)
class RecordPage:
    key: str
    title: str
    region: Region | None
    tables: tuple[Table, ...]
    filters: dict = field(default_factory=dict)  # the query that shows this page again
    next_cursor: str | None = None
    facts: tuple[tuple[str, str, Money], ...] = ()  # (key, label, figure) shown above the tables

    @property
    def first_page_filters(self) -> dict:
        return {key: value for key, value in self.filters.items() if key != "cursor"}

    @property
    def next_page_filters(self) -> dict:
        return {**self.filters, "cursor": self.next_cursor}

    def table(self, name: str | None) -> Table:
        if not name:
            return self.tables[0]
        for table in self.tables:
            if table.name == name:
                return table
        raise ValidationError.for_field("table", f"must be one of {', '.join(t.name for t in self.tables)}")


def money_column(key: str, heading: str, currency: str | None = "RSC") -> Column:
    return Column(key, f"{heading} ({currency})" if currency else heading, MONEY, currency)


# --- cells ---------------------------------------------------------------------------------

def hours_text(centihours: int) -> str:
    return f"{centihours // 100}.{centihours % 100:02d}"


def cell_text(column: Column, value) -> str:
    """A cell as the page and the CSV both show it."""
    if value is None:
        return ""
    if column.kind == MONEY:
        return format_minor(value.minor) if column.currency else str(value)
    if column.kind == HOURS:
        return hours_text(value)
    if column.kind == TIME:
        return value.isoformat()
    if column.kind == LINK:
        return value.label
    if column.kind == LINKS:
        return "; ".join(link.label for link in value)
    return str(value)


def cell_json(column: Column, value):
    if value is None:
        return None
    if column.kind == MONEY:
        return value.to_json()
    if column.kind == INT:
        return value
    if column.kind == LINKS:
        return [link.label for link in value]
    return cell_text(column, value)


def csv_cell(column: Column, value) -> str:
    """Numeric columns are figures; everything else is text, which the CSV writer
    (govern/downloads.py) keeps from starting a spreadsheet formula."""
    text = cell_text(column, value)
    return Figure(text) if column.numeric and value is not None else text


def csv_rows(table: Table) -> tuple[list[str], list[list[str]]]:
    """The table's heading and rows, for `downloads.csv_response`."""
    return ([column.heading for column in table.columns],
            [[csv_cell(column, row[column.key]) for column in table.columns] for row in table.rows])


def to_json(page: RecordPage) -> dict:
    region = {"id": page.region.id, "name": page.region.name} if page.region is not None else None
    return {
        "title": page.title, "region": region, "filters": page.filters, "next": page.next_cursor,
        "facts": {key: value.to_json() for key, _, value in page.facts},
        "columns": {table.name: [{"key": c.key, "heading": c.heading, "kind": c.kind, "currency": c.currency}
                                 for c in table.columns] for table in page.tables},
        "tables": {table.name: [{column.key: cell_json(column, row[column.key]) for column in table.columns}
                                for row in table.rows] for table in page.tables},
    }


def filename(page: RecordPage, table: Table) -> str:
    region = f"-region{page.region.id}" if page.region is not None else ""
    return f"{page.key}{region}-{table.name}.csv"


# --- causes --------------------------------------------------------------------------------

_CAUSES = {
    "payroll": "Income tax and auto-conversions, payroll run {id}",
    "conversion": "Conversion at the exchange rate (spread)",
    "deposit": "Exchange rate spread on deposit {id}",
    "payout": "USD payout {id}",
    "income": "Exchange incentive on outside income, company {id}",
    "contribution": "Contribution",
    "order": "Sales tax",
    "rent": "Rent, charge {id}",
    "facility_cost": "Operating cost of a facility, cost {id}",
    "facility_maintenance": "Maintenance of a facility, payment {id}",
    "surplus_sweep": "Surplus of a region-owned company, sweep {id}",
    "bankruptcy": "What a bankrupt company held, company {id}",
    "company_closed": "Unspent equipment grant of a closed company, company {id}",
    "outside_purchase": "Outside purchase {id}",
    "health_premium": "Group health plan premium {id}",
    "split": "Region split",
}


# Kinds of cause, as the capital pool's chart of money in and out names them.
CAUSE_KINDS = {
    "payroll": "Income tax from pay", "order": "Sales tax", "conversion": "Exchange spreads and incentives",
    "deposit": "Exchange spreads on deposits", "income": "Incentives on outside income",
    "contribution": "Contributions", "proposal": "Passed proposals", "rent": "Rent",
    "health_premium": "Health plan premiums", "split": "Region split", "founding": "Founding",
    "transfer": "Transfers", "move": "Members moving away", "payout": "Payouts",
    "outside_purchase": "Outside purchases",
}


def cause_kind_label(cause_type: str) -> str:
    return CAUSE_KINDS.get(cause_type, cause_type.replace("_", " ").capitalize())


def kind_label(key: str) -> str:
    try:
        return kinds.get(key).label
    except DomainError:
        return key.replace("_", " ").capitalize()


def cause_link(cause_type: str, cause_id: str | None, proposal: service.ProposalRef | None) -> Link:
    """Why money moved, in words; a proposal links to its page."""
    if proposal is not None:
        return Link(f"{kind_label(proposal.kind)}: {proposal.title}", "proposals.show",
                    (("proposal_id", proposal.id),))
    template = _CAUSES.get(cause_type)
    if template is not None:
        return Link(template.format(id=cause_id or "—"))
    return Link(cause_type.replace("_", " ").capitalize() + (f" {cause_id}" if cause_id else ""))


# --- the public pages ----------------------------------------------------------------------

PERIOD_HEADINGS = {service.MONTH: "Month", service.DAY: "Day"}


def capital_pool_page(region: Region, history: service.PoolHistory, filters: dict) -> RecordPage:
    """The first page: the balance by period (the chart's numbers) and the newest movements;
    later pages: older movements only."""
    movements = movements_table(history.page)
    next_cursor = _text_cursor(history.page.next_cursor)
    if history.periods is None:
        return RecordPage("capital-pool", "Capital pool", region, (movements,), filters, next_cursor)
    balance = Table("balance", f"The pool's balance by {history.grouping}, since {history.since:%Y-%m-%d}", (
        Column("period", PERIOD_HEADINGS[history.grouping]), money_column("money_in", "In"),
        money_column("money_out", "Out"), money_column("closing", "Balance at the end")),
        [{"period": p.period, "money_in": Money(p.money_in, "RSC"), "money_out": Money(p.money_out, "RSC"),
          "closing": Money(p.closing, "RSC")} for p in history.periods],
        empty="No movements in this period.")
    flows = Table("flows", f"Money in and out by cause, since {history.since:%Y-%m-%d}", (
        Column("cause", "Cause"), money_column("money_in", "In"), money_column("money_out", "Out"),
        money_column("net", "Net")),
        [{"cause": cause_kind_label(f.cause_type), "money_in": Money(f.money_in, "RSC"),
          "money_out": Money(f.money_out, "RSC"), "net": Money(f.money_in + f.money_out, "RSC")}
         for f in history.flows or ()],
        empty="No movements in this period.")
    facts = (("balance", "Balance now", Money(history.page.balance, "RSC")),
             ("opening", f"Balance on {history.since:%Y-%m-%d}", Money(history.opening, "RSC")))
    return RecordPage("capital-pool", "Capital pool", region, (balance, flows, movements), filters, next_cursor,
                      facts)


def movements_table(page: service.MovementPage) -> Table:
    return Table("movements", "Every movement, newest first", (
        Column("entry_id", "Entry", INT), Column("created_at", "When", TIME), Column("cause", "Cause", LINK),
        Column("cause_type", "Cause type"), Column("cause_id", "Cause id"), Column("memo", "Memo"),
        money_column("amount", "Amount"), money_column("balance_after", "Balance after")),
        [{"entry_id": m.entry_id, "created_at": m.created_at, "cause": cause_link(m.cause_type, m.cause_id, m.proposal),
          "cause_type": m.cause_type, "cause_id": m.cause_id, "memo": m.memo, "amount": Money(m.amount, "RSC"),
          "balance_after": Money(m.balance_after, "RSC")} for m in page.movements],
        empty="The pool has not moved yet.")


def wages_page(region: Region, rows: list[service.WageRow], filters: dict, next_cursor: str | None) -> RecordPage:
    table = Table("wages", "Pay by occupation and month, newest month first", (
        Column("month", "Month"), Column("occupation", "Occupation"), Column("people", "People paid", INT),
        Column("hours", "Hours", HOURS), money_column("paid", "Total paid"),
        money_column("average_hourly", "Average hourly")),
        [{"month": r.month, "occupation": r.occupation, "people": r.people, "hours": r.centihours,
          "paid": Money(r.paid, "RSC"), "average_hourly": Money(r.average_hourly, "RSC")} for r in rows],
        empty="No region-owned company has paid wages yet.")
    return RecordPage("wages", "Wages of region-owned companies", region, (table,), filters, next_cursor)


def costs_page(region: Region, rows: list[service.CostRow], filters: dict, next_cursor: str | None) -> RecordPage:
    table = Table("costs", "Cost by month, newest month first", (
        Column("month", "Month"), Column("unit", "Company or facility", LINK), Column("unit_type", "Kind"),
        money_column("payroll", "Payroll (gross)"), money_column("pool_paid", "Paid by the pool"),
        money_column("total", "Total")),
        [{"month": r.month, "unit": _unit_link(r), "unit_type": r.unit_type, "payroll": Money(r.payroll, "RSC"),
          "pool_paid": Money(r.pool_paid, "RSC"), "total": Money(r.total, "RSC")} for r in rows],
        empty="Nothing has cost the region anything yet.")
    return RecordPage("costs", "Cost of region-owned companies and facilities", region, (table,), filters, next_cursor)


def facilities_page(region: Region, units, prices: dict, rows, paid, filters: dict,
                    next_cursor: str | None) -> RecordPage:
    """The units with this month's cost and member price, every charged month of each, and the
    maintenance and operating costs the pool paid for them."""
    current = Table("units", "Units and what a member pays this month (the 200 newest units)", (
        Column("unit", "Unit", LINK), Column("kind", "Kind"), money_column("purchase", "Purchase"),
        money_column("amortisation", "Purchase share a month"), money_column("maintenance", "Maintenance"),
        money_column("operating", "Operating costs so far"), money_column("cost", "Cost"),
        Column("subsidy_rate", "Subsidy rate"), money_column("subsidy", "Subsidy"), money_column("rent", "Member price"),
        money_column("market_rate", "Market rate")),
        [{"unit": Link(u.name, "records.facilities", (("region", region.id), ("facility", u.id))), "kind": u.kind,
          "purchase": Money(u.purchase_minor, "RSC"), "amortisation": Money(prices[u.id].amortisation, "RSC"),
          "maintenance": Money(prices[u.id].maintenance, "RSC"), "operating": Money(prices[u.id].operating, "RSC"),
          "cost": Money(prices[u.id].cost, "RSC"), "subsidy_rate": str(prices[u.id].subsidy_rate),
          "subsidy": Money(prices[u.id].subsidy, "RSC"), "rent": Money(prices[u.id].rent, "RSC"),
          "market_rate": None if u.market_rate_minor is None else Money(u.market_rate_minor, "RSC")} for u in units],
        empty="The region offers no units yet.")
    months = Table("months", "Cost, rent and subsidy by month, newest first", (
        Column("month", "Month"), Column("unit", "Unit", LINK), money_column("cost", "Cost"),
        Column("basis", "Charged at"), Column("subsidy_rate", "Subsidy rate"), money_column("rent", "Rent"),
        money_column("subsidy", "Subsidy borne by the pool"), Column("status", "Rent"), Column("entry_id", "Entry", INT)),
        [{"month": c.month, "unit": Link(f.name, "records.facilities", (("region", region.id), ("facility", f.id))),
          "cost": Money(c.cost_minor, "RSC"), "basis": c.basis, "subsidy_rate": c.subsidy_rate,
          "rent": Money(c.rent_minor, "RSC"), "subsidy": Money(c.subsidy_minor, "RSC"), "status": c.status,
          "entry_id": c.entry_id} for c, f in rows],
        empty="No month has been charged yet.")
    costs = Table("costs_paid", "Maintenance and operating costs the capital pool paid (the 100 newest)", (
        Column("month", "Month"), Column("unit", "Unit", LINK), Column("what", "What"), Column("paid_to", "Paid to"),
        money_column("amount", "Amount"), Column("status", "Paid"), Column("entry_id", "Entry", INT)),
        [{"month": c.month, "unit": Link(c.facility.name, "records.facilities", (("region", region.id),
                                                                                ("facility", c.facility.id))),
          "what": c.what, "paid_to": c.paid_to, "amount": Money(c.amount, "RSC"), "status": c.status,
          "entry_id": c.entry_id} for c in paid],
        empty="The pool has paid no maintenance or operating cost yet.")
    return RecordPage("facilities", "Facilities: costs, rents and subsidies", region, (current, months, costs),
                      filters, next_cursor)


def _unit_link(row: service.CostRow) -> Link:
    if row.unit_type == "company":
        return Link(row.name, "companies.show", (("company_id", row.unit_id),))
    return Link(row.name, "inventory.show", (("item_id", row.unit_id),))


def proposals_page(region: Region, rows: list[service.ClosedProposal], effects: dict[int, list[Link]],
                   filters: dict, next_cursor: int | None) -> RecordPage:
    table = Table("proposals", "Closed proposals, newest first", (
        Column("id", "Proposal", INT), Column("title", "Title", LINK), Column("kind", "Kind"),
        Column("status", "Status"), Column("closed_at", "Closed", TIME), Column("outcome", "Outcome"),
        Column("tally", "Tally"), Column("turnout", "Ballots", INT), Column("electorate", "Voters", INT),
        Column("turnout_percent", "Turnout (%)"), Column("effects", "What it changed", LINKS)),
        [_proposal_row(row, effects.get(row.proposal.id, [])) for row in rows],
        empty="No proposal has closed yet.")
    return RecordPage("proposals", "Closed proposals", region, (table,), filters, _text_cursor(next_cursor))


def _proposal_row(row: service.ClosedProposal, effects: list[Link]) -> dict:
    p = row.proposal
    rule = voting.VotingRule.from_json(p.voting)
    labels = {option.id: option.label for option in rule.options}
    percent = (Decimal(100 * row.turnout) / p.electorate_size).quantize(Decimal("0.1")) if p.electorate_size else None
    return {"id": p.id, "title": Link(p.title, "proposals.show", (("proposal_id", p.id),)), "kind": kind_label(p.kind),
            "status": p.status, "closed_at": p.closed_at or p.closes_at, "outcome": outcome_text(p.outcome, labels),
            "tally": tally_text(rule, p.tally), "turnout": row.turnout, "electorate": p.electorate_size,
            "turnout_percent": None if percent is None else str(percent), "effects": effects}


def outcome_text(outcome: dict | None, labels: dict[str, str]) -> str:
    """The outcome as the proposal page says it: its reason, else passed or not with the value."""
    if not outcome:
        return ""
    if outcome.get("explanation") or outcome.get("reason"):
        return outcome.get("explanation") or outcome["reason"]
    text = "Passed" if outcome.get("passed") else "Not passed"
    if outcome.get("value"):
        text += f": {outcome['value']}"
    if outcome.get("winners"):
        text += ": " + ", ".join(labels.get(w, w) for w in outcome["winners"])
    return f"{text}."


def tally_text(rule: voting.VotingRule, tally: dict | None) -> str:
    """The tally in one line, from the same bars the proposal page draws."""
    chart = tally_charts.tally_chart(rule, tally) if tally else None
    if chart is None:
        return ""
    return "; ".join(f"{bar.label}: {bar.text}" for bar in chart.bars)


def parameters_page(region: Region, rows, refs: dict[str, service.ProposalRef], filters: dict,
                    next_cursor: int | None) -> RecordPage:
    table = Table("parameters", "Every change, newest first", (
        Column("changed_at", "When", TIME), Column("name", "Parameter"), Column("old_value", "From"),
        Column("new_value", "To"), Column("cause", "Cause", LINK), Column("cause_type", "Cause type"),
        Column("cause_id", "Cause id")),
        [{"changed_at": c.changed_at, "name": c.name, "old_value": c.old_value, "new_value": c.new_value,
          "cause": cause_link(c.cause_type, c.cause_id, refs.get(c.cause_id) if c.cause_type == "proposal" else None),
          "cause_type": c.cause_type, "cause_id": c.cause_id} for c in rows],
        empty="Every parameter still has its starting value.")
    return RecordPage("parameters", "Parameter history", region, (table,), filters, _text_cursor(next_cursor))


# --- a member's own records ----------------------------------------------------------------

DIRECTIONS = {"usd_to_rsc": "USD to RSC", "rsc_to_usd": "RSC to USD"}


def conversions_page(rows, filters: dict, next_cursor: int | None) -> RecordPage:
    table = Table("conversions", "My conversions, newest first", (
        Column("created_at", "When", TIME), Column("direction", "Direction"),
        money_column("debited", "Paid", None), money_column("credited", "Received", None), Column("rate", "Rate"),
        Column("entry_id", "Entry", INT)),
        [{"created_at": c.created_at, "direction": DIRECTIONS.get(c.direction, c.direction),
          "debited": Money(c.debited_minor, c.debited_currency), "credited": Money(c.credited_minor, c.credited_currency),
          "rate": c.rate, "entry_id": c.entry_id} for c in rows],
        empty="You have not converted anything yet.")
    return RecordPage("my-conversions", "My conversions", None, (table,), filters, _text_cursor(next_cursor))


def ballots_page(rows, filters: dict, next_cursor: int | None) -> RecordPage:
    """Your own ballots, with your own choice: secret ballots are secret from others, not from you."""
    table = Table("ballots", "My ballots, newest first", (
        Column("proposal", "Proposal", LINK), Column("status", "Status"), Column("cast_at", "Cast", TIME),
        Column("receipt", "Receipt"), Column("choice", "My choice"), Column("secret", "Secret ballot")),
        [_ballot_row(ballot, proposal) for ballot, proposal in rows],
        empty="You have not voted yet.")
    return RecordPage("my-ballots", "My ballots", None, (table,), filters, _text_cursor(next_cursor))


def _ballot_row(ballot, proposal) -> dict:
    rule = voting.VotingRule.from_json(proposal.voting)
    labels = {option.id: option.label for option in rule.options}
    choice = presenters.describe_choice(labels, rule.method, voting.decode_choice(rule, ballot.choice))
    return {"proposal": Link(proposal.title, "proposals.show", (("proposal_id", proposal.id),)),
            "status": proposal.status, "cast_at": ballot.cast_at, "receipt": ballot.receipt, "choice": choice,
            "secret": "yes" if rule.secret else "no"}


def statement_rows(statement: service.Statement) -> tuple[list[str], list[list]]:
    """A year of the wallet, for `downloads.csv_response`: the opening balance, one line per
    movement with its running balance, then the totals in, out and the closing balance."""
    def figure(minor: int) -> Figure:
        return Figure(format_minor(minor))

    rows = [[f"{statement.year}-01-01", "", "", "Opening balance", "", figure(statement.opening)]]
    balance = statement.opening
    for line in statement.lines:
        balance += line.amount
        rows.append([line.created_at.isoformat(), line.entry_id, line.cause_type, line.memo, figure(line.amount),
                     figure(balance)])
    rows += [["", "", "", "Total in", figure(statement.money_in), ""],
             ["", "", "", "Total out", figure(statement.money_out), ""],
             [f"{statement.year}-12-31", "", "", "Closing balance", "", figure(statement.closing)]]
    return (["Date", "Entry", "Cause", "Memo", f"Amount ({statement.currency})", f"Balance ({statement.currency})"],
            rows)


def _text_cursor(cursor) -> str | None:
    return None if cursor is None else str(cursor)
