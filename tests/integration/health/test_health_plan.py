"""The inside share on a hand-built ledger, enrollment, and the monthly premium."""
import pytest
from sqlalchemy import func, select

from govern.companies import service as companies
from govern.errors import Conflict, Forbidden, NotFound
from govern.health import service as health
from govern.health.models import HealthPremium
from govern.ledger import contributions, exchange
from govern.ledger import service as ledger
from govern.ledger.models import CAPITAL_POOL, LedgerEntry
from govern.market import service as market
from govern.money import Money
from govern.regions import service as regions
from tests.conftest import TEST_PASSWORD, later
from tests.funding import buy_rsc, record_income


def rsc(cents):
    return Money(cents, "RSC")


@pytest.fixture
def shop(session, make_member, now):
    """A company selling bread at 30.00, and its listing."""
    baker = make_member(name="Baker")
    company = companies.register_company(session, baker, "Bakery", "food", now)
    listing = market.create_listing(session, baker, company_id=company.id, kind="product", title="Bread",
                                    description="", price=rsc(3_000), now=now)
    return listing


def build_ledger(session, member, shop, now):
    """Within the 90-day period: 100.00 bought, 30.00 of bread, 10.00 given, 40.00 converted
    out. Before it: 50.00 converted out, which no longer counts."""
    buy_rsc(session, member, 20_000, later(now, days=-120))
    exchange.convert(session, member, "rsc_to_usd", rsc(5_000), later(now, days=-100))
    market.buy(session, member, shop.id, later(now, days=-10))
    contributions.contribute(session, member, rsc(1_000), public=False, now=later(now, days=-5))
    exchange.convert(session, member, "rsc_to_usd", rsc(4_000), later(now, days=-1))


def test_the_inside_share_is_computed_from_the_ledger_over_the_rolling_period(session, member, shop, now):
    build_ledger(session, member, shop, now)
    share = health.inside_share(session, member, now)
    assert (share.inside, share.outside) == (4_000, 4_000)  # 30.00 + 10.00 inside, 40.00 out
    assert share.shown == "0.5000" and share.eligible  # the default minimum is 0.5
    longer = regions.set_parameter  # a longer period brings the older conversion back in
    longer(session, member.region_id, "health_plan_period_days", "110", cause_type="test", cause_id=None, now=now)
    share = health.inside_share(session, member, now)
    assert (share.inside, share.outside, share.shown, share.eligible) == (4_000, 9_000, "0.3077", False)


def test_a_member_with_no_commerce_has_no_share_and_cannot_enroll(session, member, region, now):
    regions.set_parameter(session, region.id, "health_plan_premium", "50", cause_type="test", cause_id=None, now=now)
    share = health.inside_share(session, member, now)
    assert (share.share, share.eligible) == (None, False)
    with pytest.raises(Conflict) as refused:
        health.enroll(session, member, now)
    assert refused.value.code == "inside_share_too_low"


def test_enrolling_below_the_share_is_a_conflict_and_above_it_succeeds(session, member, shop, region, now):
    build_ledger(session, member, shop, now)
    with pytest.raises(Conflict) as no_plan:
        health.enroll(session, member, now)
    assert no_plan.value.code == "no_health_plan"
    regions.set_parameter(session, region.id, "health_plan_premium", "50", cause_type="test", cause_id=None, now=now)
    regions.set_parameter(session, region.id, "health_plan_min_inside_share", "0.6", cause_type="test", cause_id=None,
                          now=now)
    with pytest.raises(Conflict):
        health.enroll(session, member, now)
    regions.set_parameter(session, region.id, "health_plan_min_inside_share", "0.5", cause_type="test", cause_id=None,
                          now=now)
    enrollment = health.enroll(session, member, now)
    assert (enrollment.status, enrollment.inside_share) == ("enrolled", "0.5000")
    with pytest.raises(Conflict):
        health.enroll(session, member, now)
    health.leave(session, member, now)
    with pytest.raises(NotFound):
        health.leave(session, member, now)


def test_only_the_board_sees_who_is_enrolled(session, member, make_member, shop, region, now):
    board = make_member(board=True)
    build_ledger(session, member, shop, now)
    regions.set_parameter(session, region.id, "health_plan_premium", "50", cause_type="test", cause_id=None, now=now)
    health.enroll(session, member, now)
    assert [m.id for _, m in health.enrolled_members(session, board)] == [member.id]
    with pytest.raises(Forbidden):
        health.enrolled_members(session, member)


