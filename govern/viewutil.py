"""Helpers for HTML views."""
from __future__ import annotations

from flask import session
from flask_login import login_user
from flask_wtf import FlaskForm

from govern.errors import DomainError, Forbidden


def show_error_on_form(form: FlaskForm, error: DomainError) -> None:
    """Put a service's error next to the fields it names, or at the top of the form.

    Not being allowed is not about the form: a Forbidden is raised again, so that the one error
    handler answers it with 403 and a page that says so."""
    if isinstance(error, Forbidden):
        raise error
    placed = False
    for name, problems in error.fields.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors) + problems
            placed = True
    if not placed:
        form.form_errors.append(error.message)


def start_session(member) -> None:
    """Log a member in with a fresh session: nothing from before the login (a CSRF token an
    attacker planted, say) is carried into it."""
    session.clear()
    login_user(member)
