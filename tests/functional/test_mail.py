"""Mail, end to end: events write to the outbox in their own transaction, the scheduler's job sends
through a real SMTP server (aiosmtpd, in this process, on 127.0.0.1), and what arrived is read back.
Without a mail server the same job writes .eml files that the board's outbox page lists."""
from __future__ import annotations

import socket
from datetime import timedelta
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from govern.acquisitions import service as acquisitions
from govern.companies import service as companies
from govern.extensions import db
from govern.jobs import JOBS, run_job
from govern.mail import service as mail
from govern.mail.models import DIGESTED, FAILED, HELD, QUEUED, SENT, OutgoingMail
from govern.members import service as members
from govern.money import Money
from govern.proposals import service as proposals
from govern.treasury import service as treasury
from tests.conftest import TEST_PASSWORD, later
from tests.funding import board_of, buy_rsc


class Inbox:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = message_from_bytes(envelope.content, policy=default_policy)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 OK"

    def to(self, address: str) -> list:
        return [m for rcpt, m in self.messages if address in rcpt]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield controller, inbox
    finally:
        controller.stop()


@pytest.fixture
def mailing_app(app_factory, smtp):
    controller, _ = smtp
    return app_factory(GOVERN_SMTP_URL=f"smtp://{controller.hostname}:{controller.port}")


@pytest.fixture
def world(mailing_app, now):
    from govern.regions import service as regions

    with mailing_app.app_context():
        region = regions.create_region(db.session, "Riverside", now)
        people = {name: members.join(db.session, email=f"{name.lower()}@example.org", name=name,
                                     password=TEST_PASSWORD, region_id=region.id, board=name == "Bea", now=now)
                  for name in ("Bea", "Ann", "Ben")}
        yield region, people


SEND = next(job for job in JOBS if job.name == "send_mail")
DIGESTS = next(job for job in JOBS if job.name == "send_digests")


def test_a_confirmed_deposit_is_mailed_through_smtp_once_however_often_the_job_runs(mailing_app, world, smtp, now):
    _, inbox = smtp
    _, people = world
    deposit = buy_rsc(db.session, people["Ann"], 2_500, now)
    assert inbox.messages == []  # the request wrote a row; nothing was sent on its way
    assert run_job(mailing_app, SEND) == {"sent": 1, "failed": 0}
    assert run_job(mailing_app, SEND) == {"sent": 0, "failed": 0}
    [message] = inbox.to("ann@example.org")
    assert message["Subject"] == f"Your deposit {deposit.reference} arrived"
    assert message["Message-ID"].startswith("<outbox-")
    text = message.get_content()
    assert "Hello Ann," in text and "25.00 USD" in text
    assert f"http://coop.test/deposits/{deposit.id}" in text and "http://coop.test/me/settings" in text


def test_a_member_who_switched_a_kind_of_mail_off_gets_none_of_it(mailing_app, world, smtp, now):
    _, inbox = smtp
    _, people = world
    members.update_settings(db.session, people["Ann"], time_zone="Europe/Paris", now=now, mail_deposits=False)
    buy_rsc(db.session, people["Ann"], 2_500, now)
    run_job(mailing_app, SEND)
    assert inbox.to("ann@example.org") == []
    assert db.session.execute(select(func.count()).select_from(OutgoingMail)).scalar_one() == 0


def test_reminders_go_to_those_who_have_not_voted_and_results_to_those_who_did(mailing_app, world, smtp, now, clock):
    _, inbox = smtp
    _, people = world
    proposal = proposals.create_proposal(
        db.session, people["Ann"], kind_key="referendum", title="A longer market day", body="", payload={},
        closes_at=now + timedelta(hours=20), now=now, min_voting_seconds=1)
    proposals.cast_ballot(db.session, people["Ann"], proposal.id, "yes", now)
    proposals.send_closing_reminders(db.session, now)
    proposals.send_closing_reminders(db.session, now)  # twice: still one reminder each
    clock.shift(timedelta(hours=21))
    proposals.close_proposal(db.session, proposal.id, now + timedelta(hours=21))
    run_job(mailing_app, SEND)
    reminded = sorted(rcpt[0] for rcpt, m in inbox.messages if m["Subject"].startswith("Voting closes soon"))
    assert reminded == ["bea@example.org", "ben@example.org"]
    [result] = [m for rcpt, m in inbox.messages if m["Subject"].startswith("Result:")]
    assert inbox.to("ann@example.org") == [result]
    assert "has closed: it passed and was carried out" in result.get_content()
    assert f"http://coop.test/proposals/{proposal.id}" in result.get_content()


