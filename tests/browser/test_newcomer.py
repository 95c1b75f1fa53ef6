"""Journey 1: a newcomer understands what the co-op is, joins, and lands on their dashboard."""
from playwright.sync_api import expect



def test_a_newcomer_joins_from_the_home_page_and_sees_a_zero_balance_and_an_equal_share(journey, server):
    server.region("Riverside")
    founder = server.member("Rosa Founder", board=True)
    assert server.fill_pool(founder) == 10000  # 100.00 RSC owned together

    newcomer = journey.visitor("newcomer")
    page = newcomer.open("/", "home page")
    expect(page.get_by_role("heading", level=1)).to_have_text("A co-op its members own equally, and run by vote")
    expect(page.locator(".lead").first).to_contain_text("Anybody may join")
    assert newcomer.figure("Members") == "1"
    assert newcomer.figure("Capital pool") == "100.00 RSC"
    assert newcomer.figure("Each member's equal share") == "100.00 RSC"

    page = newcomer.link("Join the co-op", "the join form")
    page.get_by_label("Your name").fill("Nia Lee")
    page.get_by_label("Email").fill("nia@example.org")
    page.get_by_label("Password").fill("a long enough password")
    page.get_by_label("City or county").fill("Northfield")
    page = newcomer.submit("Join", "the dashboard of a new member")

    assert page.url.endswith("/dashboard")
    assert "Welcome, Nia Lee" in newcomer.flash()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Nia Lee")
    assert newcomer.figure("Your balance") == "0.00 RSC"
    assert newcomer.figure("Your equal share of Riverside's assets") == "50.00 RSC"
    expect(page.locator(".figures")).to_contain_text("100.00 RSC owned together ÷ 2 active members")
    expect(page.get_by_role("navigation", name="Main")).to_contain_text("Log out")
