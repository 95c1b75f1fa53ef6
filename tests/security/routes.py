"""How to call every route of the app with real ids from the scenario (tests/security/conftest.py),
and with a body that the route's rightful user would send. Shared by the CSRF walk and the
route × role table, so both aim at the same requests."""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from werkzeug.routing import Rule

from tests.security.conftest import PASSWORD, Scenario

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
# A bank statement's line the scenario's bank has not shown before (a second fee).
STATEMENT = b"date,amount,reference\n2026-11-21,-1.50,Bank fee\n"
# Requests that end the caller's session, membership or place, the company, or a deposit: each is
# sent in a world of its own, so that it neither changes nor depends on the others.
# Revoking tokens and changing the password end the caller's bearer token (the one the walk uses).
TERMINAL = {"members.logout", "members.leave", "members_api.leave", "members_api.move", "regions.move",
            "companies.bankruptcy", "companies_api.bankruptcy", "members.logout_everywhere", "members.revoke_token",
            "members.change_password", "members_api.revoke_current_token", "members_api.revoke_all_tokens",
            "treasury.reject"}  # the deposit the board's confirmation (an earlier call) already confirmed
# Requests that log the client in as somebody else: the caller logs in again after them.
SWITCHES_IDENTITY = {"members.login", "members.join", "acquisitions.invitation"}


@dataclass(frozen=True)
class Call:
    endpoint: str
    method: str
    path: str
    form: dict = field(default_factory=dict)
    json: dict | None = None

    @property
    def is_api(self) -> bool:
        return self.path.startswith("/api/")


def _money(amount: str, currency: str) -> dict:
    return {"amount": amount, "currency": currency}


def _closes_at() -> datetime:
    return datetime.now(timezone.utc) + timedelta(days=2)


def path_values(s: Scenario) -> dict[str, object]:
    """A real id for each URL parameter name (a placeholder where the scenario has no such row)."""
    return {
        "account_id": s.member_wallet_id, "application_id": s.application_id, "company_id": s.company_id,
        "item_id": 1, "entry_id": 1, "listing_id": s.product_id, "member_id": s.member_id, "order_id": s.order_id,
        "proposal_id": s.proposal_id, "region_id": s.other_region_id, "kind_key": "referendum", "scope": "all",
        "token": "no-such-invitation", "occupation": "baker", "fmt": "csv", "filename": "style.css",
        "facility_id": s.facility_id, "tenancy_id": s.tenancy_id, "deposit_id": s.deposit_id,
        "payout_id": s.payout_id, "line_id": s.statement_line_id, "statement_id": s.statement_id,
        "mail_id": s.mail_id,
        "token_id": 1,  # in a world of its own (TERMINAL), the caller's own token: the first one issued
    }


def build_path(rule: Rule, s: Scenario) -> str:
    values = path_values(s)
    if "/facility-applications/" in rule.rule:  # a place on a unit's waiting list, not a job application
        values["application_id"] = s.facility_application_id
    if rule.rule.endswith(("/candidacy", "/candidacy/withdraw")):  # standing is for an election's nominations
        values["proposal_id"] = s.election_id
    return rule.build({name: values[name] for name in rule.arguments}, append_unknown=False)[1]


# GET forms that do something with what they are given (the payroll preview).
QUERIES = {"companies.payroll": "?period_start=2026-11-01&period_end=2026-11-02"}


def _this_month() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m")


