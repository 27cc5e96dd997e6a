"""What every template can use: the menu by role, language, formatting filters and labels;
`init_app` is the one place they are registered."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Flask, current_app, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup, escape

from tracker.dates import today
from tracker.db import utcnow
from tracker.display import formatting, paths
from tracker.display.catalogue import locale as get_locale
from tracker.display.catalogue import locale_name
from tracker.display.labels import label, locale_choices, rung
from tracker.display.said import listed
from tracker.gates.services import deliverable_name
from tracker.money import stated
from tracker.projects.funding import FundingSource
from tracker.techfields import services as techfields
from tracker.web import tables
from tracker.web.fields import year_input
from tracker.web.forms import is_choice_group, is_message, new_token
from tracker.web.navigation import page_url_args
from tracker.web.permissions import acting_user, may_open, pages_open
from tracker.workdays import services as workdays


@dataclass
class MenuItem:
    endpoint: str
    label: object
    help: object

    @property
    def url(self) -> str:
        """The page's path, built once a process (every page draws the whole menu)."""
        key = (self.endpoint, request.script_root)
        path = _MENU_URLS.get(key)
        if path is None:
            path = _MENU_URLS[key] = url_for(self.endpoint)
        return path


_MENU_URLS: dict[tuple[str, str], str] = {}

# The menu, in order. Each item is shown to those its page lets in (`permissions.requires`).
MENU = [
    MenuItem("reports.show", _l("Dashboard"),
             _l("The portfolio at a glance: phases, what is late, money, companies, needs.")),
    MenuItem("reports.annual", _l("Annual report"),
             _l("The year's figures beside the year before, by institute and in total.")),
    MenuItem("projects.list_projects", _l("Projects"),
             _l("Proposals and projects through their gates, with their timelines.")),
    MenuItem("milestones.overdue_list", _l("Overdue milestones"),
             _l("Late milestones across every project you may see, most late first.")),
    MenuItem("gates.my_reviews", _l("My reviews"),
             _l("Gate reviews you sit on, soonest due first.")),
    MenuItem("gates.awaiting", _l("Gates awaiting decision"),
             _l("Reviews that need a panel or a decision.")),
    MenuItem("contracts.report", _l("Contract research"),
             _l("Contract value and money received by project, institute and year.")),
    MenuItem("assessment.index", _l("Institute assessment"),
             _l("Each institute's yearly assessment, its scores and the funding it sets.")),
    MenuItem("spending.across", _l("Spending"),
             _l("What projects spent against their budgets, by institute and year.")),
    MenuItem("achievements.index", _l("Achievements and IP"),
             _l("Projects' results, their contributors, patents, licences and income.")),
    MenuItem("transfers.index", _l("Transfers and licences"),
             _l("Every transfer and licence of an achievement: licensee, terms, income so "
                "far.")),
    MenuItem("duties.late", _l("Late licence and patent duties"),
             _l("Patent annuities, royalty reports and royalties not paid or received in "
                "time.")),
    MenuItem("obligations.index", _l("Reports owed"),
             _l("Progress, financial and final reports owed to funders: which are late.")),
    MenuItem("funding.agreements", _l("Allocation-investment"),
             _l("Agreements, tranches, disbursements and conversion deadlines.")),
    MenuItem("companies.portfolio", _l("Companies"),
             _l("Spin-off companies, their cap tables and HQ's portfolio.")),
    MenuItem("pms.register", _l("Project managers"),
             _l("The register: candidates, appointments and terms, teams, each PM's figures.")),
    MenuItem("organisations.needs", _l("Technology needs"),
             _l("Enterprise needs collected through joint innovation centres.")),
    MenuItem("organisations.institutes", _l("Institutes"),
             _l("The R&D carriers of the network and their directors.")),
    MenuItem("organisations.enterprises", _l("Enterprises"),
             _l("Partner enterprises, with their unified social credit codes.")),
    MenuItem("organisations.centres", _l("Joint innovation centres"),
             _l("Centres built with enterprises to state their needs.")),
    MenuItem("partners.index", _l("Partners"),
             _l("Universities, research institutes, governments, investors and banks, and "
                "what they co-fund.")),
    MenuItem("users.list_users", _l("Users"), _l("Create accounts, grant roles, deactivate.")),
    MenuItem("tokens.every", _l("API tokens in use"),
             _l("Every personal access token that still opens the API; revoke one.")),
    MenuItem("imports.upload", _l("Import"),
             _l("Bring institutes, enterprises, users, needs, projects and milestones in from "
               "spreadsheets.")),
    MenuItem("gate_admin.list_templates", _l("Gate templates"),
             _l("Criteria, quorum and deliverables of each gate.")),
    MenuItem("documents.templates", _l("Document templates"),
             _l("Letterhead and wording of the official documents, in both languages.")),
    MenuItem("budget_admin.list_templates", _l("Budget templates"),
             _l("The funders' budget forms: categories and the cap on indirect costs.")),
    MenuItem("techfields.index", _l("Technical fields"),
             _l("HQ's list of technical fields, which reports count by.")),
    MenuItem("regions.index", _l("Regions"),
             _l("The headquarters' regions, which institutes are grouped by and the reports "
                "count by.")),
    MenuItem("experts.index", _l("Expert pool"),
             _l("The experts gate panels are drawn from, and their accounts.")),
    MenuItem("approvals.levels", _l("Approval levels"),
             _l("Who signs a proposal or a change at the institute before HQ.")),
    MenuItem("audit.trail", _l("Audit trail"), _l("Every change, who made it and when.")),
    MenuItem("reminders.outbox", _l("Reminders"),
             _l("The outbox of deadline reminders and the working-day calendar.")),
    MenuItem("settings.edit", _l("Settings"), _l(
        "The numbers HQ tunes: approval limits, equity bounds, sign-in, reminder ladders.")),
    MenuItem("reminders.preferences", _l("My reminders"),
             _l("Which reminders you get, how, and your calendar feed.")),
]
_MENU_PAGES = [item.endpoint for item in MENU]
_PURPOSES = {item.endpoint: item.help for item in MENU}


