"""The OpenAPI 3 document served at /api/v1/openapi.json. Areas describe their paths here, next
to the shared components, so one document covers the whole contract."""
from __future__ import annotations

from flask import jsonify

from govern.apiutil import api_blueprint

bp = api_blueprint("openapi", __name__)


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def json_content(schema: dict) -> dict:
    return {"application/json": {"schema": schema}}


def answer(description: str, schema: dict | None = None) -> dict:
    out = {"description": description}
    if schema is not None:
        out["content"] = json_content(schema)
    return out


ERRORS = {
    "400": answer("Bad input", ref("Error")),
    "401": answer("No token, or a bad token", ref("Error")),
    "403": answer("Not allowed", ref("Error")),
    "404": answer("Not found, or not visible to you", ref("Error")),
    "409": answer("Conflicts with the current state", ref("Error")),
    "413": answer("Body too large", ref("Error")),
    "429": answer("Rate limited", ref("Error")),
}


def errors(*codes: str) -> dict:
    return {code: ERRORS[code] for code in codes}


def operation(summary: str, responses: dict, *, body: dict | None = None, auth: bool = True,
              params: list | None = None, idempotent: bool = False) -> dict:
    op: dict = {"summary": summary, "responses": responses}
    if not auth:
        op["security"] = []
    parameters = list(params or [])
    if idempotent:
        parameters.append({"name": "Idempotency-Key", "in": "header", "required": False,
                           "schema": {"type": "string", "minLength": 1, "maxLength": 200}})
    if parameters:
        op["parameters"] = parameters
    if body is not None:
        op["requestBody"] = {"required": True, "content": json_content(body)}
    return op


def path_id(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}


PAGING = [
    {"name": "limit", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1, "maximum": 200}},
    {"name": "cursor", "in": "query", "required": False, "schema": {"type": "string", "pattern": "^[0-9]+$"}},
]


def list_of(item: dict) -> dict:
    return {"type": "object", "required": ["items", "next"],
            "properties": {"items": {"type": "array", "items": item}, "next": {"type": ["string", "null"]}}}


REGION_ID = {"name": "region_id", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1},
             "description": "Default: your region (with a token), else the oldest active one"}
# Lists ordered by month and name page with an opaque cursor (not an id).
OPAQUE_PAGING = [PAGING[0], {"name": "cursor", "in": "query", "required": False, "schema": {"type": "string"}}]

PERIOD_BODY = {"type": "object", "required": ["period_start", "period_end"], "properties": {
            "period_start": {"type": "string", "format": "date"}, "period_end": {"type": "string", "format": "date"}}}

MONEY = {
    "type": "object", "required": ["amount", "currency"], "additionalProperties": False,
    "properties": {"amount": {"type": "string", "pattern": r"^-?\d+(\.\d{1,2})?$"},
                   "currency": {"type": "string", "enum": ["RSC", "USD"]}},
}
TIME = {"type": "string", "format": "date-time"}
PERCENT = {"type": "string", "pattern": "^(100|[1-9]?[0-9])$", "description": "A whole number from 0 to 100"}

