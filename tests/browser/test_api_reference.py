"""The API reference page: drawn in the browser from the served OpenAPI document by the bundled
Redoc, reached from every page's footer, without a request outside the app."""
from playwright.sync_api import expect


def test_the_api_reference_is_linked_from_the_footer_and_drawn_from_the_served_document(journey, server):
    server.region("Riverside")
    integrator = journey.visitor("integrator")
    page = integrator.open("/", "home page")
    with page.expect_navigation():
        page.get_by_role("link", name="API reference").click()

    assert page.url.endswith("/api/docs") and integrator.status == 200, integrator.errors
    expect(page.get_by_role("heading", level=1)).to_contain_text("Conductor API", timeout=15_000)
    expect(page.get_by_role("heading", name="Join the co-op (anybody may)")).to_be_attached()
    expect(page.get_by_role("heading", name="Marketplace").first).to_be_attached()  # grouped by area
    expect(page.get_by_text("Cast or replace your ballot while the proposal is open").first).to_be_attached()
    expect(page.get_by_text("MoneyIn").first).to_be_attached()  # the money object, as the app checks it
    page.screenshot(path=journey.shots.paths("integrator", "the API reference")[0], full_page=False)
    # Redoc's own markup is not held to our page checks; what must hold is that it loaded whole,
    # from the app alone, without a script error.
    assert integrator.errors == []
