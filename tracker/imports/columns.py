"""The columns of each kind of import: the one list that the reader, the templates, the error
messages and the README table are made from.

A column's key is the name of the form field its cells fill (a reference such as the
enterprise of a centre is given by its natural key and found before the form sees it). Its
header is a translated string: the English text and its Chinese translation are both accepted
as headers, and so is the key itself.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from tracker.accounts.models import GRANTABLE_ROLES, Role
from tracker.contracts.models import ContractType
from tracker.funding.models import AgreementOutcome
from tracker.imports.column_types import (
    DATE_NOTE,
    NAME_EN_NOTE,
    Column,
    Former,
    Kind,
    Need,
    Ref,
)
from tracker.imports.grant_columns import INCENTIVE_GRANTS
from tracker.imports.ip_columns import ACHIEVEMENTS, IP_DEALS
from tracker.milestones.models import MilestoneState
from tracker.organisations.models import (
    RECOGNITIONS,
    EnterpriseSize,
    InstituteType,
    NeedState,
)
from tracker.projects.funding import FundingSource, ProgrammeLevel
from tracker.projects.lifecycle import GATE_PHASE, Phase
from tracker.projects.models import ProjectType

# The header of an institute's and a project's `field` before it read as the form's label
# (a newcomer read "Field" in the file and "Field as described" on the form). A header whose
# Chinese alone changed keeps its former Chinese as a `Former` (gate is 阶段门, HOLD 暂缓, a
# tranche 拨付批次 in every message now): tests/imports/test_headers_ever_published.py.
FIELD_HEADERS_BEFORE = (_l("Field"),)
# What adopters' own registers head a city and a founding date with (issue 13, F1, F3).
CITY_HEADERS = (_l("City located in"), _l("Located in"))
FOUNDED_HEADERS = (_l("Date founded"), _l("Established on"))

INSTITUTES = Kind("institutes", _l("Institutes"), (
    Column("code", _l("Code"), True, _l("Short and unique, for example JITRI-AM.")),
    Column("name", _l("Name"), True, synonyms=(_l("Institute name"),)),
    Column("name_en", _l("Name in English"), note=NAME_EN_NOTE),
    Column("field", _l("Field as described"), True, aliases=FIELD_HEADERS_BEFORE),
    Column("field_en", _l("Field in English")),
    Column("type", _l("Type"), True, choices=InstituteType),
    Column("founded_on", _l("Founded on"), note=DATE_NOTE, is_date=True,
           synonyms=FOUNDED_HEADERS),
    Column("director_id", _l("Director's e-mail"), ref=Ref.USER,
           note=_l("An existing account: import users first. Empty: no director; a file "
                   "without the column keeps the director.")),
    Column("region_id", _l("Region"), ref=Ref.REGION,
           note=_l("One of the headquarters' regions (on the Regions page), by its code or "
                   "its name in either language.")),
    Column("city", _l("City"), synonyms=CITY_HEADERS),
    Column("city_en", _l("City in English")),
    Column("legal_entity", _l("A legal entity of its own"), is_flag=True,
           note=_l("Yes or no; empty: no.")),
    Column("uscc", _l("Unified social credit code"),
           note=_l("Of an institute that is a legal entity of its own.")),
    Column("partner_ids", _l("Co-building partners"), ref=Ref.PARTNER, many=True,
           note=_l("Universities, research institutes or government bodies on record (entered on "
                   "their pages), each by its name or credit code, separated by semicolons; "
                   "the institute is built with exactly these. Empty: none; a file without "
                   "the column keeps them.")),
), key=("code",), needs=(Need.HQ,))  # an institute belongs to the headquarters

ENTERPRISES = Kind("enterprises", _l("Enterprises"), (
    Column("name", _l("Name"), True, synonyms=(_l("Enterprise name"),)),
    Column("name_en", _l("Name in English"), note=NAME_EN_NOTE),
    Column("uscc", _l("Unified social credit code"),
           note=_l("18 characters; without one, the name identifies the enterprise.")),
    Column("city", _l("City"), synonyms=CITY_HEADERS),
    Column("city_en", _l("City in English")),
    Column("industry", _l("Industry")),
    Column("industry_en", _l("Industry in English")),
    Column("size", _l("Enterprise size"), choices=EnterpriseSize),
    *(Column(key, label, note=_l("The year it was granted; empty: not recognised."))
      for key, label in RECOGNITIONS.items()),
), key=("uscc", "name"))

USERS = Kind("users", _l("Users"), (
    Column("email", _l("E-mail"), True),
    Column("name", _l("Full name"), True),
    Column("roles", _l("Roles"), choices=Role, many=True, offered=tuple(GRANTABLE_ROLES),
           shortened=False,
           note=_l("Several separated by commas; empty: no role (a user's roles are these, "
                   "and a project manager leading projects under way keeps that role); a "
                   "director is named on the institute.")),
    Column("locale", _l("Language"), note=_l(
        "简体中文 (zh_CN) or English (en), by its name in either language, whole or shortened "
        "(Simplified Chinese, Chinese), its code or a language tag (zh, en-US); empty: as the "
        "browser asks.")),
    Column("institute_id", _l("Institute code"), ref=Ref.INSTITUTE),
    Column("enterprise_id", _l("Enterprise credit code or name"), ref=Ref.ENTERPRISE),
    Column("staff_number", _l("Staff number"),
           note=_l("In the organisation's identity service, for single sign-on; another "
                   "account's is refused; empty: none (a file without the column keeps it).")),
    Column("active", _l("Active"), note=_l("Yes or no; empty: yes."), is_flag=True),
), key=("email",))

CENTRES = Kind("centres", _l("Joint innovation centres"), (
    Column("name", _l("Name"), True, synonyms=(_l("Centre name"),)),
    Column("name_en", _l("Name in English"), note=NAME_EN_NOTE),
    Column("enterprise_id", _l("Enterprise credit code or name"), True, ref=Ref.ENTERPRISE),
    Column("established_on", _l("Established on"), note=DATE_NOTE, is_date=True),
    Column("city", _l("City"), synonyms=CITY_HEADERS),
    Column("city_en", _l("City in English")),
    Column("liaison_id", _l("Liaison's e-mail"), ref=Ref.USER,
           note=_l("An existing account: import users first.")),
), key=("enterprise_id", "name"))

NEEDS = Kind("needs", _l("Technology needs"), (
    Column("title", _l("Title"), True, synonyms=(_l("Need name"),)),
    Column("enterprise_id", _l("Enterprise credit code or name"), True, ref=Ref.ENTERPRISE),
    Column("description", _l("Description")),
    Column("centre_id", _l("Joint innovation centre"), ref=Ref.CENTRE, within="enterprise_id",
           note=_l("The centre's name; it must belong to the same enterprise.")),
    Column("institute_id", _l("Matched to institute (code)"), ref=Ref.INSTITUTE),
    Column("intended_investment", _l("Intended investment (CNY)")),
    Column("state", _l("State"), True, choices=NeedState),
    Column("recorded_on", _l("Recorded on"), is_date=True,
           note=_l("The day the need was recorded (its intake), such as 2016-03-15: not in "
                   "the future. Empty: the day of the import. Read for a new need: a need on "
                   "record keeps its day, and a row giving another is refused.")),
    Column("matched_on", _l("Matched on"), is_date=True,
           note=_l("The day HQ matched it, for a need matched, contracted or closed after its "
                   "match: not before the day it was recorded (given beside it), nor in the "
                   "future. Empty: no day of its match. Read for a new need, as Recorded on.")),
), key=("enterprise_id", "title"))

PROJECTS = Kind("projects", _l("Projects"), (
    Column("code", _l("Project code"), True,
           note=_l("The code it had: of the tracker's form, such as JITRI-2019-0042, whose "
                   "number the codes it gives then go past; or another the institute used, "
                   "such as JITRI-AM-2026-0001, kept as written (letters, digits and - _ . ( "
                   "), at most 40); empty for a draft.")),
    Column("title", _l("Title"), True,
           synonyms=(_l("Project name"), _l("Project title"), _l("Name"))),
    Column("summary", _l("Summary")),
    Column("field", _l("Field as described"), True, aliases=FIELD_HEADERS_BEFORE),
    Column("type", _l("Type"), True, choices=ProjectType),
    Column("funding_source", _l("Funding source"), choices=FundingSource,
           note=_l("Empty: own funds. An enterprise-funded project names its partner "
                   "enterprise.")),
    Column("programme_level", _l("Programme level"), choices=ProgrammeLevel,
           note=_l("For a government programme (required then).")),
    Column("programme_name", _l("Programme"),
           note=_l("For a government programme (required then).")),
    Column("funder_project_number", _l("The funder's project number")),
    Column("managing_body", _l("Managing body")),
    Column("institute_id", _l("Institute code"), True, ref=Ref.INSTITUTE),
    Column("pm_id", _l("Project manager's e-mail"), True, ref=Ref.USER),
    Column("member_ids", _l("Team members' e-mails"), ref=Ref.USER, many=True,
           note=_l("Several separated by commas; the PM is not listed.")),
    Column("partner_enterprise_id", _l("Partner enterprise credit code or name"),
           ref=Ref.ENTERPRISE),
    Column("need_id", _l("Technology need (title)"), ref=Ref.NEED, within="partner_enterprise_id",
           note=_l("Read among the partner enterprise's needs first: two enterprises may "
                   "state needs of the same title.")),
    Column("trl_now", _l("TRL now"), True),
    Column("trl_target", _l("TRL targeted"), True),
    Column("budget_total", _l("Budget total (CNY)"), True),
    Column("budget_template", _l("Budget template (code)"),
           note=_l("Empty: the default template for a new project, the project's own for one "
                   "already recorded.")),
    Column("budget_lines", _l("Budget lines"),
           note=_l("Category: amount, separated by semicolons, e.g. Equipment: 1000000; "
                   "Labour: 500000; each a category of the template (its code or either "
                   "name)."), amounts=True),
    Column("start_date", _l("Start date"), True, note=DATE_NOTE, is_date=True),
    Column("end_date", _l("End date"), True, note=DATE_NOTE, is_date=True),
    Column("phase", _l("Phase"), True, choices=Phase, decides=True,
           note=_l("Any phase; each gate passed on the way is recorded as an imported GO, "
                   "and the last decision of a project ended or held as an imported GO "
                   "(completed), KILL or HOLD.")),
    Column("gates_passed_on", _l("Gates passed on"), aliases=(Former("zh", "关口通过日期"),),
           note=_l("The date of each decision, e.g. 1: 2024-03-01; 2: 2025-06-30, for every "
                   "gate the project's route passes and those only (those before its phase; "
                   "for a project ended or held, up to the gate of the phase it ended or was "
                   "held in), in the gates' order and none in the future; past gate 1, none "
                   "before the start date. A gate without its date is refused: an import "
                   "makes up no day.")),
    Column("conditions", _l("Conditions of a CONDITIONAL GO"),
           note=_l("A gate passed with conditions is imported as a CONDITIONAL GO with them: "
                   "gate: condition | owner's e-mail (the PM or a team member) | due date | "
                   "state (open, met or cleared; empty: open) | the day it was met | the day "
                   "it was cleared, separated by semicolons, e.g. 1: Pilot data | "
                   "pm@example.cn | 2024-06-30 | cleared | 2024-06-20 | 2024-06-25. The days "
                   "may be left out: none is then kept, and the project's page says so; given, "
                   "neither is in the future nor before the decision, and it was cleared after "
                   "it was met.")),
    Column("ended_in", _l("Ended or held in"), choices=Phase, offered=tuple(GATE_PHASE.values()),
           decides=True, aliases=(Former("zh", "结束或暂停时所在阶段"),),
           note=_l("For a project completed, terminated, rejected or on hold: the phase whose "
                   "gate decided it (empty: contract research; proposal review for a rejected "
                   "one). Its date is that gate's in Gates passed on.")),
    Column("rationale", _l("Rationale of the KILL"),
           note=_l("Required for a project terminated or rejected.")),
    Column("revisit_date", _l("Revisit date"), note=_l(
        "Required for a project on hold: the revisit date its HOLD set, after the day it was "
        "held (its gate's date in Gates passed on). One passed already is kept as decided: "
        "HQ is reminded of it once."), is_date=True),
    Column("terminated_on", _l("Terminated while on hold on"), is_date=True, note=_l(
        "For a project terminated by HQ while it was on hold, without a gate: the day it was "
        "ended, neither before its HOLD nor in the future. The HOLD is its decision in the "
        "phase Ended or held in names, on that gate's date, with its Revisit date (after the "
        "day it was held); Rationale of the KILL gives why HQ ended it.")),
    Column("holds", _l("Held and resumed"), note=_l(
        "Each time the project was put on hold at a gate and resumed by HQ since: gate: the "
        "day held | its revisit date | the day resumed | why it resumed, separated by "
        "semicolons, e.g. 2: 2020-05-01 | 2020-11-30 | 2020-09-01 | the partner's funds came "
        "through. At the gate of a phase it was in, before that gate's decision.")),
), key=("code", "pm_id", "title"),  # a draft has no code: its PM and title find it
    # its code begins with the headquarters'; each gate it passed is an imported decision,
    # whose review copies the gate's template
    needs=(Need.HQ, Need.GATE_TEMPLATES))

MILESTONES = Kind("milestones", _l("Milestones"), (
    Column("project_id", _l("Project code"), True, ref=Ref.PROJECT),
    Column("title", _l("Title"), True, synonyms=(_l("Milestone name"),)),
    Column("phase", _l("Phase"), True, choices=Phase, offered=tuple(GATE_PHASE.values()),
           note=_l("The phase it belongs to, closed by a gate.")),
    Column("deliverable", _l("Deliverable")),
    Column("due_date", _l("Due date"), True, note=DATE_NOTE, is_date=True),
    Column("weight", _l("Weight"), note=_l(
        "The milestone's share of the project's progress beside its other milestones, from 0 "
        "to 9,999.99. Empty: 1.")),
    Column("state", _l("State"), choices=MilestoneState, note=_l("Empty: planned."),
           decides=True),
    Column("percent_complete", _l("Percent complete"), note=_l("0 to 100; empty: 0.")),
    Column("reviewer_id", _l("Reviewer's e-mail"), ref=Ref.USER),
    Column("waiver_reason", _l("Waiver reason"), note=_l("Required for a waived milestone.")),
    Column("submitted_on", _l("Submitted on"), is_date=True, note=_l(
        "The day it was submitted for review, such as 2026-03-02, neither in the future nor "
        "before the project's start: required for a submitted milestone (its review falls due "
        "from that day); for an accepted one, empty keeps no day of its submission, and it "
        "counts neither on time nor late; for no other state. Read for a new milestone: one on "
        "record keeps its day, and a row giving another is refused.")),
), key=("project_id", "title"))

CONTRACTS = Kind("contracts", _l("Research contracts"), (
    Column("project_id", _l("Project code"), True, ref=Ref.PROJECT),
    Column("number", _l("Contract number"), True,
           note=_l("Unique in the project's institute: a second import finds the contract by "
                   "it.")),
    Column("title", _l("Title"), True, synonyms=(_l("Contract name"),)),
    Column("enterprise_id", _l("Enterprise credit code or name"), True, ref=Ref.ENTERPRISE),
    Column("type", _l("Type"), True, choices=ContractType),
    Column("amount", _l("Amount (CNY)"), True),
    Column("signed_on", _l("Signed on"), True, note=DATE_NOTE, is_date=True),
    Column("instalments", _l("Instalments"),
           note=_l("Due date: amount, separated by semicolons, e.g. 2024-06-30: 1000000; "
                   "2024-12-31: 2000000."), amounts=True),
    Column("payments", _l("Payments received"),
           note=_l("Instalment number (1 is the earliest due): date received: amount, e.g. "
                   "1: 2024-07-05: 1000000; 2: 2025-01-10: 500000."), reversible=True,
           amounts=True),
), key=("project_id", "number"))

FUNDING = Kind("funding", _l("Allocation-investment agreements"), (
    Column("project_id", _l("Project code"), True, ref=Ref.PROJECT,
           note=_l("One agreement a project: a second import finds it by its project.")),
    Column("decided_by_id", _l("Committee member's e-mail"), True, ref=Ref.USER,
           note=_l("The investment committee member who recorded it: the agreement, its "
                   "tranches, disbursements and outcome are recorded as theirs.")),
    Column("committed", _l("Committed by HQ (CNY)"), True),
    Column("hq_ratio", _l("HQ's part of the ratio"), note=_l("1 in 1:1:1; empty: 1.")),
    Column("co_funders", _l("Co-funders"),
           note=_l("Name: ratio, separated by semicolons, e.g. Suzhou: 1; Industrial Park: 1.")),
    Column("discount_pct", _l("Discount on conversion (%)"), note=_l("Empty: the setting.")),
    Column("qualifying_round_min", _l("Smallest qualifying round (CNY)"), True),
    Column("signed_on", _l("Signed on"), True, note=DATE_NOTE, is_date=True),
    Column("conversion_deadline", _l("Conversion deadline"), True, note=DATE_NOTE,
           is_date=True),
    Column("tranches", _l("Tranches"), aliases=(Former("zh", "分期拨付"),),
           note=_l("Amount | released when (gate 1 to 4, or the title of one of the "
                   "project's milestones), separated by semicolons, e.g. 1000000 | gate 1; "
                   "2000000 | Pilot line. Numbered in this order."), amounts=True),
    Column("disbursements", _l("Disbursements"),
           note=_l("Tranche number: date paid: amount: payment reference (if any), e.g. "
                   "1: 2020-03-01: 1000000: HQ-2020-017; 2: 2021-05-10: 500000."),
           reversible=True, amounts=True),
    Column("outcome", _l("Outcome after the deadline"), choices=AgreementOutcome,
           offered=(AgreementOutcome.GRANT, AgreementOutcome.REPAID,
                    AgreementOutcome.SUBSTITUTED),
           note=_l("Closed as a grant, repaid or substituted, once the deadline has passed "
                   "with no conversion; empty: none yet.")),
    Column("outcome_on", _l("Outcome dated"), note=DATE_NOTE, is_date=True),
    Column("repaid_amount", _l("Amount repaid (CNY)"), note=_l("For a repaid agreement.")),
    Column("substitute", _l("Substituted by (project code)"),
           note=_l("For a substituted agreement.")),
    Column("outcome_note", _l("Note on the outcome")),
    Column("co_funder_payments", _l("Co-funders' payments"),
           note=_l("Co-funder: date paid: amount: payment reference (if any), each co-funder "
                   "by its name in Co-funders, separated by semicolons, e.g. Suzhou: "
                   "2020-04-01: 1000000: SZ-2020-03."), reversible=True, amounts=True),
), key=("project_id",))

COMPANIES = Kind("companies", _l("Companies"), (
    Column("name", _l("Name"), True, synonyms=(_l("Company name"),)),
    Column("uscc", _l("Unified social credit code"),
           note=_l("18 characters; empty until the company is registered, and then the name "
                   "identifies it.")),
    Column("registered_on", _l("Registration date"), note=DATE_NOTE, is_date=True),
    Column("registered_capital", _l("Registered capital (CNY)")),
    Column("legal_representative", _l("Legal representative")),
    Column("project_ids", _l("Project codes"), True, ref=Ref.PROJECT, many=True,
           note=_l("The projects it comes from, separated by commas: each one HQ decided to "
                   "invest in (past gate 2).")),
    Column("incorporated_on", _l("Incorporated on"),
           note=_l("The date of the cap table that stands (empty: every one was voided)."),
           is_date=True),
    Column("total_shares", _l("Shares issued in total"),
           note=_l("Of the cap table that stands; empty: its holders' shares added up.")),
    Column("holdings", _l("Cap table at incorporation"),
           note=_l("Holder | type | shares | paid with (cash or IP) | technology (for IP) | "
                   "locked up until, the last three if any, separated by semicolons, e.g. "
                   "Team Li | team | 6000000 | ip | Sensor | 2027-12-31; HQ | hq | 3000000. A "
                   "table voided whole on the company's page and entered again: its holdings, "
                   "then void | its date | the reason, then the table entered again, e.g. "
                   "Team Li | team | 6000000; HQ | hq | 4000000; void | 2020-03-01 | the split "
                   "was agreed otherwise; Team Li | team | 7000000; HQ | hq | 3000000."),
           reversible=True),
    Column("rounds", _l("Financing rounds"),
           note=_l("Name | date closed | pre-money valuation (CNY) | investors as name: type: "
                   "amount, with : lead after the lead investor, separated by commas; rounds "
                   "separated by semicolons, e.g. A | 2022-05-01 | 30000000 | Fund X: "
                   "investor: 8000000: lead, City fund: state_fund: 2000000."), reversible=True,
           amounts=True),
    Column("issues", _l("Later share issues"),
           note=_l("Shares issued after incorporation (a capital increase, the incentive pool "
                   "topped up): holder | type | shares | date issued | paid with (cash or IP) | "
                   "technology (for IP) | locked up until, the last three if any, separated by "
                   "semicolons, e.g. Fund Y | investor | 500000 | 2023-06-01."),
           reversible=True),
    Column("transfers", _l("Share transfers"),
           note=_l("From | to | the receiver's type | shares | date transferred | locked up "
                   "until (if any), separated by semicolons, e.g. Team Li | Fund Y | investor | "
                   "200000 | 2023-07-01."), reversible=True),
    Column("conversions", _l("Conversions of allocation-investment money"),
           note=_l("Project code | round name, separated by semicolons, e.g. TEST-2019-0042 | "
                   "A: the project's allocation-investment agreement (import funding first) "
                   "converts the money disbursed at that round of the company, recorded by the "
                   "committee member who recorded the agreement. A disbursement reversed once "
                   "the conversion of its money was: reversal | the project code, disbursement "
                   "and its number in the funding file's Disbursements | date reversed | "
                   "reason, after the conversion's reversal, e.g. reversal | TEST-2019-0042 "
                   "disbursement 1 | 2023-01-12 | paid twice."), reversible=True),
    Column("reversed_exits", _l("Exits reversed"),
           note=_l("Each exit reversed on the company's page, written as in Exit and followed "
                   "by its reversal, e.g. acquisition | 2024-01-10 | 90000000; reversal | 1 | "
                   "2024-01-20 | the deal fell through. Recorded with the rest of the ledger, "
                   "in date order, by the first import (the one without Exit), so that what "
                   "came after the reversal, in this file or the grants file, comes after it."),
           reversible=True, amounts=True),
    Column("exit", _l("Exit"),
           note=_l("The exit that stands: acquisition, listing or dissolution | date | "
                   "proceeds (CNY) | note (if any), e.g. acquisition | 2025-06-30 | 80000000. "
                   "Recorded after every other entry, it closes the ledger: import the file "
                   "without this column first, then the grants, then the file with it. An exit "
                   "reversed is written in Exits reversed."), amounts=True),
    Column("recorded_order", _l("Order recorded on one day"),
           note=_l("Where entries of one day were recorded in another order than the rule "
                   "below: each entry of that day by its column's key and its number in that "
                   "cell, in the order recorded, separated by semicolons, e.g. issues 2; "
                   "transfers 1; issues 3. Empty: on one day, an exit's reversal first, then "
                   "the issues, transfers and rounds (each round's conversions after it), then "
                   "the reversals of conversions, transfers, rounds and issues, and an exit "
                   "that stands last. The export writes it for every day recorded otherwise.")),
), key=("uscc", "name"))

KINDS: dict[str, Kind] = {k.name: k for k in (INSTITUTES, ENTERPRISES, USERS, CENTRES, NEEDS,
                                                PROJECTS, MILESTONES, CONTRACTS, FUNDING,
                                                COMPANIES, INCENTIVE_GRANTS, ACHIEVEMENTS,
                                                IP_DEALS)}


def normalise_header(text: str) -> str:
    return "".join(str(text or "").split()).casefold().replace("（", "(").replace("）", ")")
