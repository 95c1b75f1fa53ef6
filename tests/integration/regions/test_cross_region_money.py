"""Money crosses regions with its backing: a transfer, an order and a payroll between regions move,
in the same entry, the USD that backs the RSC from one region's reserve to the other's, so each
region stays backed, and `verify` checks that per region and names the one that is short."""
import pytest
from sqlalchemy import func, select

from govern.companies import hours as company_hours
from govern.companies import payroll
from govern.companies import service as companies
from govern.companies import workers
from govern.errors import InsufficientFunds, ValidationError
from govern.ledger import service as ledger
from govern.ledger.exchange import member_wallet
from govern.ledger.models import CAPITAL_POOL, ISSUANCE, USD_RESERVE, LedgerEntry
from govern.ledger.service import Leg, post, region_account
from govern.ledger.transfers import Payment, transfer, transfer_batch
from govern.market import service as market
from govern.money import Money
from govern.regions import reorganise, service as regions
from tests.funding import buy_rsc, record_income


@pytest.fixture
def hilltop(session, now):
    return regions.create_region(session, "Hilltop", now)


@pytest.fixture
def alice(session, member, now):
    """Riverside's Alice with 500.00 RSC."""
    buy_rsc(session, member, 50000, now)
    return member


@pytest.fixture
def bob(session, make_member, hilltop, now):
    """Hilltop's Bob with 200.00 RSC."""
    person = make_member(name="Bob", email="bob@example.org", region_id=hilltop.id)
    buy_rsc(session, person, 20000, now)
    return person


def held(session, region_id):
    """RSC held by the region's accounts (all but its issuance)."""
    from govern.ledger.models import Account
    return session.execute(select(func.coalesce(func.sum(Account.balance), 0)).where(
        Account.region_id == region_id, Account.currency == "RSC", Account.kind != ISSUANCE)).scalar_one()


def assert_whole(session, *regions_):
    """Each region's accounts hold what it issued, and its reserve covers it; verify agrees."""
    for region in regions_:
        balances = ledger.region_balances(session, region.id)
        assert held(session, region.id) == ledger.rsc_outstanding(balances)
        assert balances[USD_RESERVE] >= ledger.rsc_outstanding(balances)
    report = ledger.verify(session)
    assert report.ok, report.problems


def test_a_transfer_to_another_region_takes_its_backing_along(session, region, hilltop, alice, bob, now):
    made = transfer(session, alice, bob.id, Money(12000, "RSC"), "rent share", now)
    assert member_wallet(session, alice.id).balance == 38000 and member_wallet(session, bob.id).balance == 32000
    assert ledger.region_balances(session, region.id)[USD_RESERVE] == 38000
    assert ledger.region_balances(session, hilltop.id)[USD_RESERVE] == 32000
    assert ledger.regions_of_entries(session, [made.entry]) == {made.entry.id: sorted([region.id, hilltop.id])}
    assert ledger.crossings(session, [made.entry]) == {made.entry.id: ["Riverside", "Hilltop"]}
    assert_whole(session, region, hilltop)


def test_a_transfer_within_a_region_moves_no_reserve(session, region, alice, make_member, now):
    neighbour = make_member()
    made = transfer(session, alice, neighbour.id, Money(100, "RSC"), "", now)
    assert ledger.region_balances(session, region.id)[USD_RESERVE] == 50000
    assert ledger.crossings(session, [made.entry]) == {}
    assert len(ledger.regions_of_entries(session, [made.entry])[made.entry.id]) == 1


def test_a_repeated_cross_region_transfer_moves_the_backing_once(session, region, hilltop, alice, bob, now):
    first = transfer(session, alice, bob.id, Money(1000, "RSC"), "", now, idempotency_key="k-1")
    again = transfer(session, alice, bob.id, Money(1000, "RSC"), "", now, idempotency_key="k-1")
    assert again.entry.id == first.entry.id
    assert ledger.region_balances(session, hilltop.id)[USD_RESERVE] == 21000
    assert_whole(session, region, hilltop)


def test_a_short_payer_moves_nothing_in_either_region(session, region, hilltop, alice, bob, now):
    entries = session.execute(select(func.count()).select_from(LedgerEntry)).scalar_one()
    with pytest.raises(InsufficientFunds):
        transfer(session, alice, bob.id, Money(50001, "RSC"), "", now)
    assert session.execute(select(func.count()).select_from(LedgerEntry)).scalar_one() == entries
    assert ledger.region_balances(session, region.id)[USD_RESERVE] == 50000
    assert ledger.region_balances(session, hilltop.id)[USD_RESERVE] == 20000


