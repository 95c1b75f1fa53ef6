"""Is the database ready for this code? Commands ask before they touch a table, so a newcomer who
forgot `flask --app wsgi db upgrade` reads one line saying so instead of a traceback."""
from __future__ import annotations

import logging
from pathlib import Path

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
UPGRADE = "flask --app wsgi db upgrade"


def code_heads() -> set[str]:
    """The migration revisions this code's models match."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return set(ScriptDirectory.from_config(config).get_heads())


def problem(engine: Engine) -> str | None:
    """One sentence saying why the database cannot serve this code yet, or None when it can."""
    alembic_log = logging.getLogger("alembic.runtime.migration")
    level = alembic_log.level
    alembic_log.setLevel(logging.WARNING)  # its "Context impl SQLiteImpl." lines are not for this
    try:
        with engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        return f"Cannot reach the database ({engine.url.render_as_string(hide_password=True)}): {reason}"
    finally:
        alembic_log.setLevel(level)
    wanted = code_heads()
    if not current:
        return f"The database has no tables yet: run `{UPGRADE}` first."
    if current != wanted:
        return (f"The database is at migration {', '.join(sorted(current))} but this code needs "
                f"{', '.join(sorted(wanted))}: run `{UPGRADE}` first.")
    return None
