"""Journey 2: a member's one-person company, from registering it to reading the payslip."""
import pytest
from playwright.sync_api import expect

from govern.companies import service as companies
from govern.companies import hours as company_hours
from govern.companies import payroll
from govern.companies import workers
from govern.members import service as members
from govern.money import Money
from tests.browser.conftest import utcnow
from tests.funding import confirm, record_income




def test_a_member_registers_a_company_pays_themself_and_reads_the_payslip(journey, server):
    server.region("Riverside")
    nia = server.member("Nia Lee")
    member = journey.member(nia)

    member.link("Companies", "my companies (none yet)")
    page = member.link("Register a company", "the company form")
    page.get_by_label("Company name").fill("Nia's Bikes")
    page.get_by_label("Industry").fill("bicycle repair")
    page = member.submit("Register", "the new company's page")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nia's Bikes")
    assert "Set your own hourly rate" in member.flash()

    company_path = page.url.removeprefix(server.url)
    income = page.locator("section", has=page.get_by_role("heading", name="Record outside income"))
    income.get_by_label("Amount received (USD)").fill("1000.00")
    income.get_by_label("What for").fill("Repairs for the school's bikes")
    page = member.submit("Claim income", "outside income claimed: its deposit page")
    assert "Income of 1000.00 USD claimed" in member.flash()
    expect(page.get_by_role("heading", level=1)).to_contain_text("pending")
    deposit_id = int(page.url.rsplit("/", 1)[1])
    with server.session() as session:  # the money reached the bank: the board confirms it
        confirm(session, deposit_id, utcnow())
    page = member.open(company_path, "the company with its income")
    assert member.figure("Balance") == "1,000.00 RSC"

    rate = page.locator("section", has=page.get_by_role("heading", name="Add a worker or change a rate"))
    rate.get_by_label("Member", exact=True).fill("Nia Lee")  # picked by name
    rate.get_by_label("Occupation").fill("mechanic")
    rate.get_by_label("Hourly rate (RSC)").fill("25.00")
    # Ticked, or the founder stops being the company's admin: see the test below.
    rate.get_by_label("Company admin").check()
    page = member.submit("Save worker", "my own rate saved")
    assert "Worker saved." in member.flash()
    workers = page.get_by_role("table", name="Who works here and at what rate")
    expect(workers).to_contain_text("mechanic")
    expect(workers).to_contain_text("25.00 RSC")

    hours = page.locator("section#hours")
    expect(hours.get_by_label("Worker")).to_have_value(str(nia.id))
    hours.get_by_label("From").fill("2026-10-05")
    hours.get_by_label("To (included)").fill("2026-10-09")
    # By name: <section id="hours"> takes the id of the hours field (see the report on the company page).
    hours.locator("input[name=hours]").fill("20")
    page = member.submit("Enter hours", "hours entered")
    assert "Hours entered." in member.flash()

    payroll = page.locator("section#run-payroll")
    # By name: the hours form's period fields have the same ids (see the report on the company page).
    payroll.locator("input[name=period_start]").fill("2026-10-01")
    payroll.locator("input[name=period_end]").fill("2026-10-31")
    page = member.submit("Preview", "the payroll preview")
    expect(page.get_by_role("heading", level=1)).to_have_text("Payroll for Nia's Bikes")
    preview = page.get_by_role("table")
    row = preview.locator("tbody tr").first
    expect(row).to_contain_text("Nia Lee")
    expect(row.locator("td")).to_have_text(["Nia Lee", "20.00", "25.00 RSC", "—", "500.00 RSC", "10.00 RSC",
                                            "490.00 RSC", "—"])  # no productivity: the company's own rate
    page = member.submit("Confirm and pay 500.00 RSC", "payroll paid")
    assert "Payroll paid." in member.flash()
    expect(page.get_by_role("table", name="Runs, newest first")).to_contain_text("2026-10-01 – 2026-10-31")

    page = member.open("/payslips", "my payslips")
    slip = page.get_by_role("table", name="Every pay, newest first").locator("tbody tr").first
    expect(slip.locator("td")).to_have_text(["Nia's Bikes", "2026-10-01 – 2026-10-31", "20.00", "25.00 RSC", "—",
                                             "500.00 RSC", "10.00 RSC", "490.00 RSC", "—", "—"])
    share = page.get_by_label("Share of each net pay converted to USD (%)")
    share.fill("50")
    page = member.submit("Save", "auto-conversion set to 50%")
    assert "50% of each net pay will be converted to USD." in member.flash()
    expect(page.get_by_label("Share of each net pay converted to USD (%)")).to_have_value("50")

    page = member.link("Dashboard", "dashboard after the pay")
    assert member.figure("Your balance") == "490.00 RSC"


