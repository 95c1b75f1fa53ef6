"""Conductor: the software a cooperative runs its economy on."""
from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, g

from govern import config as config_module
from govern.extensions import csrf, db, limiter, login_manager, migrate
from govern.ids import BoundedIntConverter

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.url_map.converters["int"] = BoundedIntConverter
    app.config.update(config_module.from_environment(Path(app.instance_path)))
    if test_config:
        app.config.update(test_config)
    app.config["SQLALCHEMY_DATABASE_URI"] = config_module.normalize_database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    logging.basicConfig(level=logging.INFO)

    _init_extensions(app)
    _register_kinds()
    _register_blueprints(app)

    from govern import i18n, web
    from govern.cli import govern_cli
    from govern.templating import register_filters

    web.register(app)
    i18n.register(app)
    register_filters(app)
    app.cli.add_command(govern_cli)

    if app.config.get("GOVERN_RUN_SCHEDULER"):
        from govern.jobs import start_scheduler

        start_scheduler(app)
    return app


def _init_extensions(app: Flask) -> None:
    from govern.database import configure_engine
    from govern.members import passwords

    @app.before_request
    def _forget_the_previous_request():
        """Flask-Login caches the user, Flask-WTF the CSRF token and its check, Flask-Babel the time zone on `g`, which
        outlives a request when the app context was pushed before it (tests and scripts do
        that): never reuse another request's. Registered first, so it runs before CSRFProtect."""
        g.pop("_login_user", None)
        g.pop(app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
        g.pop("csrf_valid", None)
        from flask_babel import refresh

        refresh()  # Flask-Babel keeps the viewer's time zone on `g` too

    from govern.web import cap_unsized_body

    app.before_request(cap_unsized_body)  # before CSRFProtect and the throttle read the body

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "members.login"
    login_manager.login_message = "Log in to see this page."
    passwords.configure(app.config["ARGON2_TIME_COST"], app.config["ARGON2_MEMORY_COST"])
    with app.app_context():
        configure_engine(db.engine)

    from govern.members.service import member_for_session

    @login_manager.user_loader
    def _load_member(session_id: str):
        return member_for_session(db.session, session_id)


def _register_kinds() -> None:
    """Each area registers its proposal kinds (and electorates) with the proposals package."""
    import govern.acquisitions.kinds  # noqa: F401  acquisition, asset_purchase, equipment_grant
    import govern.companies.kinds  # noqa: F401  the company:<id> electorate, company account visibility
    import govern.delegation.service  # noqa: F401  delegated weight added to tallies at close
    import govern.members.kinds  # noqa: F401  board_election
    import govern.proposals.referendum  # noqa: F401
    import govern.regions.kinds  # noqa: F401  parameter
    import govern.wages.kinds  # noqa: F401  wage_rate, wage_table; occupation.* / industry.* parameters


def _register_blueprints(app: Flask) -> None:
    from govern.acquisitions import api as acquisitions_api, views as acquisitions_views
    from govern.companies import api as companies_api, views as companies_views
    from govern.delegation import api as delegation_api, views as delegation_views
    from govern.facilities import api as facilities_api, views as facilities_views
    from govern.federation import api as federation_api, views as federation_views
    from govern.health import api as health_api, views as health_views
    from govern.inventory import api as inventory_api, views as inventory_views
    from govern.mail import views as mail_views
    from govern.market import api as market_api, views as market_views
    from govern.ledger import api as ledger_api, views as ledger_views
    from govern.members import api as members_api, views as members_views
    from govern.notifications import views as notifications_views
    from govern import apidocs
    from govern.proposals import api as proposals_api, views as proposals_views
    from govern.records import api as records_api, views as records_views
    from govern.regions import api as regions_api, views as regions_views
    from govern.treasury import api as treasury_api, views as treasury_views
    from govern.wages import api as wages_api, views as wages_views

    for blueprint in (
        members_views.bp, regions_views.bp, ledger_views.bp, proposals_views.bp, notifications_views.bp,
        companies_views.bp, wages_views.bp, inventory_views.bp, acquisitions_views.bp, delegation_views.bp,
        market_views.bp, records_views.bp, facilities_views.bp, health_views.bp, treasury_views.bp, mail_views.bp,
        federation_views.bp,
        members_api.bp, regions_api.bp, ledger_api.bp, proposals_api.bp, companies_api.bp, wages_api.bp,
        inventory_api.bp, acquisitions_api.bp, delegation_api.bp, market_api.bp, records_api.bp,
        facilities_api.bp, health_api.bp, treasury_api.bp, federation_api.bp, apidocs.bp, apidocs.page_bp,
    ):
        app.register_blueprint(blueprint)
