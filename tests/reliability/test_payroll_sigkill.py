"""Promise 5: a payroll run killed with SIGKILL at a random point, then run again, pays each worker
exactly once. A child process (forked) pays several companies' periods through the payroll
service, against the test's own database file (SQLite) or database (PostgreSQL), and is killed
with os.kill(pid, SIGKILL) at a seeded random point: after a seeded number of its runs have
committed, plus a seeded fraction of a run. The
same runs are then made again in this process. Each worker then has exactly one payslip and one
pay posting per period, their wallet holds exactly what their payslips say, and the ledger
verifies. Several seeds, one round of periods each, on one prepared database."""
from __future__ import annotations

import os
import random
import signal
import time
import traceback
from collections import Counter
from datetime import date, timedelta

from sqlalchemy import and_, cast, func, insert, select

from govern import create_app
from govern.companies import service as companies
from govern.companies import pay_settings
from govern.companies import payroll
from govern.companies import workers
from govern.companies.models import HoursEntry, PayrollRun, Payslip
from govern.extensions import db
from govern.ledger import service as ledger
from govern.ledger.models import OWNER_MEMBER, WALLET, Account, LedgerEntry, Posting
from govern.money import Money
from tests.funding import record_income

COMPANIES = 3
WORKERS = 12
SEEDS = (11, 12, 13)
PERIODS_PER_ROUND = 2
FIRST_MONDAY = date(2026, 6, 1)
WEEKS = [(FIRST_MONDAY + timedelta(weeks=week), FIRST_MONDAY + timedelta(weeks=week, days=6))
         for week in range(PERIODS_PER_ROUND * len(SEEDS))]
ROUNDS = {seed: WEEKS[PERIODS_PER_ROUND * i:PERIODS_PER_ROUND * (i + 1)] for i, seed in enumerate(SEEDS)}
LONGEST_RUN_SECONDS = 0.15  # the kill lands up to this long after the last run the worker reported


def prepare_town(session, make_member, now) -> dict[int, list[int]]:
    """COMPANIES companies of WORKERS workers, with hours in every week; some workers have part of
    their pay converted to USD or given to the pool, so a run writes every kind of row."""
    town = {}
    for number in range(COMPANIES):
        founder = make_member()
        company = companies.register_company(session, founder, f"Works {number}", "repair", now)
        record_income(session, founder, company.id, WORKERS * 2000_00, "orders", now)
        staff = [founder] + [make_member() for _ in range(WORKERS - 1)]
        for position, worker in enumerate(staff):
            workers.set_worker(session, founder, company.id, member_id=worker.id, occupation="fitter",
                                 hourly_rate=Money(15_00 + position, "RSC"), now=now)
            if position % 3 == 1:
                pay_settings.set_auto_convert(session, worker, "40")
            elif position % 3 == 2:
                pay_settings.set_contribution_rate(session, worker, "5")
        # Hours go in directly: the service's checks on them are not what this test is about.
        session.execute(insert(HoursEntry), [
            {"company_id": company.id, "member_id": worker.id, "period_start": start, "period_end": end,
             "centihours": 800 + 25 * position, "entered_by": founder.id, "created_at": now}
            for position, worker in enumerate(staff) for start, end in WEEKS])
        session.commit()
        town[company.id] = [worker.id for worker in staff]
    return town


