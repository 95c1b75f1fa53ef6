"""Posting money and checking the whole ledger. `post` is the only way money moves."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import NamedTuple

from sqlalchemy import and_, bindparam, false, func, insert, not_, or_, select, update
from sqlalchemy.orm import Session, make_transient_to_detached

from govern import audit
from govern.database import bulk_write, read_snapshot, write_transaction
from govern.errors import BackingViolation, Conflict, IdempotencyConflict, InsufficientFunds, LedgerLimit, NotFound
from govern.ledger import checks
from govern.ledger.checks import GENESIS_HASH, PostingLine
from govern.money import format_minor
from govern.regions.models import Region
from govern.ledger.models import (
    ISSUANCE,
    OWNER_MEMBER,
    OWNER_REGION,
    REGION_ACCOUNT_KINDS,
    USD_RESERVE,
    Account,
    LedgerEntry,
    LedgerHead,
    Posting,
)


class AccountRef(NamedTuple):
    """An account by id and currency: all a leg needs (post() locks and reads the account itself),
    so a caller naming 100,000 wallets loads no ORM object for them. (A named tuple: a payroll
    builds one per worker.)"""

    id: int
    currency: str


class Leg(NamedTuple):
    """One side of a movement: `amount` minor units into (positive) or out of (negative) an account."""

    account: Account | AccountRef
    amount: int


def post(
    session: Session,
    legs: list[Leg],
    *,
    memo: str,
    cause_type: str,
    cause_id: str | int | None,
    now: datetime,
    idempotency_key: str | None = None,
    region_id: int | None = None,
    backing_follows_rsc: bool = True,
) -> LedgerEntry:
    """Append one balanced entry to the ledger, or raise and append nothing.

    Checks, in order: shape and zero-sum per currency (programming errors), idempotency (the
    same key and the same content return the first entry; other content is a conflict), open
    accounts, no overdraft on protected accounts (checked in the order of `legs`, so the first
    leg's account is the one named when several are short), no balance outside the signed 64-bit
    range (LedgerLimit: the database never sees a value it would overflow), and the backing of
    every region touched.
    RSC that crosses from one region's accounts to another's takes its backing along in the same
    entry (`_backing_lines`), so each region's reserve keeps covering the RSC its accounts hold.
    Only a caller that rehomes accounts between regions in the same transaction, and carries their
    backing in its own legs, turns that off (`backing_follows_rsc=False`, regions.reorganise).
    Appends are serialised by a lock on the chain head, so concurrent posts cannot overdraw or
    fork the hash chain.
    """
    lines = [PostingLine(leg.account.id, leg.account.currency, leg.amount) for leg in legs if leg.amount]
    checks.check_shape(lines)
    checks.check_zero_sum(lines)
    cause_id = None if cause_id is None else str(cause_id)
    print_ = checks.fingerprint(memo, cause_type, cause_id, lines)
    now = now.astimezone(timezone.utc)

    with write_transaction(session):
        session.flush()  # the caller's pending rows go first, as they would at any query
        head = session.execute(_READ_HEAD).one()
        if idempotency_key is not None:
            earlier = session.execute(
                select(LedgerEntry).where(LedgerEntry.idempotency_key == idempotency_key)
            ).scalar_one_or_none()
            if earlier is not None:
                if earlier.fingerprint != print_:
                    raise IdempotencyConflict("This idempotency key was already used for a different request.")
                return earlier

        net = checks.net_by_account(lines)
        accounts = _lock_accounts(session, net)
        if backing_follows_rsc:
            carried = _backing_lines(session, accounts, net)
            if carried:
                lines = lines + carried
                net = checks.net_by_account(lines)
                accounts.update(_lock_accounts(session, {line.account_id: 0 for line in carried
                                                         if line.account_id not in accounts}))
        _check_accounts(accounts, net)
        _check_limits(accounts, checks.swings_by_account(lines))
        _check_backing(session, accounts, net)

        entry_id = head.entry_id + 1
        entry_hash = checks.entry_hash(head.hash, entry_id, now, memo, cause_type, cause_id, idempotency_key, lines)
        entry = LedgerEntry(
            id=entry_id, region_id=region_id, created_at=now, memo=memo, cause_type=cause_type,
            cause_id=cause_id, idempotency_key=idempotency_key, fingerprint=print_,
            prev_hash=head.hash, hash=entry_hash,
        )
        _append(session, entry, lines, net)
        audit.on_commit(session, "money: ledger entry %s posted (cause %s %s)", entry.id, cause_type, cause_id)
        return entry


# The statements of an append, built once: post() runs for every transfer, so it binds values
# to prepared statements instead of building new ones each time.
_HEAD = LedgerHead.__table__
_ACCOUNTS = Account.__table__
_READ_HEAD = select(_HEAD.c.entry_id, _HEAD.c.hash).with_for_update()
_INSERT_ENTRY = insert(LedgerEntry.__table__)
# A payroll writes 100,000 postings and balances: these go to the driver's executemany as plain
# tuples (database.bulk_write), without SQLAlchemy building a parameter dict for each row.
_INSERT_POSTINGS_SQL = "INSERT INTO postings (entry_id, account_id, currency, amount) VALUES (?, ?, ?, ?)"
_ADD_TO_BALANCE_SQL = "UPDATE accounts SET balance = balance + ? WHERE id = ?"
_MOVE_HEAD = update(_HEAD).values(entry_id=bindparam("entry_id"), hash=bindparam("hash"))
_ENTRY_COLUMNS = tuple(column.key for column in LedgerEntry.__table__.columns)


def _append(session: Session, entry: LedgerEntry, lines: list[PostingLine], net: dict[int, int]) -> None:
    """Write the checked entry: its row, its postings, the balances and the chain head, as Core
    statements (one executemany each, however many accounts a payroll touches), then hand the
    entry to the session as a persistent object without reading it back."""
    session.execute(_INSERT_ENTRY, {key: getattr(entry, key) for key in _ENTRY_COLUMNS})
    bulk_write(session, _INSERT_POSTINGS_SQL,
               [(entry.id, line.account_id, line.currency, line.amount) for line in lines])
    bulk_write(session, _ADD_TO_BALANCE_SQL, [(delta, account_id) for account_id, delta in net.items() if delta])
    session.execute(_MOVE_HEAD, {"entry_id": entry.id, "hash": entry.hash})
    _expire_cached_balances(session, net)
    make_transient_to_detached(entry)
    stale = session.identity_map.get(session.identity_key(LedgerEntry, entry.id))
    if stale is not None:  # this id's entry from a transaction since rolled back
        session.expunge(stale)
    session.add(entry)


def _expire_cached_balances(session: Session, net: dict[int, int]) -> None:
    """Accounts and the chain head the session already holds would show values from before this
    entry: expire them, so they are read again when next used."""
    for key, instance in list(session.identity_map.items()):
        model, identity = key[0], key[1]
        if (model is Account and identity[0] in net) or model is LedgerHead:
            session.expire(instance)


_LOCK_BATCH = 10_000  # below SQLite's limit of bound parameters per statement
_LOCK_ACCOUNTS = (select(_ACCOUNTS.c.id, _ACCOUNTS.c.currency, _ACCOUNTS.c.balance, _ACCOUNTS.c.allow_negative,
                         _ACCOUNTS.c.is_open, _ACCOUNTS.c.owner_type, _ACCOUNTS.c.kind, _ACCOUNTS.c.region_id)
                  .where(_ACCOUNTS.c.id.in_(bindparam("ids", expanding=True)))
                  .order_by(_ACCOUNTS.c.id).with_for_update())


def _lock_accounts(session: Session, net: dict[int, int]):
    """Lock and read every account of the entry, in id order (no deadlocks between entries), as
    plain rows: a payroll locks 100,000 accounts and needs no ORM object for any of them."""
    ids = sorted(net)
    accounts = {}
    for start in range(0, len(ids), _LOCK_BATCH):
        rows = session.execute(_LOCK_ACCOUNTS, {"ids": ids[start:start + _LOCK_BATCH]})
        accounts.update((row.id, row) for row in rows)
    if len(accounts) != len(net):
        raise NotFound("An account in this movement does not exist.")
    return accounts


def _backing_lines(session: Session, accounts, net: dict[int, int]) -> list[PostingLine]:
    """The postings that carry backing across regions: where the entry moves RSC into a region's
    accounts (a payee there) it is issued there and as much USD enters that region's reserve; where
    it moves RSC out (the payer's region) it is retired and the USD leaves that reserve, at par. The
    USD postings sum to zero because the RSC ones do; an entry within one region needs none."""
    arriving = checks.rsc_arriving_by_region(
        (account.region_id, account.currency, net[account_id]) for account_id, account in accounts.items())
    if not arriving:
        return []
    backing = {(region_id, kind): account_id for region_id, kind, account_id in session.execute(
        select(_ACCOUNTS.c.owner_id, _ACCOUNTS.c.kind, _ACCOUNTS.c.id).where(
            _ACCOUNTS.c.owner_type == OWNER_REGION, _ACCOUNTS.c.owner_id.in_(list(arriving)),
            _ACCOUNTS.c.kind.in_((ISSUANCE, USD_RESERVE))))}
    lines = []
    for region_id, amount in sorted(arriving.items()):
        lines.append(PostingLine(backing[region_id, ISSUANCE], "RSC", -amount))
        lines.append(PostingLine(backing[region_id, USD_RESERVE], "USD", amount))
    return lines


def _check_accounts(accounts, net: dict[int, int]) -> None:
    for account_id, delta in net.items():
        account = accounts[account_id]
        if not account.is_open:
            raise Conflict("This account is closed.", code="account_closed")
        if checks.would_overdraw(account.balance, delta, account.allow_negative):
            raise InsufficientFunds(f"Not enough {account.currency} in the account: this needs "
                                    f"{format_minor(-delta)}, the balance is {format_minor(account.balance)}.",
                                    account_id=account.id)


def _check_limits(accounts, swings: dict[int, tuple[int, int]]) -> None:
    for account_id, swing in swings.items():
        if checks.leaves_range(accounts[account_id].balance, swing):
            raise LedgerLimit("This movement would take an account's balance beyond what the ledger can hold "
                              f"({format_minor(checks.BALANCE_MIN)} to {format_minor(checks.BALANCE_MAX)}). "
                              "Nothing was posted.")


def _check_backing(session: Session, accounts, net: dict[int, int]) -> None:
    """After the movement, each touched region's reserve must still cover its RSC outstanding."""
    touched = {a.region_id for a in accounts.values() if a.owner_type == OWNER_REGION and a.kind in (USD_RESERVE, ISSUANCE)}
    for region_id in touched:
        reserve = region_account(session, region_id, USD_RESERVE, lock=True)
        issuance = region_account(session, region_id, ISSUANCE, lock=True)
        after_reserve = reserve.balance + net.get(reserve.id, 0)
        after_issuance = issuance.balance + net.get(issuance.id, 0)
        if not checks.is_backed(after_reserve, after_issuance):
            raise BackingViolation("The USD reserve would no longer cover all RSC in circulation.")


def region_account(session: Session, region_id: int, kind: str, *, lock: bool = False) -> Account:
    query = select(Account).where(
        Account.owner_type == OWNER_REGION, Account.owner_id == region_id, Account.kind == kind
    )
    if lock:
        query = query.with_for_update()
    account = session.execute(query).scalar_one_or_none()
    if account is None:
        raise NotFound(f"Region {region_id} has no {kind} account.")
    return account


def open_account(
    session: Session, *, region_id: int, owner_type: str, owner_id: int, kind: str, currency: str,
    now: datetime, allow_negative: bool = False,
) -> Account:
    account = Account(
        region_id=region_id, owner_type=owner_type, owner_id=owner_id, kind=kind, currency=currency,
        balance=0, allow_negative=allow_negative, is_open=True, created_at=now,
    )
    session.add(account)
    session.flush()
    return account


def open_region_accounts(session: Session, region_id: int, now: datetime) -> None:
    for kind, (currency, allow_negative) in REGION_ACCOUNT_KINDS.items():
        open_account(session, region_id=region_id, owner_type=OWNER_REGION, owner_id=region_id,
                     kind=kind, currency=currency, now=now, allow_negative=allow_negative)


def _region_accounts(viewer):
    return Account.owner_type == OWNER_REGION


def _own_wallet(viewer):
    return and_(Account.owner_type == OWNER_MEMBER, Account.owner_id == viewer.id) if viewer is not None else false()


_VISIBILITY = {OWNER_REGION: _region_accounts, OWNER_MEMBER: _own_wallet}


def register_visibility(owner_type: str, rule) -> None:
    """Let the area that owns a kind of account say who may see it (companies do): `rule(viewer)`
    returns an SQL condition on Account, so whole lists are filtered in the database."""
    _VISIBILITY[owner_type] = rule


def visible_to(viewer):
    """The SQL condition: accounts this viewer (a member, or None for the public) may see.
    Region accounts are public records; a member's account is that member's alone."""
    return or_(*(rule(viewer) for rule in _VISIBILITY.values()))


def account_visible_to(session: Session, account_id: int, viewer) -> Account:
    """The account if the viewer may see it; 404 otherwise, so ids reveal nothing."""
    account = session.execute(select(Account).where(Account.id == account_id, visible_to(viewer))).scalar_one_or_none()
    if account is None:
        raise NotFound("No such account.")
    return account


@dataclass(frozen=True)
class ShownPosting:
    account_id: int | None  # None: the total of postings on accounts the viewer may not see
    currency: str
    amount: int


def postings_shown_to(session: Session, entry_ids: list[int], viewer) -> dict[int, list[ShownPosting]]:
    """The postings of these entries as a viewer may see them: their own and public accounts one
    by one; everyone else's summed per currency into one line, so an entry still visibly sums to
    zero without telling who was paid what. Both parts are computed in SQL, so an entry with
    100,000 postings costs two small queries."""
    shown: dict[int, list[ShownPosting]] = {entry_id: [] for entry_id in entry_ids}
    if not entry_ids:
        return shown
    visible = visible_to(viewer)
    for entry_id, account_id, currency, amount in session.execute(
            select(Posting.entry_id, Posting.account_id, Posting.currency, Posting.amount)
            .join(Account, Account.id == Posting.account_id)
            .where(Posting.entry_id.in_(entry_ids), visible).order_by(Posting.entry_id, Posting.id)):
        shown[entry_id].append(ShownPosting(account_id, currency, amount))
    for entry_id, currency, amount in session.execute(
            select(Posting.entry_id, Posting.currency, func.sum(Posting.amount))
            .join(Account, Account.id == Posting.account_id)
            .where(Posting.entry_id.in_(entry_ids), not_(visible)).group_by(Posting.entry_id, Posting.currency)):
        if amount:
            shown[entry_id].append(ShownPosting(None, currency, int(amount)))
    return shown


# A proposal's number leads to its public page, which already says what it moved.
PUBLIC_CAUSES = frozenset({"proposal"})


def entries_touching_hidden(session: Session, entry_ids: list[int], viewer) -> set[int]:
    """Which of these entries move money on an account the viewer may not see (one query)."""
    if not entry_ids:
        return set()
    return set(session.execute(
        select(Posting.entry_id).join(Account, Account.id == Posting.account_id)
        .where(Posting.entry_id.in_(entry_ids), not_(visible_to(viewer))).distinct()).scalars())


def shown_cause_id(cause_type: str, cause_id: str | None, touches_hidden: bool) -> str | None:
    """An entry's cause id as a viewer may read it: withheld when the entry moves money on accounts
    they may not see, since it would lead there (a company's income names the company, a move the
    member, a rent charge the tenancy); a proposal's stays."""
    return None if touches_hidden and cause_type not in PUBLIC_CAUSES else cause_id


def regions_of_entries(session: Session, entries: list[LedgerEntry]) -> dict[int, list[int]]:
    """The regions each entry moved money in: its own, and every region whose accounts of its own
    (reserve, issuance, pool …) it posted to; an entry across regions moves both reserves, so it
    names both. One query for the page."""
    regions = {entry.id: {entry.region_id} - {None} for entry in entries}
    if entries:
        for entry_id, region_id in session.execute(
                select(Posting.entry_id, Account.owner_id).join(Account, Account.id == Posting.account_id)
                .where(Posting.entry_id.in_(list(regions)), Account.owner_type == OWNER_REGION).distinct()):
            regions[entry_id].add(region_id)
    return {entry_id: sorted(ids) for entry_id, ids in regions.items()}


def crossings(session: Session, entries: list[LedgerEntry]) -> dict[int, list[str]]:
    """For the entries of a page that crossed regions: the names of the regions, the payer's first
    (the one whose reserve the backing left)."""
    crossed = {entry_id: ids for entry_id, ids in regions_of_entries(session, entries).items() if len(ids) > 1}
    if not crossed:
        return {}
    into_reserve: dict[tuple[int, int], int] = {}
    for entry_id, region_id, amount in session.execute(
            select(Posting.entry_id, Account.owner_id, Posting.amount).join(Account, Account.id == Posting.account_id)
            .where(Posting.entry_id.in_(list(crossed)), Account.owner_type == OWNER_REGION,
                   Account.kind == USD_RESERVE)):
        into_reserve[entry_id, region_id] = into_reserve.get((entry_id, region_id), 0) + amount
    names = dict(session.execute(select(Region.id, Region.name).where(
        Region.id.in_({region_id for ids in crossed.values() for region_id in ids}))).all())
    return {entry_id: [names[r] for r in sorted(ids, key=lambda r: (into_reserve.get((entry_id, r), 0), r))]
            for entry_id, ids in crossed.items()}


def amounts_on_account(session: Session, account_id: int, entry_ids: list[int]) -> dict[int, int]:
    """What each of these entries moved on one account."""
    if not entry_ids:
        return {}
    return {entry_id: int(total) for entry_id, total in session.execute(
        select(Posting.entry_id, func.sum(Posting.amount))
        .where(Posting.account_id == account_id, Posting.entry_id.in_(entry_ids)).group_by(Posting.entry_id))}


def region_balances(session: Session, region_id: int) -> dict[str, int]:
    rows = session.execute(
        select(Account.kind, Account.balance).where(
            Account.owner_type == OWNER_REGION, Account.owner_id == region_id
        )
    ).all()
    return {kind: balance for kind, balance in rows}


def rsc_outstanding(balances: dict[str, int]) -> int:
    return -balances.get(ISSUANCE, 0)


def entries_for_account(session: Session, account_id: int, *, before: int | None, limit: int) -> list[LedgerEntry]:
    """A page of the entries touching an account, newest first (keyset paging on entry id)."""
    ids = select(Posting.entry_id).where(Posting.account_id == account_id)
    if before is not None:
        ids = ids.where(Posting.entry_id < before)
    ids = ids.distinct().order_by(Posting.entry_id.desc()).limit(limit)
    entry_ids = list(session.execute(ids).scalars())
    if not entry_ids:
        return []
    entries = session.execute(select(LedgerEntry).where(LedgerEntry.id.in_(entry_ids))).scalars()
    return sorted(entries, key=lambda e: e.id, reverse=True)


def chain_head(session: Session) -> LedgerHead:
    return session.execute(select(LedgerHead)).scalar_one()


@dataclass
class VerifyReport:
    ok: bool
    entries: int
    first_bad_entry: int | None = None
    problems: list[str] = field(default_factory=list)


_VERIFY_BATCH = 2000


def verify(session: Session) -> VerifyReport:
    with read_snapshot(session):
        return _verify(session)


def _verify(session: Session) -> VerifyReport:
    """Check the whole ledger: the hash chain, zero-sum entries, cached balances against the
    postings, no protected account below zero, and every region's backing.

    Entries are read as plain rows in batches of a few thousand (no ORM objects, so the caller's
    session is left as it was and memory stays flat however long the chain).
    """
    report = VerifyReport(ok=True, entries=0)
    currencies = dict(session.execute(select(Account.id, Account.currency)).all())
    prev_hash = GENESIS_HASH
    expected_id = 1
    last_id = 0
    entries_table = LedgerEntry.__table__
    while True:
        entries = session.execute(
            select(entries_table).where(entries_table.c.id > last_id).order_by(entries_table.c.id).limit(_VERIFY_BATCH)
        ).all()
        if not entries:
            break
        lines = _posting_lines(session, entries[0].id, entries[-1].id)
        for entry in entries:
            problem = _entry_problem(entry, lines.get(entry.id, []), expected_id, prev_hash, currencies)
            if problem:
                report.ok = False
                report.first_bad_entry = entry.id
                report.problems.append(f"entry {entry.id}: {problem}")
                return report
            prev_hash = entry.hash
            expected_id = entry.id + 1
            report.entries += 1
        last_id = entries[-1].id
    head = chain_head(session)
    if head.entry_id != expected_id - 1 or head.hash != prev_hash:
        report.ok = False
        report.problems.append("the chain head does not point at the newest entry")
    report.problems.extend(_balance_problems(session))
    report.ok = report.ok and not report.problems
    return report


def _posting_lines(session: Session, first_id: int, last_id: int) -> dict[int, list[PostingLine]]:
    by_entry: dict[int, list[PostingLine]] = {}
    rows = session.execute(
        select(Posting.entry_id, Posting.account_id, Posting.currency, Posting.amount)
        .where(Posting.entry_id.between(first_id, last_id)).order_by(Posting.entry_id, Posting.id)
    ).all()
    for entry_id, account_id, currency, amount in rows:
        by_entry.setdefault(entry_id, []).append(PostingLine(account_id, currency, amount))
    return by_entry


def _entry_problem(entry, lines: list[PostingLine], expected_id: int, prev_hash: str,
                   currencies: dict[int, str]) -> str | None:
    if entry.id != expected_id:
        return f"expected entry {expected_id} next in the chain"
    if entry.prev_hash != prev_hash:
        return "does not link to the entry before it"
    if any(currencies.get(line.account_id) != line.currency for line in lines):
        return "a posting's currency differs from its account's"
    if len(lines) < 2 or checks.unbalanced_currencies(lines):
        return "postings do not sum to zero per currency"
    recomputed = checks.entry_hash(prev_hash, entry.id, entry.created_at, entry.memo, entry.cause_type,
                                   entry.cause_id, entry.idempotency_key, lines)
    if recomputed != entry.hash:
        return "its content does not match its hash"
    return None


def _balance_problems(session: Session) -> list[str]:
    problems = []
    sums = select(Posting.account_id, func.sum(Posting.amount).label("total")).group_by(Posting.account_id).subquery()
    mismatched = session.execute(
        select(Account.id, Account.balance, func.coalesce(sums.c.total, 0))
        .outerjoin(sums, sums.c.account_id == Account.id)
        .where(Account.balance != func.coalesce(sums.c.total, 0))
        .limit(20)
    ).all()
    problems += [f"account {aid}: balance {bal} but its postings sum to {total}" for aid, bal, total in mismatched]
    negative = session.execute(
        select(Account.id).where(Account.allow_negative.is_(False), Account.balance < 0).limit(20)
    ).scalars().all()
    problems += [f"account {aid} is below zero" for aid in negative]
    problems += _backing_problems(session)
    return problems


def _backing_problems(session: Session) -> list[str]:
    """Per region: the RSC its accounts hold is what it issued (RSC crossing regions took its
    issuance along), and its USD reserve covers that RSC at par. Each problem names the region."""
    names = dict(session.execute(select(Region.id, Region.name)).all())
    held = dict(session.execute(
        select(Account.region_id, func.sum(Account.balance)).where(Account.currency == "RSC", Account.kind != ISSUANCE)
        .group_by(Account.region_id)).all())
    by_region: dict[int, dict[str, int]] = {}
    for region_id, kind, balance in session.execute(select(Account.region_id, Account.kind, Account.balance).where(
            Account.owner_type == OWNER_REGION, Account.kind.in_((USD_RESERVE, ISSUANCE)))):
        by_region.setdefault(region_id, {})[kind] = balance
    problems = []
    for region_id, balances in sorted(by_region.items()):
        name = f"region {region_id} ({names.get(region_id, '?')})"
        issued = -balances.get(ISSUANCE, 0)
        holds = int(held.get(region_id) or 0)
        reserve = balances.get(USD_RESERVE, 0)
        answers_for = max(issued, holds)  # what it issued, or more when its accounts hold more
        if holds != issued:
            problems.append(f"{name}: its accounts hold {format_minor(holds)} RSC but it issued {format_minor(issued)}")
        if not checks.is_backed(reserve, -answers_for):
            problems.append(f"{name} is short: its USD reserve {format_minor(reserve)} does not "
                            f"cover the {format_minor(answers_for)} RSC it answers for")
    return problems
