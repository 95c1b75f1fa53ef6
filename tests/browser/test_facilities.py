"""Journey: the board offers a flat at cost, a member joins its waiting list and is assigned it;
the public record shows the unit; the member reads their health plan share."""
from playwright.sync_api import expect

from govern.members import service as members
from tests.browser.conftest import utcnow
from tests.funding import buy_rsc


def test_a_flat_is_offered_at_cost_applied_for_and_assigned_and_its_record_is_public(journey, server):
    region_id = server.region("Riverside")
    alice, bea = server.member("Alice Home"), server.member("Bea Board", board=True)
    with server.session() as session:
        buy_rsc(session, members.get_member(session, alice.id), 100_000, utcnow())

    board = journey.member(bea)
    page = board.link("Facilities", "the units of the region")
    page = board.link("Offer a unit", "the form to offer a unit")
    page.get_by_label("Name").fill("Flat 2B, 14 Mill Street")
    page.get_by_label("Kind").select_option("housing")
    page.get_by_label("Purchase amount (RSC)").fill("180000.00")
    page.get_by_label("Monthly maintenance (RSC)").fill("120")
    page = board.submit("Offer the unit", "the unit, offered")
    assert "members can now apply" in board.flash()
    assert board.figure("Members pay") == "620.00 RSC"
    unit_path = page.url.removeprefix(server.url)

    member = journey.member(alice)
    page = member.open(unit_path, "the unit, seen by a member")
    page.get_by_label("Message to the board").fill("I work two streets away.")
    page = member.submit("Join the waiting list", "on the waiting list")
    assert "number 1" in member.flash()
    page = member.submit("Join the waiting list", "applying twice", status=400)
    expect(page.locator("p.flash-error")).to_contain_text("already on this unit's waiting list")

    page = board.open(unit_path, "the unit with its waiting list")
    expect(page.get_by_role("table", name="In the order people applied (visible to the board only)")).to_contain_text(
        "I work two streets away.")
    page = board.submit("Assign", "the unit, assigned")
    assert "Assigned from" in board.flash()

    page = member.link("Facilities", "the units, as a member")
    page = member.link("My applications and tenancies", "my tenancies")
    expect(page.get_by_role("table", name="Units you or your companies rent")).to_contain_text("Flat 2B")

    visitor = journey.visitor()
    page = visitor.open(f"/records/facilities?region={region_id}", "the public record of facilities")
    expect(page.get_by_role("table", name="Units and what a member pays this month (the 200 newest units)")) \
        .to_contain_text("620.00")
    assert "Alice" not in page.content()

    page = member.link("Dashboard", "the dashboard with the health plan")
    expect(page.get_by_role("heading", name="Group health plan")).to_be_visible()
    page = member.link("Your health plan", "my health plan")
