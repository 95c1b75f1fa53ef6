"""The public wage pages through HTTP: the table, an occupation's history with its chart, the
calculator; and proposing wages through the new-proposal form."""
import re
from datetime import timedelta

import pytest

import govern.wages.kinds  # noqa: F401  registers the wage kinds and the factor parameters
from govern.clock import utcnow
from govern.wages import service as wages
from tests.functional.test_pages import login


@pytest.fixture(autouse=True)
def wages_wired(app):
    """Register the wage blueprints on the test app until create_app does it."""
    from govern.wages import api, views

    for blueprint in (views.bp, api.bp):
        if blueprint.name not in app.blueprints:
            app.register_blueprint(blueprint)


@pytest.fixture
def table(session, region, now):
    wages.set_wage(session, region.id, "Welder", None, 3000, now=now - timedelta(days=60), cause_type="proposal",
                   cause_id=12)
    wages.set_wage(session, region.id, "welder", "Shipbuilding", 3200, now=now - timedelta(days=30),
                   cause_type="proposal", cause_id=13)
    wages.set_wage(session, region.id, "welder", None, 2500, now=now, cause_type="proposal", cause_id=14)
    wages.set_wage(session, region.id, "nurse", None, 2800, now=now, cause_type="test", cause_id=None)


def no_inline_code(page: str) -> bool:
    return not re.search(r"<script(?![^>]*\ssrc=)", page) and " style=" not in page  # the site's script file is fine


def test_the_wage_table_is_public_and_shows_only_the_current_rows(client, region, table):
    response = client.get("/wages")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and no_inline_code(page)
    assert "Wage table of Riverside" in page
    assert page.count("<tr>") == 4  # the head and three current rows
    assert "25.00 RSC" in page and "32.00 RSC" in page and "28.00 RSC" in page and "30.00 RSC" not in page
    assert 'href="/wages/welder?region=' in page


def test_the_wage_table_pages_through_earlier_decisions(client, region, table):
    first = client.get("/wages?limit=2").get_data(as_text=True)
    assert "Earlier decisions" in first and "32.00 RSC" not in first
    cursor = re.search(r'cursor=(\d+)', first).group(1)
    second = client.get(f"/wages?limit=2&cursor={cursor}").get_data(as_text=True)
    assert "32.00 RSC" in second and "Earlier decisions" not in second


def test_an_empty_table_says_how_wages_are_set(client, region):
    assert "No wage has been voted yet" in client.get("/wages").get_data(as_text=True)


def test_an_occupation_page_shows_its_history_as_a_chart_and_as_numbers(client, region, table):
    response = client.get("/wages/Welder")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and no_inline_code(page)
    svg = page[page.index("<svg"):page.index("</svg>")]
    assert 'role="img"' in svg and "<title" in svg and "Hourly wage of Welder over time" in svg
    assert svg.count("<path") == 2  # any industry, and shipbuilding
    assert "Any industry" in svg and "Shipbuilding" in svg
    for text in ("30.00 RSC", "32.00 RSC", "25.00 RSC", 'href="/proposals/14"', "occupation.welder.skill"):
        assert text in page


def test_an_unknown_occupation_is_not_found(client, region, table):
    assert client.get("/wages/plumber").status_code == 404
    assert client.get("/wages/no.such").status_code == 404


def test_the_calculator_shows_the_wage_and_every_factor(client, region):
    blank = client.get("/wages/calculator")
    assert blank.status_code == 200 and "Hourly wage:" not in blank.get_data(as_text=True)
    response = client.get("/wages/calculator?occupation=welder&industry=&productivity=0.5")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and no_inline_code(page)
    assert "Hourly wage: 24.00 RSC" in page
    assert "0.4500" in page and "24.00 RSC" in page
    assert 'value="welder"' in page


def test_bad_calculator_input_is_shown_next_to_the_field(client, region):
    response = client.get("/wages/calculator?occupation=welder&productivity=1.5")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    field = page[page.index('name="productivity"'):]
    assert "must be between 0 and 1" in field[:600]
    assert "Hourly wage:" not in page
    assert client.get("/wages/calculator?occupation=a%2Fb&productivity=0.5").status_code == 400


def test_a_member_proposes_wage_table_rows_through_the_form(client, member, region):
    login(client)
    form = client.get("/proposals/new/wage_table").get_data(as_text=True)
    assert "one per line" in form
    closes = (utcnow() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    bad = client.post("/proposals/new/wage_table", data={
        "title": "Wages", "closes_at": closes, "payload_rows": "welder, 25.00 USD"})
    assert bad.status_code == 400 and "row 1: hourly_wage" in bad.get_data(as_text=True)
    response = client.post("/proposals/new/wage_table", data={
        "title": "Wages", "closes_at": closes, "payload_rows": "welder, construction, 25.00\nnurse, 28.50",
        "payload_reduction_delay_days": "10"}, follow_redirects=True)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert "Your proposal is open for voting" in response.get_data(as_text=True)


def test_a_member_proposes_an_occupation_factor_through_the_parameter_form(client, member, region, session, now):
    wages.ensure_occupation(session, region.id, "welder", now)
    login(client)
    closes = (utcnow() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    response = client.post("/proposals/new/parameter", data={
        "title": "Welding takes skill", "closes_at": closes, "payload_name": "other",
        "payload_other": "occupation.welder.skill", "payload_min": "0.5", "payload_max": "0.9"},
        follow_redirects=True)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert "occupation.welder.skill" in response.get_data(as_text=True)


def test_a_member_proposes_a_wage_rate_through_the_form_and_sees_it_to_vote_on(client, member, region):
    login(client)
    closes = (utcnow() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    response = client.post("/proposals/new/wage_rate", data={
        "title": "Welders", "closes_at": closes, "payload_occupation": "Welder", "payload_industry": "",
        "payload_min": "20", "payload_max": "30"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    assert "Set the wage of an occupation" in page and "welder" in page and "30.00" in page
    bad = client.post("/proposals/new/wage_rate", data={
        "title": "Welders", "closes_at": closes, "payload_occupation": "Welder", "payload_min": "30",
        "payload_max": "20"})
    assert bad.status_code == 400 and "must not be below the lowest value" in bad.get_data(as_text=True)