def test_voting_clears_the_reminder_notification(world, now):
    _, people = world
    proposal = proposals.create_proposal(
        db.session, people["Ann"], kind_key="referendum", title="Plant trees", body="", payload={},
        closes_at=now + timedelta(hours=20), now=now, min_voting_seconds=1)
    from govern.notifications.service import unread_count

    proposals.send_closing_reminders(db.session, now)
    assert unread_count(db.session, people["Ben"].id) == 1
    proposals.cast_ballot(db.session, people["Ben"], proposal.id, "no", later(now, minutes=1))
    assert unread_count(db.session, people["Ben"].id) == 0


def test_an_acquired_businesss_employee_is_mailed_their_invitation_link(mailing_app, world, smtp, now):
    _, inbox = smtp
    region, people = world
    company = companies.create_region_company(db.session, region.id, "Corner Bakery", "bakery", now)
    proposal = proposals.create_proposal(db.session, people["Ann"], kind_key="referendum", title="Buy it", body="",
                                         payload={}, closes_at=now + timedelta(days=1), now=now, min_voting_seconds=1)
    [invitation] = acquisitions.invite(db.session, company=company, proposal_id=proposal.id, now=now, employees=[
        acquisitions.Employee("Cleo Baker", "cleo@bakery.example", "baker", 2_250)])
    db.session.commit()
    run_job(mailing_app, SEND)
    [message] = inbox.to("cleo@bakery.example")
    assert message["Subject"] == "Corner Bakery is now owned by its co-op: you are invited to join"
    assert f"http://coop.test/invitations/{invitation.token}" in message.get_content()
    assert "22.50 RSC an hour" in message.get_content()


def test_with_the_digest_on_mails_wait_and_come_once_a_day_in_one(mailing_app, world, smtp, now, clock):
    _, inbox = smtp
    _, people = world
    members.update_settings(db.session, people["Ann"], time_zone="UTC", now=now, mail_digest=True)
    first = buy_rsc(db.session, people["Ann"], 1_000, now)
    cashed_out = buy_rsc(db.session, people["Ann"], 1_500, later(now, hours=3))
    run_job(mailing_app, SEND)
    assert inbox.to("ann@example.org") == []
    assert mail.send_digests(db.session, later(now, hours=12)) == 0  # not a day yet
    clock.shift(timedelta(hours=25))
    assert run_job(mailing_app, DIGESTS) == 1
    assert run_job(mailing_app, DIGESTS) == 0
    run_job(mailing_app, SEND)
    [digest] = inbox.to("ann@example.org")
    assert digest["Subject"] == "Your day at the co-op: 2 updates"
    text = digest.get_content()
    assert f"Your deposit {first.reference} arrived" in text and f"Your deposit {cashed_out.reference} arrived" in text
    db.session.rollback()  # read after the jobs' own sessions committed
    statuses = db.session.execute(select(OutgoingMail.status).order_by(OutgoingMail.id)).scalars().all()
    assert statuses == [DIGESTED, DIGESTED, SENT]
    assert DIGESTS.every_seconds <= 3600