def pay_in_a_child_process(database_url: str, now, company_ids, weeks, report) -> None:
    """What the killed process does: pay each company's weeks through the payroll service, as the
    scheduler would, on its own app, engine and connections, reporting each run once committed."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "payroll-child", "TESTING": True,
                      "GOVERN_RUN_SCHEDULER": False})
    with app.app_context():
        for start, end in weeks:
            for company_id in company_ids:
                run = payroll.run_payroll(db.session, None, company_id, start.isoformat(), end.isoformat(), now)
                report.write(f"paid {company_id} {start} run {run.run.id}\n")
                report.flush()


def pay_in_a_process_killed_at_random(database_url: str, now, company_ids, weeks, seed: int) -> list[str]:
    """Fork a child that pays the weeks; once it has reported a seeded number of runs, wait a
    seeded fraction of a run and kill it with SIGKILL. Returns the runs it reported.

    A forked child starts with everything imported (a fresh interpreter would spend seconds on
    imports per seed); it builds its own app and engine and never touches the parent's connections."""
    chooser = random.Random(seed)
    runs_before_kill = chooser.randrange(len(company_ids) * len(weeks))
    delay = chooser.uniform(0, LONGEST_RUN_SECONDS)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        status = 0
        with os.fdopen(write_end, "w") as report:
            try:
                pay_in_a_child_process(database_url, now, company_ids, weeks, report)
            except BaseException:
                report.write("error " + traceback.format_exc().replace("\n", " | ") + "\n")
                status = 1
        os._exit(status)
    os.close(write_end)
    reported = []
    with os.fdopen(read_end) as progress:
        try:
            while len(reported) < runs_before_kill:
                line = progress.readline()
                assert line.startswith("paid"), f"the child stopped early: {line!r}"
                reported.append(line.strip())
            time.sleep(delay)
        finally:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        rest = progress.read().splitlines()
    assert not any(line.startswith("error") for line in rest), rest
    return reported + [line for line in rest if line.startswith("paid")]


def payslips_per_worker(session, company_id: int, start: date) -> Counter:
    return Counter(session.execute(
        select(Payslip.member_id).join(PayrollRun, PayrollRun.id == Payslip.run_id)
        .where(PayrollRun.company_id == company_id, PayrollRun.period_start == start)).scalars())


def pay_postings_per_worker(session, company_id: int, start: date) -> Counter:
    """Credits to workers' wallets by the ledger entries caused by this company's run(s) for the week."""
    runs = select(cast(PayrollRun.id, LedgerEntry.cause_id.type)).where(
        PayrollRun.company_id == company_id, PayrollRun.period_start == start)
    return Counter(session.execute(
        select(Account.owner_id).join(Posting, Posting.account_id == Account.id)
        .join(LedgerEntry, LedgerEntry.id == Posting.entry_id)
        .where(LedgerEntry.cause_type == "payroll", LedgerEntry.cause_id.in_(runs),
               Account.owner_type == OWNER_MEMBER, Account.kind == WALLET)).scalars())


def wallets_against_payslips(session) -> list[tuple]:
    """Workers whose wallet differs from the RSC their payslips paid them (they have no other money)."""
    paid = (select(Payslip.member_id, func.sum(Payslip.net_minor - Payslip.converted_rsc_minor
                                                - Payslip.contributed_minor).label("rsc"))
            .group_by(Payslip.member_id).subquery())
    return session.execute(
        select(Account.owner_id, Account.balance, paid.c.rsc)
        .join(paid, and_(paid.c.member_id == Account.owner_id))
        .where(Account.owner_type == OWNER_MEMBER, Account.kind == WALLET, Account.balance != paid.c.rsc)).all()


def test_a_payroll_killed_at_a_random_point_and_run_again_pays_each_worker_exactly_once(
    app, session, make_member, now
):
    town = prepare_town(session, make_member, now)
    database_url = app.config["SQLALCHEMY_DATABASE_URI"]

    for seed, weeks in ROUNDS.items():
        session.commit()
        reported = pay_in_a_process_killed_at_random(database_url, now, list(town), weeks, seed)
        print(f"seed {seed}: killed after {len(reported)} reported runs")
        session.expire_all()
        committed = session.execute(select(func.count()).select_from(PayrollRun).where(
            PayrollRun.period_start.in_([start for start, _ in weeks]))).scalar_one()
        assert len(reported) <= committed  # what it reported had committed

        for start, end in weeks:
            for company_id in town:
                payroll.run_payroll(session, None, company_id, start.isoformat(), end.isoformat(), now)
        session.commit()
        session.expire_all()

        for company_id, workers in town.items():
            for start, _ in weeks:
                once_each = Counter({worker: 1 for worker in workers})
                assert payslips_per_worker(session, company_id, start) == once_each, (seed, company_id, start)
                assert pay_postings_per_worker(session, company_id, start) == once_each, (seed, company_id, start)
        assert wallets_against_payslips(session) == [], seed
        report = ledger.verify(session)
        assert report.ok, (seed, report.problems)
