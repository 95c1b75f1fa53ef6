"""Scheduled jobs. Each is a thin call to a service that takes `now` and is safe to run twice.

`flask govern tick` runs every job once; `flask govern scheduler` runs them on their
intervals in a process of its own; `make run` runs the scheduler inside the web process.
Areas add their jobs to `JOBS`.
"""
from __future__ import annotations

import hashlib
import logging
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Iterator

from flask import Flask, current_app
from sqlalchemy import text

from govern.clock import utcnow
from govern.extensions import db
from govern.companies import schedules, surplus
from govern.facilities import costs as facility_costs, rent as rents
from govern.health import service as health
from govern.mail import service as mail
from govern.mail.transport import transport_for
from govern.members import service as members
from govern.proposals import service as proposals

log = logging.getLogger("govern.jobs")


@dataclass(frozen=True)
class Job:
    name: str
    every_seconds: int
    run: Callable


def send_mail(session, now):
    """The outbox through the configured transport (SMTP, or instance/outbox/ without it)."""
    config = current_app.config
    return mail.send_due(session, now, transport_for(config, current_app.instance_path), config["GOVERN_BASE_URL"])


JOBS: list[Job] = [
    Job("close_due_proposals", 30, proposals.close_due_proposals),
    Job("send_closing_reminders", 300, proposals.send_closing_reminders),
    Job("expire_overdue_approvals", 300, proposals.expire_overdue_approvals),
    Job("run_scheduled_payrolls", 3600, schedules.run_scheduled_payrolls),
    Job("sweep_surplus", 3600, surplus.run_surplus_sweeps),
    Job("purge_expired_tokens", 3600, members.purge_expired_tokens),
    Job("charge_rent", 3600, rents.run_monthly_charges),
    Job("pay_facility_maintenance", 3600, facility_costs.run_maintenance),
    Job("charge_health_premiums", 3600, health.run_monthly_premiums),
    Job("send_mail", 30, send_mail),
    Job("send_digests", 3600, mail.send_digests),
]



def run_job(app: Flask, job: Job) -> object:
    """Run one job. On PostgreSQL a session-level advisory lock keyed on the job's name makes
    sure two schedulers never run the same job at once (the other one skips this round)."""
    with app.app_context():
        try:
            with _job_lock(job.name) as acquired:
                if not acquired:
                    log.info("job %s skipped: another scheduler is running it", job.name)
                    return "skipped"
                result = job.run(db.session, utcnow())
            log.info("job %s done: %s", job.name, result)
            return result
        finally:
            db.session.remove()


def job_lock_key(name: str) -> int:
    """The PostgreSQL advisory lock key of a job: stable across processes and hosts."""
    return int.from_bytes(hashlib.sha256(f"govern-job:{name}".encode()).digest()[:8], "big", signed=True)


@contextmanager
def _job_lock(name: str) -> Iterator[bool]:
    if db.engine.dialect.name != "postgresql":
        yield True  # SQLite: BEGIN IMMEDIATE already serialises every writer
        return
    key = job_lock_key(name)
    with db.engine.connect() as connection:
        acquired = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}).scalar()
        try:
            yield bool(acquired)
        finally:
            if acquired:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
            connection.commit()


def tick(app: Flask) -> dict[str, object]:
    return {job.name: run_job(app, job) for job in JOBS}


def start_scheduler(app: Flask, *, blocking: bool = False):
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.schedulers.blocking import BlockingScheduler

    scheduler = (BlockingScheduler if blocking else BackgroundScheduler)(timezone="UTC")
    for job in JOBS:
        scheduler.add_job(run_job, "interval", seconds=job.every_seconds, args=[app, job], id=job.name,
                          max_instances=1, coalesce=True, next_run_time=utcnow())
    scheduler.start()
    return scheduler
