"""What every template can use: the menu by role, language, formatting filters and labels;
`init_app` is the one place they are registered."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Flask, current_app, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from tracker.accounts.models import HQ_WIDE_ROLES, Role
from tracker.dates import today
from tracker.db import utcnow
from tracker.display import formatting
from tracker.display.labels import label, locale_choices
from tracker.funding.models import sees_investment
from tracker.web.navigation import page_url_args
from tracker.workdays import services as workdays


@dataclass
class MenuItem:
    endpoint: str
    label: object
    help: object
    roles: frozenset[Role] | None  # None: everyone logged in

    @property
    def url(self) -> str:
        return url_for(self.endpoint)

    @property
    def active(self) -> bool:
        return request.endpoint == self.endpoint


# The roles that see the whole portfolio, as the permission predicates define them.
_HQ = frozenset(HQ_WIDE_ROLES)

# The menu, in order; each item names the roles that see it.
MENU = [
    MenuItem("projects.list_projects", _l("Projects"),
             _l("Proposals and projects through their gates, with their timelines."),
             _HQ | {Role.INSTITUTE_DIRECTOR, Role.PROJECT_MANAGER, Role.EVALUATOR}),
    MenuItem("milestones.overdue_list", _l("Overdue milestones"),
             _l("Late milestones across every project you may see, most late first."),
             _HQ | {Role.INSTITUTE_DIRECTOR, Role.PROJECT_MANAGER}),
    MenuItem("gates.my_reviews", _l("My reviews"),
             _l("Gate reviews you sit on, soonest due first."), frozenset({Role.EVALUATOR})),
    MenuItem("gates.awaiting", _l("Gates awaiting decision"),
             _l("Reviews that need a panel or a decision."), _HQ),
    MenuItem("contracts.report", _l("Contract research"),
             _l("Contract value and money received by project, institute and year."),
             _HQ | {Role.INSTITUTE_DIRECTOR, Role.PROJECT_MANAGER}),
    MenuItem("funding.agreements", _l("Allocation-investment"),
             _l("Agreements, tranches, disbursements and conversion deadlines."), _HQ),
    MenuItem("companies.portfolio", _l("Companies"),
             _l("Spin-off companies, their cap tables and HQ's portfolio."),
             _HQ | {Role.INSTITUTE_DIRECTOR, Role.PROJECT_MANAGER}),
    MenuItem("organisations.needs", _l("Technology needs"),
             _l("Enterprise needs collected through joint innovation centres."),
             _HQ | {Role.INSTITUTE_DIRECTOR, Role.PROJECT_MANAGER}),
    MenuItem("organisations.institutes", _l("Institutes"),
             _l("The R&D carriers of the network and their directors."), None),
    MenuItem("organisations.enterprises", _l("Enterprises"),
             _l("Partner enterprises, with their unified social credit codes."), None),
    MenuItem("organisations.centres", _l("Joint innovation centres"),
             _l("Centres built with enterprises to state their needs."), None),
    MenuItem("users.list_users", _l("Users"),
             _l("Create accounts, grant roles, deactivate."), frozenset({Role.HQ_ADMIN})),
    MenuItem("gate_admin.list_templates", _l("Gate templates"),
             _l("Criteria, quorum and deliverables of each gate."), frozenset({Role.HQ_ADMIN})),
    MenuItem("audit.trail", _l("Audit trail"),
             _l("Every change, who made it and when."), frozenset({Role.HQ_ADMIN, Role.OBSERVER})),
    MenuItem("reminders.outbox", _l("Reminders"),
             _l("The outbox of deadline reminders and the working-day calendar."),
             frozenset({Role.HQ_ADMIN})),
    MenuItem("settings.edit", _l("Settings"),
             _l("The numbers HQ tunes: approval limits, equity bounds, sign-in, reminder ladders."),
             frozenset({Role.HQ_ADMIN})),
    MenuItem("reminders.preferences", _l("My reminders"),
             _l("Which reminders you get, how, and your calendar feed."), None),
]


def navigation() -> list[MenuItem]:
    if not current_user.is_authenticated:
        return []
    roles = current_user.roles
    return [item for item in MENU if item.roles is None or roles & item.roles]


def language_return_path() -> str:
    """Where the language switch comes back to: this page, or for a page answering a POST
    (an error shown after a form), the page the form was on."""
    if request.method == "GET":
        return request.full_path if request.query_string else request.path
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path:
        return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return url_for("web.home")


def current_locale() -> str:
    """The page's language as one of LANGUAGES. Babel expands zh_CN to zh_Hans_CN, which is
    also why the Chinese catalogue lives under translations/zh (gettext falls back to it)."""
    language = get_locale().language
    for code in current_app.config["LANGUAGES"]:
        if code.split("_")[0] == language:
            return code
    return current_app.config["DEFAULT_LOCALE"]


def calendar_gaps() -> list[int]:
    """This year and next where the working-day calendar has no data (for HQ admins' pages)."""
    return workdays.missing_years(today())


def init_app(app: Flask) -> None:
    """Every filter and global the templates use, registered here and nowhere else."""
    for name in ("money", "number", "price", "pct", "day", "instant"):
        app.add_template_filter(getattr(formatting, name), name)
    app.add_template_filter(label)
    app.add_template_global(navigation)
    app.add_template_global(current_locale)
    app.add_template_global(language_return_path)
    app.add_template_global(locale_choices)
    app.add_template_global(page_url_args, "page_args")
    app.add_template_global(utcnow, "now")
    app.add_template_global(calendar_gaps)
    app.add_template_global(sees_investment)
