"""The whole ledger in beancount's text format, streamed, for accountants and auditors.

One snapshot of the database is written as: an `open` per account (metadata `account_id`,
Conductor's id), one transaction per entry (dated by its UTC day, its cause, id and hashes in
metadata, its postings copied with their signs), and a `balance` assertion per account with
Conductor's balance, so `bean-check` itself confirms the export adds up to the books.

Accounts are named by type and opaque id only, never by a person: a member's wallet is
`Assets:Members:Wallet<account id>` (the account id, not the member id, which the public
profile pages would turn into a name). Every account holds its balance with Conductor's sign:
what an account holds is an asset; the issuance account (minus the RSC outstanding, which the
reserve must redeem) is a liability, and the external world (the USD that came in from
outside) is equity, so both read negative as beancount expects of those types.

The memo of an entry that touches an account the public may not see (a member's wallet, a
worker-owned company) can name people or carry what they typed; the public export gives such
an entry a neutral narration from its cause instead. `all_memos` keeps every memo (the command
line, for the board's accountant).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Iterator

from sqlalchemy import func, not_, select
from sqlalchemy.orm import Session

from govern.database import read_snapshot
from govern.ledger import service as ledger
from govern.ledger.models import EXTERNAL, ISSUANCE, OWNER_REGION, Account, LedgerEntry, Posting
from govern.money import format_minor

ENTRY_BATCH = 2000
ACCOUNT_BATCH = 5000
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


def neutral_narration(cause_type: str, cause_id: str | None) -> str:
    return cause_type.replace("_", " ").capitalize() + (f" {cause_id}" if cause_id else "")


def beancount(session: Session, *, now: datetime, all_memos: bool = False) -> Iterator[str]:
    """The export, in chunks of text, read from one snapshot so the opens, the transactions and
    the balance assertions agree even while members keep paying each other."""
    with read_snapshot(session):
        head = ledger.chain_head(session)
        yield _header(now, head.entry_id, head.hash)
        last_open = yield from _opens(session)
        last_entry = yield from _transactions(session, all_memos)
        days = [day for day in (last_open, last_entry) if day is not None]
        if days:
            yield from _balances(session, max(days) + timedelta(days=1))


def _header(now: datetime, head_id: int, head_hash: str) -> str:
    return (f"; Conductor ledger, exported {now.isoformat()}\n"
            f"; chain head: entry {head_id}, hash {head_hash}\n"
            'option "title" "Conductor ledger"\n'
            'option "operating_currency" "RSC"\n'
            'option "operating_currency" "USD"\n\n')


def _account_batches(session: Session) -> Iterator[list[AccountRow]]:
    last_id = 0
    while True:
        rows = session.execute(
            select(Account.id, Account.region_id, Account.owner_type, Account.owner_id, Account.kind,
                   Account.currency, Account.balance, Account.allow_negative, Account.created_at)
            .where(Account.id > last_id).order_by(Account.id).limit(ACCOUNT_BATCH)).all()
        if not rows:
            return
        yield [AccountRow(*row) for row in rows]
        last_id = rows[-1].id


def _opens(session: Session) -> Iterator[str]:
    """Each account opens on the day it was created, or on the day of its first entry if that is
    earlier (entries dated before their account was made: imports, back-dated corrections)."""
    latest = None
    for rows in _account_batches(session):
        first_use = dict(session.execute(
            select(Posting.account_id, func.min(LedgerEntry.created_at))
            .join(LedgerEntry, LedgerEntry.id == Posting.entry_id)
            .where(Posting.account_id.between(rows[0].id, rows[-1].id)).group_by(Posting.account_id)).all())
        public = set(session.execute(select(Account.id).where(
            Account.id.between(rows[0].id, rows[-1].id), ledger.visible_to(None))).scalars())
        chunk = []
        for row in rows:
            opened = min(row.created_at, first_use.get(row.id, row.created_at)).date()
            latest = opened if latest is None else max(latest, opened)
            chunk.append(_open_text(row, opened, row.id in public))
        yield "".join(chunk)
    return latest


def _open_text(row: AccountRow, opened: date, public: bool) -> str:
    lines = [f"{opened.isoformat()} open {account_name(row)} {row.currency}",
             f"  account_id: {row.id}", f"  owner_type: {quote(row.owner_type)}", f"  kind: {quote(row.kind)}",
             f"  region_id: {row.region_id}", f"  created_at: {quote(row.created_at.isoformat())}"]
    if public:
        lines.append(f"  owner_id: {row.owner_id}")
    return "\n".join(lines) + "\n"


def _transactions(session: Session, all_memos: bool) -> Iterator[str]:
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
        postings = _postings(session, first, last, names)
        private = set() if all_memos else _touching_private_accounts(session, first, last)
        yield "\n" + "".join(_transaction_text(entry, postings.get(entry.id, []), entry.id in private)
                             for entry in entries)
        days = [entry.created_at.date() for entry in entries] + ([latest] if latest else [])
        latest = max(days)
        last_id = last


def _postings(session: Session, first_id: int, last_id: int, names: dict[int, str]) -> dict[int, list[str]]:
    rows = session.execute(
        select(Posting.entry_id, Posting.amount, Posting.currency, Account.id, Account.region_id, Account.owner_type,
               Account.owner_id, Account.kind, Account.allow_negative)
        .join(Account, Account.id == Posting.account_id)
        .where(Posting.entry_id.between(first_id, last_id)).order_by(Posting.entry_id, Posting.id)).all()
    by_entry: dict[int, list[str]] = {}
    for row in rows:
        name = names.get(row.id)
        if name is None:
            name = names[row.id] = account_name(AccountRow(
                row.id, row.region_id, row.owner_type, row.owner_id, row.kind, row.currency, 0, row.allow_negative,
                datetime.min))
        by_entry.setdefault(row.entry_id, []).append(f"  {name}  {format_minor(row.amount)} {row.currency}\n")
    return by_entry


def _touching_private_accounts(session: Session, first_id: int, last_id: int) -> set[int]:
    return set(session.execute(
        select(Posting.entry_id).join(Account, Account.id == Posting.account_id)
        .where(Posting.entry_id.between(first_id, last_id), not_(ledger.visible_to(None))).distinct()).scalars())


def _transaction_text(entry, postings: list[str], private: bool) -> str:
    narration = neutral_narration(entry.cause_type, entry.cause_id) if private else entry.memo
    meta = [f"  entry_id: {entry.id}", f"  created_at: {quote(entry.created_at.isoformat())}",
            f"  cause_type: {quote(entry.cause_type)}", f"  cause_id: {quote(entry.cause_id or '')}",
            f"  hash: {quote(entry.hash)}", f"  prev_hash: {quote(entry.prev_hash)}"]
    return f"{entry.created_at.date().isoformat()} * {quote(narration)}\n" + "\n".join(meta) + "\n" + "".join(postings)


def _balances(session: Session, on: date) -> Iterator[str]:
    """Conductor's balance of every account, asserted after the last entry."""
    for rows in _account_batches(session):
        yield "\n" + "".join(f"{on.isoformat()} balance {account_name(row)}  {format_minor(row.balance)} {row.currency}\n"
                             for row in rows)
