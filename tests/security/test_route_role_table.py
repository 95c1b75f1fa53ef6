"""Promise 10: who may call what. Every route of the app appears in ROUTE_TABLE, one row per
endpoint and method, with the expected outcome for each role; a route added without a row fails.

The roles, in the scenario of tests/security/conftest.py: anonymous; `member`, who owns the
private objects the ids point at (wallet, order, application, delegation, payslip, proposal, a
place on an office's waiting list, the tenancy of a flat and its rent charge, a health plan
enrollment);
`admin`, who runs the company that sold the order and employs the member; `other`, a member of
the same region who owns none of it; and `board`.
"""
from __future__ import annotations

import pytest

from govern.extensions import db
from tests.security.conftest import bearer_token, build_scenario, log_in
from tests.security.routes import SWITCHES_IDENTITY, TERMINAL, calls_for

ROLES = ("anonymous", "member", "admin", "other", "board")

OK = "ok"  # let through: 2xx, 3xx elsewhere than the login page, or 400/409 about the input or state
LOGIN = "login"  # 401, or a redirect to the login page
FORBIDDEN = "forbidden"  # 403
NOT_FOUND = "not_found"  # 404
REFUSED = "refused"  # an action button's page: a redirect back with an error message, nothing done

# (endpoint, method): outcome for (anonymous, member, admin, other, board). The ids are the
# member's: another member's wallet, order or application answers 404 (API.md: "not visible to
# you"); the company is visible in its region, so acting on it without being its admin is 403.
# The invitation token is a placeholder: 404 for everybody. Units, their operating costs and the
# facilities record are public; a place on a waiting list, a tenancy and its charges are the
# member's (and the board's): another member gets 404, and board-only actions 403 (404 for the
# board's own pages). Who is enrolled in the health plan is for the board only. Standing for
# election and withdrawing is for any member of the region while nominations are open (each role
# stands, then withdraws, in the order of the rows). A worker-owned company's grants, sweeps and
# outside purchases are its workers' (the member's and the admin's); the admin, the only admin of
# the company the member works in, cannot leave before handing it over (the page refuses; the API
# answers 409), nor close it while the member works there. The referendum has no invitations: 404
# even for the board.
ROUTE_TABLE: dict[tuple[str, str], tuple[str, str, str, str, str]] = {
    ("acquisitions.invitation", "GET"):                (NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    ("acquisitions.invitation", "POST"):               (NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    ("acquisitions_api.accept", "POST"):               (NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    ("acquisitions_api.invitations", "GET"):           (LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    ("companies.add_worker", "POST"):                  (LOGIN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN),
    ("companies.bankruptcy", "POST"):                  (LOGIN, REFUSED, REFUSED, REFUSED, OK),
    ("companies.close", "POST"):                       (LOGIN, REFUSED, REFUSED, REFUSED, REFUSED),
    ("companies.handover", "POST"):                    (LOGIN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN),
    ("companies.hours", "POST"):                       (LOGIN, OK, OK, FORBIDDEN, FORBIDDEN),
    ("companies.income", "POST"):                      (LOGIN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN),
    ("companies.index", "GET"):                        (LOGIN, OK, OK, OK, OK),
    ("companies.new", "GET"):                          (LOGIN, OK, OK, OK, OK),
    ("companies.new", "POST"):                         (LOGIN, OK, OK, OK, OK),
    ("companies.payroll", "GET"):                      (LOGIN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN),
    ("companies.payroll", "POST"):                     (LOGIN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN),
    ("companies.payslips", "GET"):                     (LOGIN, OK, OK, OK, OK),
    ("companies.payslips", "POST"):                    (LOGIN, OK, OK, OK, OK),
    ("companies.purchase", "POST"):                    (LOGIN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN),
    ("companies.schedule", "POST"):                    (LOGIN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN),
    ("companies.show", "GET"):                         (OK, OK, OK, OK, OK),  # outsiders see its public card
    ("companies_api.add_worker", "POST"):              (LOGIN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN),
    ("companies_api.auto_convert", "PUT"):             (LOGIN, OK, OK, OK, OK),
    ("companies_api.bankruptcy", "POST"):              (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    ("companies_api.close", "POST"):                   (LOGIN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN),
    ("companies_api.contribution_rate", "PUT"):        (LOGIN, OK, OK, OK, OK),
    ("companies_api.create", "POST"):                  (LOGIN, OK, OK, OK, OK),
    ("companies_api.grants", "GET"):                   (NOT_FOUND, OK, OK, NOT_FOUND, NOT_FOUND),
    ("companies_api.handover", "POST"):                (LOGIN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN),
    ("companies_api.hours", "POST"):                   (LOGIN, OK, OK, FORBIDDEN, FORBIDDEN),
    ("companies_api.income", "POST"):                  (LOGIN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN),
    ("companies_api.my_payslips", "GET"):              (LOGIN, OK, OK, OK, OK),
    ("companies_api.payroll", "POST"):                 (LOGIN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN),
    ("companies_api.payroll_preview", "POST"):         (LOGIN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN),
    ("companies_api.runs", "GET"):                     (LOGIN, OK, OK, NOT_FOUND, NOT_FOUND),
    ("companies_api.surplus_sweeps", "GET"):           (NOT_FOUND, OK, OK, NOT_FOUND, NOT_FOUND),
    ("companies_api.show", "GET"):                     (LOGIN, OK, OK, OK, OK),
    ("delegation.delegate_page", "GET"):               (OK, OK, OK, OK, OK),
    ("delegation.index", "GET"):                       (LOGIN, OK, OK, OK, OK),
    ("delegation.index", "POST"):                      (LOGIN, OK, OK, OK, OK),
    ("delegation.withdraw", "POST"):                   (LOGIN, OK, OK, REFUSED, OK),
    ("delegation_api.index", "GET"):                   (LOGIN, OK, OK, OK, OK),
    ("delegation_api.put", "PUT"):                     (LOGIN, OK, OK, OK, OK),
    ("delegation_api.remove", "DELETE"):               (LOGIN, OK, OK, NOT_FOUND, OK),
    ("facilities.apply", "POST"):                      (LOGIN, OK, OK, OK, OK),
    ("facilities.assign", "POST"):                     (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    ("facilities.end", "POST"):                        (LOGIN, OK, REFUSED, REFUSED, OK),
    ("facilities.index", "GET"):                       (LOGIN, OK, OK, OK, OK),
    ("facilities.mine", "GET"):                        (LOGIN, OK, OK, OK, OK),
    ("facilities.new", "GET"):                         (LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK),
    ("facilities.new", "POST"):                        (LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK),
    ("facilities.record_cost", "POST"):                (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    ("facilities.set_maintainer", "POST"):             (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    ("facilities.set_status", "POST"):                 (LOGIN, REFUSED, REFUSED, REFUSED, OK),
    ("facilities.show", "GET"):                        (LOGIN, OK, OK, OK, OK),
    ("facilities.withdraw", "POST"):                   (LOGIN, OK, REFUSED, REFUSED, REFUSED),
    ("facilities_api.apply", "POST"):                  (LOGIN, OK, OK, OK, OK),
    ("facilities_api.assign", "POST"):                 (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    ("facilities_api.charges", "GET"):                 (LOGIN, OK, NOT_FOUND, NOT_FOUND, OK),
    ("facilities_api.costs", "GET"):                   (OK, OK, OK, OK, OK),
    ("facilities_api.create", "POST"):                 (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    ("facilities_api.end", "POST"):                    (LOGIN, OK, NOT_FOUND, NOT_FOUND, OK),
    ("facilities_api.index", "GET"):                   (OK, OK, OK, OK, OK),
    ("facilities_api.maintenance", "GET"):             (OK, OK, OK, OK, OK),
    ("facilities_api.my_tenancies", "GET"):            (LOGIN, OK, OK, OK, OK),
    ("facilities_api.record", "GET"):                  (OK, OK, OK, OK, OK),
    ("facilities_api.record_cost", "POST"):            (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    ("facilities_api.set_maintainer", "PUT"):          (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    ("facilities_api.set_status", "PUT"):              (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    ("facilities_api.show", "GET"):                    (OK, OK, OK, OK, OK),
    ("facilities_api.waiting_list", "GET"):            (LOGIN, OK, OK, OK, OK),
    ("facilities_api.withdraw", "DELETE"):             (LOGIN, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    ("federation.index", "GET"):                       (OK, OK, OK, OK, OK),  # public figures of every region
    ("federation_api.show", "GET"):                    (OK, OK, OK, OK, OK),
    ("health.enrolled", "GET"):                        (LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK),
    ("health.index", "GET"):                           (LOGIN, OK, OK, OK, OK),
    ("health.index", "POST"):                          (LOGIN, OK, OK, OK, OK),
    ("health_api.enroll", "POST"):                     (LOGIN, OK, OK, OK, OK),
    ("health_api.enrolled", "GET"):                    (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    ("health_api.leave", "DELETE"):                    (LOGIN, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    ("health_api.mine", "GET"):                        (LOGIN, OK, OK, OK, OK),
    ("inventory.export_csv", "GET"):                   (OK, OK, OK, OK, OK),
    ("inventory.index", "GET"):                        (OK, OK, OK, OK, OK),
    ("inventory.show", "GET"):                         (NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    ("inventory_api.index", "GET"):                    (OK, OK, OK, OK, OK),
    ("inventory_api.show", "GET"):                     (NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    ("ledger.account", "GET"):                         (NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    ("ledger.verify", "GET"):                          (OK, OK, OK, OK, OK),
    ("ledger_api.account_entries", "GET"):             (NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    ("ledger_api.create_contribution", "POST"):        (LOGIN, OK, OK, OK, OK),
    ("ledger_api.create_conversion", "POST"):          (LOGIN, OK, OK, OK, OK),
    ("ledger_api.create_transfer", "POST"):            (LOGIN, OK, OK, OK, OK),
    ("ledger_api.create_transfer_batch", "POST"):      (LOGIN, OK, OK, OK, OK),
    ("ledger_api.external_contribution", "POST"):      (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    ("ledger_api.show_account", "GET"):                (NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    ("ledger_api.verify", "GET"):                      (OK, OK, OK, OK, OK),
    ("market.index", "GET"):                           (LOGIN, OK, OK, OK, OK),
    ("market.new", "GET"):                             (LOGIN, OK, OK, OK, OK),
    ("market.new", "POST"):                            (LOGIN, OK, OK, OK, OK),
    ("market.orders", "GET"):                          (LOGIN, OK, OK, OK, OK),
    ("market.orders", "POST"):                         (LOGIN, REFUSED, OK, REFUSED, REFUSED),
    ("market.show", "GET"):                            (LOGIN, OK, OK, OK, OK),
    ("market.show", "POST"):                           (LOGIN, OK, OK, OK, OK),
    ("market_api.accept", "POST"):                     (LOGIN, FORBIDDEN, OK, NOT_FOUND, NOT_FOUND),
    ("market_api.apply", "POST"):                      (LOGIN, OK, OK, OK, OK),
    ("market_api.bridge", "PUT"):                      (LOGIN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN),
    ("market_api.create", "POST"):                     (LOGIN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN),
    ("market_api.delivered", "POST"):                  (LOGIN, FORBIDDEN, OK, NOT_FOUND, NOT_FOUND),
    ("market_api.index", "GET"):                       (LOGIN, OK, OK, OK, OK),
    ("market_api.order", "POST"):                      (LOGIN, OK, OK, OK, OK),
    ("market_api.outside_purchase", "POST"):           (LOGIN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN),
    ("market_api.outside_purchases", "GET"):           (LOGIN, OK, OK, NOT_FOUND, NOT_FOUND),
    ("market_api.show", "GET"):                        (LOGIN, OK, OK, OK, OK),
    ("members.change_password", "GET"):                (LOGIN, OK, OK, OK, OK),
    ("members.change_password", "POST"):               (LOGIN, OK, OK, OK, OK),
    ("members.convert", "GET"):                        (LOGIN, OK, OK, OK, OK),
    ("members.convert", "POST"):                       (LOGIN, OK, OK, OK, OK),
    ("members.dashboard", "GET"):                      (LOGIN, OK, OK, OK, OK),
    ("members.settings", "GET"):                       (LOGIN, OK, OK, OK, OK),
    ("members.settings", "POST"):                      (LOGIN, OK, OK, OK, OK),
    ("members.people", "GET"):                         (LOGIN, OK, OK, OK, OK),
    ("members.suggest", "GET"):                        (LOGIN, OK, OK, OK, OK),
    ("mail.outbox", "GET"):                            (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    ("mail.show", "GET"):                              (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    ("members.home", "GET"):                           (OK, OK, OK, OK, OK),
    ("members.join", "GET"):                           (OK, OK, OK, OK, OK),
    ("members.join", "POST"):                          (OK, OK, OK, OK, OK),
    ("members.leave", "GET"):                          (LOGIN, OK, OK, OK, OK),
    ("members.leave", "POST"):                         (LOGIN, OK, REFUSED, OK, OK),
    ("members.login", "GET"):                          (OK, OK, OK, OK, OK),
    ("members.login", "POST"):                         (OK, OK, OK, OK, OK),
    ("members.logout", "POST"):                        (LOGIN, OK, OK, OK, OK),
    ("members.logout_everywhere", "POST"):             (LOGIN, OK, OK, OK, OK),
    ("members.payout_account", "POST"):                (LOGIN, OK, OK, OK, OK),
    ("members.profile", "GET"):                        (OK, OK, OK, OK, OK),
    ("members.revoke_token", "POST"):                  (LOGIN, OK, OK, OK, OK),
    ("members.stand", "POST"):                         (LOGIN, OK, OK, OK, OK),
    ("members.tokens", "GET"):                         (LOGIN, OK, OK, OK, OK),
    ("members.withdraw_candidacy", "POST"):            (LOGIN, OK, OK, OK, OK),
    ("members_api.create_token", "POST"):              (OK, OK, OK, OK, OK),
    ("members_api.join", "POST"):                      (OK, OK, OK, OK, OK),
    ("members_api.leave", "POST"):                     (LOGIN, OK, OK, OK, OK),
    ("members_api.me", "GET"):                         (LOGIN, OK, OK, OK, OK),
    ("members_api.move", "POST"):                      (LOGIN, OK, OK, OK, OK),
    ("members_api.revoke_all_tokens", "DELETE"):       (LOGIN, OK, OK, OK, OK),
    ("members_api.revoke_current_token", "DELETE"):    (LOGIN, OK, OK, OK, OK),
    ("members_api.show_member", "GET"):                (LOGIN, OK, OK, OK, OK),
    ("members_api.stand", "PUT"):                      (LOGIN, OK, OK, OK, OK),
    ("members_api.withdraw_candidacy", "DELETE"):      (LOGIN, OK, OK, OK, OK),
    ("notifications.index", "GET"):                    (LOGIN, OK, OK, OK, OK),
    ("notifications.index", "POST"):                   (LOGIN, OK, OK, OK, OK),
    ("apidocs.document", "GET"):                       (OK, OK, OK, OK, OK),
    ("apidocs_page.reference", "GET"):                 (OK, OK, OK, OK, OK),
    ("proposals.board_queue", "GET"):                  (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    ("proposals.cancel", "POST"):                      (LOGIN, REFUSED, REFUSED, REFUSED, REFUSED),
    ("proposals.choose_kind", "GET"):                  (LOGIN, OK, OK, OK, OK),
    ("proposals.comment", "POST"):                     (LOGIN, OK, OK, OK, OK),
    ("proposals.execute", "POST"):                     (LOGIN, REFUSED, REFUSED, REFUSED, REFUSED),
    ("proposals.index", "GET"):                        (LOGIN, OK, OK, OK, OK),
    ("proposals.new", "GET"):                          (LOGIN, OK, OK, OK, OK),
    ("proposals.new", "POST"):                         (LOGIN, OK, OK, OK, OK),
    ("proposals.show", "GET"):                         (OK, OK, OK, OK, OK),
    ("proposals.published_ballots", "GET"):            (OK, OK, OK, OK, OK),
    ("proposals.vote", "POST"):                        (LOGIN, OK, OK, OK, OK),
    ("proposals.withdraw", "POST"):                    (LOGIN, OK, OK, OK, OK),
    ("proposals_api.ballots", "GET"):                  (LOGIN, OK, OK, OK, OK),
    ("proposals_api.cancel", "POST"):                  (LOGIN, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    ("proposals_api.cast", "PUT"):                     (LOGIN, OK, OK, OK, OK),
    ("proposals_api.comment", "POST"):                 (LOGIN, OK, OK, OK, OK),
    ("proposals_api.comments", "GET"):                 (LOGIN, OK, OK, OK, OK),
    ("proposals_api.create", "POST"):                  (LOGIN, OK, OK, OK, OK),
    ("proposals_api.execute", "POST"):                 (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    ("proposals_api.index", "GET"):                    (LOGIN, OK, OK, OK, OK),
    ("proposals_api.show", "GET"):                     (LOGIN, OK, OK, OK, OK),
    ("proposals_api.withdraw", "DELETE"):              (LOGIN, OK, OK, OK, OK),
    ("records.capital_pool", "GET"):                   (OK, OK, OK, OK, OK),
    ("records.chain", "GET"):                          (OK, OK, OK, OK, OK),
    ("records.closed_proposals", "GET"):               (OK, OK, OK, OK, OK),
    ("records.costs", "GET"):                          (OK, OK, OK, OK, OK),
    ("records.facilities", "GET"):                     (OK, OK, OK, OK, OK),
    ("records.index", "GET"):                          (OK, OK, OK, OK, OK),
    ("records.mine", "GET"):                           (LOGIN, OK, OK, OK, OK),
    ("records.my_ballots", "GET"):                     (LOGIN, OK, OK, OK, OK),
    ("records.my_conversions", "GET"):                 (LOGIN, OK, OK, OK, OK),
    ("records.parameters", "GET"):                     (OK, OK, OK, OK, OK),
    ("records.statement", "GET"):                      (LOGIN, OK, OK, OK, OK),
    ("records.wages", "GET"):                          (OK, OK, OK, OK, OK),
    ("records_api.capital_pool", "GET"):               (OK, OK, OK, OK, OK),
    ("records_api.chain_head", "GET"):                 (OK, OK, OK, OK, OK),
    ("records_api.chain_link", "GET"):                 (OK, OK, OK, OK, OK),
    ("records_api.ledger_beancount", "GET"):           (OK, OK, OK, OK, OK),
    ("records_api.wages", "GET"):                      (OK, OK, OK, OK, OK),
    ("regions.found", "GET"):                          (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),  # the board only
    ("regions.found", "POST"):                         (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    ("regions.index", "GET"):                          (OK, OK, OK, OK, OK),
    ("regions.move", "POST"):                          (LOGIN, OK, OK, OK, OK),
    ("regions.show", "GET"):                           (OK, OK, OK, OK, OK),
    ("regions_api.list_regions", "GET"):               (OK, OK, OK, OK, OK),
    ("regions_api.show_region", "GET"):                (OK, OK, OK, OK, OK),
    ("static", "GET"):                                 (OK, OK, OK, OK, OK),
    ("treasury.add_money", "GET"):                     (LOGIN, OK, OK, OK, OK),
    ("treasury.add_money", "POST"):                    (LOGIN, OK, OK, OK, OK),
    ("treasury.bank_details", "POST"):                 (LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK),
    ("treasury.board", "GET"):                         (LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK),
    ("treasury.confirm", "POST"):                      (LOGIN, REFUSED, REFUSED, REFUSED, OK),
    ("treasury.deposit", "GET"):                       (LOGIN, OK, NOT_FOUND, NOT_FOUND, OK),
    ("treasury.dismiss", "POST"):                      (LOGIN, REFUSED, REFUSED, REFUSED, OK),
    ("treasury.import_statement", "POST"):             (LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK),
    ("treasury.payouts_csv", "GET"):                   (LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK),
    ("treasury.reconciliation", "GET"):                (OK, OK, OK, OK, OK),
    ("treasury.reject", "POST"):                       (LOGIN, REFUSED, REFUSED, REFUSED, OK),
    ("treasury.settle", "POST"):                       (LOGIN, REFUSED, REFUSED, REFUSED, OK),
    ("treasury.statement", "GET"):                     (LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK),
    ("treasury_api.confirm_deposit", "POST"):          (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    ("treasury_api.deposits", "GET"):                  (LOGIN, OK, OK, OK, OK),
    ("treasury_api.dismiss_line", "POST"):             (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    ("treasury_api.import_statement", "POST"):         (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    ("treasury_api.payout_paid", "POST"):              (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    ("treasury_api.payouts", "GET"):                   (LOGIN, OK, OK, OK, OK),
    ("treasury_api.payouts_paid", "POST"):             (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    ("treasury_api.reconciliation", "GET"):            (OK, OK, OK, OK, OK),
    ("treasury_api.reconciliation_history", "GET"):    (OK, OK, OK, OK, OK),
    ("treasury_api.reject_deposit", "POST"):           (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    ("treasury_api.set_bank_details", "PUT"):          (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    ("treasury_api.set_payout_account", "PUT"):        (LOGIN, OK, OK, OK, OK),
    ("treasury_api.show_bank_details", "GET"):         (LOGIN, OK, OK, OK, OK),
    ("treasury_api.show_deposit", "GET"):              (LOGIN, OK, NOT_FOUND, NOT_FOUND, OK),
    ("treasury_api.show_payout_account", "GET"):       (LOGIN, OK, OK, OK, OK),
    ("treasury_api.statement_lines", "GET"):           (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    ("wages.calculator", "GET"):                       (OK, OK, OK, OK, OK),
    ("wages.index", "GET"):                            (OK, OK, OK, OK, OK),
    ("wages.occupation", "GET"):                       (OK, OK, OK, OK, OK),
    ("wages_api.calculator", "GET"):                   (OK, OK, OK, OK, OK),
    ("wages_api.table", "GET"):                        (OK, OK, OK, OK, OK),
}


def _row(endpoint: str, method: str) -> dict[str, str]:
    return dict(zip(ROLES, ROUTE_TABLE[(endpoint, method)]))


def client_for(app, scenario, role):
    client = app.test_client()
    headers = {}
    if role != "anonymous":
        log_in(client, scenario.email_of(role))
        headers["Authorization"] = f"Bearer {bearer_token(client, scenario.email_of(role))}"
    return client, headers


def outcome_of(client, call, headers) -> str:
    if call.is_api:
        response = client.open(call.path, method=call.method, json=call.json, headers=headers)
    else:
        response = client.open(call.path, method=call.method, data=call.form)
    with client.session_transaction() as cookie_session:
        flashes = cookie_session.pop("_flashes", [])
    status = response.status_code
    if status == 401 or (status == 302 and "/login" in response.headers["Location"]):
        return LOGIN
    if status == 403:
        return FORBIDDEN
    if status == 404:
        return NOT_FOUND
    if status == 302 and any(category == "error" for category, _ in flashes):
        return REFUSED
    assert status < 500, f"{call.method} {call.path}: {status}"
    return OK


def test_every_route_has_a_row_and_every_row_a_route(app):
    routes = {(rule.endpoint, method) for rule in app.url_map.iter_rules()
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert sorted(routes - ROUTE_TABLE.keys()) == [], "add these routes to ROUTE_TABLE"
    assert sorted(ROUTE_TABLE.keys() - routes) == [], "these rows name no route"


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_answer_from_every_route(app, now, role):
    scenario = build_scenario(db.session, now)
    client, headers = client_for(app, scenario, role)
    wrong = []
    for call in calls_for(app.url_map, scenario):
        if call.endpoint in TERMINAL and call.method != "GET":
            continue
        got = outcome_of(client, call, headers)
        if got != _row(call.endpoint, call.method)[role]:
            wrong.append(f"{call.method} {call.path} ({call.endpoint}): {got}, expected {_row(call.endpoint, call.method)[role]}")
        if call.endpoint in SWITCHES_IDENTITY:
            client, headers = client_for(app, scenario, role)
    assert wrong == []


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", sorted(TERMINAL))
def test_calls_that_end_a_session_membership_or_company_answer_as_expected(app, now, endpoint, role):
    """Each in a world of its own: leaving or a bankruptcy must not colour the next answer."""
    scenario = build_scenario(db.session, now)
    client, headers = client_for(app, scenario, role)
    [call] = [c for c in calls_for(app.url_map, scenario) if c.endpoint == endpoint and c.method != "GET"]
    assert outcome_of(client, call, headers) == _row(endpoint, call.method)[role]


# One member never reads or changes another member's private objects by id.

@pytest.fixture
def world(app, now):
    scenario = build_scenario(db.session, now)
    clients = {role: client_for(app, scenario, role) for role in ("member", "admin", "other")}
    return scenario, clients


def _api(clients, role, method, path, **kwargs):
    client, headers = clients[role]
    return client.open(f"/api/v1{path}", method=method, headers=headers, **kwargs)


def test_another_members_wallet_and_its_entries_are_not_found(world):
    scenario, clients = world
    wallet = scenario.member_wallet_id
    assert _api(clients, "other", "GET", f"/accounts/{wallet}").status_code == 404
    assert _api(clients, "other", "GET", f"/accounts/{wallet}/entries").status_code == 404
    assert clients["other"][0].get(f"/accounts/{wallet}").status_code == 404
    assert _api(clients, "member", "GET", f"/accounts/{wallet}/entries").get_json()["items"]


def test_payslips_and_statements_list_only_ones_own(world):
    scenario, clients = world
    assert _api(clients, "member", "GET", "/me/payslips").get_json()["items"]
    assert _api(clients, "other", "GET", "/me/payslips").get_json()["items"] == []
    assert "200.00 RSC" in clients["member"][0].get("/payslips").get_data(as_text=True)
    assert "200.00 RSC" not in clients["other"][0].get("/payslips").get_data(as_text=True)
    assert _api(clients, "other", "GET", f"/companies/{scenario.company_id}/payroll").status_code == 404
    mine = clients["member"][0].get("/me/statement.csv").get_data(as_text=True)
    theirs = clients["other"][0].get("/me/statement.csv").get_data(as_text=True)
    assert "50.00" in mine and "50.00" not in theirs


def test_another_members_order_and_application_are_not_found_and_stay_as_they_were(world):
    scenario, clients = world
    assert _api(clients, "other", "POST", f"/orders/{scenario.order_id}/delivered", json={}).status_code == 404
    assert _api(clients, "other", "POST", f"/applications/{scenario.application_id}/accept", json={}).status_code == 404
    orders_page = clients["admin"][0].get("/market/orders").get_data(as_text=True)
    assert "Sourdough loaf" in orders_page and "Mia Member" in orders_page  # still to deliver, still pending
    assert _api(clients, "member", "POST", f"/orders/{scenario.order_id}/delivered", json={}).status_code == 403
    assert _api(clients, "admin", "POST", f"/orders/{scenario.order_id}/delivered", json={}).status_code == 200


def test_delegations_and_notifications_are_ones_own(world):
    scenario, clients = world
    assert _api(clients, "other", "GET", "/me/delegations").get_json()["items"] == []
    assert _api(clients, "other", "DELETE", "/me/delegations/all").status_code == 404
    [kept] = _api(clients, "member", "GET", "/me/delegations").get_json()["items"]
    assert (kept["scope"], kept["delegate_id"]) == ("all", scenario.admin_id)
    assert "trusts you" in clients["admin"][0].get("/notifications").get_data(as_text=True)
    assert "trusts you" not in clients["other"][0].get("/notifications").get_data(as_text=True)
    clients["other"][0].post("/notifications")
    assert "trusts you" in clients["admin"][0].get("/notifications").get_data(as_text=True)


def test_a_members_email_ballot_and_token_stay_theirs(world):
    scenario, clients = world
    assert "email" not in _api(clients, "other", "GET", f"/members/{scenario.member_id}").get_json()
    assert _api(clients, "member", "GET", f"/members/{scenario.member_id}").get_json()["email"] == scenario.member_email
    assert _api(clients, "other", "GET", f"/proposals/{scenario.proposal_id}/ballots").status_code == 409
    theirs = clients["other"][0].get(f"/proposals/{scenario.proposal_id}").get_data(as_text=True)
    mine = clients["member"][0].get(f"/proposals/{scenario.proposal_id}").get_data(as_text=True)
    assert "You voted" in mine and "You voted" not in theirs
    assert _api(clients, "other", "GET", "/me").get_json()["id"] == scenario.other_id


def test_a_members_place_on_a_waiting_list_is_theirs_and_the_boards(world, app):
    scenario, clients = world
    office = scenario.facility_id
    assert [a["id"] for a in _api(clients, "member", "GET", f"/facilities/{office}/applications").get_json()["items"]] \
        == [scenario.facility_application_id]
    for role in ("other", "admin"):
        assert _api(clients, role, "GET", f"/facilities/{office}/applications").get_json()["items"] == []
        assert "I need a desk." not in clients[role][0].get(f"/facilities/{office}").get_data(as_text=True)
        assert "Mia Member" not in clients[role][0].get(f"/facilities/{office}").get_data(as_text=True)
        assert "Office 2" not in clients[role][0].get("/facilities/mine").get_data(as_text=True)
    assert _api(clients, "other", "DELETE", f"/facility-applications/{scenario.facility_application_id}").status_code == 404
    clients["other"][0].post(f"/facility-applications/{scenario.facility_application_id}/withdraw")
    assert _api(clients, "other", "POST", f"/facility-applications/{scenario.facility_application_id}/assign",
                json={}).status_code == 403
    assert _api(clients, "other", "POST", f"/facilities/{office}/applications",  # for a company they do not run
                json={"company_id": scenario.company_id}).status_code == 403
    [still] = _api(clients, "member", "GET", f"/facilities/{office}/applications").get_json()["items"]
    assert (still["status"], still["position"]) == ("pending", 1)
    board = client_for(app, scenario, "board")
    [seen] = board[0].get(f"/api/v1/facilities/{office}/applications", headers=board[1]).get_json()["items"]
    assert (seen["member_id"], seen["message"]) == (scenario.member_id, "I need a desk.")
    assert "I need a desk." in board[0].get(f"/facilities/{office}").get_data(as_text=True)


def test_a_tenancy_and_its_rent_are_the_tenants_and_the_boards(world, app):
    scenario, clients = world
    tenancy = scenario.tenancy_id
    [charge] = _api(clients, "member", "GET", f"/tenancies/{tenancy}/charges").get_json()["items"]
    assert charge["id"] == scenario.rent_charge_id
    for role in ("other", "admin"):
        assert _api(clients, role, "GET", f"/tenancies/{tenancy}/charges").status_code == 404
        assert _api(clients, role, "GET", "/me/tenancies").get_json()["items"] == []
        assert "Flat 1B" not in clients[role][0].get("/facilities/mine").get_data(as_text=True)
        assert _api(clients, role, "POST", f"/tenancies/{tenancy}/end", json={}).status_code == 404
        clients[role][0].post(f"/tenancies/{tenancy}/end")
    [mine] = _api(clients, "member", "GET", "/me/tenancies").get_json()["items"]
    assert (mine["id"], mine["status"]) == (tenancy, "active")
    board = client_for(app, scenario, "board")
    assert board[0].get(f"/api/v1/tenancies/{tenancy}/charges", headers=board[1]).get_json()["items"]
    # The public record shows each unit's cost, rent and subsidy, and never names the tenant.
    for path in ("/records/facilities", "/records/facilities.json", "/records/facilities.csv",
                 "/api/v1/records/facilities", f"/api/v1/facilities/{scenario.let_facility_id}",
                 f"/facilities/{scenario.let_facility_id}"):
        client = clients["other"][0] if not path.startswith("/records") else app.test_client()
        body = client.get(path, headers=clients["other"][1]).get_data(as_text=True)
        assert "Flat 1B" in body, path
        assert "Mia Member" not in body and scenario.member_email not in body and "I need a home" not in body, path
        assert f'"member_id": {scenario.member_id}' not in body and f'"member_id":{scenario.member_id}' not in body, path


def test_who_is_in_the_health_plan_is_known_to_them_and_the_board_only(world, app):
    scenario, clients = world
    assert _api(clients, "member", "GET", "/me/health").get_json()["enrollment"]["id"] == scenario.health_enrollment_id
    for role in ("other", "admin"):
        assert _api(clients, role, "GET", "/me/health").get_json()["enrollment"] is None
        assert _api(clients, role, "GET", "/health/enrollments").status_code == 403
        assert clients[role][0].get("/health/enrolled").status_code == 404
        assert _api(clients, role, "DELETE", "/me/health/enrollment").status_code == 404
        profile = clients[role][0].get(f"/members/{scenario.member_id}").get_data(as_text=True).lower()
        assert "mia member" in profile and "health" not in profile and "enrol" not in profile
        assert "Mia Member" not in clients[role][0].get("/health").get_data(as_text=True)
        shown = _api(clients, role, "GET", f"/members/{scenario.member_id}").get_json()
        assert not any("health" in key or "enrol" in key for key in shown)
    assert _api(clients, "member", "GET", "/me/health").get_json()["enrollment"]["status"] == "enrolled"
    board = client_for(app, scenario, "board")
    [enrolled] = board[0].get("/api/v1/health/enrollments", headers=board[1]).get_json()["items"]
    assert (enrolled["member_id"], enrolled["name"]) == (scenario.member_id, "Mia Member")
    assert "Mia Member" in board[0].get("/health/enrolled").get_data(as_text=True)
