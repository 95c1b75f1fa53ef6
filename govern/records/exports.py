"""The whole ledger in beancount's text format, streamed, for accountants and auditors.

One snapshot of the database is written as: an `open` per account (metadata `account_id`,
Conductor's id), one transaction per entry (dated by its UTC day, its cause, id and hashes in
metadata, its postings copied with their signs), and a `balance` assertion per account with
Conductor's balance, so `bean-check` itself confirms the export adds up to the books.

Accounts are named by type and opaque id only, never by a person: a member's wallet is
`Assets:Members:Wallet<account id>`. Every account holds its balance with Conductor's sign: what an
account holds is an asset; the issuance account (minus the RSC outstanding, which the reserve must
redeem) is a liability, and the external world (the USD that came in from outside) is equity, so
both read negative as beancount expects of those types.

Who reads what (`Reader`): the public export shows one by one only the accounts the reader may
see (region accounts, region-owned companies', and with a token the reader's own wallet and their
companies'); every other account is summed into one account, `Assets:Private`, per currency — one
posting per currency in each transaction, one balance per currency — so no wallet can be found
by its id, its balance or a payment of 0.01 to it. An entry that touches such an account gets a
neutral narration from its cause type and no cause id (a company's income names the company; a
proposal's number stays, its page is public) and keeps its id and hashes, so the chain can still be
followed. The board reads every account of its
own region one by one, with their memos; `full` (the command line's `--full`, for the co-op's
accountant) reads everything.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Iterator

from sqlalchemy import func, not_, or_, select, true
from sqlalchemy.orm import Session

from govern import access
from govern.database import read_snapshot
from govern.ledger import service as ledger
from govern.ledger.models import EXTERNAL, ISSUANCE, OWNER_REGION, Account, LedgerEntry, Posting
from govern.money import format_minor

ENTRY_BATCH = 2000
ACCOUNT_BATCH = 5000
PRIVATE_ACCOUNT = "Assets:Private"
_REGION_ROOTS = {ISSUANCE: "Liabilities", EXTERNAL: "Equity"}
_OWNER_GROUPS = {"member": "Members", "company": "Companies"}


@dataclass(frozen=True)
class AccountRow:
    id: int
    region_id: int
    owner_type: str
    owner_id: int
    kind: str
    currency: str
    balance: int
    allow_negative: bool
    created_at: datetime


@dataclass(frozen=True)
class Reader:
    """Who the export is for: `shown` is the SQL condition on Account for the accounts written one by
    one (the rest are summed into PRIVATE_ACCOUNT); `view` says so in the file's header."""

    shown: object
    view: str

    @property
    def hides_some(self) -> bool:
        return self.shown is not True


FULL = Reader(True, "full: every account")


def reader_for(viewer) -> Reader:
    """The public (viewer None) and members see what the API shows them; the board also every
    account of its own region."""
    shown = ledger.visible_to(viewer)
    if viewer is not None and access.can(viewer, "audit_ledger"):
        return Reader(or_(shown, Account.region_id == viewer.region_id),
                      f"the board of region {viewer.region_id}: its accounts one by one, other regions' private "
                      f"accounts summed in {PRIVATE_ACCOUNT}")
    return Reader(shown, f"public: private accounts summed in {PRIVATE_ACCOUNT}")


def _shown(reader: Reader):
    return true() if reader.shown is True else reader.shown


def _camel(text: str) -> str:
    return "".join(part.capitalize() for part in text.split("_") if part)


def account_name(row: AccountRow) -> str:
    if row.owner_type == OWNER_REGION:
        root = _REGION_ROOTS.get(row.kind, "Equity" if row.allow_negative else "Assets")
        return f"{root}:Regions:R{row.owner_id}:{_camel(row.kind)}"
    root = "Equity" if row.allow_negative else "Assets"
    group = _OWNER_GROUPS.get(row.owner_type, _camel(row.owner_type))
    return f"{root}:{group}:{_camel(row.kind)}{row.id}"


def quote(text: str) -> str:
    """A beancount string on one line: control characters become spaces, backslashes and quotes
    are escaped."""
    if not text.isprintable():
        text = "".join(ch if ch.isprintable() else " " for ch in text)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def neutral_narration(cause_type: str) -> str:
    return cause_type.replace("_", " ").capitalize()


