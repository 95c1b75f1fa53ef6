"""Every page reached from the menus (and the forms they lead to) passes the page checks, at both widths,
and axe-core's accessibility rules with no serious or critical violation.

The menu links are read from the pages themselves, so new pages are checked as soon as they are
linked from the header or the footer."""
from urllib.parse import urlparse

from govern.ledger import exchange

VISITOR_PAGES = ["/wages/calculator"]
MEMBER_PAGES = ["/proposals?tab=closed", "/proposals?tab=mine", "/proposals/new", "/companies/new", "/payslips",
                "/convert", "/leave"]


def menu_links(visitor) -> list[str]:
    hrefs = visitor.page.locator("header.site a, footer.site a").evaluate_all("links => links.map(a => a.href)")
    paths = []
    for href in hrefs:
        url = urlparse(href)
        path = url.path + (f"?{url.query}" if url.query else "")
        if href.startswith(visitor.base) and not url.path.startswith("/api/") and path not in paths:
            paths.append(path)
    return paths


def test_every_page_in_the_menus_passes_the_page_checks_for_a_visitor_and_for_a_member(journey, server):
    server.region("Riverside")
    nia = server.member("Nia Lee")
    with server.session() as session:
        wallet_id = exchange.member_wallet(session, nia.id).id

    visitor = journey.visitor("visitor")
    visitor.open("/", "home")
    visitor.accessibility("home")
    seen = {"/"}
    for path in menu_links(visitor) + VISITOR_PAGES + [f"/members/{nia.id}"]:
        if path not in seen:
            seen.add(path)
            visitor.open(path, path)
            visitor.accessibility(path)  # axe-core: no serious or critical violation

    member = journey.member(nia)
    member.accessibility("dashboard")
    seen = {"/dashboard"}
    for path in ["/"] + menu_links(member) + MEMBER_PAGES + [f"/accounts/{wallet_id}"]:
        if path not in seen:
            seen.add(path)
            member.open(path, path)
            member.accessibility(path)
    assert journey.axe_pages >= 20
