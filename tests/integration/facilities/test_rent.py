"""Units, the waiting list and the monthly rent, through the services, on exact figures."""
import pytest
from sqlalchemy import func, select

from govern.companies import service as companies
from govern.errors import Conflict, Forbidden, NotFound, ValidationError
from govern.facilities import service as facilities
from govern.facilities import costs as facility_costs
from govern import months
from govern.facilities import public_record as facility_record
from govern.facilities import rent as rents
from govern.facilities import tenancies as tenancies
from govern.facilities import waiting_list as waiting_lists
from govern.facilities.models import RentCharge
from govern.ledger import exchange
from govern.ledger import service as ledger
from govern.ledger.models import CAPITAL_POOL, LedgerEntry
from govern.members import service as members
from govern.money import Money
from govern.regions import service as regions
from tests.conftest import NOW, later
from tests.funding import buy_rsc, fill_pool, record_income


def rsc(amount: str) -> Money:
    return Money(int(amount.replace(".", "")), "RSC")


def fund(session, member, now, usd_cents):
    buy_rsc(session, member, usd_cents, now)


def pool(session, region):
    return ledger.region_account(session, region.id, CAPITAL_POOL).balance


def rent_entries(session):
    return session.execute(select(func.count()).select_from(LedgerEntry).where(LedgerEntry.cause_type == "rent")).scalar_one()


@pytest.fixture
def board(make_member):
    return make_member(board=True, name="Board")


@pytest.fixture
def flat(session, board, now):
    """180,000.00 over the default 30 years = 500.00 a month, + 120.00 maintenance."""
    return facilities.create_facility(session, board, name="Flat 2B", kind="housing", purchase=rsc("180000.00"),
                                      maintenance=rsc("120.00"), market_rate=rsc("800.00"), now=now)


def let_to(session, board, facility, member, now, start="2026-11"):
    application = waiting_lists.apply(session, member, facility.id, now=now)
    return tenancies.assign(session, board, application.id, now=now, start_month=start)


DECEMBER = later(NOW, days=6)  # 2026-12-02, after November ended


def test_the_rent_without_subsidy_is_the_month_cost_with_its_operating_costs(session, region, board, member, flat, now):
    fund(session, member, now, 100_000)
    fill_pool(session, region.id, board, 10_000, now)
    facility_costs.record_operating_cost(session, board, flat.id, month="2026-11", amount=rsc("35.50"), memo="Water",
                                         supplier="City Water", now=now)
    let_to(session, board, flat, member, now)
    before = pool(session, region)
    assert rents.run_monthly_charges(session, DECEMBER) == {"paid": 1, "unpaid": 0}
    charge = session.execute(select(RentCharge)).scalar_one()
    assert (charge.month, charge.amortisation_minor, charge.maintenance_minor, charge.operating_minor) == (
        "2026-11", 50_000, 12_000, 3_550)
    assert (charge.cost_minor, charge.rent_minor, charge.subsidy_minor, charge.status) == (65_550, 65_550, 0, "paid")
    assert pool(session, region) - before == 65_550
    assert exchange.member_wallet(session, member.id).balance == 100_000 - 65_550


def test_the_voted_subsidy_lowers_the_rent_and_the_pool_bears_the_rest(session, region, board, member, flat, now):
    regions.set_parameter(session, region.id, "subsidy_housing", "0.25", cause_type="test", cause_id=None, now=now)
    fill_pool(session, region.id, board, 10_000, now)
    facility_costs.record_operating_cost(session, board, flat.id, month="2026-11", amount=rsc("35.50"), memo="Water",
                                         supplier="City Water", now=now)
    fund(session, member, now, 100_000)
    let_to(session, board, flat, member, now)
    rents.run_monthly_charges(session, DECEMBER)
    charge = session.execute(select(RentCharge)).scalar_one()
    # 655.50 × 0.75 = 491.625 -> 491.63 paid; 163.87 borne by the pool
    assert (charge.cost_minor, charge.subsidy_rate, charge.rent_minor, charge.subsidy_minor) == (65_550, "0.25", 49_163, 16_387)
    assert exchange.member_wallet(session, member.id).balance == 100_000 - 49_163
    assert ledger.verify(session).ok


def test_the_monthly_charge_run_twice_pays_once(session, region, board, member, flat, now):
    fund(session, member, now, 200_000)
    let_to(session, board, flat, member, now)
    assert rents.run_monthly_charges(session, now) == {"paid": 0, "unpaid": 0}  # November has not ended
    first = rents.run_monthly_charges(session, DECEMBER)
    second = rents.run_monthly_charges(session, later(DECEMBER, hours=1))
    assert (first, second) == ({"paid": 1, "unpaid": 0}, {"paid": 0, "unpaid": 0})
    assert rent_entries(session) == 1
    assert exchange.member_wallet(session, member.id).balance == 200_000 - 62_000
    january = later(DECEMBER, days=31)
    assert rents.run_monthly_charges(session, january) == {"paid": 1, "unpaid": 0}  # December
    assert rent_entries(session) == 2


