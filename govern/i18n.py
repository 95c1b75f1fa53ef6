"""Numbers, money, shares and times as people read them, through Babel (Flask-Babel), and the
strings of the pages marked for translation (`_()` in templates, `gettext` in code; babel.cfg
says where to look: `pybabel extract -F babel.cfg -o messages.pot .`).

Times are shown in the member's own time zone (their setting on /me/settings); visitors see UTC.
English is the only language shipped; a translation is a catalogue under govern/translations/.
"""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import Flask
from flask_babel import Babel, format_datetime, format_decimal, format_percent, get_timezone

from govern.zones import UTC, is_time_zone

DEFAULT_LOCALE = "en"
babel = Babel()


def _locale() -> str:
    return DEFAULT_LOCALE


def _time_zone() -> str:
    from flask_login import current_user

    try:
        zone = current_user.time_zone if current_user.is_authenticated else UTC
    except Exception:  # noqa: BLE001 - no user table yet (a database never migrated): UTC
        return UTC
    return zone if is_time_zone(zone) else UTC


def money(minor: int | None, currency: str = "RSC") -> str:
    """1234567 -> '12,345.67 RSC'."""
    if minor is None:
        return "—"
    return f"{format_decimal(Decimal(minor) / 100, format='#,##0.00;-#,##0.00')} {currency}"


def number(value: object, digits: int = 2) -> str:
    """A plain number with thousands separators and at most `digits` decimals: 1234.5 -> '1,234.5'."""
    if value is None or value == "":
        return "—"
    pattern = "#,##0" + ("." + "#" * digits if digits else "")
    return format_decimal(Decimal(str(value)), format=pattern)


def percent(share: object, digits: int = 1) -> str:
    """A share (0 to 1) as a percentage: Decimal('0.02') -> '2%', 0.6667 -> '66.7%'."""
    if share is None or share == "":
        return "—"
    pattern = "#,##0" + ("." + "#" * digits if digits else "") + "%"
    return format_percent(Decimal(str(share)), format=pattern)


def when(moment: datetime | None) -> str:
    """'26 Nov 2026, 13:00 CET' in the viewer's time zone."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    zone = str(get_timezone())
    abbreviation = moment.astimezone(ZoneInfo(zone)).tzname() or zone  # "CET", "JST", "UTC" (CLDR has none for most)
    return f"{format_datetime(moment, 'd MMM yyyy, HH:mm')} {abbreviation}"


def local_input(moment: datetime | None) -> str:
    """A UTC time as the viewer's local `datetime-local` value."""
    if moment is None:
        return ""
    return moment.astimezone(ZoneInfo(str(get_timezone()))).strftime("%Y-%m-%dT%H:%M")


def from_local(naive: datetime | None) -> datetime | None:
    """A `datetime-local` value the viewer typed, in their time zone, as aware UTC."""
    if naive is None:
        return None
    return naive.replace(tzinfo=ZoneInfo(str(get_timezone()))).astimezone(timezone.utc)


def zone_name() -> str:
    return str(get_timezone())


def register(app: Flask) -> None:
    babel.init_app(app, locale_selector=_locale, timezone_selector=_time_zone, default_locale=DEFAULT_LOCALE)
    app.jinja_env.filters.update(money=money, number=number, percent=percent, when=when)
    app.jinja_env.globals.update(zone_name=zone_name)
