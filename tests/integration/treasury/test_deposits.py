"""Deposits: USD is claimed, and RSC is issued only when the board confirms the money reached the
bank, at the rate of the day it was claimed; once."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from govern.errors import Conflict, Forbidden, NotFound, ValidationError
from govern.ledger import exchange, service as ledger
from govern.ledger.models import CAPITAL_POOL, USD_RESERVE, Conversion, LedgerEntry
from govern.members import service as members
from govern.money import Money
from govern.notifications.models import Notification
from govern.regions import service as regions
from govern.treasury import service as treasury
from tests.funding import buy_rsc
from tests.conftest import TEST_PASSWORD


def entries(session) -> int:
    return session.execute(select(func.count()).select_from(LedgerEntry)).scalar_one()


def usd(minor: int) -> Money:
    return Money(minor, "USD")


def test_a_claimed_deposit_issues_nothing_until_the_board_confirms_it(session, member, board, region, now):
    deposit = treasury.request_conversion(session, member, usd(250_00), now)

    assert (deposit.status, deposit.rate, deposit.kind) == ("pending", "1", "conversion")
    assert deposit.reference.startswith("RSC-") and len(deposit.reference) == 13
    assert entries(session) == 0
    assert exchange.member_wallet(session, member.id).balance == 0
    assert ledger.region_balances(session, region.id)[USD_RESERVE] == 0

    confirmed = treasury.confirm_deposit(session, board, deposit.id, "MB-0042", now + timedelta(days=2))

    assert (confirmed.status, confirmed.credited_minor, confirmed.bank_reference) == ("confirmed", 250_00, "MB-0042")
    assert exchange.member_wallet(session, member.id).balance == 250_00
    assert ledger.region_balances(session, region.id)[USD_RESERVE] == 250_00
    entry = session.get(LedgerEntry, confirmed.entry_id)
    assert (entry.cause_type, entry.cause_id) == ("deposit", str(deposit.id))
    conversion = session.get(Conversion, confirmed.conversion_id)
    assert (conversion.direction, conversion.debited_minor, conversion.credited_minor) == ("usd_to_rsc", 250_00, 250_00)
    assert ledger.verify(session).ok


def test_rsc_is_issued_at_the_rate_of_the_day_the_deposit_was_claimed(session, member, bob, board, region, now):
    buy_rsc(session, bob, 1000_00, now)  # bob sells at 2 below: the pool earns a spread to pay incentives from
    regions.set_parameter(session, region.id, "exchange_rate", "2", cause_type="test", cause_id=None, now=now)
    exchange.convert(session, bob, "rsc_to_usd", Money(100_00, "RSC"), now)  # 50.00 USD out: the pool keeps 50.00
    regions.set_parameter(session, region.id, "exchange_rate", "1.1", cause_type="test", cause_id=None, now=now)
    deposit = treasury.request_conversion(session, member, usd(100_00), now)
    regions.set_parameter(session, region.id, "exchange_rate", "0.9", cause_type="test", cause_id=None,
                          now=now + timedelta(days=1))

    confirmed = treasury.confirm_deposit(session, board, deposit.id, "MB-1", now + timedelta(days=3))

    assert (confirmed.rate, confirmed.credited_minor) == ("1.1", 110_00)
    assert exchange.member_wallet(session, member.id).balance == 110_00
    assert ledger.region_balances(session, region.id)[CAPITAL_POOL] == 50_00 - 10_00
    assert ledger.verify(session).ok


def test_a_deposit_is_confirmed_once_and_a_rejected_one_never(session, member, board, now):
    first = treasury.request_conversion(session, member, usd(10_00), now)
    second = treasury.request_conversion(session, member, usd(20_00), now)
    treasury.confirm_deposit(session, board, first.id, "MB-1", now)
    posted = entries(session)

    with pytest.raises(Conflict) as again:
        treasury.confirm_deposit(session, board, first.id, "MB-1", now)
    assert again.value.code == "deposit_confirmed"
    rejected = treasury.reject_deposit(session, board, second.id, "Nothing arrived in 30 days", now)
    assert (rejected.status, rejected.reason) == ("rejected", "Nothing arrived in 30 days")
    with pytest.raises(Conflict) as late:
        treasury.confirm_deposit(session, board, second.id, "MB-2", now)
    assert late.value.code == "deposit_rejected"
    with pytest.raises(Conflict):
        treasury.reject_deposit(session, board, first.id, "oops", now)

    assert entries(session) == posted
    assert exchange.member_wallet(session, member.id).balance == 10_00
    texts = session.execute(select(Notification.text).where(Notification.member_id == member.id)).scalars().all()
    assert any("arrived" in text for text in texts) and any("rejected: Nothing arrived" in text for text in texts)


def test_a_company_claims_its_outside_income_and_receives_rsc_when_the_board_confirms(session, member, board, now):
    from govern.companies import service as companies

    company = companies.register_company(session, member, "Bikes", "bicycle repair", now)
    deposit = treasury.request_income(session, member, company.id, usd(500_00), "School repairs", now)
    assert (deposit.kind, deposit.company_id, deposit.memo) == ("income", company.id, "School repairs")
    assert companies.company_account(session, company.id).balance == 0

    treasury.confirm_deposit(session, board, deposit.id, "MB-7", now)

    assert companies.company_account(session, company.id).balance == 500_00
    assert session.get(LedgerEntry, deposit.entry_id).memo == "School repairs"
    assert deposit.conversion_id is None  # a company's income is not a member's conversion


def test_only_a_companys_admin_claims_its_income(session, member, bob, now):
    from govern.companies import service as companies

    company = companies.register_company(session, member, "Bikes", "bicycle repair", now)
    with pytest.raises(Forbidden):
        treasury.request_income(session, bob, company.id, usd(1_00), "", now)


def test_members_cannot_confirm_and_another_regions_board_finds_no_deposit(session, member, bob, board,
                                                                           other_region_board, now):
    deposit = treasury.request_conversion(session, member, usd(10_00), now)
    with pytest.raises(Forbidden):
        treasury.confirm_deposit(session, member, deposit.id, "MB-1", now)  # one's own deposit, too
    with pytest.raises(Forbidden):
        treasury.reject_deposit(session, bob, deposit.id, "spite", now)
    with pytest.raises(NotFound):
        treasury.confirm_deposit(session, other_region_board, deposit.id, "MB-1", now)
    with pytest.raises(NotFound):
        treasury.get_deposit(session, bob, deposit.id)
    assert treasury.deposits_for(session, other_region_board) == []
    assert treasury.deposits_for(session, bob) == []
    assert [d.id for d in treasury.deposits_for(session, board, status="pending")] == [deposit.id]
    assert session.get(type(deposit), deposit.id).status == "pending" and entries(session) == 0


@pytest.mark.parametrize("bad", ["", "   ", None, 42, "x" * 101])
def test_a_confirmation_needs_the_banks_reference(session, member, board, now, bad):
    deposit = treasury.request_conversion(session, member, usd(10_00), now)
    with pytest.raises(ValidationError) as refused:
        treasury.confirm_deposit(session, board, deposit.id, bad, now)
    assert "bank_reference" in refused.value.fields
    assert entries(session) == 0


def test_a_member_may_have_only_so_many_deposits_waiting(session, member, board, now):
    waiting = [treasury.request_conversion(session, member, usd(1_00), now) for _ in range(treasury.MAX_PENDING_PER_MEMBER)]
    with pytest.raises(Conflict) as refused:
        treasury.request_conversion(session, member, usd(1_00), now)
    assert refused.value.code == "too_many_pending_deposits"
    treasury.reject_deposit(session, board, waiting[0].id, "duplicate", now)
    assert treasury.request_conversion(session, member, usd(1_00), now).status == "pending"


def test_a_member_who_left_cannot_claim_but_a_deposit_they_paid_before_is_still_issued(session, member, board, now):
    deposit = treasury.request_conversion(session, member, usd(40_00), now)
    members.leave(session, member, now)
    with pytest.raises(Forbidden):
        treasury.request_conversion(session, member, usd(1_00), now)
    treasury.confirm_deposit(session, board, deposit.id, "MB-9", now)
    assert exchange.member_wallet(session, member.id).balance == 40_00  # theirs to cash out


def test_amounts_above_a_billion_are_refused_before_anything_is_claimed(session, member, now):
    with pytest.raises(ValidationError) as refused:
        treasury.request_conversion(session, member, usd(1_000_000_000_01), now)
    assert refused.value.fields == {"amount": ["must be at most 1000000000.00"]}
    assert treasury.deposits_for(session, member) == []
    assert treasury.request_conversion(session, member, usd(1_000_000_000_00), now).amount_minor == 1_000_000_000_00


def test_a_members_pending_deposit_moves_with_them_to_another_region(session, member, region, now):
    from govern.regions import reorganise

    hillside = regions.create_region(session, "Hillside", now)
    deposit = treasury.request_conversion(session, member, usd(30_00), now)
    reorganise.move_member(session, member, hillside.id, now)
    assert session.get(type(deposit), deposit.id).region_id == hillside.id
    hill_board = members.join(session, email="hb@example.org", name="HB", password=TEST_PASSWORD,
                              region_id=hillside.id, board=True, now=now)
    treasury.confirm_deposit(session, hill_board, deposit.id, "HB-1", now)
    assert ledger.region_balances(session, hillside.id)[USD_RESERVE] == 30_00
    assert ledger.verify(session).ok
