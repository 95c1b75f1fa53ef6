"""`flask govern ...`: set-up, verification and the scheduler from the command line."""
from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from govern import backup, jobs, schema
from govern.clock import utcnow
from govern.errors import DomainError
from govern.extensions import db
from govern.ledger import service as ledger
from govern.members import service as members
from govern.money import format_minor, parse_amount
from govern.records import exports
from govern.regions import service as regions
from govern.treasury import demo

govern_cli = AppGroup("govern", help="Conductor administration.")


def needs_migrated_database(command):
    """Refuse, in one line and with exit status 1, to run against a database that is missing
    tables or behind the code's migrations."""
    @functools.wraps(command)
    def checked(*args, **kwargs):
        why = schema.problem(db.engine)
        if why:
            raise click.ClickException(why)
        return command(*args, **kwargs)
    return checked


@govern_cli.command("init")
@click.option("--region", "region_name", required=True, help="Name of the region (co-op) to create.")
@click.option("--board-email", default=None, help="The first (appointed) board member's email. Required unless "
                                                  "--from-region is given.")
@click.option("--board-password", default=None)
@click.option("--board-name", default="Board", show_default=True)
@click.option("--from-region", "template_id", type=int, default=None, metavar="ID",
              help="Found the region from region ID's template: its parameters and constitution, wage table, "
                   "occupations and industries (no members, no money). Without a board account the new region "
                   "starts with no board: its members elect one.")
@click.option("--parameters", "parameters_file", default=None, metavar="FILE",
              help="A JSON object of parameter name to value (decimal strings; a threshold's name), floors "
                   "included, that the new region starts with (over the template's, with --from-region).")
@needs_migrated_database
def init_command(region_name, board_email, board_password, board_name, template_id, parameters_file):
    """Create a region and its first (appointed) board member. Running it again is harmless."""
    if template_id is None and (board_email is None or board_password is None):
        raise click.UsageError("--board-email and --board-password are required (unless --from-region is given).")
    if (board_email is None) != (board_password is None):
        raise click.UsageError("Give --board-email and --board-password together, or neither.")
    try:
        founding = _founding_parameters(parameters_file) if parameters_file else None
        region, board, created = members.ensure_region_with_board(
            db.session, region_name=region_name, board_email=board_email, board_password=board_password,
            board_name=board_name, now=utcnow(), founding=founding, template_id=template_id,
        )
    except DomainError as error:
        raise click.ClickException(f"{error.message} {json.dumps(error.fields) if error.fields else ''}".strip())
    state = "created" if created else "already set up"
    origin = f" from the template of region {region.template_id}" if region.template_id else ""
    who = f"board member {board.email} (id {board.id})" if board is not None else \
        "no board yet: its members elect one with a board election"
    click.echo(f"Region {region.name!r} (id {region.id}){origin} {state}; {who}.")


def _founding_parameters(path: str) -> dict[str, str]:
    """The --parameters file, checked: a problem is one line (ClickException: exit 1)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise click.ClickException(f"Cannot read the parameters file {path}: {getattr(error, 'strerror', None) or error}."
                                   " Nothing was created.")
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        raise click.ClickException(f"The parameters file {path} is not JSON ({error.msg}, line {error.lineno} "
                                   f"column {error.colno}). Nothing was created.")
    try:
        return regions.check_founding_parameters(raw)
    except DomainError as error:
        raise click.ClickException(f"The parameters file {path}: {error.message} Nothing was created.")


@govern_cli.command("demo")
@click.option("--region", "region_name", required=True, help="The region `govern init` created.")
@click.option("--member-email", default="newcomer@demo.coop", show_default=True)
@click.option("--member-password", required=True)
@click.option("--member-name", default="Nia Newcomer", show_default=True)
@click.option("--usd", default="1000.00", show_default=True, help="What the demo member paid in.")
@needs_migrated_database
def demo_command(region_name, member_email, member_password, member_name, usd):
    """Seed the demo: a member with RSC to try things with, from a deposit the region's board
    confirms through the treasury (and demo bank details, if none are set). Harmless to repeat."""
    try:
        seeded = demo.seed(db.session, region_name=region_name, email=member_email, password=member_password,
                           name=member_name, usd_minor=parse_amount(usd, "usd"), now=utcnow())
    except DomainError as error:
        raise click.ClickException(f"{error.message} {json.dumps(error.fields) if error.fields else ''}")
    state = "created" if seeded.created else "already there"
    click.echo(f"Demo member {seeded.member.email} (id {seeded.member.id}) {state}; "
               f"balance {format_minor(seeded.balance_minor)} RSC.")


@govern_cli.command("verify")
@needs_migrated_database
def verify_command():
    """Check the hash chain and every ledger invariant over the whole ledger."""
    report = ledger.verify(db.session)
    click.echo(json.dumps({"ok": report.ok, "entries": report.entries,
                           "first_bad_entry": report.first_bad_entry, "problems": report.problems}, indent=2))
    sys.exit(0 if report.ok else 1)


@govern_cli.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
@needs_migrated_database
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
@needs_migrated_database
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
@needs_migrated_database
def tick_command():
    """Run every scheduled job once, now, and exit."""
    for name, result in jobs.tick(current_app._get_current_object()).items():
        click.echo(f"{name}: {result}")


@govern_cli.command("scheduler")
@needs_migrated_database
def scheduler_command():
    """Run the scheduler alone (for deployments with several web processes)."""
    click.echo("Scheduler running; Ctrl-C to stop.")
    jobs.start_scheduler(current_app._get_current_object(), blocking=True)
