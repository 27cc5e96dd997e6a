"""The assessment pages: the year's table, an institute's assessment and its drill-downs,
evidence and its review, the indicators, and the funding rule with its allocation."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from tracker import db
from tracker.accounts.models import User
from tracker.assessment import columns, corrections, measures, scoring, services
from tracker.assessment.forms import (
    EvidenceCorrectionForm,
    EvidenceForm,
    IndicatorForm,
    ReviewEvidenceForm,
    RuleForm,
)
from tracker.assessment.models import (
    AssessmentYear,
    EvidenceEntry,
    EvidenceFile,
    Indicator,
    Measure,
)
from tracker.dates import EARLIEST, LATEST, today
from tracker.display.formatting import number
from tracker.display.said import listed
from tracker.export import responses as exports
from tracker.organisations.models import Institute
from tracker.web import downloads
from tracker.web.actions import press, submit
from tracker.web.corrections import WithdrawForm, correctable, correction_page, offered, reason_page
from tracker.web.navigation import year_arg
from tracker.web.permissions import acting_user, loaded, requires

bp = Blueprint("assessment", __name__)



def _year(year: int) -> int:
    if not EARLIEST.year <= year <= LATEST.year:
        abort(404)
    return year


def _institute(institute_id: int) -> Institute:
    return loaded(Institute, institute_id,
                  may=lambda institute, user: Indicator.can_view_institute(user, institute))


def _assessment(year: int) -> AssessmentYear | None:
    return db.session.scalar(select(AssessmentYear).where(AssessmentYear.year == year))


@bp.get("/assessment/")
@requires(Indicator.can_list)
def index() -> str | Response:
    """The year's table: HQ sees every score; a director sees every institute's total and
    rank once HQ published the ranking, and until then their own institute's only."""
    user = acting_user()
    year = year_arg() or today().year
    assessment = _assessment(year) or AssessmentYear(year=year, ranking_published=False)
    ranking = assessment.can_view_ranking(user)
    table = scoring.year_table(year)
    rows = table.results if ranking else [r for r in table.results
                                          if r.institute.id in user.directed_institute_ids]
    cols = columns.year_columns(
        year, table.indicators, details=user.sees_whole_portfolio, ranks=ranking,
        opens=lambda institute: Indicator.can_view_institute(user, institute))
    if fmt := exports.requested():
        return exports.send(cols, rows, f"assessment-{year}", fmt,
                            title=_("Assessment %(year)d", year=year))
    return render_template("assessment/index.html", year=year, table=table, columns=cols,
                           rows=rows, assessment=assessment, ranking=ranking,
                           can_decide=AssessmentYear.can_decide(user),
                           can_define=Indicator.can_define(user))


@bp.post("/assessment/<int:year>/publish")
@requires(AssessmentYear.can_decide)
def publish(year: int) -> Response | tuple[str, int]:
    # What the button said when its page was drawn, never the opposite of the state now: two HQ
    # users who both press "Publish" publish it, the second no longer withdrawing it.
    published = request.form.get("publish") != "0"
    return press(lambda: services.publish_ranking(acting_user(), year, published),
                 _("The ranking is published to the directors.") if published
                 else _("The ranking is withdrawn from the directors."),
                 url_for("assessment.index", year=year), lambda: index())


@bp.route("/assessment/<int:year>/indicators", methods=["GET", "POST"])
@requires(Indicator.can_define)
def indicators(year: int) -> str | Response | tuple[str, int]:
    form = IndicatorForm()
    listed = scoring.indicators_of(_year(year))
    return submit(
        form, lambda: services.save_indicator(
            acting_user(), None, year=year, measure=Measure(form.measure.data), name=form.name.data,
            name_en=form.name_en.data, weight=form.weight.data, target=form.target.data,
            is_count=form.is_count.data, position=form.position.data or 0),
        _("Indicator saved."), url_for("assessment.indicators", year=year),
        lambda: render_template("assessment/indicators.html", year=year, form=form,
                                indicators=listed, total=sum(i.weight for i in listed)))


