"""Backing up the whole database while the app runs, and restoring it.

A backup is one consistent moment of the database, taken without stopping the app:

* SQLite: the online backup API (`sqlite3.Connection.backup`), copying every page in one step
  inside one read transaction, so writers that commit meanwhile are either wholly in the copy or
  not at all. The copy is written next to PATH and renamed onto it only when complete.
* PostgreSQL: `pg_dump --format=custom`, which reads everything in one snapshot. `pg_dump` and
  `pg_restore` must be on PATH (Debian: the `postgresql-client` package, of the server's major
  version or newer); without them the commands say so and do nothing.

`restore` refuses to overwrite a database that already holds tables unless told to
(`overwrite=True`, `flask govern restore --yes`). The caller then runs `ledger.service.verify`.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.engine import Engine, URL


class BackupError(RuntimeError):
    """The backup or restore could not be made; nothing was changed."""


def backup(engine: Engine, path: Path) -> None:
    """Write a consistent copy of the database behind `engine` to `path`."""
    if engine.dialect.name == "sqlite":
        _sqlite_backup(_sqlite_file(engine.url), path)
    elif engine.dialect.name == "postgresql":
        _run_postgres_tool("pg_dump", engine.url, ["--format=custom", "--no-owner", f"--file={path}"])
    else:
        raise BackupError(f"Backups of {engine.dialect.name} databases are not supported.")


def restore(engine: Engine, path: Path, *, overwrite: bool = False) -> None:
    """Bring back the database behind `engine` from a backup made by `backup`. A database that
    already holds tables is overwritten only with `overwrite=True`."""
    if not path.is_file():
        raise BackupError(f"No backup at {path}.")
    if inspect(engine).get_table_names() and not overwrite:
        raise BackupError("This database already holds data: restoring would overwrite it. "
                          "Pass --yes to overwrite it.")
    engine.dispose()  # no pooled connection may hold the old contents open
    if engine.dialect.name == "sqlite":
        _sqlite_restore(path, _sqlite_file(engine.url))
    elif engine.dialect.name == "postgresql":
        _run_postgres_tool("pg_restore", engine.url, ["--clean", "--if-exists", "--no-owner", "--single-transaction",
                                                      "--exit-on-error", str(path)])
    else:
        raise BackupError(f"Restoring {engine.dialect.name} databases is not supported.")


def _sqlite_file(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up or restored.")
    return Path(url.database)


def _sqlite_backup(source_file: Path, path: Path) -> None:
    if not source_file.is_file():
        raise BackupError(f"There is no database at {source_file}.")
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(f"file:{source_file}?mode=ro", uri=True, timeout=30)
    try:
        target = sqlite3.connect(partial)
        try:
            source.backup(target)  # every page in one step: one consistent snapshot
        finally:
            target.close()
    finally:
        source.close()
    os.replace(partial, path)


def _sqlite_restore(path: Path, target_file: Path) -> None:
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        if source.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BackupError(f"{path} is not an intact SQLite database.")
        target = sqlite3.connect(target_file, timeout=30)
        try:
            source.backup(target)
        finally:
            target.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a SQLite backup: {error}") from None
    finally:
        source.close()


def _run_postgres_tool(tool: str, url: URL, arguments: list[str]) -> None:
    program = shutil.which(tool)
    if program is None:
        raise BackupError(f"{tool} is not on PATH: install the PostgreSQL client tools (Debian: postgresql-client) "
                          "to back up or restore a PostgreSQL database.")
    environment = dict(os.environ)
    if url.password is not None:
        environment["PGPASSWORD"] = str(url.password)  # not on the command line, where `ps` shows it
    connection = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    finished = subprocess.run([program, f"--dbname={connection}", *arguments], env=environment,
                              capture_output=True, text=True)
    if finished.returncode != 0:
        raise BackupError(f"{tool} failed: {finished.stderr.strip()}")
