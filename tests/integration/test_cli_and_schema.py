"""Set-up from the command line, and migrations that match the models."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select

from govern.extensions import db
from govern.members.models import Member
from govern.regions.models import Region


def test_init_creates_a_region_and_its_board_and_is_harmless_to_repeat(runner, session):
    args = ["govern", "init", "--region", "Hilltop", "--board-email", "Chair@Example.org", "--board-password", "maple-board-river-7"]
    first = runner.invoke(args=args)
    assert first.exit_code == 0, first.output
    assert "created" in first.output
    again = runner.invoke(args=args)
    assert again.exit_code == 0 and "already set up" in again.output
    assert session.execute(select(Region).where(Region.name == "Hilltop")).scalars().all() != []
    [board] = session.execute(select(Member)).scalars().all()
    assert board.email == "chair@example.org" and board.roles == ["member", "board"]


def test_init_refuses_a_bad_password_with_a_clear_message(runner):
    result = runner.invoke(args=["govern", "init", "--region", "X", "--board-email", "a@b.org", "--board-password", "short"])
    assert result.exit_code != 0
    assert "password" in result.output


def test_verify_and_tick_run_from_the_command_line(runner, region):
    verify = runner.invoke(args=["govern", "verify"])
    assert verify.exit_code == 0 and '"ok": true' in verify.output
    tick = runner.invoke(args=["govern", "tick"])
    assert tick.exit_code == 0 and "purge_expired_tokens" in tick.output


def test_the_migrations_create_exactly_the_schema_the_models_describe(app):
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == []


def test_a_job_another_scheduler_holds_is_skipped_on_postgresql(app):
    import pytest
    from sqlalchemy import text

    from govern.jobs import JOBS, job_lock_key, run_job

    if db.engine.dialect.name != "postgresql":
        pytest.skip("advisory locks are PostgreSQL's; SQLite serialises writers with BEGIN IMMEDIATE")
    job = next(j for j in JOBS if j.name == "close_due_proposals")
    key = job_lock_key(job.name)
    with db.engine.connect() as other_scheduler:
        other_scheduler.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
        assert run_job(app, job) == "skipped"
        other_scheduler.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
        other_scheduler.commit()
    assert run_job(app, job) == 0