@bp.route("/assessment/indicators/<int:indicator_id>/edit", methods=["GET", "POST"])
@requires(Indicator.can_define)
def edit_indicator(indicator_id: int) -> str | Response | tuple[str, int]:
    indicator = loaded(Indicator, indicator_id, may=None)
    form = IndicatorForm(obj=indicator, editing=True)
    return submit(
        form, lambda: services.save_indicator(
            acting_user(), indicator, year=indicator.year, measure=indicator.measure,
            name=form.name.data, name_en=form.name_en.data, weight=form.weight.data,
            target=form.target.data, is_count=form.is_count.data,
            position=form.position.data or 0),
        _("Indicator saved."), url_for("assessment.indicators", year=indicator.year),
        lambda: render_template("assessment/indicator_form.html", form=form,
                                indicator=indicator), record=indicator)


def _entries(year: int, institute_id: int) -> list[EvidenceEntry]:
    return list(db.session.scalars(
        select(EvidenceEntry).join(Indicator, Indicator.id == EvidenceEntry.indicator_id)
        .where(Indicator.year == year, EvidenceEntry.institute_id == institute_id)
        .options(selectinload(EvidenceEntry.attached).joinedload(EvidenceFile.file),
                 selectinload(EvidenceEntry.indicator),
                 selectinload(EvidenceEntry.entered_by), selectinload(EvidenceEntry.reviewed_by))
        .order_by(EvidenceEntry.entered_at.desc(), EvidenceEntry.id.desc())))


def _institute_page(year: int, institute: Institute, form: EvidenceForm | None = None) -> str:
    user = acting_user()
    table = scoring.year_table(year)
    result = table.of(institute.id)
    assessment = _assessment(year)
    evidence_indicators = [i for i in table.indicators if not i.is_computed]
    # Who enters evidence is told why the form is gone once the year is approved.
    locked = services.locked_refusal(year) if EvidenceEntry.can_enter(user, institute) else None
    if form is None and EvidenceEntry.can_enter(user, institute) and locked is None:
        form = EvidenceForm(indicators=evidence_indicators)
    allocation = next((a for a in assessment.allocations if a.institute_id == institute.id),
                      None) if assessment else None
    entries = _entries(year, institute.id)
    return render_template(
        "assessment/institute.html", year=year, institute=institute, result=result,
        table=table, columns=columns.institute_columns(year, institute.id),
        entries=entries, form=form, locked=locked, allocation=allocation,
        correctable={e.id for e in entries if e.can_correct(user)
                     and corrections.correction_refusal(e) is None},
        withdrawable={e.id for e in entries if e.can_withdraw(user)
                      and corrections.withdrawal_refusal(e, user) is None},
        corrected=corrections.corrected_of(entries), reviewable={
            e.id for e in entries if e.can_review(user) and services.review_refusal(e) is None},
        sees_ranking=bool(assessment and assessment.can_view_ranking(user))
        or user.sees_whole_portfolio)


@bp.get("/assessment/<int:year>/institutes/<int:institute_id>")
@requires(Indicator.can_list)
def institute(year: int, institute_id: int) -> str | Response:
    institute = _institute(institute_id)
    if fmt := exports.requested():
        result = scoring.year_table(_year(year)).of(institute.id)
        return exports.send(columns.institute_columns(year, institute.id),
                            result.lines if result else [],
                            f"assessment-{year}-{institute.code}", fmt,
                            title=_("Assessment %(year)d", year=year))
    return _institute_page(_year(year), institute)


@bp.post("/assessment/<int:year>/institutes/<int:institute_id>/evidence")
@requires(Indicator.can_list)
def enter_evidence(year: int, institute_id: int) -> Response | tuple[str, int]:
    institute = _institute(institute_id)
    if not EvidenceEntry.can_enter(acting_user(), institute):
        abort(403)
    offered(services.locked_refusal(year),
            url_for("assessment.institute", year=year, institute_id=institute.id))
    form = EvidenceForm(indicators=[i for i in scoring.indicators_of(_year(year))
                                    if not i.is_computed])
    return submit(
        form, lambda: services.enter_evidence(
            acting_user(), db.session.get(Indicator, form.indicator_id.data), institute,
            amount=form.amount.data, description=form.description.data,
            uploads=form.uploads()),
        _("Evidence entered: it counts once HQ accepts it."),
        url_for("assessment.institute", year=year, institute_id=institute.id),
        lambda: _institute_page(year, institute, form))