SCHEMAS = {
    "Money": MONEY,
    "Error": {
        "type": "object", "required": ["error"],
        "properties": {"error": {
            "type": "object", "required": ["code", "message"],
            "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                           "fields": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}}},
        }},
    },
    "Member": {
        "type": "object", "required": ["id", "name", "region_id", "locality", "roles", "status", "joined_at"],
        "properties": {
            "id": {"type": "integer"}, "name": {"type": "string"}, "region_id": {"type": "integer"},
            "locality": {"type": "string"}, "email": {"type": "string"},
            "roles": {"type": "array", "items": {"type": "string", "enum": ["member", "board", "former_member"]}},
            "status": {"type": "string", "enum": ["active", "left"]}, "joined_at": TIME,
        },
    },
    "Me": {"allOf": [ref("Member"), {"type": "object", "required": ["accounts"], "properties": {"accounts": {
        "type": "array", "items": {"type": "object", "required": ["id", "currency", "balance"], "properties": {
            "id": {"type": "integer"}, "currency": {"type": "string"}, "balance": ref("Money")}}}}}]},
    "Region": {
        "type": "object",
        "required": ["id", "name", "parent_id", "status", "parameters", "capital_pool", "usd_reserve",
                     "rsc_outstanding", "member_count"],
        "properties": {
            "id": {"type": "integer"}, "name": {"type": "string"}, "parent_id": {"type": ["integer", "null"]},
            "status": {"type": "string", "enum": ["active", "dissolved"]},
            "parameters": {"type": "object", "additionalProperties": {"type": "string"}},
            "capital_pool": ref("Money"), "usd_reserve": ref("Money"), "rsc_outstanding": ref("Money"),
            "member_count": {"type": "integer"}, "equal_share": ref("Money"),
            "co_op_assets": {"type": "object", "description": "What the members own together, each part and the total",
                             "additionalProperties": ref("Money")},
        },
    },
    "Account": {
        "type": "object", "required": ["id", "owner", "currency", "balance"],
        "properties": {
            "id": {"type": "integer"},
            "owner": {"type": "object", "required": ["type", "id"], "properties": {
                "type": {"type": "string", "enum": ["member", "company", "region"]}, "id": {"type": "integer"}}},
            "kind": {"type": "string"}, "region_id": {"type": "integer"}, "currency": {"type": "string"},
            "balance": ref("Money"),
        },
    },
    "Entry": {
        "type": "object", "required": ["id", "created_at", "memo", "cause", "postings", "hash", "prev_hash"],
        "properties": {
            "id": {"type": "integer"}, "created_at": TIME, "memo": {"type": "string"},
            "cause": {"type": "object", "required": ["type", "id"], "properties": {
                "type": {"type": "string"}, "id": {"type": ["string", "null"]}}},
            "postings": {"type": "array", "items": {"type": "object", "required": ["account_id", "amount"],
                                                    "properties": {"account_id": {"type": "integer"}, "amount": ref("Money")}}},
            "hash": {"type": "string"}, "prev_hash": {"type": "string"},
        },
    },
    "Conversion": {
        "type": "object", "required": ["id", "debited", "credited", "rate"],
        "properties": {"id": {"type": "integer"}, "direction": {"type": "string"}, "debited": ref("Money"),
                       "credited": ref("Money"), "rate": {"type": "string"}, "entry_id": {"type": "integer"},
                       "created_at": TIME},
    },
    "VotingRule": {
        "type": "object", "required": ["method", "threshold", "quorum", "electorate"],
        "properties": {
            "method": {"type": "string", "enum": ["yes_no", "median", "mean", "approval", "cumulative", "ranked", "consensus"]},
            "threshold": {"type": "string", "enum": ["majority", "two_thirds", "three_quarters"]},
            "quorum": {"type": "string"}, "electorate": {"type": "string"},
            "options": {"type": "array", "items": {"type": "object", "required": ["id", "label"], "properties": {
                "id": {"type": "string"}, "label": {"type": "string"}, "member_id": {"type": "integer"}}}},
            "seats": {"type": "integer"}, "minimum": {"type": ["string", "null"]}, "maximum": {"type": ["string", "null"]},
            "max_points": {"type": "integer"}, "emergency": {"type": "boolean"}, "secret": {"type": "boolean"},
        },
    },
    "Proposal": {
        "type": "object",
        "required": ["id", "kind", "title", "body", "author_id", "region_id", "status", "opens_at", "closes_at",
                     "voting", "tally", "outcome", "executed_at", "effects"],
        "properties": {
            "id": {"type": "integer"}, "kind": {"type": "string"}, "title": {"type": "string"},
            "body": {"type": "string"}, "payload": {"type": "object"}, "author_id": {"type": "integer"},
            "region_id": {"type": "integer"},
            "status": {"type": "string", "enum": ["open", "passed", "executed", "rejected", "expired", "cancelled"]},
            "opens_at": TIME, "closes_at": TIME, "voting": ref("VotingRule"),
            "electorate_size": {"type": "integer"}, "turnout": {"type": "integer"},
            "tally": {"type": ["object", "null"]},
            "outcome": {"type": ["object", "null"], "properties": {
                "passed": {"type": "boolean"}, "winners": {"type": "array", "items": {"type": "string"}},
                "value": {"type": ["string", "null"]},
                "reason": {"type": "string", "description": "a sentence, or \"quorum\" when turnout was below the quorum"},
                "explanation": {"type": "string", "description": "always a sentence"}}},
            "execute_by": {"type": ["string", "null"], "format": "date-time"},
            "executed_at": {"type": ["string", "null"], "format": "date-time"},
            "effects": {"type": "array", "items": {"type": "object", "required": ["type", "id"], "properties": {
                "type": {"type": "string"}, "id": {"type": ["integer", "string"]}}}},
            "confirmations": {"type": "integer"}, "required": {"type": "integer"},
        },
    },
    "Comment": {
        "type": "object", "required": ["id", "member_id", "body", "created_at"],
        "properties": {"id": {"type": "integer"}, "proposal_id": {"type": "integer"}, "member_id": {"type": "integer"},
                       "member_name": {"type": "string"}, "body": {"type": "string"}, "created_at": TIME},
    },
    "Company": {
        "type": "object", "required": ["id", "name", "industry", "owner", "status", "account_id", "workers"],
        "properties": {
            "id": {"type": "integer"}, "name": {"type": "string"}, "industry": {"type": "string"},
            "owner": {"type": "string", "enum": ["workers", "region"]},
            "status": {"type": "string", "enum": ["active", "bankrupt", "closed"]}, "region_id": {"type": "integer"},
            "account_id": {"type": "integer"}, "pay_schedule": {"type": "string"}, "created_at": TIME,
            "run_by": {"type": "string", "enum": ["admins", "board"],
                       "description": "board: a region-owned company whose workers have not elected an admin yet"},
            "returned_entry_id": {"type": ["integer", "null"]},
            "workers": {"type": "array", "items": {"type": "object",
                                                   "required": ["member_id", "occupation", "hourly_rate", "admin"],
                                                   "properties": {"member_id": {"type": "integer"}, "name": {"type": "string"},
                                                                  "occupation": {"type": "string"},
                                                                  "hourly_rate": {"oneOf": [ref("Money"), {"type": "null"}]},
                                                                  "admin": {"type": "boolean"},
                                                                  "kept_wage": {"oneOf": [ref("Money"), {"type": "null"}]},
                                                                  "productivity": {"type": "string"},
                                                                  "rate_now": {"oneOf": [ref("Money"), {"type": "null"}]}}}},
        },
    },
    "Payslip": {
        "type": "object", "required": ["member_id", "hours", "rate", "gross", "tax", "net"],
        "properties": {"member_id": {"type": "integer"}, "occupation": {"type": "string"}, "hours": {"type": "string"},
                       "rate": ref("Money"), "gross": ref("Money"), "tax": ref("Money"), "net": ref("Money"),
                       "converted": ref("Money"), "contributed": ref("Money"),
                       "base_rate": {"oneOf": [ref("Money"), {"type": "null"}]},
                       "productivity": {"type": ["string", "null"]}},
    },
    "PayrollRun": {
        "type": "object", "required": ["run_id", "gross", "tax", "net", "payslips"],
        "properties": {"run_id": {"type": "integer"}, "company_id": {"type": "integer"},
                       "period_start": {"type": "string", "format": "date"}, "period_end": {"type": "string", "format": "date"},
                       "gross": ref("Money"), "tax": ref("Money"), "net": ref("Money"), "tax_rate": {"type": "string"},
                       "entry_id": {"type": ["integer", "null"]}, "created_at": TIME,
                       "final": {"type": "boolean"}, "paid_share": {"type": "string"},
                       "payslips": {"type": "array", "items": ref("Payslip")}},
    },
    "WageRate": {
        "type": "object", "required": ["occupation", "industry", "hourly_wage", "effective_from"],
        "properties": {
            "id": {"type": "integer"}, "occupation": {"type": "string"}, "industry": {"type": ["string", "null"]},
            "occupation_label": {"type": "string"}, "industry_label": {"type": ["string", "null"]},
            "hourly_wage": ref("Money"), "effective_from": TIME,
            "reduction_delay_days": {"type": "integer"}, "reduction_decay_days": {"type": "integer"},
            "cause": {"type": "object", "required": ["type", "id"], "properties": {
                "type": {"type": "string"}, "id": {"type": ["string", "null"]}}},
        },
    },
    "WageCalculation": {
        "type": "object",
        "required": ["occupation", "industry", "productivity", "factors", "parameters", "ratio", "base",
                     "adjustment", "at_minimum", "hourly_wage"],
        "properties": {
            "occupation": {"type": "string"}, "industry": {"type": ["string", "null"]},
            "productivity": {"type": "string"},
            "factors": {"type": "object", "additionalProperties": {"type": "string"}},
            "parameters": {"type": "object", "additionalProperties": {"type": "string"}},
            "ratio": {"type": "string"}, "base": {"type": "string"}, "adjustment": {"type": "string"},
            "at_minimum": {"type": "boolean"}, "hourly_wage": ref("Money"),
        },
    },
    "InventoryItem": {
        "type": "object", "required": ["id", "item", "cost", "owner_region_id", "held_by_company_id", "status",
                                       "granted_by_proposal_id"],
        "properties": {
            "id": {"type": "integer"}, "item": {"type": "string"},
            "kind": {"type": "string", "enum": ["equipment", "housing", "land", "building", "facility", "business"]},
            "cost": ref("Money"), "owner_region_id": {"type": "integer"},
            "held_by_company_id": {"type": ["integer", "null"]},
            "status": {"type": "string", "enum": ["in_use", "returned", "retired"]},
            "granted_by_proposal_id": {"type": ["integer", "null"]}, "created_at": TIME,
            "history": {"type": "array", "items": {"type": "object"}},
        },
    },
    "Listing": {
        "type": "object", "required": ["id", "company_id", "kind", "title", "price", "status"],
        "properties": {"id": {"type": "integer"}, "company_id": {"type": "integer"}, "region_id": {"type": "integer"},
                       "kind": {"type": "string", "enum": ["service", "product", "job"]}, "title": {"type": "string"},
                       "description": {"type": "string"}, "price": ref("Money"), "outside_price": ref("Money"),
                       "locality": {"type": "string"}, "occupation": {"type": ["string", "null"]},
                       "status": {"type": "string"}, "created_at": TIME},
    },
    "Order": {
        "type": "object", "required": ["id", "total", "tax", "entry_id"],
        "properties": {"id": {"type": "integer"}, "listing_id": {"type": "integer"}, "quantity": {"type": "integer"},
                       "total": ref("Money"), "tax": ref("Money"), "entry_id": {"type": "integer"},
                       "status": {"type": "string", "enum": ["ordered", "delivered"]}, "created_at": TIME},
    },
    "Application": {
        "type": "object", "required": ["id", "listing_id", "member_id", "status"],
        "properties": {"id": {"type": "integer"}, "listing_id": {"type": "integer"}, "member_id": {"type": "integer"},
                       "status": {"type": "string"}, "created_at": TIME},
    },
    "PoolMovement": {
        "type": "object", "required": ["amount", "cause", "created_at", "entry_id"],
        "properties": {
            "entry_id": {"type": "integer"}, "created_at": TIME, "amount": ref("Money"),
            "cause": {"type": "object", "required": ["type", "id"], "properties": {
                "type": {"type": "string"}, "id": {"type": ["integer", "string", "null"]}}},
            "memo": {"type": "string"}, "balance_after": ref("Money"),
        },
    },
    "WagesPaid": {
        "type": "object", "required": ["month", "occupation", "people", "hours", "total_paid", "average_hourly"],
        "properties": {
            "month": {"type": "string", "pattern": r"^\d{4}-\d{2}$"}, "occupation": {"type": "string"},
            "people": {"type": "integer"}, "hours": {"type": "string"}, "total_paid": ref("Money"),
            "average_hourly": ref("Money"),
        },
    },
    "ChainLink": {
        "type": "object", "required": ["hash", "entry_id"],
        "properties": {"entry_id": {"type": "integer"}, "hash": {"type": "string"},
                       "prev_hash": {"type": "string"}, "created_at": TIME},
    },
    "Verify": {
        "type": "object", "required": ["ok", "entries"],
        "properties": {"ok": {"type": "boolean"}, "entries": {"type": "integer"},
                       "first_bad_entry": {"type": ["integer", "null"]},
                       "problems": {"type": "array", "items": {"type": "string"}}},
    },
}

