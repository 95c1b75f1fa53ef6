"""Pages in plain words (issue 26): the error page of a failure on our side, links that carry what
they need, a worker who moved region still sees their company, shares as percentages, amounts
refused with the reason, the split form's word on the board, and people found by name."""
from __future__ import annotations

from datetime import timedelta

from govern.companies import service as companies, workers
from govern.extensions import db
from govern.money import Money
from govern.regions import reorganise, service as regions
from govern.wages import service as wages
from tests.conftest import TEST_PASSWORD


def log_in(client, member):
    return client.post("/login", data={"email": member.email, "password": TEST_PASSWORD})


def test_a_failure_on_our_side_is_a_page_of_the_site_that_says_nothing_was_changed(app_factory):
    app = app_factory(TESTING=False)  # as served: unexpected errors are answered by the app, not raised

    def broken():
        raise RuntimeError("a bug")

    app.add_url_rule("/broken-for-the-test", view_func=broken)
    response = app.test_client().get("/broken-for-the-test")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong" in page and "Nothing was changed" in page and 'class="error-page' in page
    assert "a bug" not in page and "Traceback" not in page


def test_a_page_that_is_not_there_says_so_in_the_sites_words(client):
    response = client.get("/nowhere")
    page = response.get_data(as_text=True)
    assert response.status_code == 404 and "Page not found" in page
    assert "requested URL was not found on the server" not in page


def test_a_wage_a_proposal_set_links_to_its_own_regions_table(app, region, now):
    from govern.wages.views import _wage_rows

    other = regions.create_region(db.session, "Hillside", now)
    rate = wages.set_wage(db.session, other.id, "welder", None, 2_500, now=now, cause_type="test", cause_id=None)
    with app.test_request_context():
        [(label, url)] = _wage_rows(db.session, [rate.id], None).values()
    assert url == f"/wages/welder?region={other.id}" and "25.00 RSC an hour" in label
    assert app.test_client().get(url).status_code == 200


def test_a_worker_who_moved_region_still_sees_the_company_they_work_for(app, client, make_member, now):
    founder, worker = make_member(name="Ann Field"), make_member(name="Ben Ode")
    company = companies.register_company(db.session, founder, "Ann's Bikes", "bicycle repair", now)
    workers.set_worker(db.session, founder, company.id, member_id=worker.id, occupation="mechanic",
                         hourly_rate=Money(2_000, "RSC"), now=now)
    elsewhere = regions.create_region(db.session, "Hillside", now)
    reorganise.move_member(db.session, worker, elsewhere.id, now)
    log_in(client, worker)
    page = client.get(f"/companies/{company.id}").get_data(as_text=True)
    assert "Who works here and at what rate" in page  # the full page, not the public card

    outsider = app.test_client()
    card = outsider.get(f"/companies/{company.id}")
    assert card.status_code == 200 and "worker-owned company" in card.get_data(as_text=True)
    assert "Who works here" not in card.get_data(as_text=True)


def test_shares_and_rates_read_as_percentages_and_units_take_their_article(app, client, make_member, now):
    board = make_member(name="Bea Board", board=True)
    log_in(client, board)
    page = client.get(f"/regions/{board.region_id}").get_data(as_text=True)
    assert "Share of an office unit" in page and "Share of an education unit" in page
    assert "a office" not in page and "a education" not in page
    health = client.get("/health").get_data(as_text=True)
    assert "at least 50% of their commerce" in health
    assert "at least 0.5 of their commerce" not in health


def test_an_amount_of_23_digits_is_refused_for_its_size_not_its_decimals():
    import pytest

    from govern.errors import ValidationError
    from govern.money import parse_amount

    for text, problem in [("12345678901234567890123", "must be at most 1000000000.00"),
                          ("12.345", "can have at most two decimals (cents), such as 12.50"),
                          ("twelve", "must be an amount such as 12.50 (digits, and a point before the cents)")]:
        with pytest.raises(ValidationError) as refused:
            parse_amount(text)
        assert refused.value.fields == {"amount": [problem]}


