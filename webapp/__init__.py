"""The officers' web app: `create_app(settings)` wires the integrations and the blueprints."""

from __future__ import annotations

from flask import Flask

from engine.config import Settings, load_settings
from webapp import (
    admin,
    api,
    audit_trail,
    auth,
    calendar,
    config,
    credit_check,
    credit_lists,
    database,
    disclosure,
    dual_notice,
    entities,
    errors,
    form_editor,
    i18n,
    inspection,
    operations,
    params,
    people,
    people_import,
    portal,
    practice,
    processes,
    registry,
    security,
    spot_check,
    templating,
    units,
    unlicensed,
)
from webapp.dual_notice import routing_rules
from webapp.work import inbox, monitor, notifications, tasks

BLUEPRINTS = (auth.bp, inbox.bp, tasks.bp, monitor.bp, notifications.bp, admin.bp, people.bp,
              people_import.bp, api.bp, calendar.bp, units.bp, dual_notice.bp, disclosure.bp,
              registry.bp, entities.bp, audit_trail.bp, operations.bp, routing_rules.bp,
              practice.bp, credit_check.bp, portal.bp, inspection.bp, unlicensed.bp,
              form_editor.bp, processes.bp, credit_lists.bp, spot_check.bp)


def create_app(settings: Settings | None = None) -> Flask:
    """The app for `settings` (read from config.toml and the environment when None)."""
    settings = settings or load_settings()
    app = Flask(__name__)
    config.init_app(app, settings)
    database.init_app(app, settings)
    security.init_app(app)
    i18n.init_app(app)
    errors.init_app(app)
    templating.init_app(app)
    params.init_app(app)  # before the blueprints: their routes use its int converter
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    security.csrf.exempt(portal.bp)  # no session there: the form signs its own token
    app.add_url_rule("/", "home", inbox.home)
    return app