PATHS = {
    "/members": {"post": operation(
        "Join the co-op (anybody may)",
        {"201": answer("The new member", ref("Member")), **errors("400", "409", "413", "429")},
        auth=False,
        body={"type": "object", "required": ["email", "name", "password"], "properties": {
            "email": {"type": "string", "format": "email"}, "name": {"type": "string", "maxLength": 100},
            "password": {"type": "string", "minLength": 8, "maxLength": 200},
            "region_id": {"type": "integer"}, "locality": {"type": "string", "maxLength": 100}}},
    )},
    "/tokens": {
        "post": operation(
            "Log in: a bearer token",
            {"201": answer("A token", {"type": "object", "required": ["token"], "properties": {
                "token": {"type": "string"}, "expires_at": TIME, "member_id": {"type": "integer"}}}),
             **errors("400", "401", "429")},
            auth=False,
            body={"type": "object", "required": ["email", "password"],
                  "properties": {"email": {"type": "string"}, "password": {"type": "string"},
                                 "label": {"type": "string", "maxLength": 100,
                                           "description": "How the token is listed on your tokens page "
                                                          "(default: the client's User-Agent)"}}},
        ),
        "delete": operation(
            "Log out everywhere: every token of yours, and every browser session, stops working",
            {"204": answer("Done"), **errors("401")}),
    },
    "/tokens/current": {"delete": operation(
        "Revoke the token this call is made with (401 with it afterwards)",
        {"204": answer("Done"), **errors("401")})},
    "/me": {"get": operation("You, with your accounts", {"200": answer("You", ref("Me")), **errors("401")})},
    "/me/leave": {"post": operation("Leave the co-op; your balance stays yours",
                                    {"200": answer("You, now left", ref("Member")), **errors("401", "403")})},
    "/me/move": {"post": operation(
        "Move to another region: your balance (and the reserve behind it) comes with you",
        {"200": answer("You, in your new region", ref("Member")), **errors("400", "401", "403", "409")},
        body={"type": "object", "required": ["region_id"], "properties": {"region_id": {"type": "integer"}}})},
    "/me/delegations": {"get": operation(
        "Your delegations", {"200": answer("Delegations", list_of({"type": "object", "required": ["scope", "delegate_id"],
                                                                   "properties": {"scope": {"type": "string"},
                                                                                  "delegate_id": {"type": "integer"},
                                                                                  "since": TIME}})),
                             **errors("401")})},
    "/me/delegations/{scope}": {
        "put": operation("Trust a member with your vote for `all` proposals or one kind; replaces an earlier one",
                         {"200": answer("The delegation"), **errors("400", "401", "403")},
                         params=[{"name": "scope", "in": "path", "required": True, "schema": {"type": "string"}}],
                         body={"type": "object", "required": ["delegate_id"],
                               "properties": {"delegate_id": {"type": "integer"}}}),
        "delete": operation("Withdraw a delegation", {"204": answer("Withdrawn"), **errors("400", "401", "404")},
                            params=[{"name": "scope", "in": "path", "required": True, "schema": {"type": "string"}}]),
    },
    "/members/{id}": {"get": operation("A member's public fields",
                                       {"200": answer("The member", ref("Member")), **errors("401", "404")},
                                       params=[path_id("id")])},
    "/regions": {"get": operation("All regions", {"200": answer("Regions", list_of(ref("Region"))), **errors("400")},
                                  auth=False, params=PAGING)},
    "/regions/{id}": {"get": operation("A region's public figures",
                                       {"200": answer("The region", ref("Region")), **errors("404")},
                                       auth=False, params=[path_id("id")])},
    "/accounts/{id}": {"get": operation("An account you may see",
                                        {"200": answer("The account", ref("Account")), **errors("404")},
                                        auth=False, params=[path_id("id")])},
    "/accounts/{id}/entries": {"get": operation(
        "An account's entries, newest first",
        {"200": answer("Entries", list_of(ref("Entry"))), **errors("400", "404")},
        auth=False, params=[path_id("id"), *PAGING])},
    "/conversions": {"post": operation(
        "Convert RSC to USD at once (201), or claim a USD to RSC deposit that issues RSC when the board confirms "
        "the money reached the bank (202)",
        {"201": answer("The conversion (rsc_to_usd)", ref("Conversion")),
         "202": answer("The pending deposit (usd_to_rsc): pay `amount` quoting `reference`", ref("Deposit")),
         **errors("400", "401", "403", "409", "429")},
        idempotent=True,
        body={"type": "object", "required": ["direction", "amount"], "properties": {
            "direction": {"type": "string", "enum": ["usd_to_rsc", "rsc_to_usd"]}, "amount": ref("Money")}},
    )},
    "/transfers": {"post": operation(
        "Pay another active member of your region in RSC",
        {"201": answer("The transfer", {"type": "object", "required": ["entry_id", "to_member_id", "amount"],
                                        "properties": {"entry_id": {"type": "integer"},
                                                       "to_member_id": {"type": "integer"},
                                                       "amount": ref("Money"), "entry": ref("Entry")}}),
         **errors("400", "401", "403", "409", "429")},
        idempotent=True,
        body={"type": "object", "required": ["to_member_id", "amount"], "properties": {
            "to_member_id": {"type": "integer"}, "amount": ref("Money"),
            "memo": {"type": "string", "maxLength": 200}}},
    )},
    "/proposals": {
        "post": operation(
            "Propose: a kind, its payload, and when voting closes",
            {"201": answer("The proposal, open for voting", ref("Proposal")), **errors("400", "401", "403")},
            body={"type": "object", "required": ["kind", "title", "closes_at"], "properties": {
                "kind": {"type": "string"}, "title": {"type": "string", "maxLength": 200},
                "body": {"type": "string", "description": "Markdown; sanitized when shown"},
                "payload": {"type": "object"}, "closes_at": TIME,
                "voting": {"type": "object", "description": "Stricter threshold or quorum (never looser than the "
                                                           "region's floor for the kind), secret ballot, results_visible; "
                                                           "kinds that allow it: method, options, seats, electorate"}}},
        ),
        "get": operation("Proposals of your region, newest first",
                         {"200": answer("Proposals", list_of(ref("Proposal"))), **errors("400", "401")},
                         params=[{"name": "status", "in": "query", "required": False, "schema": {
                             "type": "string", "enum": ["open", "passed", "executed", "rejected", "expired", "cancelled"]}},
                                 *PAGING]),
    },
    "/proposals/{id}": {"get": operation("A proposal", {"200": answer("The proposal", ref("Proposal")),
                                                        **errors("401", "404")}, params=[path_id("id")])},
    "/proposals/{id}/ballot": {
        "put": operation("Cast or replace your ballot while the proposal is open",
                         {"200": answer("Your receipt", {"type": "object", "required": ["receipt"], "properties": {
                             "receipt": {"type": "string"}, "cast_at": TIME}}),
                          **errors("400", "401", "403", "404", "409")},
                         params=[path_id("id")],
                         body={"type": "object", "required": ["choice"], "properties": {"choice": {
                             "description": "yes_no: yes|no|abstain; median/mean: decimal string; approval: [option id]; "
                                            "ranked: [option id] in order; cumulative: {option id: points}; "
                                            "consensus: agree|block|abstain"}}}),
        "delete": operation("Withdraw your ballot while open",
                            {"204": answer("Withdrawn"), **errors("401", "403", "404", "409")}, params=[path_id("id")]),
    },
    "/proposals/{id}/cancel": {"post": operation(
        "The author cancels before the first ballot",
        {"200": answer("The cancelled proposal", ref("Proposal")), **errors("401", "403", "404", "409")},
        params=[path_id("id")])},
    "/proposals/{id}/execute": {"post": operation(
        "A board member confirms carrying out a passed proposal",
        {"200": answer("Carried out", ref("Proposal")), "202": answer("Confirmation recorded", ref("Proposal")),
         **errors("401", "403", "404", "409")}, params=[path_id("id")])},
    "/proposals/{id}/ballots": {"get": operation(
        "The published ballots after close, by receipt",
        {"200": answer("Ballots", list_of({"type": "object", "required": ["receipt", "choice"], "properties": {
            "receipt": {"type": "string"}, "choice": {}, "member_id": {"type": "integer"}}}) ),
         **errors("400", "401", "404", "409")}, params=[path_id("id"), *PAGING])},
    "/proposals/{id}/candidacy": {
        "put": operation("Stand as a candidate in a board election while its nominations are open",
                         {"200": answer("The election, with you among its candidates", ref("Proposal")),
                          **errors("401", "403", "404", "409")}, params=[path_id("id")]),
        "delete": operation("Withdraw your candidacy while nominations are open and enough candidates remain",
                            {"204": answer("Withdrawn"), **errors("401", "403", "404", "409")},
                            params=[path_id("id")]),
    },
    "/proposals/{id}/comments": {
        "get": operation("The discussion", {"200": answer("Comments", list_of(ref("Comment"))), **errors("401", "404")},
                         params=[path_id("id")]),
        "post": operation("Add to the discussion", {"201": answer("The comment", ref("Comment")),
                                                    **errors("400", "401", "403", "404")},
                          params=[path_id("id")],
                          body={"type": "object", "required": ["body"], "properties": {"body": {"type": "string", "maxLength": 5000}}}),
    },
    "/companies": {"post": operation(
        "Register a company; you become its first worker and admin",
        {"201": answer("The company", ref("Company")), **errors("400", "401", "403")},
        body={"type": "object", "required": ["name", "industry"], "properties": {
            "name": {"type": "string", "maxLength": 120}, "industry": {"type": "string", "maxLength": 60}}})},
    "/companies/{id}": {"get": operation("A company", {"200": answer("The company", ref("Company")),
                                                      **errors("401", "404")}, params=[path_id("id")])},
    "/companies/{id}/workers": {"post": operation(
        "Add a worker or change a worker's occupation and rate (company admins)",
        {"201": answer("The company", ref("Company")), **errors("400", "401", "403", "404", "409")},
        params=[path_id("id")],
        body={"type": "object", "required": ["member_id", "occupation"], "properties": {
            "member_id": {"type": "integer"}, "occupation": {"type": "string", "maxLength": 60},
            "hourly_rate": ref("Money"), "admin": {"type": "boolean"},
            "productivity": {"type": "string", "description": "0 to 1, within the region's voted bounds"}}})},
    "/companies/{id}/income": {"post": operation(
        "Claim outside income in USD (company admins): a pending deposit; when the board confirms it, the USD goes "
        "into the reserve and the company receives RSC at the rate of the day it was claimed",
        {"202": answer("The pending deposit", ref("Deposit")), **errors("400", "401", "403", "404", "409", "429")},
        params=[path_id("id")], idempotent=True,
        body={"type": "object", "required": ["amount"], "properties": {
            "amount": ref("Money"), "memo": {"type": "string", "maxLength": 200}}})},
    "/companies/{id}/hours": {"post": operation(
        "Enter hours for a period (your own, or anyone's as an admin)",
        {"201": answer("The hours entry"), **errors("400", "401", "403", "404", "409")},
        params=[path_id("id")],
        body={"type": "object", "required": ["member_id", "period_start", "period_end", "hours"], "properties": {
            "member_id": {"type": "integer"}, "period_start": {"type": "string", "format": "date"},
            "period_end": {"type": "string", "format": "date"}, "hours": {"type": "string"}}})},
    "/companies/{id}/payroll": {
        "post": operation("Pay a period (company admins); the same period again pays nothing new",
                          {"201": answer("The run", ref("PayrollRun")), "200": answer("The earlier run", ref("PayrollRun")),
                           **errors("400", "401", "403", "404", "409", "429")},
                          params=[path_id("id")], body=PERIOD_BODY),
        "get": operation("A company's payroll runs", {"200": answer("Runs", list_of(ref("PayrollRun"))),
                                                      **errors("400", "401", "404")}, params=[path_id("id"), *PAGING]),
    },
    "/companies/{id}/payroll/preview": {"post": operation(
        "What a run would pay, without paying", {"200": answer("The preview"), **errors("400", "401", "403", "404", "409")},
        params=[path_id("id")], body=PERIOD_BODY)},
    "/companies/{id}/bankruptcy": {"post": operation(
        "Declare a company bankrupt (board)", {"200": answer("The company", ref("Company")),
                                               **errors("401", "403", "404", "409")}, params=[path_id("id")])},
    "/me/auto-convert": {"put": operation(
        "The share of each net pay converted to USD automatically",
        {"200": answer("The setting", {"type": "object", "properties": {"percent": PERCENT}}),
         **errors("400", "401")},
        body={"type": "object", "required": ["percent"], "properties": {"percent": PERCENT}})},
    "/me/payslips": {"get": operation("Your payslips, newest first",
                                      {"200": answer("Payslips", list_of(ref("Payslip"))), **errors("400", "401")},
                                      params=PAGING)},
    "/wages": {"get": operation(
        "The public wage table: each occupation's (and industry's) current hourly wage, newest decision first",
        {"200": answer("Wage table rows", list_of(ref("WageRate"))), **errors("400", "404")},
        auth=False, params=[{"name": "region_id", "in": "query", "required": False,
                             "schema": {"type": "integer", "minimum": 1},
                             "description": "Default: your region (with a token), else the oldest active one"},
                            *PAGING])},
    "/wages/calculator": {"get": operation(
        "The wage calculator: a wage from the occupation's and industry's factors and a productivity",
        {"200": answer("The wage with every step", ref("WageCalculation")), **errors("400", "404")},
        auth=False, params=[
            {"name": "occupation", "in": "query", "required": True, "schema": {"type": "string", "maxLength": 60}},
            {"name": "industry", "in": "query", "required": False, "schema": {"type": "string", "maxLength": 60}},
            {"name": "productivity", "in": "query", "required": False,
             "schema": {"type": "string", "pattern": r"^\d+(\.\d+)?$", "default": "0.5"}, "description": "0 to 1"},
            {"name": "region_id", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1}},
        ])},
    "/inventory": {"get": operation(
        "The public inventory, newest first; filter by region, kind, status and holder",
        {"200": answer("Items", list_of(ref("InventoryItem"))), **errors("400")}, auth=False,
        params=[{"name": "region_id", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1}},
                {"name": "kind", "in": "query", "required": False, "schema": {
                    "type": "string", "enum": ["equipment", "housing", "land", "building", "facility", "business"]}},
                {"name": "status", "in": "query", "required": False,
                 "schema": {"type": "string", "enum": ["in_use", "returned", "retired"]}},
                {"name": "holder", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1}},
                *PAGING])},
    "/inventory/{id}": {"get": operation("An inventory item with its history",
                                         {"200": answer("The item", ref("InventoryItem")), **errors("404")},
                                         auth=False, params=[path_id("id")])},
    "/invitations/{token}/accept": {"post": operation(
        "Accept an invitation from an acquired business: with a token, link yourself; without, join as a new member",
        {"201": answer("Accepted", {"type": "object", "properties": {
            "invitation_id": {"type": "integer"}, "company_id": {"type": "integer"}, "member_id": {"type": "integer"},
            "status": {"type": "string"}, "accepted_at": TIME, "occupation": {"type": "string"},
            "hourly_wage": ref("Money"), "admin": {"type": "boolean"}}}), **errors("400", "401", "403", "404", "409")},
        auth=False, params=[{"name": "token", "in": "path", "required": True, "schema": {"type": "string"}}],
        body={"type": "object", "properties": {"password": {"type": "string", "minLength": 8},
                                               "locality": {"type": "string"}}})},
    "/listings": {
        "post": operation("List a service, product or job for a company you run",
                          {"201": answer("The listing", ref("Listing")), **errors("400", "401", "403", "404", "409")},
                          body={"type": "object", "required": ["company_id", "kind", "title"], "properties": {
                              "company_id": {"type": "integer"}, "kind": {"type": "string", "enum": ["service", "product", "job"]},
                              "title": {"type": "string", "maxLength": 200}, "description": {"type": "string"},
                              "price": ref("Money"), "outside_price": ref("Money"), "locality": {"type": "string"},
                              "occupation": {"type": "string"}}}),
        "get": operation("Search your region's listings",
                         {"200": answer("Listings", list_of(ref("Listing"))), **errors("400", "401")},
                         params=[{"name": "kind", "in": "query", "required": False,
                                  "schema": {"type": "string", "enum": ["service", "product", "job"]}},
                                 {"name": "q", "in": "query", "required": False, "schema": {"type": "string"}},
                                 {"name": "locality", "in": "query", "required": False, "schema": {"type": "string"}},
                                 *PAGING]),
    },
    "/listings/{id}": {"get": operation("A listing", {"200": answer("The listing", ref("Listing")),
                                                      **errors("401", "404")}, params=[path_id("id")])},
    "/listings/{id}/orders": {"post": operation(
        "Buy: price × quantity plus sales tax, from you or a company you run",
        {"201": answer("The order", ref("Order")), **errors("400", "401", "403", "404", "409", "429")},
        params=[path_id("id")], idempotent=True,
        body={"type": "object", "properties": {"quantity": {"type": "integer", "minimum": 1},
                                               "paid_by_company_id": {"type": "integer"}}})},
    "/orders/{id}/delivered": {"post": operation(
        "The seller marks an order delivered", {"200": answer("The order", ref("Order")),
                                                **errors("401", "403", "404", "409")}, params=[path_id("id")])},
    "/listings/{id}/applications": {"post": operation(
        "Apply to a job", {"201": answer("The application", ref("Application")),
                           **errors("400", "401", "403", "404", "409")}, params=[path_id("id")],
        body={"type": "object", "properties": {"message": {"type": "string"}}})},
    "/applications/{id}/accept": {"post": operation(
        "Hire the applicant (company admins)", {"200": answer("The application", ref("Application")),
                                               **errors("401", "403", "404", "409")}, params=[path_id("id")])},
    "/companies/{id}/bridge": {"put": operation(
        "Mark a company a bridge to the outside economy", {"200": answer("The setting"), **errors("400", "401", "403", "404")},
        params=[path_id("id")], body={"type": "object", "required": ["is_bridge"], "properties": {"is_bridge": {"type": "boolean"}}})},
    "/companies/{id}/outside-purchases": {
        "post": operation(
            "Any company buys from a supplier outside the co-op in USD (company admins): its RSC is redeemed at par, "
            "the USD leaves the reserve into a payout the board makes to the supplier; it may spend an equipment grant",
            {"201": answer("The purchase", ref("OutsidePurchase")), **errors("400", "401", "403", "404", "409", "429")},
            params=[path_id("id")], idempotent=True,
            body={"type": "object", "required": ["amount", "supplier"], "properties": {
                "amount": ref("Money"), "supplier": {"type": "string", "minLength": 1, "maxLength": 200},
                "pay_to": {"type": "string", "maxLength": 500}, "memo": {"type": "string", "maxLength": 200},
                "grant_proposal_id": {"type": "integer"}}}),
        "get": operation("A company's outside purchases, newest first (its workers; a region-owned company's: members)",
                         {"200": answer("Purchases", list_of(ref("OutsidePurchase"))), **errors("400", "401", "404")},
                         params=[path_id("id"), *PAGING]),
    },
    "/contributions": {"post": operation(
        "Give RSC to the capital pool (it buys no ownership and no vote)",
        {"201": answer("The contribution"), **errors("400", "401", "403", "409", "429")}, idempotent=True,
        body={"type": "object", "required": ["amount"], "properties": {"amount": ref("Money"), "public": {"type": "boolean"}}})},
    "/contributions/external": {"post": operation(
        "Record an outside contributor's USD (board): USD into the reserve, RSC into the pool",
        {"201": answer("The contribution"), **errors("400", "401", "403", "409", "429")},
        body={"type": "object", "required": ["amount", "from"], "properties": {
            "amount": ref("Money"), "from": {"type": "string", "maxLength": 200}, "public": {"type": "boolean"}}})},
    "/me/contribution-rate": {"put": operation(
        "The share of each net pay given to the capital pool",
        {"200": answer("The setting", {"type": "object", "properties": {"percent": PERCENT}}),
         **errors("400", "401", "403")},
        body={"type": "object", "required": ["percent"], "properties": {"percent": PERCENT}})},
    "/records/capital-pool": {"get": operation(
        "The capital pool's movements, newest first, each with its cause (a payroll's id is its run_id, a "
        "proposal's its id) and the balance after it; together they add up to the pool",
        {"200": answer("Movements", list_of(ref("PoolMovement"))), **errors("400", "401", "404")},
        auth=False, params=[REGION_ID, *PAGING])},
    "/records/wages": {"get": operation(
        "What region-owned companies paid, by month and occupation, newest month first; never a name",
        {"200": answer("Wages paid", list_of(ref("WagesPaid"))), **errors("400", "401", "404")},
        auth=False, params=[REGION_ID, *OPAQUE_PAGING])},
    "/records/chain-head": {"get": operation(
        "The newest ledger entry and its hash: save it to check later that the record was only appended to",
        {"200": answer("The chain head", ref("ChainLink"))}, auth=False)},
    "/records/chain/{entry_id}": {"get": operation(
        "An entry's place in the hash chain: a head saved earlier must still have the same hash",
        {"200": answer("The entry's hashes", ref("ChainLink")), **errors("404")},
        auth=False, params=[path_id("entry_id")])},
    "/records/ledger.beancount": {"get": operation(
        "The whole ledger in beancount's format, streamed: an open per account (metadata account_id), a "
        "transaction per entry (metadata cause_type, cause_id, entry_id, hash), a balance assertion per account",
        {"200": {"description": "Beancount text", "content": {"text/plain": {"schema": {"type": "string"}}}},
         **errors("429")}, auth=False)},
    "/ledger/verify": {"get": operation("Check the hash chain and every ledger invariant",
                                        {"200": answer("The report", ref("Verify"))}, auth=False)},
    "/openapi.json": {"get": operation("This document", {"200": answer("OpenAPI 3 document")}, auth=False)},
}


