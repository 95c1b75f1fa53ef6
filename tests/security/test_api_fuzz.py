"""Promise 14: the JSON API survives fuzzing. Schemathesis reads /api/v1/openapi.json and sends
generated requests, valid and invalid, to the app in-process (WSGI) with members' bearer tokens:
no answer may be a server error, invalid input is never accepted, and every answer must be one
the document declares, with a body that matches the declared schema. Bounded and seeded: the
same few hundred cases every run, in well under a minute."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from govern.extensions import db
from govern.members import service as members
from tests.security.conftest import PASSWORD, bearer_token, build_scenario, log_in

CASES_PER_OPERATION_AND_MODE = 4
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          negative_data_rejection]
# Every request the document calls valid must be accepted (positive_data_acceptance), except where a
# rule no schema can state refuses it with a 400; each such operation and its rule:
RULES_BEYOND_THE_SCHEMA = {
    "POST /companies/{id}/hours": "the member must be a worker of the company",
    "POST /companies/{id}/handover": "the member must be another active worker of the company",
    "POST /companies/{id}/payroll": "the period must hold unpaid hours",
    "POST /companies/{id}/payroll/preview": "the period must end on or after its start (two fields compared)",
    "POST /companies/{id}/workers": "the member must be an active member of the company's region",
    "POST /conversions": "the amount's currency follows the direction (USD for usd_to_rsc, RSC for rsc_to_usd)",
    "POST /facilities": "a purchase amount is needed unless the unit is carved out of an inventory item",
    "POST /facilities/{id}/costs": "the month may not lie in the future (today's date); a payee company must trade in the region",
    "PUT /facilities/{id}/maintainer": "a payee company must be a trading company of the region",
    "POST /facility-applications/{id}/assign": "the first month may not lie in the past (today's date)",
    "POST /tenancies/{id}/end": "the last month may not lie in the past (today's date)",
    "POST /listings": "a price is needed unless the job's occupation has a wage in the wage table",
    "POST /listings/{id}/orders": "a job is applied for, not bought (the listing's kind)",
    "PUT /me/contribution-rate": "auto-conversion and contribution together may not pass 100%",
    "PUT /me/delegations/{scope}": "the delegate must be an active member of your region, not you",
    "POST /me/move": "the region must exist and be active",
    "POST /members": "the region must exist and be open to members",
    "POST /transfers": "the payee must be an active member of your region",
    "POST /transfers/batch": "the payees must be active members of your region, and the lines add up to at most 1,000,000,000.00",
    "POST /proposals": "closes_at must lie far enough ahead of now, and the payload follows the kind",
    "PUT /proposals/{id}/ballot": "the choice's shape follows the proposal's voting method",
    "GET /records/wages": "the cursor must be one this list gave",
    "GET /records/facilities": "the cursor must be one this list gave",
    "POST /bank-statements": "the content must be a statement in the format it names (CSV columns, OFX)",
}
FUZZ_SETTINGS = settings(
    max_examples=CASES_PER_OPERATION_AND_MODE, derandomize=True, database=None, deadline=None,
    phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck), print_blob=False,
)


@pytest.fixture
def fuzz_app(app_factory, now):
    """TESTING off, so that an unexpected exception is answered (500) as in production, not raised."""
    app = app_factory(TESTING=False, GOVERN_LOGIN_LIMIT="1000 per minute", GOVERN_MONEY_LIMIT="10000 per minute")
    with app.app_context():
        scenario = build_scenario(db.session, now)
        yield app, scenario


def _fresh_member_token(app, n: int, region_id: int, now) -> str:
    members.join(db.session, email=f"fuzz{n}@example.org", name=f"Fuzz {n}", password=PASSWORD,
                 region_id=region_id, now=now)
    return bearer_token(app.test_client(), f"fuzz{n}@example.org")


def _real_ids(scenario) -> dict[str, object]:
    """Path parameters that name real rows, so that valid cases get past the 404 and exercise the
    rules behind it (random ids would almost all be unknown)."""
    return {"/accounts": scenario.member_wallet_id, "/applications": scenario.application_id,
            "/companies": scenario.company_id, "/listings": scenario.job_id, "/orders": scenario.order_id,
            "/members": scenario.member_id, "/proposals": scenario.proposal_id, "/regions": scenario.region_id,
            "/records": 1, "/me": "all", "/facilities": scenario.facility_id,
            "/facility-applications": scenario.facility_application_id, "/tenancies": scenario.tenancy_id,
            "/deposits": scenario.deposit_id, "/payouts": scenario.payout_id,
            "/bank-statement-lines": scenario.statement_line_id}


def _token_for(method: str, path: str, tokens: dict[str, str]) -> str:
    """The company's admin for company business, the board for the units, the health plan's list
    and the treasury's actions (confirming, rejecting, statements, settling payouts, the bank
    details), a fresh member for leaving or moving (so that it spoils no other case), else the
    member who owns the scenario's private objects (their application, tenancy, enrollment,
    deposit and payout)."""
    if path in ("/me/leave", "/me/move"):
        return tokens["fresh"]
    if path.startswith(("/companies", "/orders", "/applications")) or path == "/listings":
        return tokens["admin"]
    if (path.startswith(("/facilities", "/health")) and not path.endswith("/applications") or method == "POST"
            and path.startswith("/facility-applications")):
        return tokens["board"]
    if path.startswith(("/bank-statement", "/treasury")) or (method in ("POST", "PUT") and path.startswith(
            ("/deposits", "/payouts"))):
        return tokens["board"]
    return tokens["member"]


def fuzz(app, scenario, now, only_paths: list[str] | None = None) -> tuple[int, dict[str, str]]:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    # The API ignores query parameters it does not know (a client's cache buster, say): an unknown
    # one is not invalid input.
    schema.config.generation.allow_extra_parameters = False
    if only_paths:
        schema = schema.include(path=only_paths)
    client = app.test_client()
    real_ids = _real_ids(scenario)
    cases, failures = 0, {}
    for n, result in enumerate(schema.get_all_operations()):
        operation = result.ok()
        tokens = {"member": bearer_token(client, scenario.member_email), "admin": bearer_token(client, scenario.admin_email),
                  "board": bearer_token(client, scenario.board_email),
                  "fresh": _fresh_member_token(app, n, scenario.region_id, now)}
        headers = {"Authorization": f"Bearer {_token_for(operation.method.upper(), operation.path, tokens)}"}
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @FUZZ_SETTINGS
            @given(case=operation.as_strategy(generation_mode=mode))
            def send(case):
                nonlocal cases
                cases += 1
                if mode is GenerationMode.POSITIVE:
                    for name in case.path_parameters:
                        case.path_parameters[name] = real_ids.get("/" + operation.path.split("/")[1],
                                                                  case.path_parameters[name])
                response = case.call(headers=headers)
                checks = CHECKS if operation.label in RULES_BEYOND_THE_SCHEMA else [*CHECKS, positive_data_acceptance]
                try:
                    case.validate_response(response, checks=checks, headers=headers)
                except FailureGroup as group:
                    failures.setdefault(f"{operation.label} ({mode.value})", str(group).strip()[:1500])

            try:
                send()
            except Unsatisfiable:  # nothing to make invalid (no parameters, no body)
                assert mode is GenerationMode.NEGATIVE
    return cases, failures


def test_the_api_survives_fuzzing_without_server_errors_or_answers_that_break_the_document(fuzz_app, now):
    app, scenario = fuzz_app
    cases, failures = fuzz(app, scenario, now)
    assert failures == {}, "\n\n".join(f"{k}: {v}" for k, v in failures.items())
    assert cases >= 200


def test_the_fuzzing_catches_a_server_error_and_an_answer_that_breaks_the_document(fuzz_app, now):
    """The check above is only as good as this: two deliberately broken endpoints are caught."""
    app, scenario = fuzz_app

    def crashes():
        raise RuntimeError("a bug")

    app.view_functions["wages_api.table"] = crashes
    app.view_functions["records_api.chain_head"] = lambda: {"hash": 7}
    _, failures = fuzz(app, scenario, now, only_paths=["/wages", "/records/chain-head"])
    assert "Server error" in failures["GET /wages (positive)"]
    assert "Response violates schema" in failures["GET /records/chain-head (positive)"]


def test_the_documented_filters_and_settings_name_the_values_the_app_takes(app):
    """Found by fuzzing: the document let any text through where the app takes a fixed set."""
    from govern.inventory.models import KINDS as INVENTORY_KINDS
    from govern.market.models import KINDS as LISTING_KINDS

    doc = app.test_client().get("/api/v1/openapi.json").get_json()

    def query_param(path, name):
        return next(p for p in doc["paths"][path]["get"]["parameters"] if p["name"] == name)["schema"]

    assert query_param("/inventory", "kind")["enum"] == list(INVENTORY_KINDS)
    assert query_param("/listings", "kind")["enum"] == list(LISTING_KINDS)
    for path in ("/me/auto-convert", "/me/contribution-rate"):
        body = doc["paths"][path]["put"]["requestBody"]["content"]["application/json"]["schema"]
        body = doc["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
        as_text, as_number = body["properties"]["percent"]["anyOf"]
        assert as_text["pattern"] == "^(?:100|[1-9]?[0-9])$"
        assert (as_number["type"], as_number["minimum"], as_number["maximum"]) == ("integer", 0, 100)


BEYOND_POSTGRES_INTEGER = str(2**31)  # found by fuzzing on PostgreSQL: ids are 32-bit there


@pytest.mark.parametrize("path", [
    f"/api/v1/regions/{BEYOND_POSTGRES_INTEGER}", f"/api/v1/regions?cursor={BEYOND_POSTGRES_INTEGER}",
    f"/api/v1/members/{BEYOND_POSTGRES_INTEGER}", f"/api/v1/listings/{BEYOND_POSTGRES_INTEGER}",
    f"/api/v1/proposals?cursor={BEYOND_POSTGRES_INTEGER}", f"/members/{BEYOND_POSTGRES_INTEGER}",
    f"/proposals?region={BEYOND_POSTGRES_INTEGER}", f"/wages?region={BEYOND_POSTGRES_INTEGER}",
])
def test_an_id_too_big_for_the_database_is_a_client_error_not_a_crash(fuzz_app, path):
    app, scenario = fuzz_app
    client = app.test_client()
    token = bearer_token(client, scenario.member_email)
    log_in(client, scenario.member_email)
    response = client.get(path, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code in (200, 400, 404)


@pytest.mark.parametrize(("path", "body"), [
    ("/companies/{company}/workers", {"member_id": 2**31, "occupation": "baker"}),
    ("/me/move", {"region_id": 2**31}),
    ("/transfers", {"to_member_id": 2**31, "amount": {"amount": "1.00", "currency": "RSC"}}),
    (f"/listings/{BEYOND_POSTGRES_INTEGER}/applications", {}),
])
def test_an_id_too_big_for_the_database_in_a_body_is_a_client_error_not_a_crash(fuzz_app, path, body):
    app, scenario = fuzz_app
    client = app.test_client()
    token = bearer_token(client, scenario.admin_email)
    response = client.post(f"/api/v1{path.format(company=scenario.company_id)}", json=body,
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code in (400, 404)
    assert response.get_json()["error"]["code"] != "internal_error"
