"""Numbers, money, shares and times as people read them (Babel), in the viewer's time zone, and the
pages' strings ready for translation."""
from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

from flask_babel import refresh
from flask_login import login_user

from govern import i18n
from govern.extensions import db
from govern.members import service as members

ROOT = Path(__file__).resolve().parents[2]


def test_money_shares_and_numbers_read_plainly(app):
    with app.test_request_context():
        assert i18n.money(123_456_789) == "1,234,567.89 RSC"
        assert i18n.money(-5, "USD") == "-0.05 USD"
        assert i18n.percent(Decimal("0.02")) == "2%" and i18n.percent("1.0000") == "100%"
        assert i18n.percent(Decimal(2) / 3) == "66.7%"
        assert i18n.number("1234.5") == "1,234.5" and i18n.number(None) == "—"


def test_times_are_shown_in_the_members_time_zone_and_in_utc_to_visitors(app, member, now):
    moment = datetime(2026, 7, 1, 12, 0, tzinfo=timezone.utc)
    with app.test_request_context():
        assert i18n.when(moment) == "1 Jul 2026, 12:00 UTC"
    members.update_settings(db.session, member, time_zone="Europe/Paris", now=now)
    with app.test_request_context():
        login_user(members.get_member(db.session, member.id))
        refresh()  # the app context outlives this request context in tests: forget the zone read above
        assert i18n.when(moment) == "1 Jul 2026, 14:00 CEST"
        assert i18n.local_input(moment) == "2026-07-01T14:00"
        assert i18n.from_local(datetime(2026, 7, 1, 14, 0)) == moment


def test_the_marked_strings_can_be_extracted_for_translators(tmp_path):
    pot = tmp_path / "messages.pot"
    done = subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
                           "-o", str(pot), "."], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    text = pot.read_text()
    for marked in ('msgid "Page not found"', 'msgid "Your member number"', 'msgid "Find by name"'):
        assert marked in text