def test_a_tenant_who_cannot_pay_is_flagged_nothing_posted_and_retried(session, region, board, member, flat, now):
    fund(session, member, now, 10_000)
    tenancy = let_to(session, board, flat, member, now)
    entries = ledger.chain_head(session).entry_id
    assert rents.run_monthly_charges(session, DECEMBER) == {"paid": 0, "unpaid": 1}
    assert ledger.chain_head(session).entry_id == entries
    charge = session.execute(select(RentCharge)).scalar_one()
    assert (charge.status, charge.attempts, charge.entry_id) == ("unpaid", 1, None)
    assert [(c.month, f.id) for c, f in tenancies.unpaid_charges(session, board)] == [("2026-11", flat.id)]
    assert tenancies.tenancies_of(session, member)[0].unpaid[0].id == charge.id
    fund(session, member, now, 60_000)
    assert rents.run_monthly_charges(session, later(DECEMBER, days=1)) == {"paid": 1, "unpaid": 0}
    session.refresh(charge)
    assert (charge.status, charge.attempts, charge.rent_minor) == ("paid", 2, 62_000)
    assert session.get(type(tenancy), tenancy.id).next_month_due == "2026-12"


def test_the_waiting_list_orders_by_application_time_then_id(session, board, make_member, flat, now):
    first, second, third, fourth = (make_member() for _ in range(4))
    waiting_lists.apply(session, third, flat.id, now=later(now, minutes=5))
    waiting_lists.apply(session, first, flat.id, now=now)
    tied_late = waiting_lists.apply(session, fourth, flat.id, now=later(now, minutes=1))
    tied_early = waiting_lists.apply(session, second, flat.id, now=later(now, minutes=1))
    order = [a.member_id for a in waiting_lists.waiting_list(session, board, flat.id)]
    assert order == [first.id, fourth.id, second.id, third.id]  # the tie at +1 min goes to the lower id
    assert [waiting_lists.position(session, a) for a in (tied_late, tied_early)] == [2, 3]
    assert [m.position for m in waiting_lists.applications_of(session, third)] == [4]
    with pytest.raises(Forbidden):
        waiting_lists.waiting_list(session, first, flat.id)
    with pytest.raises(ValidationError) as passed_over:
        tenancies.assign(session, board, tied_early.id, now=now)
    assert "reason" in passed_over.value.fields
    head = waiting_lists.waiting_list(session, board, flat.id)[0]
    tenancy = tenancies.assign(session, board, head.id, now=now)
    assert (tenancy.member_id, tenancy.start_month) == (first.id, "2026-12")
    assert [m.position for m in waiting_lists.applications_of(session, third)] == [3]
    with pytest.raises(Conflict):
        tenancies.assign(session, board, tied_late.id, now=now, reason="next in line")  # the unit is let


def test_applying_twice_for_the_same_unit_is_a_conflict(session, member, flat, now):
    waiting_lists.apply(session, member, flat.id, now=now)
    with pytest.raises(Conflict) as twice:
        waiting_lists.apply(session, member, flat.id, now=later(now, minutes=1))
    assert twice.value.code == "already_applied"
    mine = waiting_lists.applications_of(session, member)[0].application
    waiting_lists.withdraw(session, member, mine.id, now)
    assert waiting_lists.apply(session, member, flat.id, now=later(now, minutes=2)).status == "pending"


def test_a_company_rents_an_office_and_pays_from_its_account(session, region, board, member, now):
    office = facilities.create_facility(session, board, name="Office 1", kind="office", purchase=rsc("36000.00"),
                                        maintenance=rsc("0"), now=now)
    regions.set_parameter(session, region.id, "subsidy_office", "0.5", cause_type="test", cause_id=None, now=now)
    company = companies.register_company(session, member, "Bakery", "food", now)
    record_income(session, member, company.id, 20_000, "sales", now)
    application = waiting_lists.apply(session, member, office.id, now=now, company_id=company.id)
    tenancies.assign(session, board, application.id, now=now, start_month="2026-11")
    rents.run_monthly_charges(session, DECEMBER)
    # 36,000.00 / 360 = 100.00 cost, half subsidised
    assert companies.company_account(session, company.id).balance == 20_000 - 5_000


def test_a_tenant_who_left_the_co_op_pays_the_market_rate(session, board, member, flat, now):
    fund(session, member, now, 100_000)
    let_to(session, board, flat, member, now)
    members.leave(session, member, now)
    rents.run_monthly_charges(session, DECEMBER)
    charge = session.execute(select(RentCharge)).scalar_one()
    assert (charge.basis, charge.rent_minor, charge.subsidy_minor) == ("market", 80_000, 62_000 - 80_000)


