"""Regions are public records."""
from govern.regions import service as regions


def test_a_region_shows_its_parameters_and_money_without_a_token(api, region, member):
    body = api.get(f"/regions/{region.id}").get_json()
    assert body["name"] == "Riverside" and body["parent_id"] is None and body["status"] == "active"
    assert body["parameters"]["exchange_rate"] == "1"
    assert body["parameters"]["income_tax_rate"] == "0.02"
    assert body["capital_pool"] == {"amount": "0.00", "currency": "RSC"}
    assert body["usd_reserve"] == {"amount": "0.00", "currency": "USD"}
    assert body["member_count"] == 1


def test_regions_are_listed_newest_first_in_pages(api, session, now):
    for name in ("A", "B", "C"):
        regions.create_region(session, name, now)
    first = api.get("/regions?limit=2").get_json()
    assert [r["name"] for r in first["items"]] == ["C", "B"]
    rest = api.get(f"/regions?limit=2&cursor={first['next']}").get_json()
    assert [r["name"] for r in rest["items"]] == ["A"] and rest["next"] is None


def test_an_unknown_region_answers_404_in_the_error_shape(api):
    response = api.get("/regions/404")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_parameter_changes_are_recorded_with_their_cause(session, region, now):
    regions.set_parameter(session, region.id, "income_tax_rate", "0.050", cause_type="proposal", cause_id=7, now=now)
    [change] = regions.parameter_history(session, region.id)
    assert (change.old_value, change.new_value, change.cause_type, change.cause_id) == ("0.02", "0.05", "proposal", "7")
    assert regions.all_parameters(session, region.id)["income_tax_rate"] == "0.05"


def test_unknown_api_paths_and_methods_answer_in_the_error_shape(api):
    assert api.get("/nothing-here").get_json()["error"]["code"] == "not_found"
    wrong = api.client.delete("/api/v1/regions")
    assert wrong.status_code == 405
    assert wrong.get_json()["error"]["code"] == "method_not_allowed"


def test_a_huge_body_answers_413(app_factory, region):
    client = app_factory(MAX_CONTENT_LENGTH=1000).test_client()
    response = client.post("/api/v1/members", data="x" * 5000, content_type="application/json")
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "payload_too_large"


def test_the_openapi_document_describes_every_api_route(app, api):
    doc = api.get("/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    documented = {(path, method.upper()) for path, ops in doc["paths"].items() for method in ops}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        path = rule.rule.removeprefix("/api/v1").replace("<int:", "{").replace("<", "{").replace(">", "}")
        for name in ("account_id", "member_id", "region_id", "proposal_id", "company_id", "item_id", "listing_id", "order_id",
                     "application_id", "facility_id", "tenancy_id", "deposit_id", "payout_id", "line_id"):
            path = path.replace("{" + name + "}", "{id}")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method) in documented, f"{method} {path} is missing from the OpenAPI document"
