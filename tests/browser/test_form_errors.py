"""Journey 7: bad input is answered next to the field, and what was typed stays in the form."""
from playwright.sync_api import expect

from tests.browser.conftest import closes_in


def field_of(page, label: str):
    """The `.field` block of the form control with this label: its label, control, help and errors."""
    return page.locator(".field").filter(has=page.get_by_label(label, exact=True))


def test_a_join_form_with_bad_input_shows_each_message_by_its_field_and_keeps_what_was_typed(journey, server):
    server.region("Riverside")
    server.member("Taken Already", "taken@example.org")
    newcomer = journey.visitor("newcomer")
    page = newcomer.open("/join", "the join form")
    page.get_by_label("Your name").fill("Nia Lee")
    page.get_by_label("Email").fill("taken@example.org")
    page.get_by_label("Password").fill("short")
    page.get_by_label("City or county").fill("Northfield")
    page = newcomer.submit("Join", "the join form with a short password", status=400)

    password = field_of(page, "Password")
    expect(password.locator(".error")).to_have_text("Field must be between 8 and 200 characters long.")
    expect(page.get_by_label("Password")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Password")).to_have_value("")  # a password is never sent back
    expect(page.get_by_label("Your name")).to_have_value("Nia Lee")
    expect(page.get_by_label("Email")).to_have_value("taken@example.org")
    expect(page.get_by_label("City or county")).to_have_value("Northfield")
    expect(page.locator(".error")).to_have_count(1)

    page.get_by_label("Password").fill("a long enough password")
    page = newcomer.submit("Join", "the join form with an email already taken", status=400)
    expect(field_of(page, "Email").locator(".error")).to_contain_text("already registered")
    expect(page.get_by_label("Your name")).to_have_value("Nia Lee")
    expect(page.get_by_label("City or county")).to_have_value("Northfield")


def test_a_proposal_with_bounds_the_wrong_way_round_is_answered_by_the_field_and_keeps_the_text(journey, server):
    server.region("Riverside")
    ann = server.member("Ann Field")
    proposer = journey.member(ann)
    page = proposer.open("/proposals/new/parameter", "the parameter form")
    page.get_by_label("Title", exact=True).fill("A lower income tax")
    page.get_by_label("What and why").fill("Pay is **thin** this winter.")
    page.get_by_label("Parameter", exact=True).select_option("income_tax_rate")
    page.get_by_label("Lowest value members may vote").fill("0.1")
    page.get_by_label("Highest value members may vote").fill("0.05")
    closes = closes_in(minutes=60)
    page.get_by_label("Voting closes (UTC)").fill(closes)
    page = proposer.submit("Open for voting", "the parameter form with max below min", status=400)

    expect(field_of(page, "Highest value members may vote").locator(".error")).to_have_text("must not be below the lowest value")
    expect(page.get_by_label("Highest value members may vote")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".field .error")).to_have_count(1)
    expect(page.get_by_label("Title", exact=True)).to_have_value("A lower income tax")
    expect(page.get_by_label("What and why")).to_have_value("Pay is **thin** this winter.")
    expect(page.get_by_label("Parameter", exact=True)).to_have_value("income_tax_rate")
    expect(page.get_by_label("Lowest value members may vote")).to_have_value("0.1")
    expect(page.get_by_label("Highest value members may vote")).to_have_value("0.05")
    expect(page.get_by_label("Voting closes (UTC)")).to_have_value(closes)


def test_an_auto_conversion_share_above_100_is_refused_by_the_field_and_kept_for_correction(journey, server):
    server.region("Riverside")
    nia = server.member("Nia Lee")
    member = journey.member(nia)
    page = member.open("/payslips", "my payslips")
    page.get_by_label("Share of each net pay converted to USD (%)").fill("150")
    page = member.submit("Save", "a share of 150%", status=400)
    share = field_of(page, "Share of each net pay converted to USD (%)")
    expect(share.locator(".error")).to_have_text("Number must be between 0 and 100.")
    expect(page.get_by_label("Share of each net pay converted to USD (%)")).to_have_value("150")
