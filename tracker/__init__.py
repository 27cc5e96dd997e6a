"""The application factory: config, database, login, i18n, blueprints and CLI, registered
explicitly so a newcomer can read in one place what the app is made of."""

from __future__ import annotations

from typing import Any

from flask import Flask

from config import Config, config_for


def create_app(config: type[Config] | str | None = None, **overrides: Any) -> Flask:
    config_class = config if isinstance(config, type) else config_for(config)
    config_class.check()

    app = Flask(
        __name__,
        template_folder="../templates",
        static_folder="../static",
        instance_relative_config=True,
    )
    app.config.from_object(config_class)
    app.config.update(overrides)
    from tracker.files.storage import check_setting

    check_setting(app.config["FILE_STORAGE"])
    # The largest request: a post's files and a megabyte for the rest of its form.
    app.config["MAX_CONTENT_LENGTH"] = (
        max(app.config["MAX_POST_MB"], app.config["MAX_UPLOAD_MB"]) + 1) * 1024 * 1024

    from tracker.web.navigation import IdConverter

    app.url_map.converters["int"] = IdConverter

    from tracker import logs

    logs.configure(app)

    from tracker import models  # noqa: F401  (every table registered before first use)
    from tracker.extensions import csrf, init_database, init_extensions

    init_database(app)
    init_extensions(app)

    from tracker.accounts import steps, throttle, walls
    from tracker.web import errors, requestlog, security, templating
    from tracker.web.api import auth as api_auth

    throttle.init_app(app)
    api_auth.init_app(app)  # before any hook reads current_user: the API's comes from a token
    steps.init_app(app)
    walls.init_app(app)  # after the steps: a new password first, then only their own pages
    security.init_app(app)
    requestlog.init_app(app)  # after security: it wraps ProxyFix, and logs what it read
    errors.init_app(app)
    templating.init_app(app)

    from tracker.accounts.mfa_views import bp as mfa_bp
    from tracker.accounts.views import admin_bp, auth_bp
    from tracker.achievements.deal_views import bp as transfers_bp
    from tracker.achievements.duty_views import bp as duties_bp
    from tracker.achievements.views import bp as achievements_bp
    from tracker.apitokens.views import bp as tokens_bp
    from tracker.approvals.views import bp as approvals_bp
    from tracker.assessment.views import bp as assessment_bp
    from tracker.audit.views import bp as audit_bp
    from tracker.budgets.views import bp as budget_admin_bp
    from tracker.centres.views import bp as centres_bp
    from tracker.changes.views import bp as changes_bp
    from tracker.companies import correction_views as paid_views  # noqa: F401  (on companies_bp)
    from tracker.companies import ip_deal_views  # noqa: F401  (its forms, on companies_bp)
    from tracker.companies.views import bp as companies_bp
    from tracker.contracts.views import bp as contracts_bp
    from tracker.documents.views import bp as documents_bp
    from tracker.experts.views import bp as experts_bp
    from tracker.funding import void_views  # noqa: F401  (its forms, on funding_bp)
    from tracker.funding.views import bp as funding_bp
    from tracker.gates import correction_views  # noqa: F401  (its pages, on gates_bp)
    from tracker.gates.admin_views import bp as gate_admin_bp
    from tracker.gates.views import bp as gates_bp
    from tracker.imports.views import bp as imports_bp
    from tracker.incentives.views import bp as incentives_bp
    from tracker.jobs.views import bp as jobs_bp
    from tracker.milestones.post_views import bp as posts_bp
    from tracker.milestones.views import bp as milestones_bp
    from tracker.needs.views import bp as needs_bp
    from tracker.notifications.views import bp as notifications_bp
    from tracker.obligations.views import bp as obligations_bp
    from tracker.organisations.views import bp as organisations_bp
    from tracker.partners.admin_views import bp as partners_bp
    from tracker.partners.views import bp as co_funding_bp
    from tracker.phones.views import bp as phones_bp
    from tracker.pms.views import bp as pms_bp
    from tracker.projects.trl_views import bp as trl_bp
    from tracker.projects.views import bp as projects_bp
    from tracker.regions.views import bp as regions_bp
    from tracker.reminders.views import bp as reminders_bp
    from tracker.reports.views import bp as reports_bp
    from tracker.settings.views import bp as settings_bp
    from tracker.spending.views import bp as spending_bp
    from tracker.sso.views import bp as sso_bp
    from tracker.techfields.views import bp as techfields_bp
    from tracker.web.api import (  # noqa: F401  (their operations, on api_bp)
        directory,
        portfolio,
        reads,
        writes,
    )
    from tracker.web.api.blueprint import bp as api_bp
    from tracker.web.api.docs import docs_bp
    from tracker.web.metrics import bp as metrics_bp
    from tracker.web.views import bp as web_bp

    for blueprint in (web_bp, auth_bp, mfa_bp, sso_bp, admin_bp, organisations_bp, audit_bp,
                      projects_bp, trl_bp, gates_bp, gate_admin_bp, budget_admin_bp, milestones_bp,
                      posts_bp,
                      contracts_bp, reminders_bp, funding_bp, companies_bp, settings_bp,
                      imports_bp, reports_bp, spending_bp, changes_bp, tokens_bp,
                      notifications_bp, assessment_bp, phones_bp, documents_bp, experts_bp,
                      approvals_bp, achievements_bp, incentives_bp, transfers_bp, duties_bp,
                      techfields_bp, regions_bp, centres_bp, pms_bp, needs_bp, obligations_bp,
                      api_bp, docs_bp, co_funding_bp, partners_bp, jobs_bp,
                      metrics_bp):
        app.register_blueprint(blueprint)
    csrf.exempt(api_bp)  # no cookie is read there: a token, not a browser, makes each request

    from tracker.accounts.cli import users_cli
    from tracker.audit.cli import audit_cli
    from tracker.backup.cli import backup_cli
    from tracker.crypto import keys_cli
    from tracker.demo import demo_cli
    from tracker.imports.cli import (
        import_cli,
        import_columns_cli,
        import_export_cli,
        import_template_cli,
        import_worker_cli,
    )
    from tracker.migrate import db_cli
    from tracker.organisations.cli import hq_cli
    from tracker.reminders.cli import reminders_cli, scheduler_cli
    from tracker.reports.cli import report_cli

    for group in (db_cli, hq_cli, users_cli, audit_cli, backup_cli, keys_cli, demo_cli, import_cli,
                  import_columns_cli, import_export_cli, import_template_cli, import_worker_cli,
                  reminders_cli, scheduler_cli, report_cli):
        app.cli.add_command(group)

    return app
