"""The ledger's invariants as small pure functions. `service.post` runs them on every write and
`service.verify` runs them over the whole ledger; nothing else re-checks them."""
from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from datetime import datetime
from typing import NamedTuple


GENESIS_HASH = "0" * 64  # what the first entry links back to
# Balances and postings are stored as signed 64-bit integers (BIGINT on both databases). SQLite
# turns an integer that overflows into a float, so no balance may ever be asked to leave this range.
BALANCE_MIN = -(2**63)
BALANCE_MAX = 2**63 - 1


class LedgerRuleBroken(ValueError):
    """A programming error: a caller built an entry that breaks a ledger rule."""


class PostingLine(NamedTuple):
    account_id: int
    currency: str
    amount: int


def check_shape(lines: list[PostingLine]) -> None:
    if len(lines) < 2:
        raise LedgerRuleBroken("an entry needs at least two postings")
    for line in lines:
        if not isinstance(line.amount, int) or isinstance(line.amount, bool):
            raise LedgerRuleBroken("amounts are integers in minor units")
        if line.amount == 0:
            raise LedgerRuleBroken("a posting of zero says nothing")


def unbalanced_currencies(lines: list[PostingLine]) -> list[str]:
    """Currencies whose postings do not sum to zero (empty when the entry balances)."""
    sums: dict[str, int] = defaultdict(int)
    for line in lines:
        sums[line.currency] += line.amount
    return sorted(currency for currency, total in sums.items() if total != 0)


def check_zero_sum(lines: list[PostingLine]) -> None:
    bad = unbalanced_currencies(lines)
    if bad:
        raise LedgerRuleBroken(f"postings do not sum to zero in {', '.join(bad)}")


def net_by_account(lines: list[PostingLine]) -> dict[int, int]:
    net: dict[int, int] = defaultdict(int)
    for line in lines:
        net[line.account_id] += line.amount
    return dict(net)


def swings_by_account(lines: list[PostingLine]) -> dict[int, tuple[int, int]]:
    """Per account, the sum of its negative postings and the sum of its positive ones: however
    the postings are added up (by `post`, by SQL's SUM in `verify`), every partial sum lies between
    balance + the first and balance + the second."""
    low: dict[int, int] = {}
    high: dict[int, int] = {}
    for account_id, _, amount in lines:
        side = low if amount < 0 else high
        side[account_id] = side.get(account_id, 0) + amount
    return {account_id: (low.get(account_id, 0), high.get(account_id, 0)) for account_id in low.keys() | high.keys()}


def leaves_range(balance: int, swing: tuple[int, int]) -> bool:
    """Would this entry take the balance (or any partial sum of it) outside the signed 64-bit range?"""
    low, high = swing
    return balance + low < BALANCE_MIN or balance + high > BALANCE_MAX


def would_overdraw(balance: int, delta: int, allow_negative: bool) -> bool:
    return not allow_negative and balance + delta < 0


def is_backed(usd_reserve: int, issuance_balance: int) -> bool:
    """The reserve covers every RSC in circulation at par (1 RSC is bought back for 1 USD).

    RSC outstanding is minus the issuance account's balance: every RSC that exists was issued
    from it against USD paid into the reserve.
    """
    return usd_reserve >= -issuance_balance


def rsc_arriving_by_region(movements) -> dict[int, int]:
    """From (region id, currency, net amount) per account of an entry: the RSC each region's
    accounts gain (positive) or lose (negative), for the regions where that is not zero."""
    arriving: dict[int, int] = defaultdict(int)
    for region_id, currency, amount in movements:
        if currency == "RSC":
            arriving[region_id] += amount
    return {region_id: amount for region_id, amount in arriving.items() if amount}


def fingerprint(memo: str, cause_type: str, cause_id: str | None, lines: list[PostingLine]) -> str:
    """What an entry says, without where it sits in the chain: equal requests, equal fingerprints."""
    body = json.dumps([memo, cause_type, cause_id, _canonical_lines(lines)], separators=(",", ":"))
    return hashlib.sha256(body.encode()).hexdigest()


def entry_hash(
    prev_hash: str,
    entry_id: int,
    created_at: datetime,
    memo: str,
    cause_type: str,
    cause_id: str | None,
    idempotency_key: str | None,
    lines: list[PostingLine],
) -> str:
    body = json.dumps(
        [prev_hash, entry_id, created_at.isoformat(), memo, cause_type, cause_id, idempotency_key,
         _canonical_lines(lines)],
        separators=(",", ":"),
    )
    return hashlib.sha256(body.encode()).hexdigest()


def _canonical_lines(lines: list[PostingLine]) -> list[list]:
    return sorted([line.account_id, line.currency, line.amount] for line in lines)
