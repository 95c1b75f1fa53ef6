"""The facilities and health plan pages, and the facilities' public record."""
import csv
import io

from govern.clock import utcnow
from govern.extensions import db
from govern.facilities import service as facilities
from govern.facilities import rent as rents
from govern.facilities import tenancies as tenancies
from govern.facilities import waiting_list as waiting_lists
from govern.ledger import contributions
from govern.money import Money
from govern.regions import service as regions
from tests.conftest import later
from tests.functional.test_pages import login
from tests.funding import buy_rsc


def test_the_board_offers_a_unit_and_a_member_joins_its_waiting_list(app, member, make_member):
    make_member(board=True, email="board@example.org")
    board_client, member_client = app.test_client(), app.test_client()
    login(board_client, "board@example.org")
    assert app.test_client().get("/facilities").status_code == 302  # log in first
    login(member_client)
    assert member_client.get("/facilities/new").status_code == 404
    bad = board_client.post("/facilities/new", data={"name": "Flat 2B", "kind": "housing", "purchase": "12.345",
                                                     "maintenance": "120.00"})
    assert bad.status_code == 400 and "at most two decimals" in bad.get_data(as_text=True)
    made = board_client.post("/facilities/new", data={"name": "Flat 2B", "kind": "housing", "purchase": "180000.00",
                                                      "maintenance": "120.00"}, follow_redirects=True)
    page = made.get_data(as_text=True)
    assert "members can now apply" in page and "620.00" in page and page.count("<h1") == 1
    applied = member_client.post("/facilities/1/apply", data={"company_id": "", "message": "Near my work"},
                                 follow_redirects=True)
    assert "number 1" in applied.get_data(as_text=True)
    twice = member_client.post("/facilities/1/apply", data={"company_id": ""})
    assert twice.status_code == 400 and "already on this unit" in twice.get_data(as_text=True)
    assert "Near my work" not in member_client.get("/facilities/1").get_data(as_text=True)  # the list is the board's
    board_page = board_client.get("/facilities/1").get_data(as_text=True)
    assert "Near my work" in board_page and "Assign the unit" in board_page
    assigned = board_client.post("/facilities/1/assign", data={"application_id": "1", "start_month": ""},
                                 follow_redirects=True)
    assert "Assigned from" in assigned.get_data(as_text=True)
    mine = member_client.get("/facilities/mine").get_data(as_text=True)
    assert "Flat 2B" in mine and "End after this month" in mine


def test_a_cost_form_error_is_shown_in_the_form(app, make_member):
    make_member(board=True, email="board@example.org")
    client = app.test_client()
    login(client, "board@example.org")
    client.post("/facilities/new", data={"name": "Clinic room", "kind": "health", "purchase": "0", "maintenance": "50"})
    wrong = client.post("/facilities/1/costs", data={"month": "2099-01", "amount": "5.00", "memo": "Cleaning"})
    assert wrong.status_code == 400 and "cannot be a future month" in wrong.get_data(as_text=True)


def test_the_public_record_of_facilities_downloads_as_csv_and_json(app, client, region, member, make_member, now):
    board = make_member(board=True)
    regions.set_parameter(db.session, region.id, "subsidy_housing", "0.5", cause_type="test", cause_id=None, now=now)
    buy_rsc(db.session, member, 100_000, now)
    unit = facilities.create_facility(db.session, board, name="Flat 2B", kind="housing", purchase=Money(18_000_000, "RSC"),
                                      maintenance=Money(12_000, "RSC"), now=now)
    application = waiting_lists.apply(db.session, member, unit.id, now=now)
    tenancies.assign(db.session, board, application.id, now=now, start_month="2026-11")
    rents.run_monthly_charges(db.session, later(now, days=6))
    page = client.get(f"/records/facilities?region={region.id}")
    assert page.status_code == 200 and "Flat 2B" in page.get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(client.get(f"/records/facilities.csv?region={region.id}&table=months")
                                           .get_data(as_text=True))))
    assert [(r["Month"], r["Cost (RSC)"], r["Rent (RSC)"], r["Subsidy borne by the pool (RSC)"]) for r in rows] == [
        ("2026-11", "620.00", "310.00", "310.00")]
    data = client.get(f"/records/facilities.json?region={region.id}&facility={unit.id}").get_json()
    assert data["tables"]["units"][0]["rent"] == {"amount": "310.00", "currency": "RSC"}
    assert member.name not in page.get_data(as_text=True)


def test_the_dashboard_shows_the_inside_share_and_enrolling_below_it_shows_why(app, region, member, now):
    regions.set_parameter(db.session, region.id, "health_plan_premium", "40", cause_type="test", cause_id=None, now=now)
    client = app.test_client()
    login(client)
    assert "Group health plan" in client.get("/dashboard").get_data(as_text=True)
    refused = client.post("/health", data={})
    assert refused.status_code == 400 and "of their commerce inside" in refused.get_data(as_text=True)
    assert client.get("/health/enrolled").status_code == 404


def test_without_a_premium_the_health_page_says_no_plan_is_offered_and_offers_no_enrolling(app, member):
    client = app.test_client()
    login(client)
    page = client.get("/health").get_data(as_text=True)
    assert "offers no health plan yet" in page and "over the last 90 days" in page
    assert ">Enroll<" not in page
    refused = client.post("/health", data={})
    assert refused.status_code == 400 and "premium is 0" in refused.get_data(as_text=True)


def test_a_member_enrolls_and_the_board_sees_the_list(app, region, member, make_member, now):
    make_member(board=True, email="board@example.org")
    regions.set_parameter(db.session, region.id, "health_plan_premium", "40", cause_type="test", cause_id=None, now=now)
    moment = utcnow()  # the page counts up to the wall clock
    buy_rsc(db.session, member, 1_000, moment)
    contributions.contribute(db.session, member, Money(500, "RSC"), public=False, now=moment)
    client, board_client = app.test_client(), app.test_client()
    login(client)
    enrolled = client.post("/health", data={}, follow_redirects=True)
    assert "You are enrolled" in enrolled.get_data(as_text=True)
    login(board_client, "board@example.org")
    assert "Alice" in board_client.get("/health/enrolled").get_data(as_text=True)


def test_a_units_page_assigns_only_its_own_waiting_list(app, member, make_member):
    make_member(board=True, email="board@example.org")
    board_client, member_client = app.test_client(), app.test_client()
    login(board_client, "board@example.org")
    login(member_client)
    for name in ("Flat 1A", "Flat 1B"):
        board_client.post("/facilities/new", data={"name": name, "kind": "housing", "purchase": "90000.00",
                                                   "maintenance": "80.00"})
    member_client.post("/facilities/2/apply", data={"company_id": "", "message": ""})
    wrong = board_client.post("/facilities/1/assign", data={"application_id": "1", "start_month": ""})
    assert wrong.status_code == 400  # the form offers only this unit's applicants; a forged one is refused
    assert "End after this month" not in member_client.get("/facilities/mine").get_data(as_text=True)
