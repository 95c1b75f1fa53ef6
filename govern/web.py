"""One place that turns errors into answers: the API's JSON error shape, or an HTML page."""
from __future__ import annotations

import io
import json
import logging
import re

from flask import Flask, current_app, render_template, request, session
from flask.json.provider import DefaultJSONProvider
from flask.sessions import SecureCookieSessionInterface
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.middleware.proxy_fix import ProxyFix

from govern import schema
from govern.apiutil import API_PREFIX, error_response
from govern.errors import DomainError
from govern.extensions import db

log = logging.getLogger("govern.security")  # see govern/audit.py
HSTS_SECONDS = 365 * 24 * 3600

_HTTP_CODES = {
    400: "bad_request", 401: "not_authenticated", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 413: "payload_too_large", 415: "unsupported_media_type",
    429: "rate_limited",
}


def _where() -> str:
    """The method and the route with its ids, never the raw path: a path may carry a secret
    (an invitation link's token)."""
    if request.url_rule is None:
        return f"{request.method} (no route)"
    ids = {name: value for name, value in (request.view_args or {}).items() if isinstance(value, int)}
    return f"{request.method} {request.url_rule.rule}" + (f" {ids}" if ids else "")


def _is_api() -> bool:
    return request.path.startswith(API_PREFIX)


def handle_domain_error(error: DomainError):
    if error.status in (401, 403, 429):
        log.info("denied %s: %s", _where(), error.code)
    if _is_api():
        return error_response(error)
    return render_template("error.html", error=error), error.status


# What an error page says when the code that stopped the request gave no reason of its own (Werkzeug's
# default descriptions speak of servers and URLs, not of what the person was doing).
_PLAIN_WORDS = {
    400: "The request could not be read. Go back, check what you typed and try again.",
    401: "Log in to see this page.",
    403: "You are not allowed to do this.",
    404: "There is no page at this address. It may have moved, or the link may be mistyped.",
    405: "This page cannot be used that way.",
    409: "This cannot be done now: the record changed since you loaded the page. Reload it and try again.",
    413: "What you sent is too large.",
    415: "What you sent is not in a form this page reads.",
    429: "Too many attempts. Wait a few minutes and try again.",
}


def _message_of(error: HTTPException, status: int) -> str:
    """The error's own description, unless it is Werkzeug's default for its status."""
    description = error.description or ""
    if not description or description == type(error).description:
        return _PLAIN_WORDS.get(status, error.name)
    return description


def handle_http_exception(error: HTTPException):
    status = error.code or 500
    code = _HTTP_CODES.get(status, "http_error" if status < 500 else "internal_error")
    message = _message_of(error, status)
    if isinstance(error, RateLimitExceeded):
        code = "rate_limited"  # the limit's own message (joining), or the login throttle's
        message = error.description if error.limit.error_message else "Too many attempts. Wait a few minutes and try again."
        log.warning("rate limited %s from %s", _where(), request.remote_addr)
    elif status in (401, 403):
        log.info("denied %s: %s", _where(), code)
    elif isinstance(error, CSRFError):
        code, message = "csrf_failed", "This form has expired or was not sent from this site. Reload the page and try again."
        log.warning("csrf failure %s from %s", _where(), request.remote_addr)
    domain_error = DomainError(message, code=code)
    domain_error.status = status
    if _is_api():
        response = error_response(domain_error, status)
        if isinstance(error, HTTPException) and status == 405:
            response[0].headers["Allow"] = ", ".join(error.valid_methods or [])
        return response
    return render_template("error.html", error=domain_error), status


def handle_unexpected(error: Exception):
    not_ready = schema.problem(db.engine) if isinstance(error, SQLAlchemyError) else None
    if not_ready:  # a database that was never migrated: say what to run, not a traceback
        logging.getLogger("govern").error(not_ready)
        domain_error = DomainError(not_ready, code="database_not_ready")
        domain_error.status = 503
    else:
        log.exception("unhandled error on %s", _where())
        domain_error = DomainError("Something went wrong on our side. Nothing was changed.", code="internal_error")
        domain_error.status = 500
    if _is_api():
        return error_response(domain_error, domain_error.status)
    return render_template("error.html", error=domain_error), domain_error.status


def security_headers(response):
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if request.is_secure and current_app.config.get("SESSION_COOKIE_SECURE"):
        # GOVERN_SECURE_COOKIES=1 says the site is served over HTTPS only: browsers may go on assuming so.
        response.headers.setdefault("Strict-Transport-Security", f"max-age={HSTS_SECONDS}")
    if request.endpoint != "static" and _is_private(response):
        response.headers["Cache-Control"] = "no-store"
        response.headers.pop("Expires", None)
    return response


def _is_private(response) -> bool:
    """An answer for someone in particular (a member logged in, or calling with a token), the answer
    to anything but a read (a new token, say), or one that sets a cookie: no shared cache, and no
    browser's cache after logout, may keep it."""
    return ("Authorization" in request.headers or "_user_id" in session or session.modified
            or request.method not in ("GET", "HEAD") or "Set-Cookie" in response.headers)


# A lone UTF-16 surrogate ("\\ud800") parses from JSON but cannot be stored or encoded as UTF-8; a NUL
# cannot be stored in PostgreSQL text. Neither is in any text a person types.
_UNSTORABLE = re.compile("[\ud800-\udfff\x00]")


class RequestJSON(DefaultJSONProvider):
    """Request bodies that would break something further in are invalid JSON (400), like any other:
    nesting deep enough to exhaust Python's recursion (100,000 `[`), and strings that no column can
    hold (a lone surrogate, a NUL)."""

    def loads(self, s, **kwargs):
        try:
            data = json.loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None
        if _holds_unstorable_text(data):
            raise ValueError("JSON text with a lone surrogate or a NUL character")
        return data


def _holds_unstorable_text(data) -> bool:
    pending = [data]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if _UNSTORABLE.search(item):
                return True
        elif isinstance(item, dict):
            pending.extend(item)
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def cap_unsized_body() -> None:
    """A body sent without Content-Length (chunked) is read here, up to MAX_CONTENT_LENGTH: one
    byte more answers 413, as a body that says it is too long does. (Werkzeug alone stops reading
    at the cap and hands on the truncated body, which then fails to parse: a 400.) Runs before any
    other hook reads the body."""
    environ = request.environ
    if environ.get("CONTENT_LENGTH") or not environ.get("wsgi.input_terminated") or request.method in ("GET", "HEAD"):
        return
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit is None:
        return
    body = environ["wsgi.input"].read(limit + 1)
    if len(body) > limit:
        raise RequestEntityTooLarge()
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))


class SessionCookies(SecureCookieSessionInterface):
    """The session cookie is Secure whenever the request came over HTTPS, even if
    GOVERN_SECURE_COOKIES was not set (it forces Secure on every response)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return super().get_cookie_secure(app) or request.is_secure


def register(app: Flask) -> None:
    app.json = RequestJSON(app)
    app.session_interface = SessionCookies()
    proxies = app.config.get("GOVERN_TRUSTED_PROXIES", 0)
    if proxies:  # only then are X-Forwarded-For/-Proto/-Host believed (client address, https, host)
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    if not app.testing:
        app.register_error_handler(Exception, handle_unexpected)
    app.after_request(security_headers)
