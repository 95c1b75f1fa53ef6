"""Outside purchases of any company, paid to a supplier through the treasury and linked to the grant
they spend; and a sole admin who hands the company over or closes it before leaving."""
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select

from govern.companies import hours as company_hours, leaving, purchases, service as companies, workers
from govern.companies.models import HoursEntry
from govern.errors import Conflict, Forbidden, InsufficientFunds, ValidationError
from govern.inventory import service as inventory
from govern.ledger import exchange, service as ledger
from govern.ledger.models import CAPITAL_POOL, LedgerEntry, UsdPayout
from govern.ledger.service import region_account
from govern.members import service as members
from govern.money import Money
from govern.proposals import service as proposals
from govern.treasury import service as treasury
from tests.funding import fill_pool, record_income


@pytest.fixture
def shop(session, member, now):
    company = companies.register_company(session, member, "Bikes", "bicycle repair", now)
    record_income(session, member, company.id, 20_000, "tourists", now)  # 200.00 USD in, 200.00 RSC
    return company


def grant_to(session, member, company, propose, now, cost="80.00"):
    fill_pool(session, member.region_id, member, 10_000, now)
    proposal = propose(member, "equipment_grant", {"company_id": company.id, "item": "Truing stand",
                                                   "cost": {"amount": cost, "currency": "RSC"}, "justification": "x"})
    proposals.cast_ballot(session, member, proposal.id, "yes", now)
    proposals.close_proposal(session, proposal.id, now + timedelta(days=3))
    assert proposal.status == "executed"
    return proposal


def test_any_company_buys_outside_and_the_treasury_pays_the_supplier(session, region, member, make_member, shop, now):
    board = make_member(board=True)
    figures = ledger.region_balances(session, region.id)
    bought = purchases.record_outside_purchase(session, member, shop.id, Money(6_000, "USD"), supplier="Wheel Parts Ltd",
                                               pay_to="Mill Bank 22-1", memo="spokes", now=now)
    after = ledger.region_balances(session, region.id)
    assert companies.company_account(session, shop.id).balance == 20_000 - 6_000
    assert after["usd_reserve"] == figures["usd_reserve"] - 6_000  # the USD leaves the reserve …
    assert after["usd_payouts"] == figures.get("usd_payouts", 0) + 6_000  # … into a payout owed to the supplier
    payout = session.get(UsdPayout, bought.payout_id)
    assert (payout.member_id, payout.payee, payout.pay_to, payout.company_id, payout.status) == (
        None, "Wheel Parts Ltd", "Mill Bank 22-1", shop.id, "owed")
    entry = session.get(LedgerEntry, bought.entry_id)
    assert (entry.cause_type, entry.cause_id) == ("outside_purchase", str(bought.id))
    [to_make] = treasury.payouts_to_make(session, board)
    assert (to_make.name, to_make.pay_to) == ("Wheel Parts Ltd", "Mill Bank 22-1")
    treasury.settle_payouts(session, board, [payout.id], "MB-77", now)
    assert ledger.region_balances(session, region.id).get("usd_payouts", 0) == figures.get("usd_payouts", 0)
    assert ledger.verify(session).ok


def test_a_purchase_the_company_cannot_pay_posts_nothing_and_bad_ones_are_refused(session, member, make_member,
                                                                                 shop, now):
    entries = session.execute(select(func.count()).select_from(LedgerEntry)).scalar_one()
    with pytest.raises(InsufficientFunds):
        purchases.record_outside_purchase(session, member, shop.id, Money(20_001, "USD"), supplier="X", now=now)
    for amount, supplier, field in ((Money(100, "RSC"), "X", "amount"), (Money(100, "USD"), "", "supplier"),
                                    (Money(100, "USD"), "x" * 201, "supplier")):
        with pytest.raises(ValidationError) as error:
            purchases.record_outside_purchase(session, member, shop.id, amount, supplier=supplier, now=now)
        assert field in error.value.fields
    with pytest.raises(Forbidden):
        purchases.record_outside_purchase(session, make_member(), shop.id, Money(100, "USD"), supplier="X", now=now)
    assert session.execute(select(func.count()).select_from(LedgerEntry)).scalar_one() == entries
    assert session.execute(select(func.count()).select_from(UsdPayout)).scalar_one() == 0