# --- facilities and the health plan ---------------------------------------------------------

RENT = {
    "type": "object", "required": ["cost", "subsidy_rate", "rent", "subsidy"],
    "properties": {"month": {"type": "string", "pattern": r"^\d{4}-\d{2}$"}, "amortisation": ref("Money"),
                   "maintenance": ref("Money"), "operating": ref("Money"), "cost": ref("Money"),
                   "basis": {"type": "string", "enum": ["cost", "market"]}, "subsidy_rate": {"type": "string"},
                   "rent": ref("Money"), "subsidy": ref("Money")},
}
SCHEMAS.update({
    "Facility": {
        "type": "object", "required": ["id", "name", "kind", "purchase", "maintenance", "market_rate", "status",
                                       "price_now"],
        "properties": {
            "id": {"type": "integer"}, "region_id": {"type": "integer"}, "name": {"type": "string"},
            "kind": {"type": "string", "enum": ["housing", "office", "health", "education"]},
            "description": {"type": "string"}, "inventory_item_id": {"type": ["integer", "null"]},
            "purchase": ref("Money"), "maintenance": ref("Money"), "market_rate": {"oneOf": [ref("Money"), {"type": "null"}]},
            "status": {"type": "string", "enum": ["open", "closed"]}, "let": {"type": "boolean"},
            "waiting": {"type": "integer"}, "price_now": RENT, "created_at": TIME,
            "maintainer": {"oneOf": [{"type": "null"}, {"type": "object", "properties": {
                "company_id": {"type": ["integer", "null"]}, "supplier": {"type": ["string", "null"]}}}]},
            "maintenance_next_month": {"type": ["string", "null"]},
        },
    },
    "FacilityApplication": {
        "type": "object", "required": ["id", "facility_id", "member_id", "status", "position"],
        "properties": {"id": {"type": "integer"}, "facility_id": {"type": "integer"}, "member_id": {"type": "integer"},
                       "company_id": {"type": ["integer", "null"]}, "message": {"type": "string"},
                       "status": {"type": "string", "enum": ["pending", "assigned", "withdrawn"]},
                       "position": {"type": ["integer", "null"]}, "reason": {"type": "string"}, "created_at": TIME},
    },
    "Tenancy": {
        "type": "object", "required": ["id", "facility_id", "tenant", "start_month", "end_month", "status"],
        "properties": {"id": {"type": "integer"}, "facility_id": {"type": "integer"},
                       "tenant": {"type": "object", "required": ["type", "id"], "properties": {
                           "type": {"type": "string", "enum": ["member", "company"]}, "id": {"type": "integer"}}},
                       "member_id": {"type": "integer"}, "company_id": {"type": ["integer", "null"]},
                       "start_month": {"type": "string"}, "end_month": {"type": ["string", "null"]},
                       "next_month_due": {"type": ["string", "null"]},
                       "status": {"type": "string", "enum": ["active", "ended"]}, "created_at": TIME},
    },
    "RentCharge": {"allOf": [RENT, {"type": "object", "required": ["id", "tenancy_id", "facility_id", "month", "status"],
                                    "properties": {"id": {"type": "integer"}, "tenancy_id": {"type": "integer"},
                                                   "facility_id": {"type": "integer"},
                                                   "status": {"type": "string", "enum": ["paid", "unpaid"]},
                                                   "entry_id": {"type": ["integer", "null"]},
                                                   "paid_at": {"type": ["string", "null"], "format": "date-time"}}}]},
    "OperatingCost": {
        "type": "object", "required": ["id", "facility_id", "month", "amount", "memo"],
        "properties": {"id": {"type": "integer"}, "facility_id": {"type": "integer"}, "month": {"type": "string"},
                       "amount": ref("Money"), "memo": {"type": "string"}, "created_at": TIME,
                       "paid_to": {"type": "object", "properties": {"company_id": {"type": ["integer", "null"]},
                                                                    "supplier": {"type": ["string", "null"]}}},
                       "entry_id": {"type": ["integer", "null"]}, "payout_id": {"type": ["integer", "null"]}},
    },
    "MaintenancePayment": {
        "type": "object", "required": ["id", "facility_id", "month", "amount", "status"],
        "properties": {"id": {"type": "integer"}, "facility_id": {"type": "integer"}, "month": {"type": "string"},
                       "amount": ref("Money"), "status": {"type": "string", "enum": ["paid", "unpaid"]},
                       "paid_to": {"type": "object", "properties": {"company_id": {"type": ["integer", "null"]},
                                                                    "supplier": {"type": ["string", "null"]}}},
                       "entry_id": {"type": ["integer", "null"]}, "payout_id": {"type": ["integer", "null"]},
                       "paid_at": {"type": ["string", "null"], "format": "date-time"}},
    },
    "HealthEnrollment": {
        "type": "object", "required": ["id", "member_id", "status", "inside_share", "enrolled_at"],
        "properties": {"id": {"type": "integer"}, "member_id": {"type": "integer"}, "name": {"type": "string"},
                       "status": {"type": "string", "enum": ["enrolled", "left"]}, "inside_share": {"type": "string"},
                       "enrolled_at": TIME, "left_at": {"type": ["string", "null"], "format": "date-time"}},
    },
})
MONTH_BODY = {"type": "string", "pattern": r"^\d{4}-\d{2}$"}
PATHS.update({
    "/facilities": {
        "get": operation("The units a region offers, newest first, with what a member pays this month",
                         {"200": answer("Units", list_of(ref("Facility"))), **errors("400", "404")}, auth=False,
                         params=[REGION_ID, {"name": "kind", "in": "query", "required": False,
                                             "schema": {"type": "string"}}, *PAGING]),
        "post": operation("Offer a unit (board), optionally carved out of an inventory item the region holds",
                          {"201": answer("The unit", ref("Facility")), **errors("400", "401", "403")},
                          body={"type": "object", "required": ["name", "kind", "maintenance"], "properties": {
                              "name": {"type": "string", "maxLength": 200},
                              "kind": {"type": "string", "enum": ["housing", "office", "health", "education"]},
                              "description": {"type": "string", "maxLength": 2000}, "purchase": ref("Money"),
                              "maintenance": ref("Money"), "market_rate": ref("Money"),
                              "inventory_item_id": {"type": "integer"}}}),
    },
    "/facilities/{id}": {"get": operation("A unit", {"200": answer("The unit", ref("Facility")), **errors("404")},
                                          auth=False, params=[path_id("id")])},
    "/facilities/{id}/status": {"put": operation(
        "Open a unit to applications or close it (board)", {"200": answer("The unit", ref("Facility")),
                                                            **errors("400", "401", "403", "404")},
        params=[path_id("id")], body={"type": "object", "required": ["status"], "properties": {
            "status": {"type": "string", "enum": ["open", "closed"]}}})},
    "/facilities/{id}/costs": {
        "get": operation("Operating costs recorded against a unit, newest month first",
                         {"200": answer("Costs", list_of(ref("OperatingCost"))), **errors("404")}, auth=False,
                         params=[path_id("id")]),
        "post": operation("Record an operating cost for a month not yet charged (board); the capital pool pays it at "
                          "once, to a co-op company (company_id) or to a supplier (supplier) through a payout",
                          {"201": answer("The cost", ref("OperatingCost")),
                           **errors("400", "401", "403", "404", "409", "429")},
                          params=[path_id("id")], body={"type": "object", "required": ["month", "amount", "memo"],
                                                        "properties": {"month": MONTH_BODY, "amount": ref("Money"),
                                                                       "memo": {"type": "string", "maxLength": 200},
                                                                       "company_id": {"type": "integer"},
                                                                       "supplier": {"type": "string", "maxLength": 200},
                                                                       "pay_to": {"type": "string", "maxLength": 500}}}),
    },
    "/facilities/{id}/maintainer": {"put": operation(
        "Name who is paid the unit's monthly maintenance from this month on (board): a co-op company or a supplier",
        {"200": answer("The unit", ref("Facility")), **errors("400", "401", "403", "404", "409")},
        params=[path_id("id")], body={"type": "object", "properties": {
            "company_id": {"type": "integer"}, "supplier": {"type": "string", "maxLength": 200},
            "pay_to": {"type": "string", "maxLength": 500}}})},
    "/facilities/{id}/maintenance": {"get": operation(
        "The unit's monthly maintenance the capital pool paid (or could not pay yet), newest month first",
        {"200": answer("Maintenance payments", list_of(ref("MaintenancePayment"))), **errors("404")}, auth=False,
        params=[path_id("id")])},
    "/facilities/{id}/applications": {
        "post": operation("Join a unit's waiting list, for yourself or a company you run; twice answers 409",
                          {"201": answer("The application with its place in line", ref("FacilityApplication")),
                           **errors("400", "401", "403", "404", "409")}, params=[path_id("id")],
                          body={"type": "object", "properties": {"company_id": {"type": "integer"},
                                                                 "message": {"type": "string", "maxLength": 2000}}}),
        "get": operation("The waiting list in order (board); a member gets their own applications and places",
                         {"200": answer("Applications", list_of(ref("FacilityApplication"))),
                          **errors("400", "401", "404")}, params=[path_id("id"), *PAGING]),
    },
    "/facility-applications/{id}": {"delete": operation(
        "Withdraw your application", {"200": answer("The application", ref("FacilityApplication")),
                                      **errors("401", "404", "409")}, params=[path_id("id")])},
    "/facility-applications/{id}/assign": {"post": operation(
        "Let the unit to this applicant (board); passing over those ahead needs a reason",
        {"201": answer("The tenancy", ref("Tenancy")), **errors("400", "401", "403", "404", "409")},
        params=[path_id("id")], body={"type": "object", "properties": {
            "start_month": MONTH_BODY, "reason": {"type": "string", "maxLength": 500}}})},
    "/me/tenancies": {"get": operation("Your tenancies and your companies', with unpaid months",
                                       {"200": answer("Tenancies", list_of(ref("Tenancy"))), **errors("401")})},
    "/tenancies/{id}/end": {"post": operation(
        "End a tenancy after a month (the tenant or the board; default this month)",
        {"200": answer("The tenancy", ref("Tenancy")), **errors("400", "401", "404", "409")},
        params=[path_id("id")], body={"type": "object", "properties": {"end_month": MONTH_BODY}})},
    "/tenancies/{id}/charges": {"get": operation(
        "A tenancy's monthly rent charges (tenant or board)", {"200": answer("Charges", list_of(ref("RentCharge"))),
                                                               **errors("401", "404")}, params=[path_id("id")])},
    "/records/facilities": {"get": operation(
        "Each unit's cost, rent and subsidy by month, newest month first; tenants are never named",
        {"200": answer("Charged months", list_of(ref("RentCharge"))), **errors("400", "404")}, auth=False,
        params=[REGION_ID, {"name": "facility_id", "in": "query", "required": False,
                            "schema": {"type": "integer", "minimum": 1}}, *OPAQUE_PAGING])},
    "/me/health": {"get": operation(
        "Your inside share over the rolling period, your enrollment and premiums",
        {"200": answer("Your health plan", {"type": "object", "required": ["inside_share", "enrollment"], "properties": {
            "inside_share": {"type": "object", "properties": {
                "inside": ref("Money"), "outside": ref("Money"), "share": {"type": ["string", "null"]},
                "since": TIME, "minimum": {"type": "string"}, "eligible": {"type": "boolean"}}},
            "enrollment": {"oneOf": [ref("HealthEnrollment"), {"type": "null"}]},
            "premiums": {"type": "array", "items": {"type": "object"}}}}), **errors("401")})},
    "/me/health/enrollment": {
        "post": operation("Enroll in the group health plan; below the region's minimum inside share: 409",
                          {"201": answer("The enrollment", ref("HealthEnrollment")), **errors("401", "403", "409")}),
        "delete": operation("Leave the plan", {"200": answer("The enrollment", ref("HealthEnrollment")),
                                               **errors("401", "404")}),
    },
    "/health/enrollments": {"get": operation(
        "Enrolled members (board only)", {"200": answer("Enrollments", list_of(ref("HealthEnrollment"))),
                                          **errors("400", "401", "403")}, params=PAGING)},
})