@bp.get("/assessment/<int:year>/institutes/<int:institute_id>/indicators/<int:indicator_id>")
@requires(Indicator.can_list)
def drill_down(year: int, institute_id: int, indicator_id: int) -> str | Response:
    """Exactly the records an indicator counted for the institute, with the date rule."""
    institute = _institute(institute_id)
    # An indicator is of one year: the address of another year's names none.
    indicator = loaded(Indicator, indicator_id, may=None)
    if indicator.year != year:
        abort(404)
    if not indicator.is_computed:
        entries = [e for e in _entries(year, institute.id) if e.indicator_id == indicator.id]
        if fmt := exports.requested():
            return exports.send(columns.EVIDENCE_COLUMNS, entries,
                                f"assessment-{year}-{institute.code}-{indicator.id}", fmt,
                                title=indicator.shown("name"))
        return render_template("assessment/drill_down.html", year=year, institute=institute,
                               indicator=indicator, entries=entries, rows=None,
                               columns=columns.EVIDENCE_COLUMNS,
                               value=sum((e.amount for e in entries if e.counts),
                                         measures.ZERO))
    computation = measures.CATALOGUE[indicator.measure]
    rows = measures.drill_down(indicator.measure, year, institute.id)
    cols = columns.drill_down_columns(indicator.is_money)
    if fmt := exports.requested():
        return exports.send(cols, rows, f"assessment-{year}-{institute.code}-{indicator.id}",
                            fmt, title=indicator.shown("name"))
    return render_template("assessment/drill_down.html", year=year, institute=institute,
                           indicator=indicator, rows=rows, columns=cols, rule=computation.rule,
                           value=measures.value_of(indicator.measure, rows))


def _entry(entry_id: int) -> EvidenceEntry:
    entry = loaded(EvidenceEntry, entry_id)
    return entry


@bp.route("/assessment/evidence/<int:entry_id>/review", methods=["GET", "POST"])
@requires(User.is_hq_admin)
def review(entry_id: int) -> str | Response | tuple[str, int]:
    entry = _entry(entry_id)
    form = ReviewEvidenceForm()
    back = url_for("assessment.institute", year=entry.indicator.year,
                   institute_id=entry.institute_id)
    return submit(
        form, lambda: services.review_evidence(acting_user(), entry,
                                               accept=form.decision.data == "accept",
                                               opinion=form.opinion.data or ""),
        services.reviewed_said, back,
        lambda: render_template("assessment/review.html", form=form, entry=entry, back=back,
                                may_review=entry.can_review(acting_user())
                                and services.review_refusal(entry) is None))


def _evidence_facts(entry: EvidenceEntry) -> list[tuple[str, str]]:
    return [(_("Institute"), entry.institute.shown("name")),
            (_("Indicator"), entry.indicator.shown("name")), (_("Amount"), number(entry.amount)),
            (_("What it is and where it comes from"), entry.description),
            (_("Evidence files"), listed(link.file.original_name
                                        for link in entry.standing_files))]


def _evidence_page(form, entry: EvidenceEntry, back: str, title: str, explanation: str,
                   button: str) -> str:
    return correction_page(form=form, back=back, title=title, facts=_evidence_facts(entry),
                           explanation=explanation, button=button)


def _to_institute(entry: EvidenceEntry) -> str:
    return url_for("assessment.institute", year=entry.indicator.year,
                   institute_id=entry.institute_id) + "#evidence"


