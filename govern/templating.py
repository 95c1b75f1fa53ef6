"""Jinja filters for hours, time left and Markdown (money, numbers, shares and times: govern/i18n.py)."""
from __future__ import annotations

from datetime import datetime

import nh3
from flask import Flask
from markdown_it import MarkdownIt
from markupsafe import Markup

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def hours(centihours: int | None) -> str:
    """Hundredths of an hour as hours: 725 -> '7.25'."""
    return "" if centihours is None else f"{centihours // 100}.{centihours % 100:02d}"


def time_left(moment: datetime | None, now: datetime) -> str:
    """'2 days 3 hours', '45 minutes' — coarse, for humans."""
    if moment is None or moment <= now:
        return "no time"
    seconds = int((moment - now).total_seconds())
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = []
    if days:
        parts.append(f"{days} day{'s' if days != 1 else ''}")
    if hours and days < 7:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if not days and minutes:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts) or "less than a minute"


def ago(moment: datetime | None, now: datetime) -> str:
    """'just now', '5 minutes ago', '3 hours ago', '2 days ago' — coarse, for humans."""
    if moment is None:
        return ""
    seconds = max(int((now - moment).total_seconds()), 0)
    for size, unit in ((86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    return "just now"


def render_markdown(text: str | None) -> Markup:
    """Markdown to HTML with raw HTML disabled, then sanitized again by nh3 (Ammonia)."""
    html = _markdown.render(text or "")
    return Markup(nh3.clean(html, link_rel="noopener noreferrer nofollow"))


def field_attributes(field, autocomplete: str | None = None) -> dict[str, str]:
    """HTML attributes that tie a form field to its help text and errors for screen readers."""
    attributes = {}
    if autocomplete:
        attributes["autocomplete"] = autocomplete
    described_by = ([f"{field.id}-help"] if field.description else []) + ([f"{field.id}-error"] if field.errors else [])
    if described_by:
        attributes["aria-describedby"] = " ".join(described_by)
    if field.errors:
        attributes["aria-invalid"] = "true"
    return attributes


def _header_counts() -> dict:
    """The unread notifications count shown in the header of every page."""
    from flask_login import current_user

    from govern.extensions import db
    from govern.notifications.service import unread_count

    if not current_user.is_authenticated:
        return {"unread_notifications": 0, "my_region": None}
    from govern.regions.models import Region

    return {"unread_notifications": unread_count(db.session, current_user.id),
            "my_region": db.session.get(Region, current_user.region_id)}


def register_filters(app: Flask) -> None:
    app.context_processor(_header_counts)
    app.jinja_env.filters.update(hours=hours, markdown=render_markdown, time_left=time_left, ago=ago)
    app.jinja_env.globals.update(field_attributes=field_attributes)
    app.jinja_env.add_extension("jinja2.ext.do")
