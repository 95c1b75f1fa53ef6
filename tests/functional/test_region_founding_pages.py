"""The board's page that founds a new region from its own as the template."""
import re

from sqlalchemy import func, select

from govern.extensions import db
from govern.regions import service as regions
from govern.regions.models import Region
from tests.conftest import TEST_PASSWORD


def log_in(client, member):
    assert client.post("/login", data={"email": member.email, "password": TEST_PASSWORD}).status_code == 302


def region_count():
    return db.session.execute(select(func.count()).select_from(Region)).scalar_one()


def test_a_board_member_founds_a_region_from_their_own(client, api, region, make_member, now):
    regions.set_parameter(db.session, region.id, "income_tax_rate", "0.05", cause_type="test", cause_id=None, now=now)
    board = make_member(board=True)
    log_in(client, board)
    assert "Found a new region from this one" in client.get(f"/regions/{region.id}").get_data(as_text=True)
    page = client.get("/regions/new").get_data(as_text=True)
    assert "Who may do this: a member of the board of an active region, from their own region only." in page
    assert "It starts empty" in page
    response = client.post("/regions/new", data={"name": "Hilltop"})
    assert response.status_code == 302
    hilltop = regions.find_region_by_name(db.session, "Hilltop")
    assert response.headers["Location"].endswith(f"/regions/{hilltop.id}")
    assert regions.all_parameters(db.session, hilltop.id)["income_tax_rate"] == "0.05"
    shown = client.get(f"/regions/{hilltop.id}").get_data(as_text=True)
    assert "Founded from the template of" in shown and "Riverside" in shown
    assert "This region has no board yet: its members elect one with a board election." in shown
    assert api.get(f"/regions/{hilltop.id}").get_json()["template_id"] == region.id


def test_a_bad_name_is_told_next_to_the_field_and_founds_nothing(client, region, make_member):
    log_in(client, make_member(board=True))
    for name, words in (("Riverside", "is already the name of a region"), ("", "This field is required")):
        response = client.post("/regions/new", data={"name": name})
        assert response.status_code == 400
        error = re.search(r'<div id="name-error">(.*?)</div>', response.get_data(as_text=True), re.S)
        assert error and words in error.group(1)
    assert region_count() == 1


def test_a_member_who_is_not_on_the_board_cannot_found_a_region(client, region, make_member):
    newcomer = make_member()
    log_in(client, newcomer)
    assert "Found a new region from this one" not in client.get(f"/regions/{region.id}").get_data(as_text=True)
    page = client.get("/regions/new")
    assert page.status_code == 403 and "Only the board of an active region" in page.get_data(as_text=True)
    assert client.post("/regions/new", data={"name": "Squatville"}).status_code == 403
    assert region_count() == 1


def test_the_board_of_another_region_founds_only_from_its_own(client, region, make_member, now):
    elsewhere = regions.create_region(db.session, "Hillside", now)
    log_in(client, make_member(board=True, region_id=elsewhere.id))
    client.post("/regions/new", data={"name": "Lakeside"})
    assert regions.find_region_by_name(db.session, "Lakeside").template_id == elsewhere.id


def test_the_form_needs_its_csrf_token(app_factory, now):
    app = app_factory(WTF_CSRF_ENABLED=True)
    with app.app_context():
        from govern.members import service as members
        regions.create_region(db.session, "Riverside", now)
        board = members.join(db.session, email="chair@example.org", name="Chair", password=TEST_PASSWORD,
                             region_id=regions.find_region_by_name(db.session, "Riverside").id, board=True, now=now)
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        client.post("/login", data={"email": board.email, "password": TEST_PASSWORD, "csrf_token": token})
        refused = client.post("/regions/new", data={"name": "Hilltop"})
        assert refused.status_code == 400 and region_count() == 1
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                          client.get("/regions/new").get_data(as_text=True)).group(1)
        assert client.post("/regions/new", data={"name": "Hilltop", "csrf_token": token}).status_code == 302
        assert region_count() == 2