def test_the_split_form_says_where_the_board_lives_and_what_a_split_does_to_it(client, make_member):
    make_member(name="Bea Board", board=True, locality="North")
    member = make_member(name="Ann Field", locality="South")
    log_in(client, member)
    page = client.get("/proposals/new/split").get_data(as_text=True)
    assert "Name a provisional board for the new region" in page and "starts with no board" in page
    assert "This region&#39;s board members live in: North (1)" in page


def test_people_are_found_by_name_in_ones_own_region_only(app, client, make_member, now):
    ann = make_member(name="Ann Field")
    make_member(name="Ben Ode")
    hillside = regions.create_region(db.session, "Hillside", now)
    make_member(name="Bob Odeon", region_id=hillside.id)
    log_in(client, ann)
    found = client.get("/people/suggest?q=ode").get_json()["items"]
    assert [item["value"].split(" (#")[0] for item in found] == ["Ben Ode"]
    assert client.get("/people/suggest?q=%25").get_json()["items"] == []  # a wildcard is a letter, not "any"
    page = client.get("/people?q=ode").get_data(as_text=True)
    assert "Ben Ode (#" in page and "Bob Odeon" not in page
    assert app.test_client().get("/people/suggest?q=ode").status_code in (302, 401)


def test_a_delegation_names_its_delegate_by_name_and_an_ambiguous_name_asks_which(client, make_member):
    ann = make_member(name="Ann Field")
    first, second = make_member(name="Sam Lee"), make_member(name="Sam Lee")
    log_in(client, ann)
    ambiguous = client.post("/delegations", data={"scope": "all", "delegate": "sam lee"})
    page = ambiguous.get_data(as_text=True)
    assert ambiguous.status_code == 400 and "more than one member is called “sam lee”" in page
    assert f'value="Sam Lee (#{first.id})"' in page and f'value="Sam Lee (#{second.id})"' in page  # offered
    picked = client.post("/delegations", data={"scope": "all", "delegate": f"Sam Lee (#{second.id})"})
    assert picked.status_code == 302
    unknown = client.post("/delegations", data={"scope": "all", "delegate": "Nobody Here"})
    assert unknown.status_code == 400 and "no member of your region is called" in unknown.get_data(as_text=True)


def test_a_proposal_form_with_an_empty_title_and_a_past_deadline_shows_both(client, member, now):
    log_in(client, member)
    past = (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post("/proposals/new/referendum", data={"title": "", "closes_at": past, "method": "yes_no",
                                                              "electorate": "region"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There are 2 problems" in page
    assert "This field is required." in page and "must be at least" in page


def test_a_voting_setting_the_rule_refuses_is_shown_by_its_own_field(client, member, now):
    log_in(client, member)
    closes = (now + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post("/proposals/new/referendum", data={
        "title": "Pick two", "closes_at": closes, "method": "approval", "options": "Park\nBeach", "seats": "5",
        "electorate": "region"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="seats-error"' in page and "there cannot be more seats than options" in page
    assert "voting:" not in page and "is not a valid voting rule" not in page


def test_a_bad_employee_line_of_an_acquisition_is_told_by_its_line_next_to_the_employees(client, member, now):
    log_in(client, member)
    closes = (now + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M")
    response = client.post("/proposals/new/acquisition", data={
        "title": "Buy the corner bakery", "payload_business_name": "Corner Bakery", "payload_seller": "Ms Crumb",
        "payload_price_amount": "5000.00", "payload_price_currency": "RSC", "payload_industry": "bakery",
        "payload_employees": "Cleo Baker, cleo@bakery.example, baker, 22.50\nDan Dough, not-an-email, baker, 20.00",
        "closes_at": closes})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="payload_employees-error"' in page and "line 2, email:" in page
    assert "The payload needs another look." not in page
