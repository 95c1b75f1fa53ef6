"""What every JSON endpoint shares: the bearer token, the declaration of its request and answer
(`endpoint`), paging, the error shape.

Each endpoint declares its body, query, headers and answers once, as pydantic models, through
`endpoint(...)`; spectree (https://github.com/0b01001001/spectree) validates the request against
them before the function runs and builds the OpenAPI document from the same declarations. We chose
spectree because it decorates plain Flask blueprints (no replacement app or blueprint class), lets
a hook raise our own `ValidationError` (so a bad request is the contract's 400 error shape, never
422), and keeps headers such as `Idempotency-Key` declarable like any other input.
"""
from __future__ import annotations

import functools
import re
from datetime import datetime
from typing import Any

from flask import Blueprint, jsonify, request
from spectree import Response, SecurityScheme, SpecTree
from spectree.models import SecuritySchemeData

from govern.clock import utcnow
from govern.errors import DomainError, NotAuthenticated, ValidationError
from govern.extensions import csrf, db
from govern.ids import whole_number
from govern.members import service as members
from govern.members.models import Member
from govern.schemas import ErrorBody, Page

API_PREFIX = "/api/v1"
MAX_PAGE = 200
DEFAULT_PAGE = 50


def api_blueprint(name: str, import_name: str) -> Blueprint:
    """A blueprint under /api/v1. Bearer tokens, never cookies, so CSRF does not apply."""
    bp = Blueprint(name, import_name, url_prefix=API_PREFIX)
    csrf.exempt(bp)
    return bp


ERROR_DESCRIPTIONS = {
    400: "Bad input", 401: "No token, or a bad token", 403: "Not allowed", 404: "Not found, or not visible to you",
    409: "Conflicts with the current state", 413: "Body too large", 429: "Rate limited",
}
_MESSAGES = {
    "missing": "is required", "string_type": "must be a string", "int_type": "must be a whole number",
    "int_parsing": "must be a whole number", "bool_type": "must be true or false", "bool_parsing": "must be true or false",
    "dict_type": "must be an object", "model_type": "must be an object", "list_type": "must be a list",
    "extra_forbidden": "is not a field of this object", "date_from_datetime_parsing": "must be a date such as \"2026-06-01\"",
    "datetime_type": "must be a time such as \"2026-06-01T12:00:00+00:00\"",
    "datetime_parsing": "must be a time such as \"2026-06-01T12:00:00+00:00\"",
    "datetime_from_date_parsing": "must be a time such as \"2026-06-01T12:00:00+00:00\"",
    "timezone_aware": "must name its UTC offset, such as \"+00:00\"",
}


def _plain_words(error: dict) -> str:
    """A pydantic error in the words a member reads next to a field."""
    kind, context = error["type"], error.get("ctx") or {}
    if kind in _MESSAGES:
        return _MESSAGES[kind]
    if kind == "govern":
        return error["msg"]
    if kind in ("string_too_long", "too_long"):
        return f"must be at most {context.get('max_length')} characters" if kind == "string_too_long" \
            else f"must have at most {context.get('max_length')} items"
    if kind in ("string_too_short", "too_short"):
        return "must not be empty" if context.get("min_length") == 1 else f"must be at least {context.get('min_length')} long"
    if kind in ("less_than_equal", "less_than"):
        return f"must be at most {context.get('le', context.get('lt'))}"
    if kind in ("greater_than_equal", "greater_than"):
        return f"must be at least {context.get('ge', context.get('gt'))}"
    if kind in ("literal_error", "enum"):
        return f"must be one of: {context.get('expected', '').replace(chr(39), '')}"
    if kind == "string_pattern_mismatch":
        return "is not a valid email address" if "@" in context.get("pattern", "") else "is not in the expected form"
    return error["msg"][0].lower() + error["msg"][1:]


def _field_of(location: tuple) -> str:
    """The top-level field a problem belongs to (`amount` for `amount.currency`); headers by name."""
    names = [str(part) for part in location if part not in ("body", "query", "headers")]
    return names[0] if names else "body"


def raise_validation_error(_request, _response, error, _instance, _adapter) -> None:
    """spectree's hook before the endpoint runs: a body that is not a JSON object (unparseable, too
    deep, a lone surrogate or a NUL: see web.RequestJSON) or a request its models refuse is our 400."""
    if request.get_data(cache=True) and not isinstance(request.get_json(silent=True), dict):
        raise ValidationError("The body must be a JSON object.", code="invalid_json")
    if error is None:
        return
    fields: dict[str, list[str]] = {}
    for problem in error.errors():
        fields.setdefault(_field_of(tuple(problem["loc"])), []).append(_plain_words(problem))
    raise ValidationError("Some fields need another look.", fields=fields)


def _keep_answer(_request, _response, error, _instance, _adapter) -> None:
    """An answer that breaks its own declaration is our bug: it must fail loudly in tests."""
    if error is not None:
        raise AssertionError(f"answer does not match its declared model: {error}")


_COMPONENTS: dict[str, type] = {}


def component_name(model) -> str:
    """A model's name in the document. Two different models may not share one: the document would
    describe one of them wrongly, so the app refuses to start."""
    name = re.sub(r"[^A-Za-z0-9]", "", model.model_config.get("title") or model.__name__)
    known = _COMPONENTS.setdefault(name, model)
    if known is not model and (known.__module__, known.__qualname__) != (model.__module__, model.__qualname__):
        raise TypeError(f"two API models are both named {name}: {known.__module__} and {model.__module__}")
    return name