def beancount(session: Session, *, now: datetime, reader: Reader) -> Iterator[str]:
    """The export for `reader`, in chunks of text, read from one snapshot so the opens, the
    transactions and the balance assertions agree even while members keep paying each other."""
    with read_snapshot(session):
        head = ledger.chain_head(session)
        yield _header(now, head.entry_id, head.hash, reader)
        last_open = yield from _opens(session, reader)
        last_entry = yield from _transactions(session, reader)
        days = [day for day in (last_open, last_entry) if day is not None]
        if days:
            yield from _balances(session, reader, max(days) + timedelta(days=1))


def _header(now: datetime, head_id: int, head_hash: str, reader: Reader) -> str:
    return (f"; Conductor ledger, exported {now.isoformat()}\n"
            f"; chain head: entry {head_id}, hash {head_hash}\n"
            f"; view: {reader.view}\n"
            'option "title" "Conductor ledger"\n'
            'option "operating_currency" "RSC"\n'
            'option "operating_currency" "USD"\n\n')


def _account_batches(session: Session, reader: Reader) -> Iterator[list[AccountRow]]:
    last_id = 0
    while True:
        rows = session.execute(
            select(Account.id, Account.region_id, Account.owner_type, Account.owner_id, Account.kind,
                   Account.currency, Account.balance, Account.allow_negative, Account.created_at)
            .where(Account.id > last_id, _shown(reader)).order_by(Account.id).limit(ACCOUNT_BATCH)).all()
        if not rows:
            return
        yield [AccountRow(*row) for row in rows]
        last_id = rows[-1].id


def _first_use(session: Session, accounts) -> dict[int, datetime]:
    return dict(session.execute(
        select(Posting.account_id, func.min(LedgerEntry.created_at))
        .join(LedgerEntry, LedgerEntry.id == Posting.entry_id).where(accounts).group_by(Posting.account_id)).all())


def _opens(session: Session, reader: Reader) -> Iterator[str]:
    """Each account opens on the day it was created, or on the day of its first entry if that is
    earlier (entries dated before their account was made: imports, back-dated corrections). The
    summed private account opens on the earliest day of the accounts it sums."""
    latest = None
    for rows in _account_batches(session, reader):
        first_use = _first_use(session, Posting.account_id.between(rows[0].id, rows[-1].id))
        chunk = []
        for row in rows:
            opened = min(row.created_at, first_use.get(row.id, row.created_at)).date()
            latest = opened if latest is None else max(latest, opened)
            chunk.append(_open_text(row, opened))
        yield "".join(chunk)
    if reader.hides_some:
        hidden = not_(_shown(reader))
        created = session.execute(select(func.min(Account.created_at)).where(hidden)).scalar_one()
        used = session.execute(select(func.min(LedgerEntry.created_at))
                               .join(Posting, Posting.entry_id == LedgerEntry.id)
                               .join(Account, Account.id == Posting.account_id).where(hidden)).scalar_one()
        if created is not None:
            opened = min(moment for moment in (created, used) if moment is not None).date()
            latest = opened if latest is None else max(latest, opened)
            yield (f"{opened.isoformat()} open {PRIVATE_ACCOUNT}\n"
                   f'  description: "every account this export does not show one by one, summed per currency"\n')
    return latest


def _open_text(row: AccountRow, opened: date) -> str:
    lines = [f"{opened.isoformat()} open {account_name(row)} {row.currency}",
             f"  account_id: {row.id}", f"  owner_type: {quote(row.owner_type)}", f"  kind: {quote(row.kind)}",
             f"  region_id: {row.region_id}", f"  owner_id: {row.owner_id}",
             f"  created_at: {quote(row.created_at.isoformat())}"]
    return "\n".join(lines) + "\n"


