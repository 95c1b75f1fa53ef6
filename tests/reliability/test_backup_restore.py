"""Promise 16: `flask govern backup PATH` writes a consistent copy while the app runs, and
`flask govern restore PATH` brings it back (refusing to overwrite data without `--yes`) and then
verifies the ledger. The backup is taken while another thread keeps paying; restored into a fresh
database, the ledger verifies and every balance equals what the source's postings say at the
backup's chain head. SQLite uses the online backup API; PostgreSQL uses pg_dump/pg_restore.

On PostgreSQL the fresh database is the test's own database, emptied (its schema dropped), once
the source's ledger has been read: creating and dropping a database forces a server checkpoint,
which on a shared server can take minutes."""
from __future__ import annotations

import shutil
import threading
import time

import pytest
from sqlalchemy import create_engine, func, select, text

from govern import create_app
from govern.extensions import db
from govern.ledger import transfers
from govern.ledger.models import Account, LedgerEntry, LedgerHead, Posting
from govern.members.models import Member
from govern.money import Money
from tests.conftest import PG_URL, base_config
from tests.reliability.support import changed_tables, settle, snapshot

pytestmark = pytest.mark.skipif(bool(PG_URL) and not shutil.which("pg_dump"),
                                reason="pg_dump/pg_restore are not on PATH")


@pytest.fixture
def empty_app(app, tmp_path):
    """empty_app(): an app on a database with no tables at all, where a restore goes. On SQLite a
    new file; on PostgreSQL the test's own database, emptied: call it only once the source has
    been read."""
    made = []

    def make():
        if PG_URL:
            url = app.config["SQLALCHEMY_DATABASE_URI"]
            db.session.remove()
            db.engine.dispose()
            engine = create_engine(url)
            with engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
            engine.dispose()
        else:
            url = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        made.append(create_app(base_config(url)))
        return made[-1]

    yield make
    for target in made:
        with target.app_context():
            db.session.remove()
            db.engine.dispose()


class KeepPaying(threading.Thread):
    """Members pay each other in a loop, one transaction each, until stopped."""

    def __init__(self, app, member_ids: list[int], now):
        super().__init__(name="keep-paying")
        self.app, self.member_ids, self.now = app, member_ids, now
        self.paid = 0
        self.stopping = threading.Event()
        self.error: BaseException | None = None

    def run(self):
        with self.app.app_context():
            try:
                while not self.stopping.is_set():
                    n = self.paid
                    sender = db.session.get(Member, self.member_ids[n % len(self.member_ids)])
                    recipient = self.member_ids[(n + 1) % len(self.member_ids)]
                    transfers.transfer(db.session, sender, recipient, Money(1_00 + n % 7, "RSC"), f"pay {n}", self.now)
                    self.paid += 1
            except BaseException as error:  # reported by the test
                self.error = error
            finally:
                db.session.remove()

    def wait_for(self, payments: int) -> None:
        deadline = time.monotonic() + 60
        while self.paid < payments and self.error is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert self.error is None, self.error
        assert self.paid >= payments, "the paying thread is stuck"


def invoke_on(app, *args):
    """Run `flask govern ARGS` on this app (the CLI runs on whichever app context is current)."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=["govern", *args])


def source_ledger(session) -> tuple[list[tuple], dict[int, str], list[int]]:
    """The source's postings, entry hashes and account ids, read before anything is restored."""
    postings = [tuple(row) for row in session.execute(select(Posting.entry_id, Posting.account_id, Posting.amount))]
    hashes = dict(session.execute(select(LedgerEntry.id, LedgerEntry.hash)).all())
    return postings, hashes, list(session.execute(select(Account.id)).scalars())


def balances_at(postings: list[tuple], account_ids: list[int], entry_id: int) -> dict[int, int]:
    """Every account's balance after entry `entry_id`, summed from the postings."""
    balances = dict.fromkeys(account_ids, 0)
    for posted_in, account_id, amount in postings:
        if posted_in <= entry_id:
            balances[account_id] += amount
    return balances


def test_a_backup_taken_while_members_pay_restores_into_a_fresh_database_intact(
    app, session, runner, make_member, fund, empty_app, tmp_path, now
):
    people = [make_member() for _ in range(4)]
    for person in people:
        fund(person, 500_00)
    settle(session)
    entries_before = session.execute(select(func.count()).select_from(LedgerEntry)).scalar_one()
    paying = KeepPaying(app, [p.id for p in people], now)
    paying.start()
    backup_file = tmp_path / "govern.backup"
    try:
        paying.wait_for(5)
        made = runner.invoke(args=["govern", "backup", str(backup_file)])
        paid_at_backup = paying.paid
        paying.wait_for(paid_at_backup + 5)
    finally:
        paying.stopping.set()
        paying.join(60)
    assert paying.error is None, paying.error
    assert made.exit_code == 0, made.output
    settle(session)  # read the source as it is now, after every payment
    postings, hashes, account_ids = source_ledger(session)
    fresh = empty_app()

    restored = invoke_on(fresh, "restore", str(backup_file))

    assert restored.exit_code == 0, restored.output
    assert '"ok": true' in restored.output
    with fresh.app_context():
        head = db.session.execute(select(LedgerHead)).scalar_one()
        restored_balances = dict(db.session.execute(select(Account.id, Account.balance)).all())
        restored_entries = db.session.execute(select(func.count()).select_from(LedgerEntry)).scalar_one()
    assert entries_before + 5 <= head.entry_id < entries_before + paying.paid  # a moment in the middle of the writes
    assert restored_entries == head.entry_id
    assert restored_balances == balances_at(postings, account_ids, head.entry_id)
    assert head.hash == hashes[head.entry_id]  # the restored chain is the source's chain, up to that moment


def test_restore_refuses_to_overwrite_a_database_with_data_unless_told_yes(
    app, session, runner, make_member, fund, tmp_path
):
    member = make_member()
    fund(member, 10_00)
    member_id = member.id
    settle(session)
    backup_file = tmp_path / "govern.backup"
    assert runner.invoke(args=["govern", "backup", str(backup_file)]).exit_code == 0
    session.execute(text("UPDATE members SET name = 'Changed after the backup' WHERE id = :id"), {"id": member_id})
    settle(session)

    refused = runner.invoke(args=["govern", "restore", str(backup_file)])

    assert refused.exit_code != 0
    assert "already holds data" in refused.output and "--yes" in refused.output
    assert session.get(Member, member_id).name == "Changed after the backup"

    overwritten = runner.invoke(args=["govern", "restore", "--yes", str(backup_file)])

    assert overwritten.exit_code == 0, overwritten.output
    db.session.remove()
    assert db.session.get(Member, member_id).name != "Changed after the backup"


def test_restoring_something_that_is_not_a_backup_says_so_and_changes_nothing(session, runner, make_member, fund,
                                                                              tmp_path):
    fund(make_member(), 10_00)
    settle(session)
    before = snapshot(session)
    session.commit()
    garbage = tmp_path / "not-a-backup"
    garbage.write_bytes(b"this is not a database")

    answer = runner.invoke(args=["govern", "restore", "--yes", str(garbage)])

    assert answer.exit_code != 0
    assert "Error" in answer.output
    db.session.remove()
    assert changed_tables(before, snapshot(db.session)) == []
