"""Helpers the reliability tests share: threads released together, each on its own connection;
a snapshot of every table; the ledger's append-only guard lifted for tamper tests."""
from __future__ import annotations

import threading
from collections import Counter
from contextlib import contextmanager

from sqlalchemy import select, text

from govern.extensions import db

THREAD_TIMEOUT = 120
APPEND_ONLY_TABLES = ("ledger_entries", "postings")


def run_together(app, count: int, action) -> list:
    """Run `action(session, i)` in `count` threads released at once by a barrier, each with its own
    app context, session and connection. Returns each thread's result, or the exception it
    raised, in thread order."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def worker(i: int) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=THREAD_TIMEOUT)
                results[i] = action(db.session, i)
            except BaseException as error:  # collected and judged by the test
                results[i] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(i,), name=f"together-{i}") for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(THREAD_TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck"
    return results


def outcomes(results: list) -> Counter:
    return Counter(type(r).__name__ for r in results)


def unexpected(results: list, *allowed: type) -> list:
    return [r for r in results if isinstance(r, BaseException) and not isinstance(r, allowed)]


def settle(session) -> None:
    """End the main thread's transaction so threads start from, and it then reads, committed state."""
    session.commit()
    session.expire_all()


def snapshot(session) -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order: two snapshots are equal exactly when
    nothing at all changed in between."""
    session.expire_all()
    state = {}
    for table in db.metadata.sorted_tables:
        order = list(table.primary_key.columns) or list(table.columns)
        state[table.name] = [tuple(row) for row in session.execute(select(table).order_by(*order)).all()]
    return state


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(name for name in before if before[name] != after.get(name))


def dialect(session) -> str:
    return session.get_bind().dialect.name


@contextmanager
def append_only_guard_lifted(session):
    """Turn off the triggers that keep entries and postings append-only, and put them back after."""
    session.commit()
    if dialect(session) == "postgresql":
        for table in APPEND_ONLY_TABLES:
            session.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
        session.commit()
        try:
            yield
        finally:
            session.rollback()
            for table in APPEND_ONLY_TABLES:
                session.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))
            session.commit()
        return
    for table in APPEND_ONLY_TABLES:
        for action in ("update", "delete"):
            session.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_{action}"))
    session.commit()
    try:
        yield
    finally:
        session.rollback()
        for table in APPEND_ONLY_TABLES:
            for action in ("UPDATE", "DELETE"):
                session.execute(text(
                    f"CREATE TRIGGER IF NOT EXISTS {table}_no_{action.lower()} BEFORE {action} ON {table} "
                    "BEGIN SELECT RAISE(ABORT, 'ledger tables are append-only'); END"))
        session.commit()
