"""Database plumbing shared by every area: column types, engine set-up and write transactions.

SQLite serialises writers. A transaction that reads and then writes must hold the write lock
from its first statement (`BEGIN IMMEDIATE`), or it fails with "database is locked" when
another writer commits in between, busy timeout or not. `write_transaction` gives services
exactly that on SQLite; on PostgreSQL it is an ordinary transaction and services lock the rows
they depend on.
"""
from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Iterator

from sqlalchemy import DateTime, event, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, scoped_session
from sqlalchemy.types import TypeDecorator

from govern.extensions import db

SQLITE_BUSY_TIMEOUT_MS = 30_000
SQLITE_CACHE_KIB = 64 * 1024            # page cache per connection
SQLITE_MMAP_BYTES = 1024 * 1024 * 1024  # pages read through a memory map, up to 1 GiB of the file
_IMMEDIATE = "govern_immediate"


class UTCDateTime(TypeDecorator):
    """Stores naive UTC, returns aware UTC, so SQLite and PostgreSQL round-trip alike."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are refused: pass an aware UTC time")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


def configure_engine(engine: Engine) -> None:
    """SQLite: WAL, busy timeout, foreign keys, and transactions we begin ourselves."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # let the "begin" hook below issue BEGIN
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        # A region's ledger and ballots run to gigabytes: the default 2 MB page cache made
        # every index lookup a read(2); memory-mapped pages and a larger cache avoid that.
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
        cursor.execute(f"PRAGMA mmap_size = {SQLITE_MMAP_BYTES}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        immediate = conn.get_execution_options().get(_IMMEDIATE)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def _begin_write(session: Session) -> None:
    if not is_sqlite(session):
        return
    if session.in_transaction():
        conn = session.connection()
        if conn.get_execution_options().get(_IMMEDIATE):
            return
        if session.new or session.dirty or session.deleted:
            raise RuntimeError("write_transaction started over unsaved changes")
        # The open transaction only read: end it, then take the write lock from the start. What
        # it read stays loaded, as on PostgreSQL (no commit there): whatever a service depends
        # on, it locks and reads again inside the write transaction.
        expire, session.expire_on_commit = session.expire_on_commit, False
        try:
            session.commit()
        finally:
            session.expire_on_commit = expire
    session.connection(execution_options={_IMMEDIATE: True})


@contextmanager
def read_snapshot(session: Session | None = None) -> Iterator[Session]:
    """Read many tables as of one moment. PostgreSQL's default (READ COMMITTED) lets each statement
    see newer commits, so a long check would compare the chain with balances from a later
    instant; this runs it in one REPEATABLE READ transaction. A SQLite transaction is a snapshot
    already. Nothing may be written inside."""
    session = session or db.session
    if isinstance(session, scoped_session):
        session = session()
    if is_sqlite(session):
        yield session
        return
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("read_snapshot started over unsaved changes")
    session.rollback()  # end whatever the request read so far: the snapshot starts now
    session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    try:
        yield session
    finally:
        session.rollback()


@contextmanager
def write_transaction(session: Session | None = None) -> Iterator[Session]:
    """One unit of work: commit on success, roll back everything on any error.

    Nested use joins the outer unit of work, so a service may call another service.
    """
    session = session or db.session
    if isinstance(session, scoped_session):
        session = session()
    if session.info.get("in_write_transaction"):
        yield session
        return
    _begin_write(session)
    session.info["in_write_transaction"] = True
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.info["in_write_transaction"] = False


def next_id(session: Session, model) -> int:
    """The id the next row of `model` gets, taken before the row is written: an entry that a row
    causes names the row's id, and the row names the entry, so one of the two must know the other's
    id first. Call it inside `write_transaction`. PostgreSQL hands the value out of the table's
    sequence (no other transaction ever gets it); SQLite gives a new row max(id) + 1, and the write
    lock that `write_transaction` holds from its first statement keeps any other writer out until
    this one commits."""
    table = model.__table__
    if is_sqlite(session):
        session.flush()
        return session.execute(select(func.coalesce(func.max(table.c.id), 0) + 1)).scalar_one()
    return session.execute(select(func.nextval(func.pg_get_serial_sequence(table.name, "id")))).scalar_one()


def ids_in_batches(session: Session, query, id_column, *, batch: int = 500) -> Iterator[int]:
    """The ids `query` selects, in id order, read a batch at a time (each batch after the last id
    of the one before), so a scheduled job over any number of rows holds few of them at once and
    sees the rows as they are when it comes to them."""
    after = 0
    while True:
        ids = session.execute(query.where(id_column > after).order_by(id_column).limit(batch)).scalars().all()
        if not ids:
            return
        yield from ids
        after = ids[-1]


def bulk_write(session: Session, statement: str, rows: list[tuple]) -> None:
    """Run one INSERT or UPDATE for many rows through the driver's own executemany, in the session's
    transaction. `statement` is plain SQL with `?` placeholders (turned into `%s` for drivers that
    use those). For the hot bulk paths (a payroll's postings, balances and payslips), where building
    SQLAlchemy's parameter dictionaries costs more than the database's work."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.paramstyle != "qmark":
        statement = statement.replace("?", "%s")
    connection.exec_driver_sql(statement, rows)