def test_a_mail_server_that_is_down_is_retried_later_and_given_up_on_after_six_attempts(app_factory, now):
    from govern.regions import service as regions

    app = app_factory(GOVERN_SMTP_URL=f"smtp://127.0.0.1:{_free_port()}")  # nobody listens there
    with app.app_context():
        region = regions.create_region(db.session, "Riverside", now)
        ann = members.join(db.session, email="ann@example.org", name="Ann", password=TEST_PASSWORD,
                           region_id=region.id, now=now)
        buy_rsc(db.session, ann, 1_000, now)
        moment = now
        for attempt in range(1, mail.MAX_ATTEMPTS + 1):
            assert mail.send_due(db.session, moment, _transport(app), "http://coop.test") == {"sent": 0, "failed": 1}
            row = db.session.execute(select(OutgoingMail)).scalar_one()
            assert row.attempts == attempt and "Connection" in row.last_error
            if attempt < mail.MAX_ATTEMPTS:
                assert row.status == QUEUED and row.next_attempt_at > moment
                assert mail.send_due(db.session, moment, _transport(app), "http://coop.test") == {"sent": 0, "failed": 0}
                moment = row.next_attempt_at
        assert row.status == FAILED


def _transport(app):
    from govern.mail.transport import transport_for

    return transport_for(app.config, app.instance_path)


def test_without_a_mail_server_mails_are_files_the_board_reads_on_the_outbox_page(app_factory, tmp_path, now):
    from govern.regions import service as regions

    app = app_factory(GOVERN_SMTP_URL="", GOVERN_OUTBOX_DIR=str(tmp_path / "mails"))
    with app.app_context():
        region = regions.create_region(db.session, "Riverside", now)
        bea = members.join(db.session, email="bea@example.org", name="Bea", password=TEST_PASSWORD,
                           region_id=region.id, board=True, now=now)
        ann = members.join(db.session, email="ann@example.org", name="Ann", password=TEST_PASSWORD,
                           region_id=region.id, now=now)
        deposit = treasury.request_conversion(db.session, ann, Money(1_000, "USD"), now)
        treasury.reject_deposit(db.session, board_of(db.session, region.id), deposit.id, "Never arrived", now)
        run_job(app, SEND)
        [written] = sorted((tmp_path / "mails").glob("*.eml"))
        saved = message_from_bytes(written.read_bytes(), policy=default_policy)
        assert saved["To"] == "ann@example.org" and "was rejected: Never arrived" in saved.get_content()
        row = db.session.execute(select(OutgoingMail)).scalar_one()
        assert row.status == SENT and row.stored_as == written.name

        emails = bea.email, ann.email
    board, member = app.test_client(), app.test_client()
    for client, email in zip((board, member), emails):
        client.post("/login", data={"email": email, "password": TEST_PASSWORD})
    page = board.get("/board/outbox").get_data(as_text=True)
    assert "No mail server is set" in page and written.name in page and "ann@example.org" in page
    shown = board.get(f"/board/outbox/{row.id}").get_data(as_text=True)
    assert "Never arrived" in shown and "http://coop.test/deposits/" in shown
    assert member.get("/board/outbox").status_code == 403
    assert member.get(f"/board/outbox/{row.id}").status_code == 403


def test_the_settings_page_saves_the_time_zone_and_mail_switches_and_refuses_an_unknown_zone(app, client, member):
    client.post("/login", data={"email": member.email, "password": TEST_PASSWORD})
    bad = client.post("/me/settings", data={"time_zone": "Mars/Olympus", "mail_results": "y"})
    assert bad.status_code == 400 and "Not a valid choice" in bad.get_data(as_text=True)
    saved = client.post("/me/settings", data={"time_zone": "Asia/Tokyo", "mail_results": "y", "mail_digest": "y"})
    assert saved.status_code == 302
    db.session.expire_all()
    stored = members.get_member(db.session, member.id)
    assert (stored.time_zone, stored.mail_results, stored.mail_reminders, stored.mail_digest) == \
        ("Asia/Tokyo", True, False, True)
    assert "Voting closes (Asia/Tokyo)" in client.get("/proposals/new/referendum").get_data(as_text=True)


def test_a_held_mail_for_the_digest_is_not_sent_on_its_own(world, now):
    _, people = world
    members.update_settings(db.session, people["Ben"], time_zone="UTC", now=now, mail_digest=True)
    buy_rsc(db.session, people["Ben"], 1_000, now)
    assert db.session.execute(select(OutgoingMail.status)).scalar_one() == HELD
