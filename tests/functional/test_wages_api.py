"""The wage table and the calculator through the JSON API: public, paged, money as strings."""
from datetime import timedelta

import pytest

import govern.wages.kinds  # noqa: F401  registers the wage kinds and the factor parameters
from govern.regions import service as regions
from govern.wages import service as wages


@pytest.fixture(autouse=True)
def wages_wired(app):
    """Register the wage blueprints on the test app until create_app does it."""
    from govern.wages import api, views

    for blueprint in (views.bp, api.bp):
        if blueprint.name not in app.blueprints:
            app.register_blueprint(blueprint)


@pytest.fixture
def table(session, region, now):
    wages.set_wage(session, region.id, "welder", None, 3000, now=now - timedelta(days=1), cause_type="test",
                   cause_id=None)
    wages.set_wage(session, region.id, "welder", "shipbuilding", 3250, now=now, cause_type="proposal", cause_id=3)
    wages.set_wage(session, region.id, "welder", None, 2500, now=now, cause_type="proposal", cause_id=4)


def test_the_wage_table_answers_without_a_token_newest_first(api, region, table, now):
    response = api.get("/wages")
    assert response.status_code == 200
    body = response.get_json()
    assert body["next"] is None
    assert [(i["occupation"], i["industry"], i["hourly_wage"]) for i in body["items"]] == [
        ("welder", None, {"amount": "25.00", "currency": "RSC"}),
        ("welder", "shipbuilding", {"amount": "32.50", "currency": "RSC"}),
    ]
    assert body["items"][0]["effective_from"] == now.isoformat()
    assert body["items"][0]["cause"] == {"type": "proposal", "id": "4"}


def test_the_wage_table_pages_with_a_cursor(api, region, table):
    first = api.get("/wages?limit=1").get_json()
    assert len(first["items"]) == 1 and first["next"]
    second = api.get(f"/wages?limit=1&cursor={first['next']}").get_json()
    assert second["items"][0]["industry"] == "shipbuilding" and second["next"] is None
    assert api.get("/wages?limit=500").status_code == 400


def test_the_table_of_another_region_is_asked_for_by_id(api, region, table, session, now):
    other = regions.create_region(session, "Hilltop", now)
    assert api.get(f"/wages?region_id={other.id}").get_json() == {"items": [], "next": None}
    assert api.get("/wages?region_id=999").status_code == 404
    assert api.get("/wages?region_id=x").status_code == 400


def test_a_member_sees_their_own_regions_table_by_default(api, region, table, session, now, make_member):
    other = regions.create_region(session, "Hilltop", now)
    wages.set_wage(session, other.id, "baker", None, 2000, now=now, cause_type="test", cause_id=None)
    hill_member = make_member(region_id=other.id)
    items = api.as_member(hill_member).get("/wages").get_json()["items"]
    assert [i["occupation"] for i in items] == ["baker"]


def test_the_calculator_answers_with_every_step(api, region):
    body = api.get("/wages/calculator?occupation=Welder&productivity=1").get_json()
    assert body["occupation"] == "welder" and body["industry"] is None
    assert body["ratio"] == "0.45" and body["hourly_wage"] == {"amount": "28.80", "currency": "RSC"}
    assert body["factors"]["productivity_range"] == "0.2" and body["parameters"]["minimum_wage"] == "15"


def test_bad_calculator_input_answers_400_with_fields(api, region):
    bad = api.get("/wages/calculator?occupation=welder&productivity=2")
    assert bad.status_code == 400 and "productivity" in bad.get_json()["error"]["fields"]
    missing = api.get("/wages/calculator?productivity=0.5")
    assert missing.status_code == 400 and "occupation" in missing.get_json()["error"]["fields"]