def form_body(endpoint: str, s: Scenario) -> dict:
    """What the page's own form sends (without its CSRF token)."""
    closes = _closes_at().strftime("%Y-%m-%dT%H:%M")
    return {
        "members.join": {"name": "Newcomer", "email": "newcomer@example.org", "password": PASSWORD,
                         "region_id": s.region_id},
        "members.login": {"email": s.member_email, "password": PASSWORD},
        "members.convert": {"direction": "usd_to_rsc", "amount": "1.00"},
        "members.change_password": {"current_password": PASSWORD, "new_password": "a-brand-new-secret-for-77"},
        "companies.new": {"name": "Bikes", "industry": "bicycle repair"},
        "companies.add_worker": {"member": str(s.other_id), "occupation": "baker", "hourly_rate": "15.00"},
        "companies.income": {"amount": "10.00", "memo": "a sale"},
        "companies.hours": {"member_id": s.member_id, "period_start": "2026-11-01", "period_end": "2026-11-02",
                            "hours": "2"},
        "companies.payroll": {"period_start": "2026-11-01", "period_end": "2026-11-02"},
        "companies.schedule": {"pay_schedule": "monthly", "schedule_start": "2026-12-01"},
        "companies.payslips": {"percent": "10"},
        "delegation.index": {"scope": "all", "delegate": str(s.other_id)},
        "acquisitions.invitation": {"password": PASSWORD},
        "market.new": {"company_id": s.company_id, "kind": "product", "title": "Rye loaf", "price": "3.00"},
        "market.show": {"quantity": "1"},
        "market.orders": {"order_id": s.order_id},
        "proposals.vote": {"choice": "no"},
        "proposals.comment": {"body": "I agree."},
        "proposals.new": {"title": "Longer opening hours", "body": "Please.", "closes_at": closes,
                          "method": "yes_no", "electorate": "region"},
        "facilities.new": {"name": "Flat 3C", "kind": "housing", "inventory_item_id": "", "purchase": "1000.00",
                           "maintenance": "10.00", "market_rate": "", "description": "Sunny"},
        "facilities.apply": {"company_id": "", "message": "Please."},
        "facilities.record_cost": {"month": _this_month(), "amount": "5.00", "memo": "Water", "supplier": "City Water"},
        "facilities.set_maintainer": {"supplier": "Mill Street Repairs", "pay_to": "Mill Bank 11-2222-3"},
        "companies.purchase": {"supplier": "Oven Parts Ltd", "amount": "1.00", "memo": "a thermostat",
                               "grant_proposal_id": ""},
        "companies.handover": {"member_id": str(s.member_id)},
        "facilities.assign": {"application_id": str(s.facility_application_id), "start_month": "", "reason": ""},
        "members.payout_account": {"details": "Mill Bank 98-7654-3"},
        "members.settings": {"time_zone": "Europe/Paris", "mail_results": "y", "mail_digest": "y"},
        "treasury.add_money": {"amount": "15.00"},
        "treasury.confirm": {"bank_reference": "MB-2026-11-20-0042"},
        "treasury.reject": {"reason": "Never arrived"},
        "treasury.dismiss": {"note": "Bank fee"},
        "treasury.settle": {"bank_reference": "MB-BATCH-7", "payout_id": str(s.payout_id)},
        "treasury.bank_details": {"details": "Riverside Co-op, Mill Bank, account 12-3456-7"},
        "treasury.import_statement": {"format": "csv", "balance": "",
                                      "statement": (io.BytesIO(STATEMENT), "statement.csv")},
    }.get(endpoint, {})