def test_a_purchase_spends_the_companys_own_grant_and_no_other(session, region, member, make_member, shop, propose,
                                                                now):
    grant = grant_to(session, member, shop, propose, now)
    other = companies.register_company(session, make_member(name="Otto"), "Other Bikes", "bicycle repair", now)
    with pytest.raises(ValidationError) as error:
        purchases.record_outside_purchase(session, member, shop.id, Money(100, "USD"), supplier="X",
                                          grant_proposal_id=grant.id + 1000, now=now)
    assert "grant_proposal_id" in error.value.fields
    purchases.record_outside_purchase(session, member, shop.id, Money(5_000, "USD"), supplier="Stands Inc.",
                                      grant_proposal_id=grant.id, now=now)
    [spending] = purchases.grants_of(session, shop.id)
    assert (spending.grant.cash_minor, spending.spent, spending.unspent) == (8_000, 5_000, 3_000)
    assert purchases.unspent_grants(session, shop.id) == 3_000 and purchases.unspent_grants(session, other.id) == 0


def test_the_same_idempotency_key_buys_once(session, member, shop, now):
    first = purchases.record_outside_purchase(session, member, shop.id, Money(1_000, "USD"), supplier="X", now=now,
                                              idempotency_key="k1")
    again = purchases.record_outside_purchase(session, member, shop.id, Money(1_000, "USD"), supplier="X", now=now,
                                              idempotency_key="k1")
    assert first.id == again.id and companies.company_account(session, shop.id).balance == 19_000


def test_a_sole_admin_hands_the_company_over_before_leaving(session, member, make_member, shop, now):
    colleague = make_member(name="Col")
    workers.set_worker(session, member, shop.id, member_id=colleague.id, occupation="mechanic",
                       hourly_rate=Money(2_000, "RSC"), now=now)
    assert members.what_stops_leaving(session, member) == [
        "You are the only admin of Bikes: hand it to another worker on its page, or close it if nobody else works "
        "there, before you leave."]
    with pytest.raises(Conflict) as refused:
        members.leave(session, member, now)
    assert refused.value.code == "cannot_leave_yet" and member.active
    with pytest.raises(Conflict):  # somebody else works there: hand it over, do not close it
        leaving.close_company(session, member, shop.id, now)
    workers.hand_over(session, member, shop.id, colleague.id)
    members.leave(session, member, now)
    assert companies.is_admin(session, colleague, shop.id) and companies.admin_count(session, shop.id) == 1
    assert companies.company_account(session, shop.id).balance == 20_000  # nothing stranded


def test_the_last_worker_closes_the_company_its_unspent_grant_back_to_the_pool(session, region, member, shop,
                                                                                propose, now):
    grant = grant_to(session, member, shop, propose, now)
    purchases.record_outside_purchase(session, member, shop.id, Money(3_000, "USD"), supplier="Stands Inc.",
                                      grant_proposal_id=grant.id, now=now)
    company_hours.enter_hours(session, member, shop.id, member_id=member.id, period_start="2026-11-02",
                              period_end="2026-11-03", hours="1", now=now)
    with pytest.raises(Conflict) as unpaid:
        leaving.close_company(session, member, shop.id, now)
    assert unpaid.value.code == "unpaid_hours"
    session.execute(delete(HoursEntry))  # entered by mistake: nobody worked
    session.commit()
    pool = region_account(session, region.id, CAPITAL_POOL).balance
    wallet = exchange.member_wallet(session, member.id).balance
    # 200.00 income + 80.00 grant − 30.00 spent = 250.00: 50.00 of the grant back to the pool, 200.00 to Alice
    leaving.close_company(session, member, shop.id, now)
    assert region_account(session, region.id, CAPITAL_POOL).balance - pool == 5_000
    assert exchange.member_wallet(session, member.id).balance - wallet == 20_000
    assert companies.company_account(session, shop.id).balance == 0
    assert companies.get_company(session, shop.id).status == "closed"
    [item] = inventory.search(session, region_id=region.id, kind="equipment")
    assert item.status == "returned"
    assert members.what_stops_leaving(session, member) == []
    members.leave(session, member, now)
    assert ledger.verify(session).ok


def test_nobody_but_its_admin_closes_a_company_and_never_a_region_owned_one(session, region, member, make_member,
                                                                             shop, now):
    with pytest.raises(Forbidden):
        leaving.close_company(session, make_member(), shop.id, now)
    region_owned = companies.create_region_company(session, region.id, "Town Forge", "metalwork", now)
    with pytest.raises(Forbidden):  # the board runs it, but only a bankruptcy ends it
        leaving.close_company(session, make_member(board=True), region_owned.id, now)
    assert companies.get_company(session, shop.id).status == "active"
