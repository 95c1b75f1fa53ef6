"""Money in and out of an account per period, kept between requests.

The ledger only grows, and its hash chain pins every prefix of it: if the entry a total was
counted through still has the hash it had, no entry up to it has changed, so only the postings
after it need adding. The capital pool's chart then reads the few newest postings instead of a
year of them (a million entries took most of a second per page view). Totals are kept in the
process (each worker its own, rebuilt after a restart), keyed by database, account and grouping.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from govern.ledger.models import LedgerEntry, LedgerHead, Posting

Totals = dict[str, tuple[int, int]]  # period → (money in, money out)


@dataclass(frozen=True)
class _Counted:
    through_entry: int
    through_hash: str | None
    totals: Totals


_COUNTED: dict[tuple[str, int, str], _Counted] = {}
_LOCK = threading.Lock()
_MAX_KEPT = 256


def totals_by_period(session: Session, account_id: int, grouping: str, period_groups) -> Totals:
    """Every period's totals on the account, up to the chain head as this session sees it.
    `period_groups(session, column, grouping)` gives the SQL to group by and its text."""
    head_id, head_hash = session.execute(select(LedgerHead.entry_id, LedgerHead.hash)).one()
    key = (str(session.get_bind().url), account_id, grouping)
    with _LOCK:
        counted = _COUNTED.get(key)
    if counted is not None and not _prefix_holds(session, counted, head_id):
        counted = None
    if counted is not None and counted.through_entry == head_id:
        return counted.totals
    totals = dict(counted.totals) if counted else {}
    after = counted.through_entry if counted else 0
    for period, money_in, money_out in _count(session, account_id, grouping, period_groups, after, head_id):
        old_in, old_out = totals.get(period, (0, 0))
        totals[period] = (old_in + int(money_in), old_out + int(money_out))
    with _LOCK:
        if len(_COUNTED) >= _MAX_KEPT:
            _COUNTED.clear()
        _COUNTED[key] = _Counted(head_id, head_hash, totals)
    return totals


def _prefix_holds(session: Session, counted: _Counted, head_id: int) -> bool:
    if counted.through_entry == 0:
        return True
    if counted.through_entry > head_id:
        return False
    found = session.execute(select(LedgerEntry.hash).where(LedgerEntry.id == counted.through_entry)).scalar()
    return found == counted.through_hash


def _count(session: Session, account_id: int, grouping: str, period_groups, after: int, through: int):
    group, text = period_groups(session, LedgerEntry.created_at, grouping)
    return session.execute(
        select(text, func.sum(case((Posting.amount > 0, Posting.amount), else_=0)),
               func.sum(case((Posting.amount < 0, Posting.amount), else_=0)))
        .select_from(Posting).join(LedgerEntry, LedgerEntry.id == Posting.entry_id)
        .where(Posting.account_id == account_id, Posting.entry_id > after, Posting.entry_id <= through)
        .group_by(group)).all()