def json_body(endpoint: str, s: Scenario) -> dict | None:
    """What an API client sends to this endpoint (None: no body)."""
    closes = _closes_at().isoformat()
    return {
        "members_api.join": {"email": "newcomer@example.org", "name": "Newcomer", "password": PASSWORD},
        "members_api.create_token": {"email": s.member_email, "password": PASSWORD},
        "members_api.move": {"region_id": s.other_region_id},
        "companies_api.create": {"name": "Bikes", "industry": "bicycle repair"},
        "companies_api.add_worker": {"member_id": s.other_id, "occupation": "baker",
                                     "hourly_rate": _money("15.00", "RSC")},
        "companies_api.income": {"amount": _money("10.00", "USD"), "memo": "a sale"},
        "companies_api.hours": {"member_id": s.member_id, "period_start": "2026-11-01",
                                "period_end": "2026-11-02", "hours": "2"},
        "companies_api.payroll": {"period_start": "2026-11-01", "period_end": "2026-11-02"},
        "companies_api.payroll_preview": {"period_start": "2026-11-01", "period_end": "2026-11-02"},
        "companies_api.auto_convert": {"percent": "10"},
        "companies_api.contribution_rate": {"percent": "5"},
        "market_api.bridge": {"is_bridge": True},
        "market_api.outside_purchase": {"amount": _money("1.00", "USD"), "memo": "flour", "supplier": "Mill & Co."},
        "market_api.create": {"company_id": s.company_id, "kind": "product", "title": "Rye loaf",
                              "price": _money("3.00", "RSC")},
        "market_api.order": {"quantity": 1},
        "market_api.apply": {"message": "Hire me."},
        "ledger_api.create_conversion": {"direction": "usd_to_rsc", "amount": _money("1.00", "USD")},
        "ledger_api.create_transfer": {"to_member_id": s.admin_id, "amount": _money("0.50", "RSC"), "memo": "thanks"},
        "ledger_api.create_transfer_batch": {"transfers": [{"to_member_id": s.admin_id,
                                                            "amount": _money("0.25", "RSC")}]},
        "ledger_api.create_contribution": {"amount": _money("0.50", "RSC")},
        "ledger_api.external_contribution": {"amount": _money("5.00", "USD"), "from": "A friend"},
        "delegation_api.put": {"delegate_id": s.other_id},
        "acquisitions_api.accept": {"password": PASSWORD},
        "proposals_api.create": {"kind": "referendum", "title": "Longer opening hours", "body": "Please.",
                                 "payload": {}, "closes_at": closes},
        "proposals_api.cast": {"choice": "no"},
        "proposals_api.comment": {"body": "I agree."},
        "facilities_api.create": {"name": "Flat 3C", "kind": "housing", "description": "Sunny",
                                  "purchase": _money("1000.00", "RSC"), "maintenance": _money("10.00", "RSC")},
        "facilities_api.set_status": {"status": "closed"},
        "facilities_api.record_cost": {"month": _this_month(), "amount": _money("5.00", "RSC"), "memo": "Water",
                                       "supplier": "City Water"},
        "facilities_api.set_maintainer": {"supplier": "Mill Street Repairs"},
        "companies_api.handover": {"member_id": s.member_id},
        "facilities_api.apply": {"message": "Please."},
        "facilities_api.assign": {"reason": ""},
        "facilities_api.end": {},
        "treasury_api.confirm_deposit": {"bank_reference": "MB-2026-11-20-0042"},
        "treasury_api.reject_deposit": {"reason": "Never arrived"},
        "treasury_api.import_statement": {"format": "csv", "content": STATEMENT.decode()},
        "treasury_api.dismiss_line": {"note": "Bank fee"},
        "treasury_api.payout_paid": {"bank_reference": "MB-2026-11-21-0007"},
        "treasury_api.payouts_paid": {"payout_ids": [s.payout_id], "bank_reference": "MB-BATCH-7"},
        "treasury_api.set_bank_details": {"details": "Riverside Co-op, Mill Bank, account 12-3456-7"},
        "treasury_api.set_payout_account": {"details": "Mill Bank 98-7654-3"},
    }.get(endpoint, {} if endpoint.endswith(("accept", "delivered", "leave", "bankruptcy", "cancel", "execute", "close"))
          else None)


def calls_for(url_map, s: Scenario) -> list[Call]:
    """One call per (endpoint, method), the first rule of an endpoint standing for its variants
    (`/records/wages` for `/records/wages.csv`), in a stable order, terminal calls last."""
    calls: dict[tuple[str, str], Call] = {}
    for rule in url_map.iter_rules():
        path = build_path(rule, s)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            key = (rule.endpoint, method)
            if key in calls:
                continue
            if path.startswith("/api/"):
                body = json_body(rule.endpoint, s) if method in STATE_CHANGING else None
                calls[key] = Call(rule.endpoint, method, path, json=body)
            elif method in STATE_CHANGING:
                calls[key] = Call(rule.endpoint, method, path, form=form_body(rule.endpoint, s))
            else:
                calls[key] = Call(rule.endpoint, method, path + QUERIES.get(rule.endpoint, ""))
    return sorted(calls.values(), key=lambda c: (c.endpoint in TERMINAL, c.endpoint, c.method))
