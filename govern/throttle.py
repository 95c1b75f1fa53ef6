"""Per-member rate limits on the requests that move money.

One budget per member (`GOVERN_MONEY_LIMIT`, default `30 per minute; 500 per day`) is shared by
every page and API call that moves money or asks the board to: conversions, deposits and company
income, transfers, contributions, orders, outside purchases, payroll, and the board's treasury
actions (confirming and rejecting deposits, importing statements, settling payouts). A member
past it gets 429 and nothing happens. The count is kept where the login throttle keeps its own
(`GOVERN_RATELIMIT_STORAGE_URL`: in memory, or Redis shared by several workers). Requests without
a member (no or a bad token) are counted by client address; they are refused anyway.
"""
from __future__ import annotations

from flask import current_app, request
from flask_limiter.util import get_remote_address
from flask_login import current_user

from govern.apiutil import API_PREFIX, optional_member
from govern.errors import DomainError
from govern.extensions import limiter


def money_limit() -> str:
    return current_app.config["GOVERN_MONEY_LIMIT"]


def member_key() -> str:
    """The member a request comes from: the bearer token's on the API, the session's on pages."""
    member = None
    if request.path.startswith(API_PREFIX):
        try:
            member = optional_member()
        except DomainError:  # a bad token: the route answers 401 itself
            member = None
    elif current_user.is_authenticated:
        member = current_user
    return f"member:{member.id}" if member is not None else f"address:{get_remote_address()}"


money_moving = limiter.shared_limit(money_limit, scope="money", key_func=member_key,
                                    methods=["POST", "PUT", "DELETE"])
