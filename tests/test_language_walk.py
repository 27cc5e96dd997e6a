"""One language per page: every page each demo role can reach, walked in Chinese and in English,
shows no string of the catalogue in the other language (a msgid left untranslated on a Chinese
page, a Chinese msgstr on an English one), no word of the other script outside names, codes and
what users typed (reference data included: it is shown in the reader's language), and each form,
sent empty, says what is wrong in the page's language.

The walk follows the links of the pages themselves from the home page, as a user would, taking
one page of each shape (`/projects/<n>` once) so that it stays quick. The same walks are checked
for their furniture and error summaries too (tests/test_forms_speak.py says what), each walk
made once for both.
"""

from __future__ import annotations

import html
import re
from collections import deque
from pathlib import Path
from urllib.parse import urlsplit

import pyotp
import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale
from sqlalchemy import select

from tests.conftest import post, shared_data
from tests.test_forms_speak import page_problems, sent_back_problems
from tracker import db
from tracker.accounts.models import User
from tracker.accounts.services import find_by_email
from tracker.achievements.deal_models import IncomeReceipt, Transfer
from tracker.achievements.models import Achievement, Contributor, IpRight
from tracker.approvals.models import ApprovalStep
from tracker.assessment.models import EvidenceEntry, Indicator
from tracker.budgets.models import BudgetTemplate
from tracker.changes.models import ChangeRequest
from tracker.companies.holder_models import REFERENCES
from tracker.companies.models import Company, ShareEntry, Shareholder
from tracker.contracts.models import ResearchContract
from tracker.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, HQ_NAME, USERS
from tracker.experts.models import Expert
from tracker.files.models import StoredFile
from tracker.gates.models import GateReview, GateTemplate
from tracker.imports.models import ImportRun
from tracker.incentives.models import IncentiveGrant
from tracker.milestones.models import Milestone, ProgressUpdate
from tracker.needs.models import NeedCandidate
from tracker.obligations.models import ReportObligation
from tracker.organisations.models import Enterprise, JointInnovationCentre, TechnologyNeed
from tracker.partners.agreement_models import PartnerAgreement
from tracker.partners.models import Partner
from tracker.partners.payment_models import CoFunderPayment
from tracker.pms.models import PmInterview, PmRecord, PmTeam
from tracker.projects.models import BudgetLine, Project
from tracker.regions.defaults import JIANGSU
from tracker.regions.models import Region
from tracker.techfields.models import TechnicalField
from tracker.web.api import spec

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "tracker/translations/zh/LC_MESSAGES/messages.po"