# --- the treasury: deposits, bank statements, payouts, the reconciliation -------------------------

NULLABLE_MONEY = {"oneOf": [ref("Money"), {"type": "null"}]}
NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}
BANK_REFERENCE = {"type": "string", "minLength": 1, "maxLength": 100}
SCHEMAS.update({
    "Deposit": {
        "type": "object", "required": ["id", "kind", "status", "reference", "amount", "member_id", "created_at",
                                       "confirmed_at"],
        "properties": {
            "id": {"type": "integer"}, "kind": {"type": "string", "enum": ["conversion", "income"]},
            "status": {"type": "string", "enum": ["pending", "confirmed", "rejected"]},
            "reference": {"type": "string", "description": "What the bank transfer must quote"},
            "amount": ref("Money"), "rate": {"type": "string", "description": "The exchange rate of the day it was claimed"},
            "member_id": {"type": "integer"}, "company_id": {"type": ["integer", "null"]}, "memo": {"type": "string"},
            "created_at": TIME, "confirmed_at": NULLABLE_TIME, "rejected_at": NULLABLE_TIME,
            "bank_reference": {"type": ["string", "null"]}, "reason": {"type": ["string", "null"]},
            "entry_id": {"type": ["integer", "null"]}, "debited": ref("Money"), "credited": ref("Money"),
            "pay_to": {"type": "string", "description": "The co-op's bank details (on a new claim)"},
        },
    },
    "Payout": {
        "type": "object", "required": ["id", "member_id", "amount", "status", "created_at", "paid_at", "bank_reference"],
        "properties": {
            "id": {"type": "integer"}, "member_id": {"type": ["integer", "null"]}, "amount": ref("Money"),
            "payee": {"type": ["string", "null"], "description": "A supplier outside the co-op (member_id null)"},
            "company_id": {"type": ["integer", "null"]}, "memo": {"type": ["string", "null"]},
            "reference": {"type": "string", "description": "What the bank transfer quotes: PAY-<id>-<check digit>"},
            "status": {"type": "string", "enum": ["owed", "paid"]}, "created_at": TIME, "paid_at": NULLABLE_TIME,
            "bank_reference": {"type": ["string", "null"]}, "entry_id": {"type": ["integer", "null"]},
        },
    },
    "StatementLine": {
        "type": "object", "required": ["id", "date", "amount", "reference", "status"],
        "properties": {
            "id": {"type": "integer"}, "statement_id": {"type": "integer"}, "date": {"type": "string", "format": "date"},
            "amount": ref("Money"), "reference": {"type": "string"}, "bank_id": {"type": "string"},
            "status": {"type": "string", "enum": ["matched", "unmatched", "dismissed"]},
            "deposit_id": {"type": ["integer", "null"]}, "payout_id": {"type": ["integer", "null"]},
            "note": {"type": ["string", "null"]},
        },
    },
    "StatementImport": {
        "type": "object", "required": ["id", "matched", "unmatched"],
        "properties": {
            "id": {"type": "integer"}, "format": {"type": "string", "enum": ["csv", "ofx"]}, "imported_at": TIME,
            "statement_date": {"type": ["string", "null"], "format": "date"}, "lines": {"type": "integer"},
            "new_lines": {"type": "integer"}, "balance": NULLABLE_MONEY,
            "matched": {"type": "array", "items": {"type": "integer"}, "description": "Deposits confirmed"},
            "settled_payouts": {"type": "array", "items": {"type": "integer"}},
            "already_imported": {"type": "integer", "description": "Lines seen in an earlier import, skipped"},
            "unmatched": {"type": "array", "items": ref("StatementLine")},
        },
    },
    "Reconciliation": {
        "type": "object", "required": ["usd_reserve", "payouts_owed", "bank_balance", "statement_date", "difference"],
        "properties": {
            "region_id": {"type": "integer"}, "usd_reserve": ref("Money"), "payouts_owed": ref("Money"),
            "expected_in_bank": ref("Money"), "bank_balance": NULLABLE_MONEY,
            "statement_date": {"type": ["string", "null"], "format": "date"},
            "statement_id": {"type": ["integer", "null"]}, "difference": NULLABLE_MONEY,
        },
    },
    "TextSetting": {
        "type": "object", "required": ["details"],
        "properties": {"details": {"type": ["string", "null"]}, "set_at": NULLABLE_TIME, "updated_at": NULLABLE_TIME},
    },
})
DEPOSIT_STATUS = {"name": "status", "in": "query", "required": False,
                  "schema": {"type": "string", "enum": ["pending", "confirmed", "rejected"]}}