@bp.route("/assessment/evidence/<int:entry_id>/correct", methods=["GET", "POST"])
@requires(Indicator.can_list)
def correct_evidence(entry_id: int) -> str | Response | tuple[str, int]:
    """The director corrects an entry before HQ reviews it (otherwise the reason, 409)."""
    entry = correctable(db.session.get(EvidenceEntry, entry_id), EvidenceEntry.can_correct,
                        corrections.correction_refusal, acting_user(), _to_institute)
    form = EvidenceCorrectionForm(obj=entry, entry=entry)
    return submit(
        form, lambda: corrections.correct_evidence(
            acting_user(), entry, amount=form.amount.data, description=form.description.data,
            uploads=form.uploads(), reason=form.reason.data,
            withdrawn_files=form.withdrawn_files.data or []),
        _("Evidence corrected."), _to_institute(entry),
        lambda: _evidence_page(form, entry, _to_institute(entry), _("Correct evidence"),
                               _("The amount and the description are corrected, files added "
                                 "or withdrawn (a file withdrawn stays listed with the entry, "
                                 "marked so); HQ reviews the entry as corrected. The "
                                 "institute's history keeps both, with the reason."),
                               _("Correct the entry")),
        record=entry)


@bp.route("/assessment/evidence/<int:entry_id>/withdraw", methods=["GET", "POST"])
@requires(Indicator.can_list)
def withdraw_evidence(entry_id: int) -> str | Response | tuple[str, int]:
    """The director withdraws what HQ has not accepted, HQ what it accepted (otherwise the
    reason, 409)."""
    entry = correctable(db.session.get(EvidenceEntry, entry_id), EvidenceEntry.can_withdraw,
                        lambda e: corrections.withdrawal_refusal(e, acting_user()), acting_user(),
                        _to_institute)
    return reason_page(
        WithdrawForm(), corrections.withdraw_evidence, entry,
        done=_("Evidence withdrawn: it stays on the institute's page, marked so, and counts in "
               "no score."), back=_to_institute(entry),
        title=_("Withdraw evidence entered by mistake"), facts=_evidence_facts(entry),
        button=_("Withdraw it"),
        explanation=_("The entry stays on the institute's page with its files, marked "
                      "withdrawn; no score counts it."))


@bp.get("/assessment/evidence/<int:entry_id>/files/<int:file_id>")
@requires(Indicator.can_list)
def evidence_file(entry_id: int, file_id: int) -> Response | tuple[str, int]:
    """One of the entry's files, withdrawn ones too, for who may see the entry."""
    entry = _entry(entry_id)
    link = loaded(EvidenceFile, (entry.id, file_id), may=None)
    return downloads.send(link.file)


def _funding_page(year: int, form: RuleForm) -> str:
    """The rule's form while it may change; the approval's button while the allocation may be
    approved, else why not (`services.approval_refusal`; a rule that can't place the pool:
    `problem`)."""
    assessment = services.year_of(year)
    rows, problem = services.allocation_shown(assessment)
    approve_refused = services.approval_refusal(assessment)
    return render_template("assessment/funding.html", year=year, form=form, rows=rows,
                           assessment=assessment, problem=problem,
                           sets_rule=services.locked_refusal(year) is None,
                           approvable=approve_refused is None and problem is None,
                           approve_refused=approve_refused,
                           columns=columns.ALLOCATION_COLUMNS,
                           total=sum((r[2] for r in rows), measures.ZERO))


@bp.route("/assessment/<int:year>/funding", methods=["GET", "POST"])
@requires(AssessmentYear.can_decide)
def funding(year: int) -> str | Response | tuple[str, int]:
    assessment = services.year_of(_year(year))
    form = RuleForm(obj=assessment)
    if fmt := exports.requested():
        rows, _problem = services.allocation_shown(assessment)
        return exports.send(columns.ALLOCATION_COLUMNS, rows, f"allocation-{year}", fmt,
                            title=_("Funding %(year)d", year=year))
    return submit(
        form, lambda: services.set_rule(acting_user(), year, pool=form.pool.data,
                                        score_share=form.score_share.data,
                                        floor=form.floor.data, cap=form.cap.data),
        _("Funding rule saved: the allocation below follows it."),
        url_for("assessment.funding", year=year), lambda: _funding_page(year, form))


@bp.post("/assessment/<int:year>/funding/approve")
@requires(AssessmentYear.can_decide)
def approve(year: int) -> Response | tuple[str, int]:
    return press(lambda: services.approve_allocation(acting_user(), _year(year)),
                 _("Allocation approved: it is recorded as HQ's funding of each institute."),
                 url_for("assessment.funding", year=year),
                 lambda: _funding_page(year, RuleForm(obj=services.year_of(year))))