def purpose() -> Markup:
    """What the open menu page is for, as a paragraph under its title (`id="purpose"`): the
    sentence the menu says of it (found by a newcomer: lists such as Companies or Enterprises
    opened on their filters with no word of what they hold); nothing on any other page."""
    said = _PURPOSES.get(request.endpoint)
    if said is None:
        return Markup("")
    return Markup('<p class="help" id="purpose">%s</p>') % str(said)


def navigation() -> list[MenuItem]:
    """The menu of the logged-in user: the user found once, not once per item."""
    if not current_user.is_authenticated:
        return []
    shown = set(pages_open(acting_user(), _MENU_PAGES))
    return [item for item in MENU if item.endpoint in shown]


# The menu's links as HTML, written once a process for each language, set of items shown and
# item open: drawn by the template at every request, its 35 labels were as many lazy strings
# translated again (Flask-Babel finds the request's domain through three context lookups for
# each), in a loop of its own.
_MENU_HTML: dict[tuple[str, str, str | None, tuple[str, ...]], Markup] = {}
_CURRENT = ' aria-current="page"'


def menu_links() -> Markup:
    """The logged-in user's menu: a link for each item of `navigation()`, the open page's
    marked, as base.html drew them."""
    items = navigation()
    shown = tuple(item.endpoint for item in items)
    current = request.endpoint if request.endpoint in shown else None
    key = (locale_name(), request.script_root, current, shown)
    html = _MENU_HTML.get(key)
    if html is None:
        html = _MENU_HTML[key] = Markup("".join(
            f'\n        <a href="{escape(item.url)}"{_CURRENT if item.endpoint == current else ""}>'
            f"{escape(str(item.label))}</a>\n      " for item in items))
    return html


def user_may_open(endpoint: str) -> bool:
    """Whether the logged-in user may open the page at `endpoint` (for links to it)."""
    return current_user.is_authenticated and may_open(acting_user(),
                                                      endpoint)


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


def compile_templates(app: Flask) -> int:
    """Compile every template (pages and e-mails) into the app's template cache now; return
    how many. A served worker does it before its first request (gunicorn.conf.py): else the
    first request of each page in each worker compiled the page's templates, half the time of
    the project page's first request (nine templates) and the 95th percentile of its
    benchmark, four times its median."""
    environment = app.jinja_env
    names = environment.list_templates()
    for name in names:
        environment.get_template(name)
    return len(names)


def init_app(app: Flask) -> None:
    """Every filter and global the templates use, registered here and nowhere else."""
    for name in ("money", "number", "price", "multiple", "pct", "whole_pct", "day", "on_day",
                 "instant", "days", "plural", "size", "year", "years", "aside"):
        app.add_template_filter(getattr(formatting, name), name)
    app.add_template_filter(listed)
    app.add_template_global(formatting.colon)
    app.add_template_global(formatting.comma)
    app.add_template_global(formatting.between)
    app.add_template_filter(label)
    app.add_template_filter(stated)
    app.add_template_filter(rung)
    app.add_template_filter(deliverable_name)
    app.add_template_global(navigation)
    app.add_template_global(menu_links)
    app.add_template_global(purpose)
    app.add_template_global(user_may_open, "may_open")
    app.add_template_global(current_locale)
    app.add_template_global(language_return_path)
    app.add_template_global(paths.id_paths, "row_url")
    app.add_template_global(tables.row_cells)
    app.add_template_global(tables.options)
    app.add_template_global(locale_choices)
    app.add_template_global(page_url_args, "page_args")
    app.add_template_global(utcnow, "now")
    app.add_template_global(calendar_gaps)
    app.add_template_global(new_token, "one_time_token")
    app.add_template_global(list(FundingSource), "funding_sources")
    app.add_template_global(techfields.filter_choices, "technical_field_choices")
    app.add_template_global(year_input)
    app.add_template_test(is_choice_group, "choice_group")
    app.add_template_test(is_message, "message")
