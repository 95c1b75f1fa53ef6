"""The ledger's invariants as pure functions."""
from datetime import datetime, timezone

import pytest

from govern.ledger import checks
from govern.ledger.checks import LedgerRuleBroken, PostingLine

T = datetime(2026, 1, 1, tzinfo=timezone.utc)


def lines(*items):
    return [PostingLine(a, c, amount) for a, c, amount in items]


def test_an_entry_must_sum_to_zero_in_each_currency():
    checks.check_zero_sum(lines((1, "RSC", -5), (2, "RSC", 5), (3, "USD", -2), (4, "USD", 2)))
    with pytest.raises(LedgerRuleBroken):
        checks.check_zero_sum(lines((1, "RSC", -5), (2, "USD", 5)))
    assert checks.unbalanced_currencies(lines((1, "RSC", -5), (2, "RSC", 4))) == ["RSC"]


def test_an_entry_needs_two_nonzero_integer_postings():
    for bad in (lines((1, "RSC", 5)), lines((1, "RSC", 0), (2, "RSC", 0)), [PostingLine(1, "RSC", 1.5), PostingLine(2, "RSC", -1.5)]):
        with pytest.raises(LedgerRuleBroken):
            checks.check_shape(bad)


def test_protected_accounts_cannot_go_below_zero_but_the_outside_world_can():
    assert checks.would_overdraw(100, -101, allow_negative=False)
    assert not checks.would_overdraw(100, -100, allow_negative=False)
    assert not checks.would_overdraw(0, -500, allow_negative=True)


def test_backing_means_the_reserve_covers_the_rsc_outstanding():
    assert checks.is_backed(usd_reserve=1000, issuance_balance=-1000)
    assert not checks.is_backed(usd_reserve=999, issuance_balance=-1000)


def test_the_hash_changes_with_any_part_of_the_entry_and_with_its_predecessor():
    base = dict(prev_hash=checks.GENESIS_HASH, entry_id=1, created_at=T, memo="m", cause_type="c",
                cause_id=None, idempotency_key=None, lines=lines((1, "RSC", -5), (2, "RSC", 5)))
    reference = checks.entry_hash(**base)
    assert reference == checks.entry_hash(**base)
    variants = [dict(prev_hash="1" * 64), dict(entry_id=2), dict(memo="n"), dict(cause_id="3"),
                dict(lines=lines((1, "RSC", -6), (2, "RSC", 6)))]
    for change in variants:
        assert checks.entry_hash(**{**base, **change}) != reference


def test_the_fingerprint_ignores_posting_order():
    a = checks.fingerprint("m", "c", None, lines((1, "RSC", -5), (2, "RSC", 5)))
    b = checks.fingerprint("m", "c", None, lines((2, "RSC", 5), (1, "RSC", -5)))
    assert a == b


def test_a_balance_may_reach_either_end_of_the_signed_64_bit_range_and_no_further():
    assert (checks.BALANCE_MIN, checks.BALANCE_MAX) == (-(2**63), 2**63 - 1)
    assert not checks.leaves_range(checks.BALANCE_MAX - 1, (0, 1)) and checks.leaves_range(checks.BALANCE_MAX, (0, 1))
    assert not checks.leaves_range(checks.BALANCE_MIN + 1, (-1, 0)) and checks.leaves_range(checks.BALANCE_MIN, (-1, 0))


def test_every_partial_sum_of_an_accounts_postings_must_fit_not_only_the_net():
    swings = checks.swings_by_account(lines((1, "USD", 10), (2, "USD", -10), (1, "USD", -10), (2, "USD", 10)))
    assert swings == {1: (-10, 10), 2: (-10, 10)}
    assert checks.leaves_range(checks.BALANCE_MAX - 5, swings[1])  # nets to nothing, but a sum on the way overflows