def _transactions(session: Session, reader: Reader) -> Iterator[str]:
    latest = None
    last_id = 0
    names: dict[int, str] = {}  # account id -> name, computed once per account
    entries_table = LedgerEntry.__table__
    while True:
        entries = session.execute(select(entries_table).where(entries_table.c.id > last_id)
                                  .order_by(entries_table.c.id).limit(ENTRY_BATCH)).all()
        if not entries:
            return latest
        first, last = entries[0].id, entries[-1].id
        postings = _postings(session, reader, first, last, names)
        private = _private_postings(session, reader, first, last) if reader.hides_some else {}
        yield "\n" + "".join(_transaction_text(entry, postings.get(entry.id, []), private.get(entry.id))
                             for entry in entries)
        days = [entry.created_at.date() for entry in entries] + ([latest] if latest else [])
        latest = max(days)
        last_id = last


def _postings(session: Session, reader: Reader, first_id: int, last_id: int,
              names: dict[int, str]) -> dict[int, list[str]]:
    rows = session.execute(
        select(Posting.entry_id, Posting.amount, Posting.currency, Account.id, Account.region_id, Account.owner_type,
               Account.owner_id, Account.kind, Account.allow_negative)
        .join(Account, Account.id == Posting.account_id)
        .where(Posting.entry_id.between(first_id, last_id), _shown(reader))
        .order_by(Posting.entry_id, Posting.id)).all()
    by_entry: dict[int, list[str]] = {}
    for row in rows:
        name = names.get(row.id)
        if name is None:
            name = names[row.id] = account_name(AccountRow(
                row.id, row.region_id, row.owner_type, row.owner_id, row.kind, row.currency, 0, row.allow_negative,
                datetime.min))
        by_entry.setdefault(row.entry_id, []).append(f"  {name}  {format_minor(row.amount)} {row.currency}\n")
    return by_entry


def _private_postings(session: Session, reader: Reader, first_id: int, last_id: int) -> dict[int, list[str]]:
    """Per entry that touches accounts the reader may not see: their postings summed per currency
    (no line where they sum to zero, as in a payment from one wallet to another)."""
    by_entry: dict[int, list[str]] = {}
    for entry_id, currency, amount in session.execute(
            select(Posting.entry_id, Posting.currency, func.sum(Posting.amount))
            .join(Account, Account.id == Posting.account_id)
            .where(Posting.entry_id.between(first_id, last_id), not_(_shown(reader)))
            .group_by(Posting.entry_id, Posting.currency).order_by(Posting.entry_id, Posting.currency)):
        lines = by_entry.setdefault(entry_id, [])
        if amount:
            lines.append(f"  {PRIVATE_ACCOUNT}  {format_minor(int(amount))} {currency}\n")
    return by_entry


def _transaction_text(entry, postings: list[str], private: list[str] | None) -> str:
    """`private` is None for an entry between accounts the reader sees, else its summed lines."""
    touches_private = private is not None
    narration = neutral_narration(entry.cause_type) if touches_private else entry.memo
    cause_id = ledger.shown_cause_id(entry.cause_type, entry.cause_id, touches_private) or ""
    meta = [f"  entry_id: {entry.id}", f"  created_at: {quote(entry.created_at.isoformat())}",
            f"  cause_type: {quote(entry.cause_type)}", f"  cause_id: {quote(cause_id)}",
            f"  hash: {quote(entry.hash)}", f"  prev_hash: {quote(entry.prev_hash)}"]
    return (f"{entry.created_at.date().isoformat()} * {quote(narration)}\n" + "\n".join(meta) + "\n"
            + "".join(postings) + "".join(private or ()))


def _balances(session: Session, reader: Reader, on: date) -> Iterator[str]:
    """Conductor's balance of every account, asserted after the last entry; the summed private
    account's per currency."""
    for rows in _account_batches(session, reader):
        yield "\n" + "".join(f"{on.isoformat()} balance {account_name(row)}  {format_minor(row.balance)} {row.currency}\n"
                             for row in rows)
    if reader.hides_some:
        sums = session.execute(select(Account.currency, func.sum(Account.balance)).where(not_(_shown(reader)))
                               .group_by(Account.currency).order_by(Account.currency)).all()
        yield "".join(f"{on.isoformat()} balance {PRIVATE_ACCOUNT}  {format_minor(int(total))} {currency}\n"
                      for currency, total in sums)