PATHS.update({
    "/deposits": {"get": operation(
        "Deposits, newest first: the board sees its region's, a member their own",
        {"200": answer("Deposits", list_of(ref("Deposit"))), **errors("400", "401")},
        params=[DEPOSIT_STATUS, *PAGING])},
    "/deposits/{id}": {"get": operation(
        "A deposit (its claimer, or the board of its region)",
        {"200": answer("The deposit", ref("Deposit")), **errors("401", "404")}, params=[path_id("id")])},
    "/deposits/{id}/confirm": {"post": operation(
        "The board saw the money arrive: RSC is issued at the deposit's rate (twice: 409, nothing posted)",
        {"200": answer("The confirmed deposit", ref("Deposit")), **errors("400", "401", "403", "404", "409", "429")},
        params=[path_id("id")],
        body={"type": "object", "required": ["bank_reference"], "properties": {
            "bank_reference": BANK_REFERENCE,
            "statement_line_id": {"type": "integer", "description": "An unmatched statement line this transfer is"}}})},
    "/deposits/{id}/reject": {"post": operation(
        "The board rejects a pending deposit, saying why (nothing is issued)",
        {"200": answer("The rejected deposit", ref("Deposit")), **errors("400", "401", "403", "404", "409", "429")},
        params=[path_id("id")],
        body={"type": "object", "required": ["reason"], "properties": {
            "reason": {"type": "string", "minLength": 1, "maxLength": 500}}})},
    "/bank-statements": {"post": operation(
        "Import a statement of the co-op's bank account (board): matching credits confirm deposits, matching "
        "debits settle payouts, lines seen before are skipped",
        {"201": answer("What the import did", ref("StatementImport")),
         **errors("400", "401", "403", "409", "413", "429")},
        body={"type": "object", "required": ["format", "content"], "properties": {
            "format": {"type": "string", "enum": ["csv", "ofx"]},
            "content": {"type": "string", "description": "CSV with a header naming date, amount, reference "
                                                         "(optionally balance), or an OFX statement"},
            "balance": ref("Money")}})},
    "/bank-statement-lines": {"get": operation(
        "Statement lines of your region (board), newest first; unmatched ones by default",
        {"200": answer("Lines", list_of(ref("StatementLine"))), **errors("400", "401", "403")},
        params=[{"name": "status", "in": "query", "required": False,
                 "schema": {"type": "string", "enum": ["matched", "unmatched", "dismissed"]}},
                {"name": "statement_id", "in": "query", "required": False,
                 "schema": {"type": "integer", "minimum": 1}}, *PAGING])},
    "/bank-statement-lines/{id}/dismiss": {"post": operation(
        "Set an unmatched line aside with a note (board)",
        {"200": answer("The line", ref("StatementLine")), **errors("400", "401", "403", "404", "409", "429")},
        params=[path_id("id")],
        body={"type": "object", "required": ["note"], "properties": {
            "note": {"type": "string", "minLength": 1, "maxLength": 500}}})},
    "/payouts": {"get": operation(
        "USD payouts, newest first: the board sees its region's, a member their own",
        {"200": answer("Payouts", list_of(ref("Payout"))), **errors("400", "401")},
        params=[{"name": "status", "in": "query", "required": False,
                 "schema": {"type": "string", "enum": ["owed", "paid"]}}, *PAGING])},
    "/payouts/{id}/paid": {"post": operation(
        "The bank paid this payout (board): payouts owed → the outside world (twice: 409)",
        {"200": answer("The payout", ref("Payout")), **errors("400", "401", "403", "404", "409", "429")},
        params=[path_id("id")],
        body={"type": "object", "required": ["bank_reference"], "properties": {"bank_reference": BANK_REFERENCE}})},
    "/payouts/paid": {"post": operation(
        "The bank paid these payouts in one batch (board): all or nothing",
        {"200": answer("The payouts", list_of(ref("Payout"))), **errors("400", "401", "403", "404", "409", "429")},
        body={"type": "object", "required": ["payout_ids", "bank_reference"], "properties": {
            "payout_ids": {"type": "array", "minItems": 1, "maxItems": 200, "uniqueItems": True,
                           "items": {"type": "integer", "minimum": 1}},
            "bank_reference": BANK_REFERENCE}})},
    "/treasury/reconciliation": {"get": operation(
        "The reserve per the ledger and the payouts owed against the bank's newest statement balance (public)",
        {"200": answer("The reconciliation", ref("Reconciliation")), **errors("400", "404")},
        auth=False, params=[REGION_ID])},
    "/treasury/reconciliation/history": {"get": operation(
        "Each imported statement with a balance and the ledger's figures when it was imported, newest first (public)",
        {"200": answer("Reconciliations", list_of(ref("Reconciliation"))), **errors("400", "404")},
        auth=False, params=[REGION_ID, *PAGING])},
    "/treasury/bank-details": {
        "get": operation("Where members of your region pay their deposits",
                         {"200": answer("The bank details", ref("TextSetting")), **errors("401")}),
        "put": operation("Publish the co-op's bank details (board); every change is kept",
                         {"200": answer("The bank details", ref("TextSetting")), **errors("400", "401", "403", "409")},
                         body={"type": "object", "required": ["details"], "properties": {
                             "details": {"type": "string", "minLength": 1, "maxLength": 1000}}}),
    },
    "/me/payout-account": {
        "get": operation("Where your USD payouts are sent",
                         {"200": answer("Your payout account", ref("TextSetting")), **errors("401")}),
        "put": operation("Say where your USD payouts are sent (only you and your region's board see it)",
                         {"200": answer("Your payout account", ref("TextSetting")), **errors("400", "401", "403")},
                         body={"type": "object", "required": ["details"], "properties": {
                             "details": {"type": "string", "minLength": 1, "maxLength": 500}}}),
    },
})