def test_a_member_reads_the_payslip_of_a_run_and_sets_half_of_each_pay_to_convert_to_usd(journey, server):
    server.region("Riverside")
    nia = server.member("Nia Lee")
    with server.session() as session:
        founder, now = members.get_member(session, nia.id), utcnow()
        company_id = companies.register_company(session, founder, "Nia's Bikes", "bicycle repair", now).id
        record_income(session, founder, company_id, 100000, "repairs", now)
        workers.set_worker(session, founder, company_id, member_id=nia.id, occupation="mechanic",
                             hourly_rate=Money(2500, "RSC"), make_admin=True, now=now)
        company_hours.enter_hours(session, founder, company_id, member_id=nia.id, period_start="2026-10-05",
                              period_end="2026-10-09", hours="20", now=now)
        payroll.run_payroll(session, founder, company_id, "2026-10-01", "2026-10-31", now)
    member = journey.member(nia)

    page = member.link("Companies", "my companies")
    expect(page.get_by_role("link", name="Nia's Bikes")).to_be_visible()
    page = member.link("My payslips and pay settings", "my payslips")
    slip = page.get_by_role("table", name="Every pay, newest first").locator("tbody tr").first
    expect(slip.locator("td")).to_have_text(["Nia's Bikes", "2026-10-01 – 2026-10-31", "20.00", "25.00 RSC", "—",
                                             "500.00 RSC", "10.00 RSC", "490.00 RSC", "—", "—"])
    expect(page.get_by_label("Share of each net pay converted to USD (%)")).to_have_value("0")
    page.get_by_label("Share of each net pay converted to USD (%)").fill("50")
    page = member.submit("Save", "auto-conversion set to 50%")
    assert "50% of each net pay will be converted to USD." in member.flash()
    expect(page.get_by_label("Share of each net pay converted to USD (%)")).to_have_value("50")


def test_the_only_admin_who_sets_their_own_rate_is_still_the_companys_admin(journey, server):
    server.region("Riverside")
    nia = server.member("Nia Lee")
    with server.session() as session:
        company_id = companies.register_company(session, members.get_member(session, nia.id), "Nia's Bikes",
                                                "bicycle repair", utcnow()).id
    member = journey.member(nia)
    page = member.open(f"/companies/{company_id}", "the company page")
    rate = page.locator("section", has=page.get_by_role("heading", name="Add a worker or change a rate"))
    rate.get_by_label("Member", exact=True).fill(str(nia.id))  # a member number works as well as a name
    rate.get_by_label("Occupation").fill("mechanic")
    rate.get_by_label("Hourly rate (RSC)").fill("25.00")
    page = member.submit("Save worker", "my own rate saved, the admin box left as it was")
    workers = page.get_by_role("table", name="Who works here and at what rate")
    expect(workers.locator("tbody tr").first.locator("td")).to_have_text(["Nia Lee #" + str(nia.id), "mechanic",
                                                                          "25.00 RSC", "yes", "25.00 RSC", "0.5"])
    expect(page.get_by_role("heading", name="Run payroll")).to_be_visible()