def test_the_premium_is_split_by_the_parameter_and_paid_once_a_month(session, member, shop, region, now):
    build_ledger(session, member, shop, now)
    contributions.contribute(session, member, rsc(5_000), public=False, now=now)  # the pool: 60.00
    for name, value in (("health_plan_premium", "45.25"), ("health_plan_member_share", "0.3")):
        regions.set_parameter(session, region.id, name, value, cause_type="test", cause_id=None, now=now)
    health.enroll(session, member, now)
    wallet_before = exchange.member_wallet(session, member.id).balance
    pool_before = ledger.region_account(session, region.id, CAPITAL_POOL).balance
    reserve_before = regions.summary(session, region.id).usd_reserve
    assert health.run_monthly_premiums(session, now) == {"paid": 1, "unpaid": 0}
    assert health.run_monthly_premiums(session, later(now, hours=1)) == {"paid": 0, "unpaid": 0}
    premium = session.execute(select(HealthPremium)).scalar_one()
    # 45.25 × 0.3 = 13.575 -> 13.58 from the member, 31.67 from the pool; 45.25 USD leaves the reserve
    assert (premium.month, premium.premium_minor, premium.member_part_minor, premium.pool_part_minor) == (
        "2026-11", 4_525, 1_358, 3_167)
    assert exchange.member_wallet(session, member.id).balance == wallet_before - 1_358
    assert ledger.region_account(session, region.id, CAPITAL_POOL).balance == pool_before - 3_167
    assert regions.summary(session, region.id).usd_reserve == reserve_before - 4_525
    assert session.execute(select(func.count()).select_from(LedgerEntry)
                           .where(LedgerEntry.cause_type == "health_premium")).scalar_one() == 1
    assert ledger.verify(session).ok


def test_a_premium_the_pool_cannot_cover_is_flagged_and_retried(session, member, shop, region, now):
    build_ledger(session, member, shop, now)
    regions.set_parameter(session, region.id, "health_plan_premium", "500", cause_type="test", cause_id=None, now=now)
    health.enroll(session, member, now)
    entries = ledger.chain_head(session).entry_id
    assert health.run_monthly_premiums(session, now) == {"paid": 0, "unpaid": 1}
    assert ledger.chain_head(session).entry_id == entries
    contributions.record_external(session, _board(session, member, region, now), Money(60_000, "USD"), "Friends",
                                  public=False, now=now)
    buy_rsc(session, member, 60_000, now)  # two months of 250.00
    december = later(now, days=6)
    assert health.run_monthly_premiums(session, december) == {"paid": 2, "unpaid": 0}  # November again, December
    assert [p.status for p in health.premiums_of(session, member.id)] == ["paid", "paid"]


def _board(session, member, region, now):
    from govern.members import service as members

    return members.join(session, email="board@example.org", name="Board", password=TEST_PASSWORD,
                        region_id=region.id, locality="", board=True, now=now)


def test_rent_paid_counts_inside_and_a_company_order_does_not(session, member, make_member, shop, region, now):
    from govern.facilities import service as facilities
    from govern.facilities import rent as rents
    from govern.facilities import tenancies as tenancies
    from govern.facilities import waiting_list as waiting_lists

    board = make_member(board=True)
    buy_rsc(session, member, 100_000, later(now, days=-40))
    unit = facilities.create_facility(session, board, name="Flat", kind="housing", purchase=rsc(3_600_000),
                                      maintenance=rsc(0), now=later(now, days=-40))
    application = waiting_lists.apply(session, member, unit.id, now=later(now, days=-40))
    tenancies.assign(session, board, application.id, now=later(now, days=-40), start_month="2026-10")
    rents.run_monthly_charges(session, later(now, days=-20))  # October: 36,000.00 / 360 = 100.00
    mine = companies.register_company(session, member, "Mine", "food", now)
    record_income(session, member, mine.id, 10_000, "sales", now)
    market.buy(session, member, shop.id, now, paid_by_company_id=mine.id)  # the company's spending, not hers
    exchange.convert(session, member, "rsc_to_usd", rsc(30_000), now)
    share = health.inside_share(session, member, now)
    assert (share.inside, share.outside, share.shown) == (10_000, 30_000, "0.2500")