def test_nobody_pays_into_a_dissolved_region(session, region, hilltop, alice, bob, now):
    reorganise.dissolve(session, hilltop.id, "Hilltop town", proposal_id=None, now=now)
    with pytest.raises(ValidationError) as refused:
        transfer(session, alice, bob.id, Money(100, "RSC"), "", now)
    assert "to_member_id" in refused.value.fields
    with pytest.raises(ValidationError):
        transfer_batch(session, alice, [Payment(bob.id, Money(100, "RSC"))], now)


def test_a_batch_pays_members_of_several_regions_in_one_backed_entry(session, region, hilltop, alice, bob,
                                                                     make_member, now):
    neighbour = make_member()
    batch = transfer_batch(session, alice, [Payment(bob.id, Money(3000, "RSC")),
                                            Payment(neighbour.id, Money(2000, "RSC"))], now)
    assert ledger.regions_of_entries(session, [batch.entry])[batch.entry.id] == sorted([region.id, hilltop.id])
    assert ledger.region_balances(session, hilltop.id)[USD_RESERVE] == 23000
    assert ledger.region_balances(session, region.id)[USD_RESERVE] == 47000
    assert_whole(session, region, hilltop)


def test_an_order_from_another_region_pays_the_sellers_region_its_tax(session, region, hilltop, alice, bob, now):
    regions.set_parameter(session, hilltop.id, "sales_tax_rate", "0.1", cause_type="test", cause_id=None, now=now)
    bakery = companies.register_company(session, bob, "Hilltop Bakery", "bakery", now)
    listing = market.create_listing(session, bob, company_id=bakery.id, kind="product", title="Loaf",
                                    description="", price=Money(400, "RSC"), now=now)
    riverside_pool = region_account(session, region.id, CAPITAL_POOL).balance
    order = market.buy(session, alice, listing.id, now, quantity=2)
    assert (order.subtotal_minor, order.tax_minor) == (800, 80)
    entry = session.get(LedgerEntry, order.entry_id)
    assert ledger.crossings(session, [entry]) == {entry.id: ["Riverside", "Hilltop"]}  # the buyer's region first
    assert region_account(session, hilltop.id, CAPITAL_POOL).balance == 80
    assert region_account(session, region.id, CAPITAL_POOL).balance == riverside_pool
    assert ledger.region_balances(session, region.id)[USD_RESERVE] == 50000 - 880
    assert ledger.region_balances(session, hilltop.id)[USD_RESERVE] == 20000 + 880
    assert_whole(session, region, hilltop)


def test_a_payroll_across_the_border_keeps_both_regions_backed(session, region, hilltop, member, make_member, now):
    """The observed case: a company's worker lives in another region (here she moved there) and is
    paid across the border. Before, the company's region kept the reserve and the worker's region
    held RSC it had never issued, and verify passed."""
    welder = make_member(name="Wendy")
    shop = companies.register_company(session, member, "Forge", "metalwork", now)
    record_income(session, member, shop.id, 100000, "Gates", now)
    workers.set_worker(session, member, shop.id, member_id=welder.id, occupation="welder",
                       hourly_rate=Money(3000, "RSC"), now=now)
    reorganise.move_member(session, welder, hilltop.id, now)
    company_hours.enter_hours(session, member, shop.id, member_id=welder.id, period_start="2026-06-01",
                              period_end="2026-06-30", hours="10", now=now)
    run = payroll.run_payroll(session, member, shop.id, "2026-06-01", "2026-06-30", now).run
    wendy = member_wallet(session, welder.id).balance
    assert run.gross_minor == 30000 and wendy == run.net_minor
    assert ledger.region_balances(session, hilltop.id)[USD_RESERVE] == wendy
    assert region_account(session, region.id, CAPITAL_POOL).balance == run.tax_minor  # tax stays at the company's
    assert_whole(session, region, hilltop)


def test_verify_names_the_region_that_is_short(session, region, hilltop, alice, bob, now):
    """An entry that moved RSC across without its backing (as every such entry did before): verify
    says which region holds RSC it never issued and which reserve no longer covers its RSC."""
    post(session, [Leg(member_wallet(session, alice.id), -10000), Leg(member_wallet(session, bob.id), 10000)],
         memo="the old way", cause_type="test", cause_id=None, now=now, backing_follows_rsc=False)
    report = ledger.verify(session)
    assert not report.ok
    assert any("Hilltop" in problem and "short" in problem for problem in report.problems)
    assert any("Riverside" in problem and "issued" in problem for problem in report.problems)
    assert not any("short" in problem and "Riverside" in problem for problem in report.problems)
