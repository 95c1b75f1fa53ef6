"""Journey: a visitor compares the regions of the federation, on a desktop and on a phone, and
searches the inventory of another region; a member shops in every region's marketplace."""
import re

from playwright.sync_api import expect

from govern.companies import service as companies
from govern.inventory import service as inventory
from govern.market import service as market
from govern.members import service as members
from govern.money import Money
from tests.browser.conftest import DESKTOP, PHONE, utcnow
from tests.funding import buy_rsc


def test_a_visitor_compares_the_regions_and_searches_another_regions_inventory(journey, server):
    server.region("Riverside")
    ann = server.member("Ann Field")
    server.fill_pool(ann)  # Ann holds 300.00 RSC, the pool 100.00: 400.00 outstanding, backed by 400.00 USD
    hilltop = server.region("Hilltop")
    hugo = server.member("Hugo Hill")
    with server.session() as session:
        hugo_member = members.get_member(session, hugo.id)
        buy_rsc(session, hugo_member, 50_00, utcnow())
        orchard = companies.register_company(session, hugo_member, "Hill Orchard", "farming", utcnow())
        market.create_listing(session, hugo_member, company_id=orchard.id, kind="product", title="Hill honey",
                              description="", price=Money(6_00, "RSC"), now=utcnow())
        inventory.add_item(session, region_id=hilltop, item="Cider press", kind="equipment", cost_minor=40_000,
                           currency="RSC", holder_company_id=orchard.id, proposal_id=None, now=utcnow())

    visitor = journey.visitor()
    visitor.open("/", "the home page")
    page = visitor.link("Federation", "the federation, from the footer")
    visitor.accessibility("the federation")
    riverside_row = page.get_by_role("row").filter(has=page.get_by_role("link", name="Riverside"))
    expect(riverside_row.locator("td")).to_have_text(["active", "1", "100.00 RSC", "400.00 USD", "400.00 RSC", "100%"])
    expect(page.locator("tfoot td")).to_have_text(["", "2", "100.00 RSC", "450.00 USD", "450.00 RSC", "100%"])
    expect(page.locator("code.hash")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    page.set_viewport_size(PHONE)
    reserve = page.locator("td[data-label='USD reserve']").first
    box = reserve.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box  # a card, not a cut-off column
    assert reserve.evaluate("td => getComputedStyle(td, '::before').content") == '"USD reserve"'
    page.set_viewport_size(DESKTOP)

    page = visitor.link("Inventory of every region", "the inventory of every region")
    page.get_by_label("Region").select_option(label="Hilltop")
    page.get_by_label("Search").fill("press")
    page = visitor.submit("Filter", "Hilltop's inventory, searched")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name="Cider press"))
    expect(row.locator("td[data-label=Region]")).to_have_text("Hilltop")
    expect(page.get_by_label("Region")).to_have_value(str(hilltop))

    member = journey.member(ann)
    page = member.open("/market", "the marketplace of Ann's region")
    expect(page.get_by_text("Hill honey")).to_have_count(0)
    page.get_by_label("Region").select_option(label="All regions")
    page = member.submit("Search", "the marketplace of every region")
    expect(page.get_by_role("link", name="Hill honey")).to_be_visible()
    page = member.link("Hill honey", "another region's listing")
    expect(page.get_by_role("link", name="Hilltop")).to_be_visible()
    page.get_by_label("Quantity").fill("2")
    page = member.submit("Buy", "Ann buys from another region")
    expect(page.get_by_text("12.00 RSC paid")).to_be_visible()
    page = member.open("/dashboard", "Ann's movements, one of them across regions")
    expect(page.get_by_text("Riverside → Hilltop")).to_be_visible()
    page = visitor.open("/verify", "the record checked after money crossed regions")
    expect(page.get_by_text("The record is intact")).to_be_visible()
