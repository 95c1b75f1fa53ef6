"""No balance ever leaves the signed 64-bit range the databases store it in: `post` refuses the
entry (409 `ledger_limit`) before anything reaches the database, on SQLite (which would otherwise
turn the integer into a float) and PostgreSQL (which would raise) alike."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from govern.errors import LedgerLimit
from govern.ledger import service as ledger
from govern.ledger.checks import BALANCE_MAX, BALANCE_MIN
from govern.ledger.models import EXTERNAL, USD_PAYOUTS, LedgerEntry
from govern.ledger.service import Leg, post, region_account
from govern.regions import service as regions


@pytest.fixture
def two_outside_worlds(session, region, now):
    """The outside-world accounts of two regions (both may go negative, neither is backed)."""
    hillside = regions.create_region(session, "Hillside", now)
    return (region_account(session, region.id, EXTERNAL), region_account(session, hillside.id, EXTERNAL),
            region_account(session, region.id, USD_PAYOUTS))


def move(session, now, *legs):
    return post(session, [Leg(account, amount) for account, amount in legs], memo="limit", cause_type="test",
                cause_id=None, now=now)


def stored(session, account) -> object:
    """The balance as the database holds it, read raw: an int, never a float."""
    return session.execute(text("SELECT balance FROM accounts WHERE id = :id"), {"id": account.id}).scalar_one()


def entries(session) -> int:
    return session.execute(select(func.count()).select_from(LedgerEntry)).scalar_one()


def test_a_balance_goes_up_to_the_limit_and_not_one_cent_beyond(session, now, two_outside_worlds):
    here, there, owed = two_outside_worlds
    move(session, now, (here, -(BALANCE_MAX - 100)), (there, BALANCE_MAX - 100))
    move(session, now, (here, -100), (there, 100))  # exactly the largest balance there is
    assert stored(session, there) == BALANCE_MAX and isinstance(stored(session, there), int)
    posted = entries(session)

    with pytest.raises(LedgerLimit) as refused:
        move(session, now, (here, -1), (there, 1))
    assert refused.value.code == "ledger_limit" and refused.value.status == 409
    assert entries(session) == posted and stored(session, there) == BALANCE_MAX

    move(session, now, (there, -1), (owed, 1))  # away from the limit is always fine
    assert stored(session, there) == BALANCE_MAX - 1
    assert ledger.verify(session).ok


def test_a_negative_balance_stops_at_the_lowest_one_there_is(session, now, two_outside_worlds):
    here, there, owed = two_outside_worlds
    move(session, now, (here, -BALANCE_MAX), (there, BALANCE_MAX))
    move(session, now, (here, -1), (owed, 1))
    assert stored(session, here) == BALANCE_MIN
    with pytest.raises(LedgerLimit):
        move(session, now, (here, -1), (owed, 1))
    assert stored(session, here) == BALANCE_MIN and stored(session, owed) == 1
    assert ledger.verify(session).ok


def test_an_entry_that_nets_within_the_range_but_swings_beyond_it_is_refused(session, now, two_outside_worlds):
    """verify adds an account's postings up in SQL, and SQLite's SUM fails on an integer overflow
    in any partial sum: so every partial sum must fit, not only the net."""
    here, there, owed = two_outside_worlds
    move(session, now, (here, -(BALANCE_MAX - 5)), (there, BALANCE_MAX - 5))
    with pytest.raises(LedgerLimit):
        move(session, now, (there, 10), (here, -10), (there, -10), (here, 10))
    assert ledger.verify(session).ok


def test_amounts_that_no_column_can_hold_are_refused_the_same_way(session, now, two_outside_worlds):
    here, there, _ = two_outside_worlds
    with pytest.raises(LedgerLimit):
        move(session, now, (here, -(2**64)), (there, 2**64))
    assert entries(session) == 0 and ledger.verify(session).ok
