"""Set-up from the command line, and migrations that match the models."""
import json

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select

from govern.extensions import db
from govern.members.models import Member
from govern.regions import service as regions
from govern.regions.models import Region

INIT = ["govern", "init", "--region", "Lakeside", "--board-email", "chair@example.org", "--board-password", "plum-heron-lantern-7"]


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


def test_init_refuses_a_bad_password_before_creating_the_region(runner, session):
    result = runner.invoke(args=[*INIT[:-1], "short"])
    assert result.exit_code == 1 and "password" in result.output
    assert session.execute(select(Region)).scalars().all() == []


def test_init_founds_a_region_with_the_parameters_of_a_file(runner, session, tmp_path):
    founding = tmp_path / "founding.json"
    founding.write_text(json.dumps({"quorum.dissolution": "0.2", "threshold.dissolution": "two_thirds",
                                    "min_voting_days.referendum": "2", "income_tax_rate": "0.05"}))
    result = runner.invoke(args=[*INIT, "--parameters", str(founding)])
    assert result.exit_code == 0, result.output
    [region] = session.execute(select(Region)).scalars().all()
    values = regions.all_parameters(session, region.id)
    assert (values["quorum.dissolution"], values["threshold.dissolution"], values["min_voting_days.referendum"],
            values["income_tax_rate"], values["quorum.split"]) == ("0.2", "two_thirds", "2", "0.05", "0.4")
    assert runner.invoke(args=[*INIT, "--parameters", str(founding)]).exit_code == 0  # the same again: harmless
    founding.write_text(json.dumps({"quorum.dissolution": "0.1"}))
    again = runner.invoke(args=[*INIT, "--parameters", str(founding)])
    assert again.exit_code == 1 and "change only by proposals" in again.output
    assert regions.all_parameters(session, region.id)["quorum.dissolution"] == "0.2"


@pytest.mark.parametrize("content, words", [
    ("{not json", "is not JSON"),
    ('["quorum.split"]', "must be a JSON object"),
    ('{"quorum.split": "1.5"}', "quorum.split must be between 0 and 1"),
    ('{"quorum.split": 0.5}', "quorum.split must be a decimal string"),
    ('{"threshold.split": "most"}', "threshold.split must be one of majority, two_thirds, three_quarters"),
    ('{"min_voting_days.split": "0"}', "min_voting_days.split must be between 1 and 90"),
    ('{"no_such_thing": "1"}', "is not a region parameter"),
    (None, "Cannot read the parameters file"),
])
def test_init_with_a_bad_parameters_file_says_why_in_one_line_and_creates_nothing(runner, session, tmp_path, content,
                                                                                   words):
    path = tmp_path / "founding.json"
    if content is not None:
        path.write_text(content)
    result = runner.invoke(args=[*INIT, "--parameters", str(path)])
    assert result.exit_code == 1
    assert words in result.output and "Nothing was created." in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert session.execute(select(Region)).scalars().all() == []
    assert session.execute(select(Member)).scalars().all() == []


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


GOVERN_COMMANDS = [
    ["init", "--region", "Hilltop", "--board-email", "chair@example.org", "--board-password", "plum-heron-lantern-7"],
    ["verify"], ["tick"], ["scheduler"], ["export-beancount"], ["backup", "copy.sqlite3"],
    ["demo", "--region", "Hilltop", "--member-password", "teal-fox-meadow-19"],
]


def _unmigrated_app(tmp_path, migrated_to=None):
    """An app on a database of its own: empty, or migrated only up to `migrated_to`."""
    from flask_migrate import upgrade

    from govern import create_app
    from tests.conftest import base_config

    app = create_app(base_config(f"sqlite:///{tmp_path / 'fresh.sqlite3'}"))
    if migrated_to:
        with app.app_context():
            upgrade(revision=migrated_to)
    return app


def test_every_command_on_a_database_without_tables_says_in_one_line_to_run_db_upgrade(tmp_path):
    app = _unmigrated_app(tmp_path)
    for command in GOVERN_COMMANDS:
        result = app.test_cli_runner().invoke(args=["govern", *command])
        assert result.exit_code == 1, (command, result.output)
        assert result.output.strip().splitlines() == [
            "Error: The database has no tables yet: run `flask --app wsgi db upgrade` first."], command
        assert result.exception is None or isinstance(result.exception, SystemExit)
    with app.app_context():
        from sqlalchemy import inspect
        assert inspect(db.engine).get_table_names() == []  # nothing was created on the way
        db.engine.dispose()


def test_a_database_behind_the_code_names_both_migrations_and_the_command(tmp_path):
    app = _unmigrated_app(tmp_path, migrated_to="0012_ballots_in_electorate")
    result = app.test_cli_runner().invoke(args=["govern", "verify"])
    assert result.exit_code == 1
    [line] = result.output.strip().splitlines()
    assert "0012_ballots_in_electorate" in line and "run `flask --app wsgi db upgrade` first" in line
    with app.app_context():
        db.engine.dispose()


def test_an_unreachable_database_is_one_line_too(app_factory):
    app = app_factory(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://postgres@127.0.0.1:1/none")
    result = app.test_cli_runner().invoke(args=["govern", "verify"])
    assert result.exit_code == 1
    [line] = result.output.strip().splitlines()
    assert line.startswith("Error: Cannot reach the database (postgresql+psycopg://postgres@127.0.0.1:1/none)")


def test_pages_and_the_api_on_a_database_without_tables_say_what_to_run_instead_of_failing(tmp_path):
    from govern import create_app
    from tests.conftest import base_config

    app = create_app({**base_config(f"sqlite:///{tmp_path / 'fresh.sqlite3'}"), "TESTING": False})
    client = app.test_client()
    page = client.get("/")
    assert page.status_code == 503 and "run `flask --app wsgi db upgrade` first" in page.get_data(as_text=True)
    answer = client.get("/api/v1/regions")
    assert answer.status_code == 503
    assert answer.get_json()["error"]["code"] == "database_not_ready"
    with app.app_context():
        db.engine.dispose()


def test_the_demo_seed_gives_a_newcomer_rsc_from_a_deposit_the_board_confirmed(runner, session):
    from govern.ledger import service as ledger
    from govern.treasury import service as treasury
    from govern.treasury.models import Deposit

    runner.invoke(args=["govern", "init", "--region", "Demo Co-op", "--board-email", "board@demo.coop",
                        "--board-password", "plum-heron-lantern-7"])
    args = ["govern", "demo", "--region", "Demo Co-op", "--member-password", "teal-fox-meadow-19"]
    first = runner.invoke(args=args)
    assert first.exit_code == 0, first.output
    assert "newcomer@demo.coop" in first.output and "created; balance 1000.00 RSC" in first.output
    again = runner.invoke(args=args)
    assert again.exit_code == 0 and "already there; balance 1000.00 RSC" in again.output

    [deposit] = session.execute(select(Deposit)).scalars().all()
    board = session.execute(select(Member).where(Member.email == "board@demo.coop")).scalar_one()
    assert (deposit.status, deposit.decided_by, deposit.bank_reference) == ("confirmed", board.id, "demo seed")
    assert "send no money" in treasury.bank_details(session, deposit.region_id).details
    assert ledger.verify(session).ok


def test_the_demo_seed_needs_the_region_init_creates(runner):
    result = runner.invoke(args=["govern", "demo", "--region", "Nowhere", "--member-password", "teal-fox-meadow-19"])
    assert result.exit_code != 0 and "govern init" in result.output
