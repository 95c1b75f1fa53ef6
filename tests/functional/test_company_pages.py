"""Company pages: registering, hours, payroll preview then confirm, payslips, auto-conversion."""
from govern.companies import service as companies
from govern.companies import hours as company_hours
from govern.companies import pay_settings
from govern.companies import workers
from govern.extensions import db
from govern.ledger.exchange import member_wallet
from govern.money import Money
from tests.functional.test_pages import login
from tests.conftest import TEST_PASSWORD
from tests.funding import record_income


def test_a_member_registers_a_company_and_lands_on_its_page(client, member):
    login(client)
    page = client.post("/companies/new", data={"name": "Bread & Roses", "industry": "bakery"},
                       follow_redirects=True).get_data(as_text=True)
    assert "Bread &amp; Roses" in page and "Set your own hourly rate" in page
    assert "Enter hours" in page and "Run payroll" in page


def test_the_company_form_shows_errors_next_to_fields(client, member):
    login(client)
    response = client.post("/companies/new", data={"name": "", "industry": "bakery"})
    assert response.status_code == 400
    assert "This field is required." in response.get_data(as_text=True)


def test_hours_then_a_payroll_preview_then_confirm(client, member, session, now):
    company = companies.register_company(session, member, "Bikes", "bicycle repair", now)
    record_income(session, member, company.id, 100000, "", now)
    workers.set_worker(session, member, company.id, member_id=member.id, occupation="mechanic",
                         hourly_rate=Money(2500, "RSC"), now=now)
    login(client)
    entered = client.post(f"/companies/{company.id}/hours", data={
        "member_id": member.id, "period_start": "2026-06-01", "period_end": "2026-06-30", "hours": "20"},
        follow_redirects=True)
    assert "Hours entered." in entered.get_data(as_text=True)
    preview = client.get(f"/companies/{company.id}/payroll?period_start=2026-06-01&period_end=2026-06-30")
    text = preview.get_data(as_text=True)
    assert "Nothing is paid until you confirm" in text and "500.00 RSC" in text and "20.00" in text
    assert member_wallet(session, member.id).balance == 0
    paid = client.post(f"/companies/{company.id}/payroll", data={"period_start": "2026-06-01",
                                                                 "period_end": "2026-06-30"}, follow_redirects=True)
    assert "Payroll paid." in paid.get_data(as_text=True)
    db.session.expire_all()
    assert member_wallet(session, member.id).balance == 49000
    slips = client.get("/payslips").get_data(as_text=True)
    assert "490.00 RSC" in slips


def test_absurd_hours_show_the_message_by_the_field_and_keep_the_input(client, member, session, now):
    company = companies.register_company(session, member, "Bikes", "bicycle repair", now)
    login(client)
    response = client.post(f"/companies/{company.id}/hours", data={
        "member_id": member.id, "period_start": "2026-06-01", "period_end": "2026-06-01", "hours": "30"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "more than 24 hours a day" in page and 'value="30"' in page


def test_auto_conversion_is_set_on_the_payslips_page(client, member, session):
    login(client)
    page = client.post("/payslips", data={"percent": "50"}, follow_redirects=True).get_data(as_text=True)
    assert "50% of each net pay" in page
    assert pay_settings.auto_convert_percent(session, member.id) == 50
    bad = client.post("/payslips", data={"percent": "150"})
    assert bad.status_code == 400


def test_the_payroll_preview_works_with_csrf_protection_on(app_factory, region, make_member, now):
    """The preview is a GET form: it must not demand a CSRF token (nothing changes)."""
    app = app_factory(WTF_CSRF_ENABLED=True)
    with app.app_context():
        owner = make_member(email="owner@example.org")
        company = companies.register_company(db.session, owner, "Bikes", "bicycle repair", now)
        workers.set_worker(db.session, owner, company.id, member_id=owner.id, occupation="mechanic",
                             hourly_rate=Money(2500, "RSC"), now=now)
        company_hours.enter_hours(db.session, owner, company.id, member_id=owner.id, period_start="2026-06-01",
                              period_end="2026-06-30", hours="2", now=now)
        company_id = company.id
    client = app.test_client()
    import re

    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    client.post("/login", data={"email": "owner@example.org", "password": TEST_PASSWORD, "csrf_token": token})
    preview = client.get(f"/companies/{company_id}/payroll?period_start=2026-06-01&period_end=2026-06-30")
    assert preview.status_code == 200
    assert "Nothing is paid until you confirm" in preview.get_data(as_text=True)
