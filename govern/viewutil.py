"""Helpers for HTML views."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import session
from flask_login import login_user
from flask_wtf import FlaskForm

from govern.errors import DomainError, Forbidden, ValidationError


def show_error_on_form(form: FlaskForm, error: DomainError, *, only_new: bool = False) -> None:
    """Put a service's error next to the fields it names, or at the top of the form. With
    `only_new`, a field the form's own checks already faulted keeps just their message (the
    service would say the same thing again in other words).

    Not being allowed is not about the form: a Forbidden is raised again, so that the one error
    handler answers it with 403 and a page that says so."""
    if isinstance(error, Forbidden):
        raise error
    placed = False
    for name, problems in error.fields.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            if not (only_new and field.errors):
                field.errors = list(field.errors) + [p for p in problems if p not in field.errors]
            placed = True
    if not placed:
        form.form_errors.append(error.message)


def next_path(target: str | None) -> str | None:
    """Where to go after logging in: a path on this site, or None (the dashboard).

    Browsers drop tabs and newlines from URLs and read a backslash as a slash, so `/%09/evil.com`
    and `/\\evil.com` would leave the site; a control character (or any unprintable one) is no part
    of a link we make, so it answers 400 rather than reaching a header. Anything that is not a
    plain path (`//evil.com`, `https://evil.com`) is ignored."""
    if not target:
        return None
    if not target.isprintable():
        raise ValidationError("This link's `next` address is not one this site makes.", code="bad_next",
                              fields={"next": ["must be a path on this site"]})
    parts = urlsplit(target)
    if not target.startswith("/") or target.startswith("//") or "\\" in target or parts.scheme or parts.netloc:
        return None
    return target


def start_session(member) -> None:
    """Log a member in with a fresh session: nothing from before the login (a CSRF token an
    attacker planted, say) is carried into it."""
    session.clear()
    login_user(member)
