"""Every number HQ may tune, with its default: the numbers of the domain and the offsets of the
reminder ladders. One place, assembled here explicitly.

Code reads a setting with ``tracker.settings.services.get(KEY)``; never write the number itself.
HQ admins edit them all at /admin/settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from tracker.reminders.rules import RULES


@dataclass(frozen=True)
class SettingDef:
    key: str
    default: Decimal | int
    label: object  # a lazy string
    minimum: Decimal | int = 0
    maximum: Decimal | int | None = None
    # Why nothing below `minimum` is allowed, when a law says so (a lazy string): said to
    # whoever tries, in place of the bare bound.
    minimum_why: object = None

    @property
    def kind(self) -> type:
        return type(self.default)


REBASELINE_APPROVAL_DAYS = "rebaseline_approval_days"
BUDGET_CHANGE_THRESHOLD_PCT = "budget_change_threshold_pct"
TEAM_HOLDING_MIN_PCT = "team_holding_min_pct"
TEAM_HOLDING_MAX_PCT = "team_holding_max_pct"
CONTRIBUTOR_EQUITY_MIN_PCT = "contributor_equity_min_pct"
IP_INCOME_CONTRIBUTOR_MIN_PCT = "ip_income_contributor_min_pct"
OPTION_EXERCISE_WINDOW_DAYS = "option_exercise_window_days"
CONVERSION_DISCOUNT_PCT = "conversion_discount_pct"
SESSION_IDLE_MINUTES = "session_idle_minutes"
SESSION_LIFETIME_HOURS = "session_lifetime_hours"
EVENT_QUIET_MINUTES = "event_quiet_minutes"
INDIRECT_TIER1_UPTO = "indirect_tier1_upto"
INDIRECT_TIER1_PCT = "indirect_tier1_pct"
INDIRECT_TIER2_UPTO = "indirect_tier2_upto"
INDIRECT_TIER2_PCT = "indirect_tier2_pct"
INDIRECT_TIER3_PCT = "indirect_tier3_pct"
EXPERT_COLLABORATION_YEARS = "expert_collaboration_years"
CENTRE_DORMANT_MONTHS = "centre_dormant_months"

DOMAIN: list[SettingDef] = [
    SettingDef(
        REBASELINE_APPROVAL_DAYS,
        30,
        _l("Milestone due-date move needing HQ approval (days)"),
    ),
    # Under the PM system the PM moves money between budget lines on their own up to this
    # share of the total, counted over the project's life; beyond it HQ approves.
    SettingDef(
        BUDGET_CHANGE_THRESHOLD_PCT,
        Decimal("10"),
        _l("Budget moved between lines without HQ approval over the project's life, as a "
           "share of the total: at most (%)"),
        maximum=Decimal("100"),
    ),
    SettingDef(
        TEAM_HOLDING_MIN_PCT,
        Decimal("50"),
        _l("Team holding at incorporation: more than (%)"),
        maximum=Decimal("100"),
    ),
    SettingDef(
        TEAM_HOLDING_MAX_PCT,
        Decimal("90"),
        _l("Team holding at incorporation: at most (%)"),
        maximum=Decimal("100"),
    ),
    SettingDef(
        CONTRIBUTOR_EQUITY_MIN_PCT,
        Decimal("50"),
        _l("Share of technology equity due to its contributors: at least (%)"),
        maximum=Decimal("100"),
    ),
    # Article 45 for income (tracker/achievements/deals.py): of the net income of a transfer or
    # licence, at least this much goes to the achievement's contributors; a deal below it
    # names its reason.
    SettingDef(
        IP_INCOME_CONTRIBUTOR_MIN_PCT,
        Decimal("50"),
        _l("Share of the net income of a transfer or licence due to its contributors: "
           "at least (%)"),
        minimum=Decimal("50"),
        maximum=Decimal("100"),
        minimum_why=_l("At least 50 per cent: article 45 of the law on transforming "
                       "achievements gives the contributors no less than half of the net "
                       "income of a transfer or licence. Set it higher, never lower."),
    ),
    # Equity incentives (tracker/incentives): a leaver's vested options stay exercisable this
    # long, unless the grant says otherwise; then they lapse.
    SettingDef(
        OPTION_EXERCISE_WINDOW_DAYS,
        90,
        _l("Vested options of a holder who left: exercisable for (days)"),
        maximum=3650,
    ),
    SettingDef(
        CONVERSION_DISCOUNT_PCT,
        Decimal("0"),
        _l("Default discount on conversion to equity (%)"),
        maximum=Decimal("100"),
    ),
    # Recusal (tracker/experts/recusal.py): an expert who worked on a project with the PM
    # within this many years is not drawn for the PM's projects.
    SettingDef(
        EXPERT_COLLABORATION_YEARS,
        3,
        _l("An expert who worked with the project manager within this many years is not "
           "drawn for their projects (years)"),
        maximum=20,
    ),
]

# The institute network (tracker/centres): a joint innovation centre in its term that has raised
# no need for this long is dormant, and HQ sees it so.
NETWORK: list[SettingDef] = [
    SettingDef(
        CENTRE_DORMANT_MONTHS,
        6,
        _l("A joint innovation centre that has raised no need for this long is dormant "
           "(months)"),
        minimum=1,
        maximum=120,
    ),
]

# The national cap on indirect costs (国办发〔2021〕32号), on the direct costs less equipment
# purchase, progressive by tier as income tax is: each rate applies to the part of the base in
# its tier (tracker/budgets/caps.py). Templates whose rule is "national tiers" read them.
BUDGETS: list[SettingDef] = [
    SettingDef(
        INDIRECT_TIER1_UPTO,
        Decimal("5000000"),
        _l("Indirect costs, first tier: direct costs less equipment purchase up to (CNY)"),
        maximum=Decimal("1e15"),
    ),
    SettingDef(
        INDIRECT_TIER1_PCT,
        Decimal("30"),
        _l("Indirect costs, first tier: at most (%)"),
        maximum=Decimal("100"),
    ),
    SettingDef(
        INDIRECT_TIER2_UPTO,
        Decimal("10000000"),
        _l("Indirect costs, second tier: the part above the first, up to (CNY)"),
        maximum=Decimal("1e15"),
    ),
    SettingDef(
        INDIRECT_TIER2_PCT,
        Decimal("25"),
        _l("Indirect costs, second tier: at most (%)"),
        maximum=Decimal("100"),
    ),
    SettingDef(
        INDIRECT_TIER3_PCT,
        Decimal("20"),
        _l("Indirect costs, the part above the second tier: at most (%)"),
        maximum=Decimal("100"),
    ),
]

# How long a signed-in session lasts (tracker/accounts/sessions.py).
SESSIONS: list[SettingDef] = [
    SettingDef(
        SESSION_IDLE_MINUTES,
        30,
        _l("A session left unused this long ends (minutes)"),
        minimum=1,
        maximum=24 * 60,
    ),
    SettingDef(
        SESSION_LIFETIME_HOURS,
        12,
        _l("A session ends this long after its login, used or not (hours)"),
        minimum=1,
        maximum=7 * 24,
    ),
]

# Events (tracker/notifications/events.py): a burst on one item within this window is one
# message.
NOTIFICATIONS: list[SettingDef] = [
    SettingDef(
        EVENT_QUIET_MINUTES,
        5,
        _l("Events on one item within this many minutes make one message (minutes)"),
        minimum=0,
        maximum=60,
    ),
]

# A ladder's offsets in days (a year at most), one setting per step of each reminder rule.
LADDERS: list[SettingDef] = [
    SettingDef(rule.setting_key(step), step.default, step.label, minimum=0, maximum=366)
    for rule in RULES.values()
    for step in rule.steps
]

CATALOGUE: dict[str, SettingDef] = {
    s.key: s for s in [*DOMAIN, *NETWORK, *BUDGETS, *SESSIONS, *NOTIFICATIONS, *LADDERS]}
