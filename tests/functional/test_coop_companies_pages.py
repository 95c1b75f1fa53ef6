"""Co-op-owned companies through the pages: the board runs an acquired business's payroll at its
invited wage, productivity on the payslip, outside purchases, a unit's costs paid, leaving."""
from datetime import timedelta

from govern.acquisitions import service as acquisitions
from govern.companies import service as companies
from govern.extensions import db
from tests.conftest import TEST_PASSWORD
from tests.coop import acquire, invitation_for
from tests.functional.test_pages import login
from tests.funding import fill_pool, record_income


def test_the_board_runs_the_payroll_of_an_acquired_business_at_the_invited_wage(app, region, member, make_member,
                                                                                now):
    board = [make_member(board=True, email="b1@example.org"), make_member(board=True, email="b2@example.org")]
    proposal, forge = acquire(db.session, member, board, now)
    _, wes = acquisitions.accept(db.session, invitation_for(db.session, proposal.id, "wes@example.org").token,
                                 member=None, password=TEST_PASSWORD, now=now + timedelta(days=4))
    record_income(db.session, board[0], forge.id, 50_000, "gates", now + timedelta(days=4))
    client = app.test_client()
    login(client, "b1@example.org")
    page = client.get(f"/companies/{forge.id}").get_data(as_text=True)
    assert "The board runs this company until its workers elect its admins." in page
    assert "kept from 22.00 RSC" in page and "Run payroll" in page
    entered = client.post(f"/companies/{forge.id}/hours", data={
        "member_id": wes.id, "period_start": "2026-12-01", "period_end": "2026-12-05", "hours": "10"},
        follow_redirects=True)
    assert "Hours entered." in entered.get_data(as_text=True)
    saved = client.post(f"/companies/{forge.id}/workers", data={
        "member": str(wes.id), "occupation": "welder", "hourly_rate": "", "productivity": "0.75"}, follow_redirects=True)
    assert "Worker saved." in saved.get_data(as_text=True)
    preview = client.get(f"/companies/{forge.id}/payroll?period_start=2026-12-01&period_end=2026-12-05")
    text = preview.get_data(as_text=True)
    assert "24.20 RSC" in text and "0.75" in text and "242.00 RSC" in text  # 22.00 moved up by productivity
    paid = client.post(f"/companies/{forge.id}/payroll", data={"period_start": "2026-12-01",
                                                               "period_end": "2026-12-05"}, follow_redirects=True)
    assert "Payroll paid." in paid.get_data(as_text=True)

    welder = app.test_client()
    login(welder, "wes@example.org")
    slips = welder.get("/payslips").get_data(as_text=True)
    assert "Town Forge" in slips and "24.20 RSC" in slips and "on 22.00 RSC" in slips
    assert 'href="/proposals/new/company_admins?company_id=' in welder.get(f"/companies/{forge.id}").get_data(
        as_text=True)
    form = welder.get(f"/proposals/new/company_admins?company_id={forge.id}").get_data(as_text=True)
    assert f'value="{forge.id}"' in form


def test_a_company_buys_outside_through_its_page(client, region, member, now):
    shop = companies.register_company(db.session, member, "Bikes", "bicycle repair", now)
    record_income(db.session, member, shop.id, 10_000, "tourists", now)
    login(client)
    bad = client.post(f"/companies/{shop.id}/purchases", data={"supplier": "", "amount": "5.00"})
    assert bad.status_code == 400 and "This field is required." in bad.get_data(as_text=True)
    short = client.post(f"/companies/{shop.id}/purchases", data={"supplier": "Spokes Ltd", "amount": "500.00"})
    assert short.status_code == 400 and "cannot" in short.get_data(as_text=True).lower()
    bought = client.post(f"/companies/{shop.id}/purchases", data={
        "supplier": "Spokes Ltd", "amount": "25.00", "pay_to": "Mill Bank 5", "memo": "spokes",
        "grant_proposal_id": ""}, follow_redirects=True)
    page = bought.get_data(as_text=True)
    assert "Bought from Spokes Ltd for 25.00 USD" in page and "not yet (PAY-" in page
    assert companies.company_account(db.session, shop.id).balance == 7_500


def test_the_board_pays_a_units_costs_through_its_page_and_the_record_shows_them(client, region, member,
                                                                                   make_member, now):
    from govern.facilities import service as facilities
    from govern.money import Money

    board = make_member(board=True, email="board@example.org")
    fill_pool(db.session, region.id, member, 10_000, now)
    flat = facilities.create_facility(db.session, board, name="Flat 2B", kind="housing", purchase=Money(100_000, "RSC"),
                                      maintenance=Money(1_000, "RSC"), now=now)
    login(client, "board@example.org")
    neither = client.post(f"/facilities/{flat.id}/costs", data={"month": "2026-11", "amount": "12.00", "memo": "Water"})
    assert neither.status_code == 400 and "name who is paid" in neither.get_data(as_text=True)
    paid = client.post(f"/facilities/{flat.id}/costs", data={
        "month": "2026-11", "amount": "12.00", "memo": "Water", "supplier": "City Water", "pay_to": "City Bank"},
        follow_redirects=True)
    assert "the capital pool paid it" in paid.get_data(as_text=True)
    maintainer = client.post(f"/facilities/{flat.id}/maintainer", data={"supplier": "Roof & Co"}, follow_redirects=True)
    page = maintainer.get_data(as_text=True)
    assert "Roof &amp; Co (a supplier outside the co-op" in page and "from 2026-11 on" in page
    record = client.get(f"/records/facilities?region={region.id}").get_data(as_text=True)
    assert "Operating: Water" in record and "City Water" in record and "12.00" in record
    assert "City Bank" not in record  # where a supplier is paid is the board's business


def test_the_leave_page_says_what_to_do_first(client, member, make_member, now):
    from govern.companies import workers
    from govern.money import Money

    shop = companies.register_company(db.session, member, "Bikes", "bicycle repair", now)
    colleague = make_member(name="Col")
    workers.set_worker(db.session, member, shop.id, member_id=colleague.id, occupation="mechanic",
                       hourly_rate=Money(2_000, "RSC"), now=now)
    login(client)
    assert "You are the only admin of Bikes" in client.get("/leave").get_data(as_text=True)
    refused = client.post("/leave", data={}, follow_redirects=True).get_data(as_text=True)
    assert "You are the only admin of Bikes" in refused
    assert member.active
    handed = client.post(f"/companies/{shop.id}/handover", data={"member_id": str(colleague.id)},
                         follow_redirects=True)
    assert f"Member {colleague.id} is an admin of the company too." in handed.get_data(as_text=True)
    assert "only admin" not in client.get("/leave").get_data(as_text=True)
