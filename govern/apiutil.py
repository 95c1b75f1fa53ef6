"""What every JSON endpoint shares: the bearer token, the body, paging, the error shape."""
from __future__ import annotations

import re
from datetime import datetime

from flask import Blueprint, jsonify, request

from govern.clock import utcnow
from govern.errors import DomainError, NotAuthenticated, ValidationError
from govern.extensions import csrf, db
from govern.ids import whole_number
from govern.members import service as members
from govern.members.models import Member

API_PREFIX = "/api/v1"
MAX_PAGE = 200
DEFAULT_PAGE = 50


def api_blueprint(name: str, import_name: str) -> Blueprint:
    """A blueprint under /api/v1. Bearer tokens, never cookies, so CSRF does not apply."""
    bp = Blueprint(name, import_name, url_prefix=API_PREFIX)
    csrf.exempt(bp)
    return bp


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


def json_body() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ValidationError("The body must be a JSON object.", code="invalid_json")
    return data


def optional_json_body() -> dict:
    """The body of an endpoint whose fields are all optional: no body at all is `{}`; a body that is
    sent must be a JSON object (invalid JSON is refused, never taken for an empty body)."""
    if not request.get_data(cache=True):
        return {}
    return json_body()


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


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def idempotency_key() -> str | None:
    return request.headers.get("Idempotency-Key")