LINK = re.compile(r'<a\b[^>]*\bhref="(/[^"#]*)"')
FORM = re.compile(r'<form\b[^>]*method="post"[^>]*>(.*?)</form>', re.S | re.I)
ACTION = re.compile(r'<form\b[^>]*\baction="([^"]*)"')
# Not the page's own words: scripts, what the user types into a field (the English value of a
# name, on a Chinese page, when HQ enters both) and codes shown as codes.
SCRIPT = re.compile(r"<(script|style|textarea|code)\b.*?</\1>", re.S | re.I)
TAG = re.compile(r"<[^>]*>")
ATTRIBUTE = re.compile(r'\b(?:placeholder|title|aria-label|alt)="([^"]*)"')
NAME = re.compile(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"')
# What the code would print, never a reader: a Python list.
RAW = re.compile(r"\[\[|\['")
HAN = re.compile(r"[\u4e00-\u9fff]")
# Pages that are no page: files, feeds, exports, the way out.
SKIP = re.compile(r"^/(static|logout|language|files|feed|calendar\.ics)|/download|/export|"
                  r"\.(csv|xlsx|ics|pdf)$|format=")
# A form that would end the walk or change what the walk is about, sent empty.
NOT_SENT = re.compile(r"/(logout|language|account|withdraw|revoke|regenerate|retry|mfa|password)")


def _catalogue() -> tuple[set[str], set[str]]:
    """The English texts a Chinese page must not show and the Chinese an English one must not:
    whole messages without placeholders, translated to something else."""
    with CATALOGUE.open("rb") as f:
        messages = [m for m in read_po(f) if m.id and isinstance(m.id, str)
                    and isinstance(m.string, str) and m.string and m.string != m.id
                    and "%" not in m.id and "{" not in m.id]
    english = {m.id for m in messages if re.search(r"[A-Za-z]{2}", m.id)}
    chinese = {m.string for m in messages if len(HAN.findall(m.string)) >= 2}
    return english, chinese


ENGLISH, CHINESE = _catalogue()
# A message is looked for within a longer text only when it is this long (so a name can't match).
WITHIN = {"zh_CN": 20, "en": 6}


def _by_start(messages: set[str], length: int) -> dict[str, list[str]]:
    """The messages of at least `length` characters, by their first `length`: a text contains
    such a message only where one of its slices of that length starts it."""
    index: dict[str, list[str]] = {}
    for message in messages:
        if len(message) >= length:
            index.setdefault(message[:length], []).append(message)
    return index


WRONG = {"zh_CN": ENGLISH, "en": CHINESE}
WRONG_BY_START = {locale: _by_start(WRONG[locale], n) for locale, n in WITHIN.items()}


def texts(page: str) -> list[str]:
    """What a reader sees: the text between tags, and the attributes that are read aloud or
    shown (placeholders, titles)."""
    body = SCRIPT.sub(" ", page[page.find("<body"):])
    found = [html.unescape(a).strip() for a in ATTRIBUTE.findall(body)]
    found += [html.unescape(t).strip() for t in TAG.sub("\n", body).split("\n")]
    return [t for t in found if t]


# Latin words a Chinese page may show: codes and acronyms that are the same in both languages
# (project codes, e-mail addresses, TRL, CNY, file extensions, product names) and the names of
# the languages in the language switch. People's names and what users typed are allowed in
# either script (`entered`); reference data is not: HQ enters it in both languages.
LATIN_ALLOWED = re.compile(
    r"JITRI[-\w]*|[\w.+-]+@[\w.-]+|\.[a-z]{3,4}\b|\bEnglish\b|"
    r"(?:Microsoft|Google) Authenticator|FreeOTP|\b(?:Word|Excel|PowerPoint)\b|"
    r"\b(?:[A-Z]{2,}[\w-]*|[A-Z]\d+)\b")
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
CHINESE_ALLOWED = re.compile("简体中文")


def entered() -> list[str]:
    """What people typed, in whatever language they typed it, longest first: their names and
    the titles, fields, programmes, budget lines, budget templates' editions, cities
    and file names of the
    demo's records, its milestone's title, deliverable and progress note, its change request's
    reason, its experts' names, units and fields of expertise, the opinions signed at the institute,
    its achievements' titles, descriptions and contributors, the titles of their rights, the
    notes of their income and the reasons of their deals' exceptions, its needs' descriptions,
    fields, reasons for closing and HQ's reasons for its candidates, who its reports owed go to
    when the tracker does not know them. Reference data (institutes, enterprises, centres,
    gates, partners: HQ keeps their names in both languages) is not among them."""
    queries = [select(User.name), select(Project.title), select(Project.field),
               select(Project.programme_name), select(Project.managing_body),
               select(ResearchContract.title), select(TechnologyNeed.title),
               select(BudgetLine.category), select(Enterprise.city),
               select(JointInnovationCentre.city), select(StoredFile.original_name),
               select(EvidenceEntry.description), select(EvidenceEntry.opinion),
               select(Milestone.title), select(Milestone.deliverable),
               select(ProgressUpdate.note), select(ChangeRequest.reason),
               # a budget template's edition: the funder's document number, as issued
               select(BudgetTemplate.edition), select(Expert.name), select(Expert.unit),
               select(ApprovalStep.opinion), select(Achievement.title),
               select(Achievement.description), select(Contributor.name),
               select(IpRight.title), select(IncomeReceipt.note),
               select(Transfer.override_reason), select(TechnologyNeed.description),
               select(TechnologyNeed.close_reason),
               select(NeedCandidate.reason), select(ReportObligation.recipient),
               # the project-manager register: candidates' names (no account yet), teams,
               # reasons and notes; co-funders' payment references; partners' notes
               select(PmRecord.name), select(PmRecord.reason), select(PmRecord.note),
               select(PmInterview.notes), select(PmTeam.name),
               select(CoFunderPayment.reference), select(CoFunderPayment.reason),
               select(Partner.note), select(PartnerAgreement.title),
               select(PartnerAgreement.note),
               # a spin-off's name, legal representative and the holders the app does not
               # know (HQ, an institute, an enterprise, a partner or a user holding shares is
               # named as that record is, in the reader's language), its grants' notes and the
               # reasons their holders left
               select(Company.name), select(Company.legal_representative),
               select(Shareholder.name).where(*(getattr(Shareholder, column).is_(None)
                                                for column in REFERENCES)),
               select(ShareEntry.technology),
               select(IncentiveGrant.note), select(IncentiveGrant.forfeit_reason),
               # the name of a file imported; a region's code (south), which files and the
               # import name it by, the same in both languages as a project's code
               select(ImportRun.filename), select(Region.code)]
    values = {v for q in queries for v in db.session.scalars(q) if v}
    values |= {f for e in db.session.scalars(select(Expert)) for f in e.fields}
    # The demo's regions' codes, the one the walk deleted too (in no institute: its button
    # was sent back before this is read).
    values |= {code for code, _name, _name_en in JIANGSU}
    return sorted(values, key=len, reverse=True)


def typed_in_history() -> list[str]:
    """What HQ typed in both languages (an assessment indicator's two names, a technical
    field's, a gate template's, copied onto each review it opens, and its deliverables'
    names, a partner's name and city, a region's name): the audit trail and the history pages
    show both values of a change (the demo's gate templates are audited as created:
    organisations.starting); the other pages show one."""
    names = {v for q in (select(Indicator.name), select(Indicator.name_en),
                         select(TechnicalField.name), select(TechnicalField.name_en),
                         select(GateReview.name), select(GateReview.name_en),
                         select(Partner.name), select(Partner.name_en),
                         select(Partner.city), select(Partner.city_en),
                         select(Region.name), select(Region.name_en))
             for v in db.session.scalars(q) if v}
    names |= {name for template in db.session.scalars(select(GateTemplate))
              for name in [*template.required_deliverables,
                           *(template.required_deliverables_en or [])] if name}
    return sorted(names, key=len, reverse=True)


HISTORY = re.compile(r"^/(audit|history)/")


def other_script(text: str, locale: str, names: list[str]) -> list[str]:
    """Words of the other script: Latin words on a Chinese page, Chinese on an English one."""
    for name in names:
        text = text.replace(name, " ")
    if locale == "zh_CN":
        return LATIN_WORD.findall(LATIN_ALLOWED.sub(" ", text))
    return HAN.findall(CHINESE_ALLOWED.sub(" ", text))


def leaks(page: str, locale: str, names: list[str] = ()) -> list[str]:
    wrong, by_start, n = WRONG[locale], WRONG_BY_START[locale], WITHIN[locale]
    found = []
    for text in texts(page):
        if text in wrong or RAW.search(text) or other_script(text, locale, names):
            found.append(text)
        elif len(text) > 12:
            # Every message of the other language within the text, found through the slices
            # that start one (the same as testing each message with `in`, without the loop);
            # what people typed is left out (a team named 智能装备项目经理团队 holds the
            # catalogue's 项目经理团队, "PM team", and is still a name).
            for name in names:
                text = text.replace(name, " ")
            starts = {m for i in range(len(text) - n + 1) for m in by_start.get(text[i:i + n], ())}
            found += [m for m in starts if m in text]
    return found


def shape(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def sign_in(app, email: str, locale: str):
    user = find_by_email(email)
    user.locale = locale
    db.session.commit()
    client = app.test_client()
    response = post(client, "/login", {"email": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302, email
    if response.headers["Location"].startswith("/login/code"):
        user.totp_last_step = None
        db.session.commit()
        response = post(client, "/login/code", {"code": pyotp.TOTP(DEMO_TOTP_SECRET).now()})
        assert response.status_code == 302, email
    return client


def walk(client, locale: str) -> dict[str, str]:
    """Every page shape reachable by links from the home page: {path: page}."""
    seen_shapes: set[str] = set()
    pages: dict[str, str] = {}
    queue = deque(["/"])
    while queue:
        path = queue.popleft()
        if shape(path) in seen_shapes or SKIP.search(path):
            continue
        seen_shapes.add(shape(path))
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.content_type:
            continue
        page = response.get_data(as_text=True)
        pages[path] = page
        for link in LINK.findall(page):
            queue.append(urlsplit(html.unescape(link)).path)
    return pages


def sent_back(client, pages: dict[str, str]):
    """Each form of the walked `pages` (but those NOT_SENT) posted with every field empty:
    yields (its target, the page answering it) for each one refused with 400 or 409."""
    for path, page in pages.items():
        for form in FORM.findall(page):
            action = ACTION.search(page[:page.find(form)][-400:] + form)
            target = html.unescape(action.group(1)) if action and action.group(1) else path
            if NOT_SENT.search(target) or not NAME.findall(form):
                continue
            response = post(client, urlsplit(target).path,
                            {name: "" for name in NAME.findall(form) if name != "csrf_token"})
            if response.status_code in (400, 409):
                yield target, response.get_data(as_text=True)


@pytest.fixture(scope="module")
def demo(app, module_connection):
    """The demo data, seeded once for the module's walks; each walk rolls back its own."""
    with shared_data(app, module_connection):
        result = app.test_cli_runner().invoke(args=["demo", "seed"])
        assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def walked(demo) -> dict[tuple[str, str], tuple[dict[str, str], list[tuple[str, str]]]]:
    """Each walk of the module, made once, by (email, locale): its pages and the answers to its
    forms sent back. The language and the furniture of the same pages are checked by two tests
    (below), which read the same walk instead of making it twice."""
    return {}


def walk_of(app, walked: dict, email: str, locale: str):
    """The pages `email` reaches in `locale` and the answers to their forms sent empty."""
    if (email, locale) not in walked:
        client = sign_in(app, email, locale)
        pages = walk(client, locale)
        walked[email, locale] = pages, list(sent_back(client, pages))
    return walked[email, locale]


# The Chinese walk runs the English walk's statements again: make test's PostgreSQL pass
# leaves it out (pyproject.toml, the Makefile).
CHINESE = pytest.param("zh_CN", marks=pytest.mark.second_language)


@pytest.mark.parametrize("locale", [CHINESE, "en"])
@pytest.mark.parametrize("email", [u[0] for u in USERS])
def test_every_page_speaks_one_language(app, walked, email, locale):
    pages, answers = walk_of(app, walked, email, locale)
    # Longest first across both lists: a city 苏州 taken out of 苏州市 would leave 市 behind.
    names = entered()
    history_names = sorted(names + typed_in_history(), key=len, reverse=True)
    assert len(pages) > 3, "the walk found almost nothing: did the sign-in work?"
    problems = {}
    for path, page in pages.items():
        assert f'lang="{"zh" if locale == "zh_CN" else "en"}' in page[:200], path
        found = leaks(page, locale, history_names if HISTORY.search(path) else names)
        if found:
            problems[path] = sorted(set(found))
    # Each form sent empty: its messages, beside the fields or above the page, translated.
    for target, answer in answers:
        found = leaks(answer, locale, names)
        if found:
            problems[f"POST {target}"] = sorted(set(found))
    assert not problems, f"{email} in {locale}: {problems}"
    if "admin" in email:
        assert len(answers) > 5, "the forms were not sent: has their markup changed?"
        # HQ's holding in the demo's spin-off was walked, named in the page's language.
        hq = HQ_NAME[1] if locale == "en" else HQ_NAME[0]
        assert any(hq in page for path, page in pages.items()
                   if re.fullmatch(r"/companies/\d+", path)), "no company page with HQ's holding"


@pytest.mark.parametrize("email,locale", [(u[0], "en") for u in USERS]
                         + [pytest.param("pm@demo.jitri.cn", "zh_CN",
                                         marks=pytest.mark.second_language)])
def test_every_page_and_form_speaks(app, walked, email, locale):
    """The furniture and the error summaries of tests/test_forms_speak.py on the same walk."""
    pages, answers = walk_of(app, walked, email, locale)
    assert len(pages) > 3, "the walk found almost nothing: did the sign-in work?"
    problems = {path: found for path, page in pages.items() if (found := page_problems(page))}
    for target, answer in answers:
        found = sent_back_problems(answer, locale) + page_problems(answer)
        if found:
            problems[f"POST {target}"] = found
    assert not problems, f"{email} in {locale}: {problems}"
    if "admin" in email or "pm@" in email:
        assert len(answers) > 3, "the forms were not sent: has their markup changed?"


# ASCII punctuation between Chinese words, where a Chinese page writes ，：；（）、: a Chinese
# character (or a full-width mark) on one side, within a space, and , : ; ( ) on the other;
# or ( ) around Chinese words (found on the home page: "2026年11月15日 (逾期 14 天)").
HAN_OR_MARK = "[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]"
ASCII_MARK = re.compile(f"{HAN_OR_MARK} ?[,:;(]|[,:;)] ?{HAN_OR_MARK}|"
                        f"\\( ?{HAN_OR_MARK}|{HAN_OR_MARK} ?\\)")


def _parsed_examples() -> list[str]:
    """What stays as written: the import formats' examples and descriptions, which the
    importer parses (李明团队 | 研发团队 | 6000000; 设备费: 1000000), as the catalogue says
    them: the messages whose English says how a cell is written."""
    with CATALOGUE.open("rb") as f:
        return sorted({m.string for m in read_po(f) if isinstance(m.string, str) and m.string
                       and ASCII_MARK.search(m.string)}, key=len, reverse=True)


def ascii_marks(page: str, names: list[str]) -> list[str]:
    found = []
    for text in texts(page):
        for name in names:
            text = text.replace(name, " ")
        if ASCII_MARK.search(text):
            found.append(text)
    return found


@pytest.mark.second_language
@pytest.mark.parametrize("email", [u[0] for u in USERS])
def test_chinese_pages_write_chinese_punctuation(app, walked, email):
    """A Chinese page joins lists with 、 and writes ：（） between Chinese words, whatever
    put the text together (a template, a message, a list joined in code); what users typed and
    the import formats' parsed examples stay as written."""
    pages, answers = walk_of(app, walked, email, "zh_CN")
    names = sorted(entered() + typed_in_history() + _parsed_examples(), key=len, reverse=True)
    problems = {path: found for path, page in [*pages.items(), *answers]
                if (found := ascii_marks(page, names))}
    assert not problems, f"{email}: {problems}"


@pytest.mark.parametrize("locale", [CHINESE, "en"])
def test_the_api_help_says_the_descriptions_in_the_readers_language(app, client, locale):
    """/help/api shows the OpenAPI document for people: the descriptions the code gives in
    English (each operation's, parameter's and answer's) are said in the page's language, each
    of them on the page; what the code names (paths, parameters, schemas) stays code. The JSON
    document itself (/api/v1/openapi.json) keeps them in English."""
    post(client, "/language", {"locale": locale})
    page = client.get("/help/api").get_data(as_text=True)
    assert f'lang="{"zh" if locale == "zh_CN" else "en"}' in page[:200]
    assert not leaks(page, locale), leaks(page, locale)
    with app.test_request_context(), force_locale(locale):
        said = spec.said(spec.document())
    assert len(said) > 20, "the help page says almost nothing: has the document changed?"
    missing = [english for english, shown in said.items() if shown not in page]
    assert not missing
    if locale == "zh_CN":
        assert "请求过多：请等待 <code>Retry-After</code> 所示的秒数。" in page
        assert not [english for english, shown in said.items() if shown == english]