spec = SpecTree(
    "flask", mode="strict", title="Conductor API", version="1",
    description="The public JSON API of Conductor. Money is {amount: decimal string, currency}.",
    path="api/v1/_spectree", page_templates={}, validation_error_status=400, validation_error_model=ErrorBody,
    before=raise_validation_error, after=_keep_answer,
    naming_strategy=component_name,
    nested_naming_strategy=lambda _parent, child: re.sub(r"[^A-Za-z0-9]", "", child),
    security_schemes=[SecurityScheme(name="bearer", data=SecuritySchemeData(type="http", scheme="bearer"))],
    security={"bearer": []},
)


AREAS = {
    "members": "Members", "regions": "Regions", "federation": "Federation", "ledger": "Money and the ledger",
    "proposals": "Proposals and ballots",
    "companies": "Companies and payroll", "wages": "Wages", "inventory": "Inventory", "acquisitions": "Acquisitions",
    "market": "Marketplace", "delegation": "Delegation", "records": "Public records", "facilities": "Facilities",
    "health": "Health plan", "treasury": "Treasury", "apidocs": "This document",
}


def endpoint(*, ok: int = 200, answer: Any = None, errors: tuple[int, ...] = (), body: Any = None,
             query: Any = None, headers: Any = None, public: bool = False, also: dict[int, Any] | None = None):
    """Declare an API endpoint: its request models, its answer on success (`also`: other success
    statuses and their answers) and the error statuses it may give. The function returns the answer
    model (or `(model, status)`); spectree writes it. Non-public endpoints authenticate first (401
    before any 400), so a stranger learns nothing from the validation of a body."""
    responses = {f"HTTP_{ok}": answer, **{f"HTTP_{status}": model for status, model in (also or {}).items()}}
    responses.update({f"HTTP_{code}": (ErrorBody, ERROR_DESCRIPTIONS[code]) for code in errors})
    if not public:
        responses.setdefault("HTTP_401", (ErrorBody, ERROR_DESCRIPTIONS[401]))

    def declare(function):
        area = AREAS.get(function.__module__.split(".")[1], "Other")
        validated = spec.validate(json=body, query=query, headers=headers, resp=Response(**responses),
                                  security={} if public else None, tags=(area,))(function)

        @functools.wraps(validated)
        def authenticated_first(*args, **kwargs):
            if not public:
                require_member()
            return validated(*args, **kwargs)
        return authenticated_first
    return declare


def error_response(error: DomainError, status: int | None = None):
    body = {"code": error.code, "message": error.message}
    if error.fields:
        body["fields"] = error.fields
    return jsonify({"error": body}), status or error.status


def optional_member() -> Member | None:
    """The member the bearer token names, looked up once per request (kept on the request, not
    on `g`, which outlives a request when an app context was already pushed)."""
    if not hasattr(request, "govern_member"):
        request.govern_member = _member_from_header()
    return request.govern_member


def require_member() -> Member:
    member = optional_member()
    if member is None:
        raise NotAuthenticated("Send a valid bearer token: POST /api/v1/tokens gives one.")
    return member


def _member_from_header() -> Member | None:
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthenticated("The Authorization header must be `Bearer <token>`.")
    found = members.member_for_token(db.session, token.strip(), utcnow())
    if found is None:
        raise NotAuthenticated("This token is unknown, revoked or expired.", code="invalid_token")
    member, request.govern_token_id = found
    return member


def current_token_id() -> int:
    """The id of the bearer token this request was made with (after `require_member`)."""
    require_member()
    return request.govern_token_id


_RECEIPT = re.compile(r"^[0-9a-f]{1,32}$")


def page_params(*, receipt_cursor: bool = False) -> tuple[int | str | None, int]:
    """`?cursor=` (an id from the previous page's `next`, or a receipt for ballot lists) and
    `?limit=` (1 to 200)."""
    fields: dict[str, list[str]] = {}
    limit = whole_number(request.args.get("limit", str(DEFAULT_PAGE)), MAX_PAGE) or 0
    if not 1 <= limit <= MAX_PAGE:
        fields["limit"] = [f"must be a whole number from 1 to {MAX_PAGE}"]
    cursor_text = request.args.get("cursor")
    cursor = None
    if cursor_text is not None:
        cursor = (cursor_text if _RECEIPT.match(cursor_text) else None) if receipt_cursor else whole_number(cursor_text)
        if cursor is None:
            fields["cursor"] = ["is not a cursor this list gave"]
    if fields:
        raise ValidationError("Bad paging parameters.", fields=fields)
    return cursor, limit


def page(items: list, limit: int, render, cursor_of) -> dict:
    """The list shape: `items` (at most `limit`) and `next` (null on the last page).
    Callers fetch `limit + 1` rows so we know whether another page exists."""
    more = len(items) > limit
    items = items[:limit]
    return {"items": [render(item) for item in items], "next": str(cursor_of(items[-1])) if more else None}


def listed(answer, rows: list, limit: int, cursor_of=lambda row: row.id, render=None):
    """A page of answers from `limit + 1` rows: `Page[answer]` with `next` set when more remain."""
    return Page[answer].model_validate(page(rows, limit, render or answer.model_validate, cursor_of))


def every(answer, rows, render=None):
    """A list that is never paged (a handful of rows): `Page[answer]` with `next` null."""
    return Page[answer](items=[(render or answer.model_validate)(row) for row in rows], next=None)


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def idempotency_key() -> str | None:
    return request.headers.get("Idempotency-Key")
