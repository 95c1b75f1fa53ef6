"""Jinja filters for money, times and Markdown."""
from __future__ import annotations

from datetime import datetime

import nh3
from flask import Flask
from markdown_it import MarkdownIt
from markupsafe import Markup

from govern.money import format_minor

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def money(minor: int | None, currency: str = "RSC") -> str:
    return "—" if minor is None else f"{format_minor(minor)} {currency}"


def when(moment: datetime | None) -> str:
    return "" if moment is None else moment.strftime("%Y-%m-%d %H:%M UTC")


def render_markdown(text: str | None) -> Markup:
    """Markdown to HTML with raw HTML disabled, then sanitized again by nh3 (Ammonia)."""
    html = _markdown.render(text or "")
    return Markup(nh3.clean(html, link_rel="noopener noreferrer nofollow"))


def field_attributes(field, autocomplete: str | None = None) -> dict[str, str]:
    """HTML attributes that tie a form field to its help text and errors for screen readers."""
    attributes = {}
    if autocomplete:
        attributes["autocomplete"] = autocomplete
    if field.description:
        attributes["aria-describedby"] = f"{field.id}-help"
    if field.errors:
        attributes["aria-invalid"] = "true"
    return attributes


def register_filters(app: Flask) -> None:
    app.jinja_env.filters.update(money=money, when=when, markdown=render_markdown)
    app.jinja_env.globals.update(field_attributes=field_attributes)
