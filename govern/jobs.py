"""Scheduled jobs. Each is a thin call to a service that takes `now` and is safe to run twice.

`flask govern tick` runs every job once; `flask govern scheduler` runs them on their
intervals in a process of its own; `make run` runs the scheduler inside the web process.
Areas add their jobs to `JOBS`.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable

from flask import Flask

from govern.clock import utcnow
from govern.extensions import db
from govern.members import service as members

log = logging.getLogger("govern.jobs")


@dataclass(frozen=True)
class Job:
    name: str
    every_seconds: int
    run: Callable


def _purge_tokens(session, now):
    return members.purge_expired_tokens(session, now)


JOBS: list[Job] = [
    Job("purge_expired_tokens", 3600, _purge_tokens),
]


def run_job(app: Flask, job: Job) -> object:
    with app.app_context():
        try:
            result = job.run(db.session, utcnow())
            log.info("job %s done: %s", job.name, result)
            return result
        finally:
            db.session.remove()


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
