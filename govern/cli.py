"""`flask govern ...`: set-up, verification and the scheduler from the command line."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from govern import backup, jobs
from govern.clock import utcnow
from govern.errors import DomainError
from govern.extensions import db
from govern.ledger import service as ledger
from govern.members import service as members
from govern.records import exports

govern_cli = AppGroup("govern", help="Conductor administration.")


@govern_cli.command("init")
@click.option("--region", "region_name", required=True, help="Name of the region (co-op) to create.")
@click.option("--board-email", required=True)
@click.option("--board-password", required=True)
@click.option("--board-name", default="Board", show_default=True)
def init_command(region_name, board_email, board_password, board_name):
    """Create a region and its first (appointed) board member. Running it again is harmless."""
    try:
        region, board, created = members.ensure_region_with_board(
            db.session, region_name=region_name, board_email=board_email, board_password=board_password,
            board_name=board_name, now=utcnow(),
        )
    except DomainError as error:
        raise click.ClickException(f"{error.message} {json.dumps(error.fields) if error.fields else ''}")
    state = "created" if created else "already set up"
    click.echo(f"Region {region.name!r} (id {region.id}) {state}; board member {board.email} (id {board.id}).")


@govern_cli.command("verify")
def verify_command():
    """Check the hash chain and every ledger invariant over the whole ledger."""
    report = ledger.verify(db.session)
    click.echo(json.dumps({"ok": report.ok, "entries": report.entries,
                           "first_bad_entry": report.first_bad_entry, "problems": report.problems}, indent=2))
    sys.exit(0 if report.ok else 1)


@govern_cli.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
def backup_command(path):
    """Write a consistent copy of the whole database to PATH, while the app keeps running."""
    try:
        backup.backup(db.engine, Path(path))
    except backup.BackupError as error:
        raise click.ClickException(str(error))
    click.echo(f"Backed up the {db.engine.dialect.name} database to {path}.")


@govern_cli.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Overwrite a database that already holds data.")
def restore_command(path, yes):
    """Bring the database back from a backup made by `backup`, then verify the ledger (exit 1 if
    it is not intact)."""
    db.session.remove()  # this process holds no transaction open on the database being replaced
    try:
        backup.restore(db.engine, Path(path), overwrite=yes)
    except backup.BackupError as error:
        raise click.ClickException(str(error))
    report = ledger.verify(db.session)
    click.echo(f"Restored {path}. Ledger: " + json.dumps(
        {"ok": report.ok, "entries": report.entries, "first_bad_entry": report.first_bad_entry,
         "problems": report.problems}))
    sys.exit(0 if report.ok else 1)


@govern_cli.command("export-beancount")
@click.option("--output", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write to this file instead of standard output.")
@click.option("--full", "--all-memos", "full", is_flag=True,
              help="Every account one by one, with every memo and cause (for the co-op's accountant); "
                   "without it, the public export, where members' and worker-owned companies' accounts are summed.")
def export_beancount_command(output, full):
    """Write the whole ledger in beancount's format; check it with `bean-check`."""
    chunks = exports.beancount(db.session, now=utcnow(), reader=exports.FULL if full else exports.reader_for(None))
    if output is None:
        for chunk in chunks:
            click.echo(chunk, nl=False)
        return
    with open(output, "w", encoding="utf-8") as target:
        for chunk in chunks:
            target.write(chunk)
    click.echo(f"Wrote {output}.", err=True)


@govern_cli.command("tick")
def tick_command():
    """Run every scheduled job once, now, and exit."""
    for name, result in jobs.tick(current_app._get_current_object()).items():
        click.echo(f"{name}: {result}")


@govern_cli.command("scheduler")
def scheduler_command():
    """Run the scheduler alone (for deployments with several web processes)."""
    click.echo("Scheduler running; Ctrl-C to stop.")
    jobs.start_scheduler(current_app._get_current_object(), blocking=True)