# --- co-op-owned companies (1.1) ------------------------------------------------------------

SCHEMAS.update({
    "Invitation": {
        "type": "object", "required": ["id", "name", "email", "occupation", "hourly_wage", "status", "token"],
        "properties": {"id": {"type": "integer"}, "name": {"type": "string"}, "email": {"type": "string"},
                       "occupation": {"type": "string"}, "hourly_wage": ref("Money"),
                       "status": {"type": "string", "enum": ["open", "accepted"]}, "token": {"type": "string"},
                       "manager": {"type": "boolean"}, "company_id": {"type": "integer"},
                       "member_id": {"type": ["integer", "null"]}, "accepted_at": NULLABLE_TIME},
    },
    "OutsidePurchase": {
        "type": "object", "required": ["id", "company_id", "supplier", "amount", "entry_id", "payout"],
        "properties": {"id": {"type": "integer"}, "company_id": {"type": "integer"}, "supplier": {"type": "string"},
                       "memo": {"type": "string"}, "amount": ref("Money"),
                       "grant_proposal_id": {"type": ["integer", "null"]}, "entry_id": {"type": "integer"},
                       "payout": {"type": "object", "properties": {
                           "id": {"type": "integer"}, "reference": {"type": "string"},
                           "status": {"type": "string", "enum": ["owed", "paid"]}, "paid_at": NULLABLE_TIME}},
                       "created_at": TIME},
    },
    "SurplusSweep": {
        "type": "object", "required": ["id", "company_id", "month", "balance", "monthly_payroll", "reserve_months",
                                       "earmarked", "surplus", "share", "swept"],
        "properties": {"id": {"type": "integer"}, "company_id": {"type": "integer"}, "month": {"type": "string"},
                       "balance": ref("Money"), "monthly_payroll": ref("Money"), "reserve_months": {"type": "integer"},
                       "earmarked": ref("Money"), "surplus": ref("Money"), "share": {"type": "string"},
                       "swept": ref("Money"), "entry_id": {"type": ["integer", "null"]}, "created_at": TIME},
    },
    "EquipmentGrant": {
        "type": "object", "required": ["proposal_id", "item_id", "cash", "spent", "unspent"],
        "properties": {"proposal_id": {"type": "integer"}, "item_id": {"type": "integer"}, "cash": ref("Money"),
                       "spent": ref("Money"), "unspent": ref("Money"), "created_at": TIME},
    },
})
PATHS.update({
    "/proposals/{id}/invitations": {"get": operation(
        "An executed acquisition's invitations with their links (the board of its region)",
        {"200": answer("Invitations", list_of(ref("Invitation"))), **errors("400", "401", "404")},
        params=[path_id("id"), *PAGING])},
    "/companies/{id}/handover": {"post": operation(
        "Make another active worker an admin of a worker-owned company (company admins)",
        {"200": answer("The company", ref("Company")), **errors("400", "401", "403", "404", "409")},
        params=[path_id("id")], body={"type": "object", "required": ["member_id"], "properties": {
            "member_id": {"type": "integer"}}})},
    "/companies/{id}/close": {"post": operation(
        "Close a worker-owned company (its last worker and admin): its unspent equipment grants return to the pool, "
        "the rest of its balance to them, the region's equipment to the inventory",
        {"200": answer("The company", ref("Company")), **errors("401", "403", "404", "409", "429")},
        params=[path_id("id")])},
    "/companies/{id}/surplus-sweeps": {"get": operation(
        "The monthly sweeps of a region-owned company's surplus to the capital pool, newest first (public)",
        {"200": answer("Sweeps", list_of(ref("SurplusSweep"))), **errors("400", "404")}, auth=False,
        params=[path_id("id"), *PAGING])},
    "/companies/{id}/grants": {"get": operation(
        "The equipment grants a company received and what its outside purchases spent of each",
        {"200": answer("Grants", list_of(ref("EquipmentGrant"))), **errors("404")}, auth=False,
        params=[path_id("id")])},
})


def document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Conductor API", "version": "1",
                 "description": "The public JSON API of Conductor. Money is {amount: decimal string, currency}."},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": PATHS,
        "components": {"schemas": SCHEMAS,
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }


@bp.get("/openapi.json", endpoint="document")
def openapi_json():
    return jsonify(document())