def test_operating_costs_of_a_charged_month_are_refused(session, board, member, flat, now):
    fund(session, member, now, 100_000)
    let_to(session, board, flat, member, now)
    rents.run_monthly_charges(session, DECEMBER)
    with pytest.raises(Conflict):
        facility_costs.record_operating_cost(session, board, flat.id, month="2026-11", amount=rsc("1.00"), memo="late",
                                             supplier="City Water", now=DECEMBER)
    with pytest.raises(ValidationError):
        facility_costs.record_operating_cost(session, board, flat.id, month="2027-01", amount=rsc("1.00"), memo="early",
                                             supplier="City Water", now=DECEMBER)
    with pytest.raises(Forbidden):
        facility_costs.record_operating_cost(session, member, flat.id, month="2026-12", amount=rsc("1.00"), memo="x",
                                             supplier="City Water", now=DECEMBER)


def test_an_ended_tenancy_is_charged_through_its_last_month_and_the_unit_can_be_let_again(
        session, board, member, make_member, flat, now):
    fund(session, member, now, 200_000)
    tenancy = let_to(session, board, flat, member, now)
    tenancies.end_tenancy(session, member, tenancy.id, now=now, end_month="2026-12")
    newcomer = make_member()
    application = waiting_lists.apply(session, newcomer, flat.id, now=now)
    with pytest.raises(ValidationError):
        tenancies.assign(session, board, application.id, now=now, start_month="2026-12")
    tenancies.assign(session, board, application.id, now=now, start_month="2027-01")
    rents.run_monthly_charges(session, later(DECEMBER, days=40))  # into February: Nov and Dec are due
    assert [c.month for c in session.execute(select(RentCharge).where(RentCharge.tenancy_id == tenancy.id)
                                             .order_by(RentCharge.month)).scalars()] == ["2026-11", "2026-12"]
    with pytest.raises(NotFound):
        tenancies.end_tenancy(session, newcomer, tenancy.id, now=now)


def test_units_of_an_inventory_item_never_cost_more_than_the_item(session, region, board, now):
    from govern.inventory import service as inventory

    item = inventory.add_item(session, region_id=region.id, item="Mill Street house", kind="building", cost_minor=1_000_000,
                              currency="RSC", holder_company_id=None, proposal_id=None, now=now)
    facilities.create_facility(session, board, name="Flat A", kind="housing", purchase=rsc("6000.00"),
                               maintenance=rsc("10.00"), inventory_item_id=item.id, now=now)
    with pytest.raises(ValidationError) as too_much:
        facilities.create_facility(session, board, name="Flat B", kind="housing", purchase=rsc("4000.01"),
                                   maintenance=rsc("10.00"), inventory_item_id=item.id, now=now)
    assert "purchase" in too_much.value.fields
    rest = facilities.create_facility(session, board, name="Flat B", kind="housing", purchase=None,
                                      maintenance=rsc("10.00"), inventory_item_id=item.id, now=now)
    assert rest.purchase_minor == 400_000


def test_the_public_record_lists_cost_rent_and_subsidy_per_unit_and_month(session, region, board, member, flat, now):
    regions.set_parameter(session, region.id, "subsidy_housing", "0.1", cause_type="test", cause_id=None, now=now)
    fund(session, member, now, 200_000)
    let_to(session, board, flat, member, now)
    rents.run_monthly_charges(session, later(DECEMBER, days=31))
    rows = facility_record.facility_months(session, region.id, facility_id=None, after=None, limit=10)
    assert [(c.month, c.cost_minor, c.rent_minor, c.subsidy_minor) for c, _ in rows] == [
        ("2026-12", 62_000, 55_800, 6_200), ("2026-11", 62_000, 55_800, 6_200)]
    totals = facility_record.facility_totals(session, flat.id)
    assert (totals.cost, totals.rent_paid, totals.subsidy, totals.months) == (124_000, 111_600, 12_400, 2)


def test_flask_govern_tick_charges_the_rent_and_a_second_tick_charges_nothing(app, runner, session, board, member, flat):
    from datetime import datetime, timezone

    from govern.clock import utcnow

    last_month = months.add_months(months.month_of(utcnow()), -1)
    past = datetime(int(last_month[:4]), int(last_month[5:]), 1, tzinfo=timezone.utc)  # only last month is due
    fund(session, member, past, 200_000)
    let_to(session, board, flat, member, past, start=last_month)
    first = runner.invoke(args=["govern", "tick"])
    assert first.exit_code == 0 and "charge_rent" in first.output and "charge_health_premiums" in first.output
    runner.invoke(args=["govern", "tick"])
    assert rent_entries(session) == 1


def test_a_dissolved_region_charges_no_more_rent(session, region, board, member, flat, propose, now):
    from govern.regions import reorganise

    fund(session, member, now, 200_000)
    let_to(session, board, flat, member, now)
    proposal = propose(member, "dissolution", {"municipality": "Riverside Town"})
    reorganise.dissolve(session, region.id, "Riverside Town", proposal_id=proposal.id, now=now)
    assert rents.run_monthly_charges(session, DECEMBER) == {"paid": 0, "unpaid": 0}
    assert rent_entries(session) == 0
